"""The checklist wizard and summary, driven by keys and clicks on real widgets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication
from shiboken6 import Shiboken

from app.domain import Classification
from app.workflow import start_inspection
from tests.builders import EXPECTED_SERIAL, gadget_case
from tests.flow_helpers import jpeg_with_exif, screenshot
from ui.inspection_flow import InspectionFlow

Key = Qt.Key


def _new(ctx: Any, **kw: Any) -> str:
    case = gadget_case(**kw)
    return start_inspection(ctx, case, case.items[0], case.rma)


def _open(qtbot: Any, services: Any, iid: str, *, register: bool = True) -> InspectionFlow:
    flow = InspectionFlow(services)
    if register:
        qtbot.addWidget(flow)
    flow.resize(1366, 768)
    flow.show()
    with qtbot.waitSignal(flow.ready, timeout=5000):
        flow.start(iid)
    return flow


def _step(flow: InspectionFlow) -> str | None:
    assert flow.session is not None
    cur = flow.session.current
    return None if cur is None else cur.step_id


def _type_value(qtbot: Any, flow: InspectionFlow, text: str) -> None:
    assert flow.value_edit.hasFocus() or flow.value_edit.isVisible()
    flow.value_edit.setFocus()
    flow.value_edit.selectAll()
    qtbot.keyClicks(flow.value_edit, text)
    qtbot.keyClick(flow.value_edit, Key.Key_Return)


def _key(qtbot: Any, flow: InspectionFlow, key: Qt.Key, mod: Any = Qt.KeyboardModifier.NoModifier
         ) -> None:
    qtbot.keyClick(flow, key, mod)
    flow.keys.flush()  # a person's key stands alone: the router decides it now


def _drain(services: Any) -> None:
    assert services.wait_idle(10_000)


def test_photo_on_fail_gate_blocks_next_until_a_photo_is_taken(
        qtbot: Any, services: Any, ctx: Any, camera: Any) -> None:
    flow = _open(qtbot, services, _new(ctx))
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    assert _step(flow) == "app-body"
    _key(qtbot, flow, Key.Key_F)
    assert flow.step_page.fail_button.isChecked()
    assert not flow.next_button.isEnabled()
    _key(qtbot, flow, Key.Key_Return)
    assert _step(flow) == "app-body"
    assert "photo" in flow.message.text().lower()
    _key(qtbot, flow, Key.Key_Space)
    qtbot.waitUntil(lambda: len(flow.photos.photo_ids()) == 1, timeout=5000)
    assert camera.stills == 1 and flow.next_button.isEnabled()
    _key(qtbot, flow, Key.Key_Return)
    assert _step(flow) == "fn-power"
    _drain(services)
    stored = ctx.store.load_inspection(flow.inspection_id)
    (pid,) = stored.answers["app-body"].photo_ids
    assert stored.photos[pid].width == 640  # 1280x720 still, photo_max_px 640
    assert stored.current_step == 2


def test_retake_replaces_and_delete_reopens_the_gate(
        qtbot: Any, services: Any, ctx: Any, camera: Any) -> None:
    flow = _open(qtbot, services, _new(ctx))
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    _key(qtbot, flow, Key.Key_F)
    _key(qtbot, flow, Key.Key_Space)
    qtbot.waitUntil(lambda: len(flow.photos.photo_ids()) == 1, timeout=5000)
    (first,) = flow.photos.photo_ids()
    thumb = flow.photos._thumbs[first]
    qtbot.mouseClick(thumb.retake, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: flow.photos.photo_ids() not in ([first], []), timeout=5000)
    (second,) = flow.photos.photo_ids()
    assert second != first
    qtbot.mouseClick(flow.photos._thumbs[second].delete, Qt.MouseButton.LeftButton)
    assert flow.photos.photo_ids() == [] and not flow.next_button.isEnabled()
    _drain(services)
    assert ctx.store.load_inspection(flow.inspection_id).photos == {}


def test_no_camera_says_so_and_import_from_file_strips_exif(
        qtbot: Any, services: Any, ctx: Any, tmp_path: Path) -> None:
    flow = _open(qtbot, services, _new(ctx))
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    _key(qtbot, flow, Key.Key_F)
    _key(qtbot, flow, Key.Key_Space)
    assert "camera" in flow.message.text().lower()
    assert flow.photos.camera_label.text() == "no camera"
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8 nope")
    flow.photos.import_file(str(broken))
    qtbot.waitUntil(lambda: "not saved" in flow.message.text(), timeout=5000)
    assert "picture" in flow.message.text()
    good = tmp_path / "phone.jpg"
    good.write_bytes(jpeg_with_exif(2000, 1500))
    flow.photos.import_file(str(good))
    qtbot.waitUntil(lambda: len(flow.photos.photo_ids()) == 1, timeout=5000)
    (pid,) = flow.photos.photo_ids()
    data = ctx.store.photo_bytes(pid)
    assert b"SecretPhone" not in data and b"Exif" not in data
    assert flow.next_button.isEnabled()


def test_serial_mismatch_shows_a_red_banner(qtbot: Any, services: Any, ctx: Any) -> None:
    flow = _open(qtbot, services, _new(ctx))
    assert not flow.mismatch_shown
    _type_value(qtbot, flow, "SN-SWAPPED-9")
    assert flow.mismatch_shown
    assert "SN-SWAPPED-9" in flow.head.identity_banner.text()
    assert EXPECTED_SERIAL in flow.head.identity_banner.text()
    assert "swapped" in flow.head.identity_banner.text().lower()
    assert _step(flow) == "app-serial"  # stopped so the inspector sees it
    qtbot.keyClick(flow.value_edit, Key.Key_Return)  # seen: go on
    assert _step(flow) == "app-body" and flow.mismatch_shown
    _key(qtbot, flow, Key.Key_Backspace)
    _type_value(qtbot, flow, EXPECTED_SERIAL.lower())
    assert not flow.mismatch_shown and _step(flow) == "app-body"
    _drain(services)
    assert ctx.store.load_inspection(flow.inspection_id).serial_number_scanned == EXPECTED_SERIAL


def _walk_to_summary(qtbot: Any, flow: InspectionFlow, *, battery: str = "91",
                     serial: str = EXPECTED_SERIAL) -> None:
    _type_value(qtbot, flow, serial)  # app-serial
    if serial != EXPECTED_SERIAL:
        qtbot.keyClick(flow.value_edit, Key.Key_Return)  # the mismatch banner was seen: go on
    _key(qtbot, flow, Key.Key_P)  # app-body
    _key(qtbot, flow, Key.Key_Return)
    _key(qtbot, flow, Key.Key_P)  # fn-power
    _key(qtbot, flow, Key.Key_Return)
    _type_value(qtbot, flow, battery)  # fn-battery
    assert _step(flow) == "fn-grade"
    _key(qtbot, flow, Key.Key_2)  # option B
    _key(qtbot, flow, Key.Key_Return)
    _key(qtbot, flow, Key.Key_P)  # acc-cable
    _key(qtbot, flow, Key.Key_Return)
    assert _step(flow) == "acc-exp-1"
    _key(qtbot, flow, Key.Key_N)  # quick start guide: not applicable
    _key(qtbot, flow, Key.Key_Return)
    assert _step(flow) is None


def test_keyboard_only_walk_to_confirm(qtbot: Any, services: Any, ctx: Any) -> None:
    flow = _open(qtbot, services, _new(ctx, reason="no_longer_needed"))
    assert flow.head.progress.value() == 0
    _walk_to_summary(qtbot, flow)
    assert flow.pages.currentWidget() is flow.summary_page
    assert "Intact" in flow.summary_page.suggested_label.text()
    assert "Back to stock" in flow.summary_page.disposition_label.text()
    assert flow.confirm_button.isEnabled()
    screenshot(flow, "inspection_summary")
    with qtbot.waitSignal(flow.confirmed, timeout=5000) as sig:
        _key(qtbot, flow, Key.Key_Return)
    assert sig.args == [flow.inspection_id]
    payload = json.loads(ctx.store.result_payload(flow.inspection_id) or b"{}")
    assert payload["classification"] == "intact" and payload["disposition"] == "restock"
    assert [a["step_id"] for a in payload["answers"]][:2] == ["app-serial", "app-body"]
    assert {a["step_id"]: a["result"] for a in payload["answers"]}["acc-exp-1"] == "na"


def test_out_of_range_number_says_fail_and_needs_a_photo(
        qtbot: Any, services: Any, ctx: Any) -> None:
    flow = _open(qtbot, services, _new(ctx))
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    _key(qtbot, flow, Key.Key_P)
    _key(qtbot, flow, Key.Key_Return)
    _key(qtbot, flow, Key.Key_P)
    _key(qtbot, flow, Key.Key_Return)
    _type_value(qtbot, flow, "72")
    assert _step(flow) == "fn-battery"
    range_text = flow.step_page.range_label.text()
    assert "FAIL" in range_text and "80 to 100 %" in range_text
    assert not flow.next_button.isEnabled()
    screenshot(flow, "inspection_step")
    _type_value(qtbot, flow, "abc")
    assert "not a number" in flow.message.text()


def test_override_needs_a_reason(qtbot: Any, services: Any, ctx: Any) -> None:
    flow = _open(qtbot, services, _new(ctx))
    _walk_to_summary(qtbot, flow)
    flow.summary_page.classification_combo.setCurrentIndex(
        flow.summary_page.classification_combo.findData(Classification.DAMAGED.value))
    assert not flow.confirm_button.isEnabled()
    assert "Return to vendor" in flow.summary_page.chosen_disposition.text()
    with qtbot.assertNotEmitted(flow.confirmed, wait=100):
        flow.confirm()
        _key(qtbot, flow, Key.Key_Return)
    assert "reason" in flow.message.text()
    qtbot.keyClicks(flow.reason_edit, "dent under the sticker")
    assert flow.confirm_button.isEnabled()
    with qtbot.waitSignal(flow.confirmed, timeout=5000):
        qtbot.keyClick(flow.reason_edit, Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    record = ctx.store.record(flow.inspection_id)
    assert record.classification is Classification.DAMAGED
    assert record.classification_suggested is Classification.INTACT
    assert record.override_reason == "dent under the sticker"


def test_resume_after_the_widget_is_destroyed(qtbot: Any, services: Any, ctx: Any) -> None:
    iid = _new(ctx)
    flow = _open(qtbot, services, iid, register=False)
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    _key(qtbot, flow, Key.Key_P)
    flow.note_edit.setFocus()
    qtbot.keyClicks(flow.note_edit, "light scuffs")
    qtbot.keyClick(flow.note_edit, Key.Key_Return)
    _key(qtbot, flow, Key.Key_Return)
    _key(qtbot, flow, Key.Key_F)  # fn-power failed, no photo needed
    assert _step(flow) == "fn-power"
    _drain(services)
    flow.close()
    flow.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert not Shiboken.isValid(flow)  # the widget (and its C++ side) is gone
    del flow

    again = _open(qtbot, services, iid)
    assert _step(again) == "fn-power"
    assert again.step_page.fail_button.isChecked()
    assert again.session is not None
    assert again.session.answer_of("app-body").note == "light scuffs"  # type: ignore[union-attr]
    assert again.head.progress.value() == 3
    _key(qtbot, again, Key.Key_Backspace)
    assert _step(again) == "app-body" and again.note_edit.text() == "light scuffs"
    assert again.step_page.pass_button.isChecked()


def test_leave_keeps_the_draft(qtbot: Any, services: Any, ctx: Any) -> None:
    iid = _new(ctx)
    flow = _open(qtbot, services, iid)
    with qtbot.waitSignal(flow.left, timeout=2000) as sig:
        qtbot.mouseClick(flow.leave_button, Qt.MouseButton.LeftButton)
    assert sig.args == [iid]
    assert [d.inspection_id for d in ctx.store.open_drafts()] == [iid]


def test_prompts_in_chinese_when_the_station_speaks_chinese(
        qtbot: Any, services: Any, ctx: Any) -> None:
    ctx.settings = ctx.settings.replace(language="zh_CN")
    flow = _open(qtbot, services, _new(ctx))
    assert flow.step_page.prompt.text() == "扫描序列号"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_retranslate_keeps_the_state(qtbot: Any, services: Any, ctx: Any, language: str) -> None:
    ctx.settings = ctx.settings.replace(language=language)
    flow = _open(qtbot, services, _new(ctx))
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    _key(qtbot, flow, Key.Key_F)
    flow.retranslate_ui()
    assert flow.step_page.fail_button.isChecked() and _step(flow) == "app-body"
    assert flow.step_page.pass_button.text() == "Pass (P)"


def test_a_camera_scan_fills_the_serial_step(qtbot: Any, services: Any, ctx: Any) -> None:
    from app.scanning.events import ScanEvent, ScanSource
    from app.scanning.labels import interpret

    flow = _open(qtbot, services, _new(ctx))
    assert _step(flow) == "app-serial"
    event = ScanEvent(text=EXPECTED_SERIAL, source=ScanSource.CAMERA, symbology="CODE128",
                      interpretation=interpret(EXPECTED_SERIAL), timestamp=0.0)
    flow.handle_scan(event)
    assert _step(flow) == "app-body" and not flow.mismatch_shown
    flow.handle_scan(event)  # not a serial step any more: ignored
    assert _step(flow) == "app-body"
    _drain(services)
    assert ctx.store.load_inspection(flow.inspection_id).serial_number_scanned == EXPECTED_SERIAL


def test_case_text_in_the_flow_is_never_rich_text(qtbot: Any, services: Any, ctx: Any) -> None:
    from PySide6.QtWidgets import QLabel

    hostile = "<b>SN</b><img src='x'>"
    flow = _open(qtbot, services, _new(ctx, serial=hostile))
    assert _step(flow) == "app-serial"  # its hint names the expected serial from the case
    showing = [label for label in flow.findChildren(QLabel) if hostile in label.text()]
    assert showing, "the expected serial is not on screen"
    for label in showing:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName() or label.text()
    _type_value(qtbot, flow, "SN-OTHER")  # the mismatch banner quotes it as well
    showing = [label for label in flow.findChildren(QLabel)
               if hostile in label.text() and label.isVisible()]
    assert showing and all(lb.textFormat() == Qt.TextFormat.PlainText for lb in showing)


def test_an_image_bomb_imported_as_a_photo_is_refused_with_its_size(
        qtbot: Any, services: Any, ctx: Any, tmp_path: Path) -> None:
    from tests.test_hostile_inputs import _png_bomb

    flow = _open(qtbot, services, _new(ctx))
    _type_value(qtbot, flow, EXPECTED_SERIAL)
    _key(qtbot, flow, Key.Key_F)
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_bomb(9000, 9000))
    flow.photos.import_file(str(bomb))
    qtbot.waitUntil(lambda: "not saved" in flow.message.text(), timeout=5000)
    assert "9000x9000 pixels, more than the limit of 50 MP" in flow.message.text()
    assert flow.photos.photo_ids() == []


def test_an_inspector_cannot_confirm_a_mismatch_without_a_leads_pin(
        qtbot: Any, services: Any, ctx: Any) -> None:
    flow = _open(qtbot, services, _new(ctx, reason="no_longer_needed"))
    _walk_to_summary(qtbot, flow, serial="SN-SWAPPED-9")
    box = flow.sign_off_box
    assert box.isVisible() and not flow.confirm_button.isEnabled()
    with qtbot.assertNotEmitted(flow.confirmed, wait=200):
        _key(qtbot, flow, Key.Key_Return)  # Enter on the summary: refused by the core
    _drain(services)
    assert "shift lead must sign off" in flow.message.text()
    assert flow.focusWidget() is box.reason_edit, flow.focusWidget()  # the reason first (16.1)
    assert box.reason_edit.isVisible() and "held for review" in box.title.text()
    assert "Hold for review" in flow.summary_page.disposition_label.text()

    def sign(who: str, pin: str) -> None:
        box.who_edit.setFocus()
        box.who_edit.clear()
        qtbot.keyClicks(box.who_edit, who)
        qtbot.keyClick(box.who_edit, Key.Key_Return)  # a badge scan ends with Enter: to PIN
        assert flow.focusWidget() is box.pin_edit
        qtbot.keyClicks(box.pin_edit, pin)
        qtbot.keyClick(box.pin_edit, Key.Key_Return)
        qtbot.waitUntil(lambda: not box.busy, timeout=10_000)

    sign("lead1", "123456")  # the right PIN, but no reason: refused before any PIN check
    assert "needs the shift lead's reason" in box.status.text()
    assert flow.focusWidget() is box.reason_edit and not flow.confirm_button.isEnabled()
    qtbot.keyClicks(box.reason_edit, "label of another unit")
    qtbot.keyClick(box.reason_edit, Key.Key_Return)  # on to the badge/ID field
    assert flow.focusWidget() is box.who_edit
    sign("insp1", "5678")  # the inspector's own, valid PIN
    assert "Only a shift lead" in box.status.text() and not flow.confirm_button.isEnabled()
    sign("lead1", "0000")
    assert "not recognised" in box.status.text() and not flow.confirm_button.isEnabled()
    assert flow.session is not None and flow.session.mismatch_sign_off is None
    sign("BADGE-LEAD", "123456")
    assert "lead1" in box.status.text() and not box.pin_edit.isEnabled()
    assert flow.confirm_button.isEnabled()
    screenshot(flow, "inspection_mismatch_signed")
    with qtbot.waitSignal(flow.confirmed, timeout=5000):
        flow.setFocus()
        _key(qtbot, flow, Key.Key_Return)
    rec = ctx.store.record(flow.inspection_id)
    assert rec.serial_mismatch and rec.mismatch_signed_by == "lead1"
    assert rec.serial_scanned == "SN-SWAPPED-9"
    assert rec.mismatch_sign_off_reason == "label of another unit" and rec.disposition is None


def test_the_sign_off_box_speaks_chinese(qtbot: Any, services: Any, ctx: Any) -> None:
    ctx.settings = ctx.settings.replace(language="zh_CN")
    flow = _open(qtbot, services, _new(ctx, reason="no_longer_needed"))
    _walk_to_summary(qtbot, flow, serial="SN-SWAPPED-9")
    flow.sign_off_box.reason_edit.setText("另一台设备的标签")
    flow.sign_off_box.who_edit.setText("lead1")
    flow.sign_off_box.pin_edit.setText("0000")
    flow.sign_off_box.sign()
    qtbot.waitUntil(lambda: not flow.sign_off_box.busy, timeout=10_000)
    assert flow.sign_off_box.status.text() == "工牌/工号或 PIN 无法识别。"
