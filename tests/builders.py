"""The tests' builders in one place: checklist templates, cases, inspections, operators.

Every case is built by `case_doc` (the contract's lookup shape) and read back with
`Case.from_api`, as the station reads the server's; the named variants below only
choose its fields. Inspections go through the Store API into a real SQLite file.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from app.domain import (
    Answer,
    Case,
    ChecklistStep,
    ChecklistTemplate,
    Classification,
    CustomerReason,
    Disposition,
    Operator,
    Result,
    Role,
    Section,
    StepKind,
    format_ts,
    utcnow,
)
from app.messages import Both
from app.operators import Operators
from app.selftest import scratch_template
from app.store import OutboxItem, Store, history, inspections, operator_rows, outbox_rows

# --- checklist templates -----------------------------------------------------------------------

# The self-test's scratch checklist (app/selftest.py) is the audio template's first two steps.
_SHELL, _POWER = scratch_template().steps
AUDIO_TEMPLATE = ChecklistTemplate(
    template_id="audio", version=4, category="audio", title=Both("Audio", "音频"),
    steps=(
        _SHELL,
        replace(_POWER, prompt=Both("Powers on and pairs", "可开机并配对")),
        ChecklistStep("acc-cable", Both("Charging cable present", "充电线齐全"),
                      StepKind.PASS_FAIL, Section.ACCESSORIES, accessory="charging cable"),
    ),
)
# The audio template without its accessory step: what the sync and fault tests send.
AUDIO_TEMPLATE_NO_ACCESSORY = replace(AUDIO_TEMPLATE, steps=AUDIO_TEMPLATE.steps[:2])

# The fallback template, with Chinese prompts: what the report tests print.
GENERIC_TEMPLATE = ChecklistTemplate(
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
GENERIC_PROMPTS = {s.step_id: s.prompt.en for s in GENERIC_TEMPLATE.steps}

# A template in the file format (every step kind) for the flow, history and settings tests.
GADGET_TEMPLATE: dict[str, Any] = {
    "template_id": "gadget",
    "version": 2,
    "category": "gadget",
    "title": {"en": "Gadgets", "zh_CN": "小工具"},
    "sections": [
        {
            "section": "appearance",
            "steps": [
                {"step_id": "app-serial", "kind": "text", "required": True,
                 "capture": "serial",
                 "prompt": {"en": "Scan the serial number", "zh_CN": "扫描序列号"}},
                {"step_id": "app-body", "kind": "pass_fail", "required": True,
                 "photo_on_fail": True,
                 "prompt": {"en": "Body free of cracks and dents", "zh_CN": "机身无裂纹、凹陷"}},
            ],
        },
        {
            "section": "function",
            "steps": [
                {"step_id": "fn-power", "kind": "pass_fail", "required": True,
                 "prompt": {"en": "Powers on", "zh_CN": "可以开机"}},
                {"step_id": "fn-battery", "kind": "number", "required": True,
                 "photo_on_fail": True, "min": 80, "max": 100, "unit": "%",
                 "prompt": {"en": "Battery health", "zh_CN": "电池健康度"}},
                {"step_id": "fn-grade", "kind": "choice", "required": False,
                 "options": ["A", "B", "C"], "fail_options": ["C"],
                 "prompt": {"en": "Cosmetic grade", "zh_CN": "外观等级"}},
            ],
        },
        {
            "section": "accessories",
            "steps": [
                {"step_id": "acc-cable", "kind": "pass_fail", "required": True,
                 "accessory": "charging cable",
                 "prompt": {"en": "Charging cable present", "zh_CN": "充电线齐全"}},
            ],
        },
    ],
}
EXPECTED_SERIAL = "SN-GX-1000"  # the gadget case's serial

# --- cases -------------------------------------------------------------------------------------


def case_doc(n: int = 1, *, case_id: str | None = None, rma: str | None = None,
             order_id: str | None = None, category: str = "audio", lines: int = 1,
             status: str = "awaiting_inspection", reason: str = "defective",
             comment: str = "左耳有杂音", tracking: Sequence[str] | None = None,
             received_at: str = "2026-11-21T16:02:00Z", inspect_by: str = "2026-11-22T16:02:00Z",
             **item: Any) -> dict[str, Any]:
    """Case n in the contract's lookup shape; `item` fields replace those of every line."""
    return {
        "case_id": case_id or f"C-T{n:06d}", "rma": rma or f"RMA-2099-{n:07d}",
        "order_id": order_id or f"SO-T{n:06d}", "status": status, "customer_reason": reason,
        "customer_comment": comment,
        "tracking_numbers": list(tracking) if tracking is not None else [f"TT{n:010d}"],
        "received_at": received_at, "inspect_by": inspect_by,
        "items": [
            {"line_id": f"L{i + 1}", "sku": f"SKU-{n}-{i}", "title": f"测试耳机 {n}",
             "category": category, "quantity": 1, "serial_number": f"SN{n:08d}{i}",
             "unit_price": "59.90", "currency": "CNY", "expected_accessories": [], **item}
            for i in range(lines)
        ],
    }


