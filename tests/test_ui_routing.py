"""Scanner bursts, held keys and double Enter against the real checklist widgets (issue 11).

Answers are read back from the SQLite file itself. Key timing comes from PacedClock on the
router: a scanner burst and a person's keys are told apart by timestamps, never by how
fast this machine happens to deliver the test's key events.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QLineEdit, QMessageBox, QWidget

from app.checklists import template_from_dict
from app.context import StationContext
from app.domain import ChecklistStep, Classification, Result, StepKind
from app.workflow import InspectionSession, start_inspection
from tests.builders import EXPECTED_SERIAL, gadget_case
from tests.flow_helpers import PacedClock
from ui.inspection_flow import InspectionFlow

Key = Qt.Key
TRACKING = "SF1423007859621"
RMA_OF_CASE = "RMA-2024-0001001"  # gadget_case's RMA

ALL_KINDS: dict[str, Any] = {
    "template_id": "allkinds", "version": 1, "category": "allkinds",
    "title": {"en": "All kinds", "zh_CN": "所有类型"},
    "sections": [
        {"section": "appearance", "steps": [
            {"step_id": "s-serial", "kind": "text", "required": True, "capture": "serial",
             "prompt": {"en": "Scan the serial", "zh_CN": "扫描序列号"}},
            {"step_id": "s-pf", "kind": "pass_fail", "required": True,
             "prompt": {"en": "Housing", "zh_CN": "外壳"}},
            {"step_id": "s-choice", "kind": "choice", "required": True,
             "options": ["A", "B", "C"], "prompt": {"en": "Grade", "zh_CN": "等级"}},
            {"step_id": "s-number", "kind": "number", "required": True, "min": 0, "max": 100,
             "unit": "%", "prompt": {"en": "Battery", "zh_CN": "电池"}},
            {"step_id": "s-text", "kind": "text", "required": True,
             "prompt": {"en": "Remarks", "zh_CN": "备注"}},
            {"step_id": "s-photo", "kind": "photo", "required": False,
             "prompt": {"en": "Photo", "zh_CN": "照片"}},
        ]},
    ],
}


def _db_answers(ctx: StationContext, iid: str | None) -> dict[str, tuple[Any, ...]]:
    """The answers as the SQLite file holds them (not through the store's objects)."""
    assert iid is not None, "no inspection is open"
    con = sqlite3.connect(str(ctx.paths.db_file))
    try:
        rows = con.execute("SELECT step_id, result, value, note FROM answers "
                           "WHERE inspection_id = ?", (iid,)).fetchall()
    finally:
        con.close()
    return {r[0]: tuple(r[1:]) for r in rows}


def _session(flow: InspectionFlow) -> InspectionSession:
    """The flow's open inspection (every test here opens one)."""
    assert flow.session is not None
    return flow.session


def _step(flow: InspectionFlow) -> ChecklistStep:
    step = _session(flow).current
    assert step is not None, "the flow is on its summary"
    return step


def _open(qtbot: Any, services: Any, iid: str) -> InspectionFlow:
    flow = InspectionFlow(services)
    qtbot.addWidget(flow)
    flow.resize(1366, 768)
    flow.show()
    with qtbot.waitSignal(flow.ready, timeout=5000):
        flow.start(iid)
    return flow


def _allkinds(ctx: StationContext) -> str:
    template = template_from_dict(ALL_KINDS, "test")
    ctx.templates[template.category] = template
    case = gadget_case()
    item = replace(case.items[0], category="allkinds")
    case = replace(case, items=(item,))
    return start_inspection(ctx, case, item, case.rma)


def _person(services: Any) -> None:
    services.router.clock = PacedClock(0.5)


def _scanner(qtbot: Any, services: Any, target: QWidget, text: str, *, enter: bool) -> None:
    """A wedge scanner: 2 ms a key by the router's clock, with or without its Enter."""
    services.router.clock = PacedClock(0.002)
    qtbot.keyClicks(target, text)
    if enter:
        qtbot.keyClick(target, Key.Key_Return)
    _person(services)
    target_flow = target if isinstance(target, InspectionFlow) else target.parent()
    while target_flow is not None and not isinstance(target_flow, InspectionFlow):
        target_flow = target_flow.parent()
    assert target_flow is not None
    target_flow.keys.flush()  # the keys stopped: the router decides the run now


def _key(qtbot: Any, flow: InspectionFlow, key: Qt.Key, target: QWidget | None = None) -> None:
    qtbot.keyClick(target or flow, key)
    flow.keys.flush()


def _answer_by_hand(qtbot: Any, flow: InspectionFlow) -> None:
    step = _step(flow)
    if step.kind is StepKind.PASS_FAIL:
        _key(qtbot, flow, Key.Key_P)
    elif step.kind is StepKind.CHOICE:
        _key(qtbot, flow, Key.Key_2)
    elif step.kind is StepKind.PHOTO:
        _key(qtbot, flow, Key.Key_N)
    else:
        value = EXPECTED_SERIAL if step.capture else ("55" if step.kind is StepKind.NUMBER
                                                     else "fine")
        flow.value_edit.setFocus()
        flow.value_edit.selectAll()
        for ch in value:  # a person's keys: half a second apart on the router's clock
            qtbot.keyClick(flow.value_edit, ch)
        # Stay on the step: record the value by its own path, not by Enter (which moves on).
        flow.keys.flush()
        flow.answer(Result.VALUE, flow.value_edit.text())


def test_scanner_bursts_on_every_step_kind_and_the_note_leave_answers_unchanged(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    flow = _open(qtbot, services, _allkinds(ctx))
    iid = flow.inspection_id
    kinds_seen = set()
    while _session(flow).current is not None:
        step = _step(flow)
        kinds_seen.add((step.kind, step.capture))
        _answer_by_hand(qtbot, flow)
        assert services.wait_idle(10_000)
        before = _db_answers(ctx, iid)
        assert step.step_id in before
        index = _session(flow).wizard.index
        targets: list[QWidget] = [flow.note_edit]
        if step.kind in (StepKind.NUMBER, StepKind.TEXT):
            targets.append(flow.value_edit)
        else:
            targets.append(flow)
        for target in targets:
            for code in (TRACKING, RMA_OF_CASE):
                for enter in (True, False):
                    tones = services.tones.error_count
                    target.setFocus()
                    field_text = target.text() if isinstance(target, QLineEdit) else None
                    _scanner(qtbot, services, target, code, enter=enter)
                    assert services.wait_idle(10_000)
                    where = f"{step.step_id} {type(target).__name__} {code} enter={enter}"
                    assert _db_answers(ctx, iid) == before, where
                    assert _session(flow).wizard.index == index, where
                    assert services.tones.error_count == tones + 1, where
                    assert flow.message.text(), where  # told, in words
                    if field_text is not None:
                        assert isinstance(target, QLineEdit)
                        assert target.text() == field_text, where  # the burst was taken out
                    services.router.reset()  # the next burst is a new read, not a repeat
        flow.setFocus()
        _key(qtbot, flow, Key.Key_Return)
    assert kinds_seen == {(StepKind.TEXT, "serial"), (StepKind.PASS_FAIL, None),
                          (StepKind.CHOICE, None), (StepKind.NUMBER, None),
                          (StepKind.TEXT, None), (StepKind.PHOTO, None)}


def test_serial_step_takes_the_scanned_serial_never_the_return_label(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    case = gadget_case()
    flow = _open(qtbot, services, start_inspection(ctx, case, case.items[0], case.rma))
    assert _step(flow).step_id == "app-serial" and flow.value_edit.hasFocus()
    for code in (RMA_OF_CASE, "TRK1", "ORD-77", "E1001"):
        _scanner(qtbot, services, flow.value_edit, code, enter=True)
        assert flow.value_edit.text() == "" and _step(flow).step_id == "app-serial"
        assert "serial" in flow.message.text().lower() or "badge" in flow.message.text().lower()
    assert services.wait_idle(10_000)
    assert _db_answers(ctx, flow.inspection_id) == {}
    _scanner(qtbot, services, flow.value_edit, EXPECTED_SERIAL, enter=True)
    assert services.wait_idle(10_000)
    assert _db_answers(ctx, flow.inspection_id)["app-serial"][0] == "value"
    assert _step(flow).step_id == "app-body"  # the expected serial: moved on


def _walk_gadget_to_last_step(qtbot: Any, flow: InspectionFlow) -> None:
    flow.value_edit.setFocus()
    qtbot.keyClicks(flow.value_edit, EXPECTED_SERIAL)
    qtbot.keyClick(flow.value_edit, Key.Key_Return)
    for _ in range(2):  # app-body, fn-power
        _key(qtbot, flow, Key.Key_P)
        _key(qtbot, flow, Key.Key_Return)
    qtbot.keyClicks(flow.value_edit, "91")
    qtbot.keyClick(flow.value_edit, Key.Key_Return)
    _key(qtbot, flow, Key.Key_2)
    _key(qtbot, flow, Key.Key_Return)
    _key(qtbot, flow, Key.Key_P)  # acc-cable
    _key(qtbot, flow, Key.Key_Return)
    assert _step(flow).step_id == "acc-exp-1"  # the last step


def _enter(flow: InspectionFlow, *, repeat: bool = False) -> None:
    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        QApplication.sendEvent(flow, QKeyEvent(kind, Key.Key_Return,
                                               Qt.KeyboardModifier.NoModifier, "\r", repeat))


def test_double_enter_and_key_repeat_on_the_last_step_show_the_summary_and_never_commit(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    case = gadget_case()
    flow = _open(qtbot, services, start_inspection(ctx, case, case.items[0], case.rma))
    _walk_gadget_to_last_step(qtbot, flow)
    _key(qtbot, flow, Key.Key_N)
    services.router.clock = PacedClock(0.05)  # Enter, Enter 50 ms apart; then a held Enter
    with qtbot.assertNotEmitted(flow.confirmed, wait=200):
        _enter(flow)
        assert flow.pages.currentWidget() is flow.summary_page
        _enter(flow)
        flow.confirm_button.click()  # a click right away is no better
        for _ in range(20):  # a second of key repeat: held Enter never confirms
            _enter(flow, repeat=True)
    assert flow.inspection_id is not None
    assert ctx.store.load_inspection(flow.inspection_id).status.value == "draft"
    services.router.clock = PacedClock(0.5)  # the summary has been read: Enter confirms
    with qtbot.waitSignal(flow.confirmed, timeout=5000):
        _enter(flow)


def test_auto_advance_override_headline_and_esc_asks_before_leaving(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    ctx.settings = ctx.settings.replace(auto_advance=True)
    case = gadget_case()
    flow = _open(qtbot, services, start_inspection(ctx, case, case.items[0], case.rma))
    flow.value_edit.setFocus()
    qtbot.keyClicks(flow.value_edit, EXPECTED_SERIAL)
    qtbot.keyClick(flow.value_edit, Key.Key_Return)
    _key(qtbot, flow, Key.Key_P)
    assert _step(flow).step_id == "fn-power"  # P moved on by itself
    _key(qtbot, flow, Key.Key_Backspace)
    _key(qtbot, flow, Key.Key_F)  # a fail that needs a photo stays
    assert _step(flow).step_id == "app-body"
    # F2 goes to the note and back; letters there are text, never answers.
    _key(qtbot, flow, Key.Key_F2)
    assert flow.note_edit.hasFocus()
    for ch in "np ":
        qtbot.keyClick(flow.note_edit, ch)
    flow.keys.flush()
    assert flow.note_edit.text() == "np " and flow.photos.photo_ids() == []
    _key(qtbot, flow, Key.Key_F2, flow.note_edit)
    assert not flow.note_edit.hasFocus()
    # Esc asks; "Stay" keeps the inspection open.
    _key(qtbot, flow, Key.Key_Escape)
    box = flow.leave_box
    assert isinstance(box, QMessageBox) and box.isVisible()
    with qtbot.assertNotEmitted(flow.left, wait=50):
        box.button(QMessageBox.StandardButton.No).click()
    _key(qtbot, flow, Key.Key_Escape)
    assert flow.leave_box is not None
    with qtbot.waitSignal(flow.left, timeout=2000):
        flow.leave_box.button(QMessageBox.StandardButton.Yes).click()


def test_override_shows_the_new_disposition_in_the_headline(
        qtbot: Any, services: Any, ctx: StationContext) -> None:
    case = gadget_case(reason="no_longer_needed")
    flow = _open(qtbot, services, start_inspection(ctx, case, case.items[0], case.rma))
    _walk_gadget_to_last_step(qtbot, flow)
    _key(qtbot, flow, Key.Key_P)
    _key(qtbot, flow, Key.Key_Return)
    assert "Back to stock" in flow.summary_page.disposition_label.text()
    flow.summary_page.classification_combo.setCurrentIndex(
        flow.summary_page.classification_combo.findData(Classification.DAMAGED.value))
    summary = flow.summary_page
    new = summary.disposition_name(_session(flow).disposition_for(Classification.DAMAGED))
    assert new != "Back to stock" and summary.disposition_label.text() == f"Disposition: {new}"
    assert "Override" in summary.suggested_label.text()
    assert "Damaged" in summary.suggested_label.text()


def test_live_view_on_photo_steps_and_the_taken_photo_shows_at_once(
        qtbot: Any, services: Any, ctx: StationContext, camera: Any) -> None:
    from PySide6.QtGui import QColor, QImage

    case = gadget_case()
    flow = _open(qtbot, services, start_inspection(ctx, case, case.items[0], case.rma))
    assert not flow.photos.live.isVisible()  # the serial step takes no photos
    flow.value_edit.setFocus()
    qtbot.keyClicks(flow.value_edit, EXPECTED_SERIAL)
    qtbot.keyClick(flow.value_edit, Key.Key_Return)
    assert _step(flow).step_id == "app-body"  # a fail needs a photo here
    assert flow.photos.live.isVisible()
    frame = QImage(640, 360, QImage.Format.Format_RGB888)
    frame.fill(QColor(200, 30, 30))
    flow.photos.show_frame(frame)  # what the main window forwards from the camera worker
    assert flow.photos.live.frames_received == 1 and flow.photos.live.has_frame()
    _key(qtbot, flow, Key.Key_F)
    shown_at_once: list[bool] = []

    def check() -> None:
        thumbs = flow.photos._thumbs
        shown_at_once.append(bool(thumbs) and all(
            not t.image.pixmap().isNull() for t in thumbs.values()))

    flow.photos.photos_changed.connect(check)
    _key(qtbot, flow, Key.Key_Space)
    wait_until_photo = qtbot.waitUntil
    wait_until_photo(lambda: bool(shown_at_once), timeout=10_000)
    assert shown_at_once == [True]  # the picture is there before its thumbnail is loaded
    assert services.wait_idle(10_000)
    assert len(_db_answers(ctx, flow.inspection_id)) == 2
