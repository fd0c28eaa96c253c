"""The identity gate (16.1) and honest grades (16.4) on the real flow widgets, keys and clicks."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import Qt

from app.context import StationContext
from app.domain import Case, Classification
from app.product_code import GATE_STEP_ID
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import interpret
from app.workflow import start_inspection
from tests.builders import gadget_case as make_case
from tests.flow_helpers import screenshot
from tests.test_ui_inspection import _drain, _key, _open, _step, _type_value, _walk_to_summary
from ui.i18n import Translations

Key = Qt.Key
CASE_GTIN = "06901234567892"
GS = "\x1d"


def _gated_case(ctx: StationContext, gtin: str | None = CASE_GTIN) -> str:
    ctx.settings = ctx.settings.replace(identity_gate_categories=["gadget"])
    doc = make_case(reason="no_longer_needed").to_api()
    doc["items"][0]["gtin"] = gtin
    case = Case.from_api(doc)
    return start_inspection(ctx, case, case.items[0], case.rma)


def test_a_swapped_product_holds_the_item_until_a_lead_signs_with_a_reason(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    flow = _open(qtbot, services, _gated_case(ctx))
    assert _step(flow) == GATE_STEP_ID
    assert CASE_GTIN in flow.step_page.hint.text()
    _type_value(qtbot, flow, "6904123000357")  # another product's EAN-13
    assert flow.mismatch_shown
    banner = flow.head.identity_banner.text()
    assert "PRODUCT CODE MISMATCH" in banner and "06904123000357" in banner
    assert CASE_GTIN in banner and "held for review" in banner
    assert _step(flow) == GATE_STEP_ID  # stopped so the inspector sees it
    assert "held for review" in flow.message.text()
    qtbot.keyClick(flow.value_edit, Key.Key_Return)  # seen: go on
    assert _step(flow) == "app-serial"
    _walk_to_summary(qtbot, flow)

    page, box = flow.summary_page, flow.sign_off_box
    assert "Hold for review" in page.disposition_label.text()
    assert "Product code does NOT match" in page.identity_label.text()
    assert box.isVisible() and box.reason_edit.isVisible()
    assert "reason" in box.title.text() and not flow.confirm_button.isEnabled()
    with qtbot.assertNotEmitted(flow.confirmed, wait=200):
        _key(qtbot, flow, Key.Key_Return)  # refused by the core
    assert "held for review" in flow.message.text()
    assert flow.focusWidget() is box.reason_edit

    box.who_edit.setText("lead1")
    box.pin_edit.setText("123456")
    box.sign()  # no reason yet: refused before the PIN is checked
    qtbot.waitUntil(lambda: not box.busy, timeout=10_000)
    assert "needs the shift lead's reason" in box.status.text()
    assert flow.focusWidget() is box.reason_edit
    qtbot.keyClicks(box.reason_edit, "another model in the box")
    qtbot.keyClick(box.reason_edit, Key.Key_Return)  # on to the badge/ID
    assert flow.focusWidget() is box.who_edit
    box.pin_edit.setText("123456")
    box.sign()
    qtbot.waitUntil(lambda: not box.busy, timeout=10_000)
    assert "lead1" in box.status.text() and flow.confirm_button.isEnabled()
    screenshot(flow, "identity_gate_signed")
    with qtbot.waitSignal(flow.confirmed, timeout=5000):
        qtbot.mouseClick(flow.confirm_button, Qt.MouseButton.LeftButton)
    iid = flow.inspection_id
    assert iid is not None
    rec = ctx.store.record(iid)
    assert rec.gtin_mismatch and rec.gtin_signed_by == "lead1"
    assert rec.gtin_sign_off_reason == "another model in the box" and rec.disposition is None
    payload = json.loads(ctx.store.result_payload(iid) or b"{}")
    assert payload["disposition"] is None
    assert payload["answers"][0] == {"step_id": GATE_STEP_ID, "result": "value",
                                     "value": "06904123000357"}


def test_a_camera_read_gs1_datamatrix_of_the_right_product_fills_the_gate(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    flow = _open(qtbot, services, _gated_case(ctx))
    text = f"]d201{CASE_GTIN}21SN-GX-1000{GS}10L42"
    event = ScanEvent(text=text, source=ScanSource.CAMERA, symbology="DATAMATRIX",
                      interpretation=interpret(text), timestamp=0.0)
    flow.handle_scan(event)
    assert _step(flow) == "app-serial" and not flow.mismatch_shown
    _drain(services)
    assert flow.session is not None and flow.session.wizard.captured_gtin() == CASE_GTIN


def test_a_function_test_not_done_is_intact_untested_on_the_summary(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    case = make_case(reason="no_longer_needed")
    flow = _open(qtbot, services, start_inspection(ctx, case, case.items[0], case.rma))
    _type_value(qtbot, flow, "SN-GX-1000")  # app-serial
    _key(qtbot, flow, Key.Key_P)  # app-body
    _key(qtbot, flow, Key.Key_Return)
    _key(qtbot, flow, Key.Key_N)  # fn-power: not tested
    _key(qtbot, flow, Key.Key_Return)
    while _step(flow) is not None:
        s = flow.session
        assert s is not None and s.current is not None
        if s.current.kind.value == "number":
            _type_value(qtbot, flow, "91")
            continue
        _key(qtbot, flow, Key.Key_2 if s.current.kind.value == "choice" else Key.Key_P)
        _key(qtbot, flow, Key.Key_Return)
    page = flow.summary_page
    assert "Intact, untested" in page.suggested_label.text()
    assert "Not tested (N/A or skipped): Powers on" in page.untested_label.text()
    assert "Refurbish" in page.disposition_label.text()
    screenshot(flow, "honest_grade_summary")
    translations = Translations()
    try:
        assert translations.switch("zh_CN")
        ctx.settings = ctx.settings.replace(language="zh_CN")
        page.retranslate()
        assert "完好（未测试）" in page.suggested_label.text()
        assert "未测试（不适用或跳过）：可以开机" in page.untested_label.text()
    finally:
        translations.switch("en")
        ctx.settings = ctx.settings.replace(language="en")
    with qtbot.waitSignal(flow.confirmed, timeout=5000):
        flow.setFocus()
        _key(qtbot, flow, Key.Key_Return)
    assert flow.inspection_id is not None
    rec = ctx.store.record(flow.inspection_id)
    assert rec.classification is Classification.INTACT and rec.untested_steps == ("fn-power",)