def make_case(case_id: str = "C-000123", rma: str = "RMA-2026-0001234") -> Case:
    """The audio case of the store tests: HX-200 headphones with a charging cable."""
    return Case.from_api(case_doc(
        case_id=case_id, rma=rma, order_id="SO-88812", tracking=["SF1234567890123"],
        sku="HX-200-BLK", title="HX-200 headphones", serial_number="HX2-00931877",
        expected_accessories=["charging cable"]))


def gadget_case(case_id: str = "c-1001", rma: str = "RMA-2024-0001001",
                reason: str = "defective", serial: str | None = EXPECTED_SERIAL,
                comment: str = "Stopped charging") -> Case:
    """A gadget case received yesterday and due in two days (GADGET_TEMPLATE inspects it)."""
    now = utcnow()
    return Case.from_api(case_doc(
        case_id=case_id, rma=rma, order_id="ORD-77", reason=reason, comment=comment,
        tracking=["TRK1"], received_at=format_ts(now - timedelta(days=1)),
        inspect_by=format_ts(now + timedelta(days=2)), sku="GX-1", title="Gadget X",
        category="gadget", serial_number=serial,
        expected_accessories=["charging cable", "Quick start guide"], unit_price=None,
        currency=None))


def report_case(n: int, *, reason: CustomerReason = CustomerReason.DEFECTIVE,
                comment: str = "", title: str = "Wireless headphones", sku: str = "SKU-100",
                category: str = "audio", received: datetime | None = None,
                inspect_by: datetime | None = None) -> Case:
    """Case n of the report tests, received on 2 May 2024 unless told otherwise."""
    received = received or datetime(2024, 5, 2, 8, 0, tzinfo=UTC)
    return Case.from_api(case_doc(
        n, case_id=f"1b4e28ba-2fa1-11d2-883f-{n:012d}", rma=f"RMA-2024-{n:07d}",
        order_id=f"ORD-{n:08d}", reason=reason.value, comment=comment,
        tracking=[f"SF{n:010d}"], received_at=format_ts(received),
        inspect_by=format_ts(inspect_by or received + timedelta(hours=24)), line_id="1",
        sku=sku, title=title, category=category, serial_number=f"SN{n:06d}",
        expected_accessories=["charger"], unit_price=None, currency=None))


# --- inspections -------------------------------------------------------------------------------


def open_store(folder: Path) -> Store:
    return Store(folder / "station.db", folder / "photos")


def complete_one(store: Store, case: Case | None = None, *, photo: bytes | None = None) -> str:
    """A whole inspection: start, answer every step, complete. Returns its id."""
    case = case or make_case()
    insp = store.start_inspection(template=AUDIO_TEMPLATE, station_id="BENCH-01",
                                  inspector_id="E1001", case=case, item=case.items[0])
    photo_ids: tuple[str, ...] = ()
    if photo is not None:
        p = store.add_photo(insp.inspection_id, "app-shell", photo, mime="image/jpeg",
                            width=4, height=3, actor="E1001")
        photo_ids = (p.photo_id,)
    store.save_answer(insp.inspection_id, Answer("app-shell", Result.FAIL if photo else Result.PASS,
                                                 note="scratch" if photo else "",
                                                 photo_ids=photo_ids),
                      current_step=1, actor="E1001")
    store.save_answer(insp.inspection_id, Answer("fn-power", Result.PASS), current_step=2,
                      actor="E1001")
    store.save_answer(insp.inspection_id, Answer("acc-cable", Result.PASS), current_step=3,
                      actor="E1001")
    suggested = Classification.DAMAGED if photo else Classification.INTACT
    store.complete(insp.inspection_id,
                   answers_in_order=[s.step_id for s in AUDIO_TEMPLATE.steps],
                   classification=suggested, classification_suggested=suggested,
                   override_reason=None,
                   disposition=Disposition.REFURBISH if photo else Disposition.RESTOCK,
                   missing_accessories=[], actor="E1001")
    return insp.inspection_id


