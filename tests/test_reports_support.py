"""Shared builders for the report tests and benchmark: cases, a template, photos, a clock.

Real parts only: inspections go through the Store API into a real SQLite file; the
store's clock is replaced so completed_at lands inside the shift being tested.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import numpy as np

import app.store.store as store_module
from app.domain import (
    Answer,
    Case,
    CaseItem,
    CaseStatus,
    ChecklistStep,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    Result,
    Section,
    StepKind,
)
from app.messages import Both
from app.store.store import Store

TEMPLATE = ChecklistTemplate(
    template_id="generic",
    version=1,
    category="generic",
    title=Both("Other items", "其他商品"),
    steps=(
        ChecklistStep("app-overview", Both("Photo of the item", "拍摄商品照片"), StepKind.PHOTO,
                      Section.APPEARANCE),
        ChecklistStep("app-body",
                      Both("Item free of cracks, dents, scratches", "商品无裂纹、凹陷、划痕"),
                      StepKind.PASS_FAIL, Section.APPEARANCE, photo_on_fail=True),
        ChecklistStep("fn-works", Both("Works as described", "功能与描述一致"), StepKind.PASS_FAIL,
                      Section.FUNCTION),
        ChecklistStep("fn-battery", Both("Battery health", "电池健康度"), StepKind.NUMBER,
                      Section.FUNCTION, unit="%"),
        ChecklistStep("acc-charger", Both("Charger present", "充电器齐全"), StepKind.PASS_FAIL,
                      Section.ACCESSORIES, accessory="charger"),
    ),
)
PROMPTS = {s.step_id: s.prompt.en for s in TEMPLATE.steps}


def make_case(n: int, *, reason: CustomerReason = CustomerReason.DEFECTIVE,
              comment: str = "", title: str = "Wireless headphones", sku: str = "SKU-100",
              category: str = "audio", received: datetime | None = None,
              inspect_by: datetime | None = None) -> Case:
    received = received or datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    return Case(
        case_id=f"1b4e28ba-2fa1-11d2-883f-{n:012d}",
        rma=f"RMA-2024-{n:07d}",
        order_id=f"ORD-{n:08d}",
        status=CaseStatus.AWAITING_INSPECTION,
        customer_reason=reason,
        customer_comment=comment,
        tracking_numbers=(f"SF{n:010d}",),
        received_at=received,
        inspect_by=inspect_by or received + timedelta(hours=24),
        items=(CaseItem(line_id="1", sku=sku, title=title, category=category,
                        serial_number=f"SN{n:06d}", expected_accessories=("charger",)),),
    )


def photo_jpeg(seed: int, width: int = 640, height: int = 480, quality: int = 88) -> bytes:
    """A photo-like JPEG (gradients, shapes and sensor noise, so it compresses like one)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([xx / width * 180 + 40, yy / height * 160 + 50,
                     (xx + yy) / (width + height) * 120 + 60], axis=-1)
    img = base.astype(np.uint8)
    for _ in range(6):
        c = tuple(int(v) for v in rng.integers(0, 255, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        cv2.circle(img, (x, y), int(rng.integers(width // 20, width // 5)), c, -1)
    noise = rng.normal(0, 6, img.shape).astype(np.int16)
    img = np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def store_clock(start: datetime) -> Iterator[Clock]:
    """Replace the store's clock (started_at / completed_at come from it)."""
    clock = Clock(start)
    saved = store_module.utcnow
    store_module.utcnow = clock
    try:
        yield clock
    finally:
        store_module.utcnow = saved


def add_inspection(
    store: Store,
    clock: Clock,
    case: Case | None,
    *,
    started: datetime,
    completed: datetime,
    inspector: str = "li.wei",
    results: dict[str, Result] | None = None,
    notes: dict[str, str] | None = None,
    photos: Sequence[bytes] = (),
    classification: Classification = Classification.INTACT,
    suggested: Classification | None = None,
    override_reason: str | None = None,
    disposition: Disposition | None = Disposition.RESTOCK,
    missing: Sequence[str] = (),
    station_id: str = "BENCH-07",
    scanned_code: str = "",
    category: str | None = None,
) -> str:
    """One inspection through the Store API: start, photos, answers, complete."""
    clock.now = started
    item = case.items[0] if case else None
    insp = store.start_inspection(template=TEMPLATE, station_id=station_id,
                                  inspector_id=inspector, case=case, item=item,
                                  scanned_code=scanned_code, category=category)
    photo_ids = []
    for i, data in enumerate(photos):
        p = store.add_photo(insp.inspection_id, "app-overview" if i == 0 else "app-body", data,
                            mime="image/jpeg", width=640, height=480, actor=inspector)
        photo_ids.append(p.photo_id)
    results = results if results is not None else {
        "app-overview": Result.PASS, "app-body": Result.PASS, "fn-works": Result.PASS,
        "fn-battery": Result.VALUE, "acc-charger": Result.PASS}
    notes = notes or {}
    order = []
    for step in TEMPLATE.steps:
        if step.step_id not in results:
            continue
        res = results[step.step_id]
        pids = tuple(photo_ids[:1]) if step.step_id == "app-overview" else tuple(photo_ids[1:])
        value: float | str | None = 92.0 if res is Result.VALUE else None
        store.save_answer(insp.inspection_id,
                          Answer(step.step_id, res, value=value,
                                 note=notes.get(step.step_id, ""), photo_ids=pids,
                                 answered_at=started),
                          current_step=0, actor=inspector)
        order.append(step.step_id)
    clock.now = completed
    store.complete(insp.inspection_id, answers_in_order=order, classification=classification,
                   classification_suggested=suggested or classification,
                   override_reason=override_reason, disposition=disposition,
                   missing_accessories=list(missing), actor=inspector)
    return insp.inspection_id


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def pdf_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def test_a_domain_error_with_a_key_speaks_both_languages() -> None:
    from app.domain import DomainError
    from app.messages import t

    err = DomainError(key="unverified_note", code="RMA-1")
    assert str(err) == t("en", "unverified_note", code="RMA-1")
    assert "RMA-1" in err.message("zh_CN") and err.message("zh_CN") != str(err)
    plain = DomainError("plain words")
    assert plain.message("zh_CN") == "plain words"
