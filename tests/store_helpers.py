"""Builders for core tests: a small template, a case, and a store in a temp folder."""

from __future__ import annotations

from pathlib import Path

from app.domain import (
    Answer,
    Case,
    ChecklistStep,
    ChecklistTemplate,
    Classification,
    Disposition,
    Result,
    Section,
    StepKind,
)
from app.messages import Both
from app.store import Store

TEMPLATE = ChecklistTemplate(
    template_id="audio", version=4, category="audio", title=Both("Audio", "音频"),
    steps=(
        ChecklistStep("app-shell", Both("Housing free of cracks", "外壳无裂纹"), StepKind.PASS_FAIL,
                      Section.APPEARANCE, photo_on_fail=True),
        ChecklistStep("fn-power", Both("Powers on and pairs", "可开机并配对"),
                      StepKind.PASS_FAIL, Section.FUNCTION),
        ChecklistStep("acc-cable", Both("Charging cable present", "充电线齐全"), StepKind.PASS_FAIL,
                      Section.ACCESSORIES, accessory="charging cable"),
    ),
)


def make_case(case_id: str = "C-000123", rma: str = "RMA-2026-0001234") -> Case:
    return Case.from_api({
        "case_id": case_id, "rma": rma, "order_id": "SO-88812",
        "status": "awaiting_inspection", "customer_reason": "defective",
        "customer_comment": "左耳有杂音", "tracking_numbers": ["SF1234567890123"],
        "received_at": "2026-11-21T16:02:00Z", "inspect_by": "2026-11-22T16:02:00Z",
        "items": [{"line_id": "L1", "sku": "HX-200-BLK", "title": "HX-200 headphones",
                   "category": "audio", "quantity": 1, "serial_number": "HX2-00931877",
                   "unit_price": "59.90", "currency": "CNY",
                   "expected_accessories": ["charging cable"]}],
    })


def open_store(folder: Path) -> Store:
    return Store(folder / "station.db", folder / "photos")


def complete_one(store: Store, case: Case | None = None, *, photo: bytes | None = None) -> str:
    """A whole inspection: start, answer every step, complete. Returns its id."""
    case = case or make_case()
    insp = store.start_inspection(template=TEMPLATE, station_id="BENCH-01", inspector_id="E1001",
                                  case=case, item=case.items[0])
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
    store.complete(insp.inspection_id, answers_in_order=[s.step_id for s in TEMPLATE.steps],
                   classification=suggested, classification_suggested=suggested,
                   override_reason=None,
                   disposition=Disposition.REFURBISH if photo else Disposition.RESTOCK,
                   missing_accessories=[], actor="E1001")
    return insp.inspection_id