def jpeg_bytes(size: int, rng: random.Random) -> bytes:
    """Bytes the server accepts as a JPEG (it sniffs the first bytes), random otherwise."""
    return b"\xff\xd8\xff\xe0" + rng.randbytes(max(0, size - 6)) + b"\xff\xd9"


def complete_inspection(store: Store, case: Case | None, *, rng: random.Random,
                        photos: int = 2, photo_size: int = 3000, scanned_code: str = "",
                        category: str = "audio", line: int = 0, serial: str | None = None) -> str:
    """A completed inspection with photos, as the bench would leave it; returns its id."""
    item = case.items[line] if case is not None else None
    insp = store.start_inspection(template=AUDIO_TEMPLATE_NO_ACCESSORY, station_id="BENCH-T",
                                  inspector_id="E1027", case=case, item=item,
                                  scanned_code=scanned_code, category=category)
    iid = insp.inspection_id
    if serial is not None:
        store.set_serial_scanned(iid, serial)
    pids = [store.add_photo(iid, "app-shell", jpeg_bytes(photo_size, rng), mime="image/jpeg",
                            width=1600, height=1200, actor="E1027").photo_id
            for _ in range(photos)]
    store.save_answer(iid, Answer("app-shell", Result.FAIL if pids else Result.PASS,
                                  note="scratch on left cup" if pids else "",
                                  photo_ids=tuple(pids)), current_step=1, actor="E1027")
    store.save_answer(iid, Answer("fn-power", Result.PASS), current_step=2, actor="E1027")
    store.complete(iid, answers_in_order=["app-shell", "fn-power"],
                   classification=Classification.DAMAGED,
                   classification_suggested=Classification.DAMAGED, override_reason=None,
                   disposition=Disposition.REFURBISH, missing_accessories=[], actor="E1027")
    return iid


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@contextmanager
def store_clock(start: datetime) -> Iterator[Clock]:
    """Replace the store's clock (started_at / completed_at come from it)."""
    clock = Clock(start)
    # Each of the store's modules that stamps what it writes reads the clock as a global.
    modules = [vars(m) for m in (inspections, history, outbox_rows, operator_rows)]
    saved = [names["utcnow"] for names in modules]
    for names in modules:
        names["utcnow"] = clock
    try:
        yield clock
    finally:
        for names, real in zip(modules, saved, strict=True):
            names["utcnow"] = real


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
    """One inspection of GENERIC_TEMPLATE through the Store API at the clock's times."""
    clock.now = started
    item = case.items[0] if case else None
    insp = store.start_inspection(template=GENERIC_TEMPLATE, station_id=station_id,
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
    for step in GENERIC_TEMPLATE.steps:
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


# --- operators ---------------------------------------------------------------------------------


def add_lead_and_inspector(operators: Operators, *, lead_pin: str = "987654",
                           inspector_pin: str = "1234", lead_badge: str | None = None,
                           inspector_badge: str | None = None) -> tuple[Operator, Operator]:
    """A shift lead L1 (who adds) and an inspector I1: the roster most tests start from."""
    lead = operators.add("L1", "Lead", Role.SHIFT_LEAD, lead_pin, lead_badge, by=None)
    inspector = operators.add("I1", "Insp", Role.INSPECTOR, inspector_pin, inspector_badge,
                              by=lead)
    return lead, inspector


# --- reading back ------------------------------------------------------------------------------


def outbox_entry(store: Store, inspection_id: str) -> OutboxItem:
    """The inspection's outbox entry; the test fails, naming it, when there is none."""
    item = store.outbox_item(inspection_id)
    assert item is not None, f"{inspection_id} is not in the outbox"
    return item
