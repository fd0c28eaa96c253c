"""Operators (F8) as a shift lead uses it: the list, Enter in the form, edit, deactivate,
PIN reset and unlock, each checked in the core; a deactivated operator is refused at the
real login screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from app.domain import Role
from app.login_guard import LOCK_AFTER
from app.operators import AuthError
from tests.flow_helpers import as_lead
from tests.ui_helpers import (
    Station,
    login_pin,
    screenshot,
    wait_until,
)


def _open(qtbot: Any, services: Any) -> Any:
    from ui.operators_dialog import OperatorsDialog

    dialog = OperatorsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    with qtbot.waitSignal(dialog.roster_loaded, timeout=10_000):
        pass
    return dialog


def test_enter_in_the_form_adds_the_operator_and_never_opens_the_file_dialog(
        qtbot: Any, services: Any, ctx: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    as_lead(ctx)
    opened: list[object] = []
    def no_file(*args: object, **kwargs: object) -> tuple[str, str]:
        opened.append(args)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", no_file)
    dialog = _open(qtbot, services)
    assert [p.operator_id for p in dialog.people] == ["insp1", "lead1"]
    qtbot.keyClicks(dialog.id_edit, "E3001")
    dialog.name_edit.setText("Zhang Wei 张伟")  # keyClicks types ASCII only
    qtbot.keyClicks(dialog.pin_edit, "13579")
    with qtbot.waitSignal(dialog.roster_loaded, timeout=10_000):
        qtbot.keyClick(dialog.pin_edit, Qt.Key.Key_Return)
    assert opened == []
    assert dialog.row_texts("E3001")[:5] == ["E3001", "Zhang Wei 张伟", "Inspector", "",
                                             "active"]
    assert ctx.operators.login_pin("E3001", "13579").name == "Zhang Wei 张伟"
    # With someone selected, Enter saves the changes to them (still no file dialog).
    assert dialog.select("E3001")
    assert dialog.id_edit.text() == "E3001" and dialog.id_edit.isReadOnly()
    dialog.name_edit.setText("Zhang Wei")
    dialog.badge_edit.setText("B-3001")
    with qtbot.waitSignal(dialog.roster_loaded, timeout=10_000):
        qtbot.keyClick(dialog.badge_edit, Qt.Key.Key_Return)
    assert opened == [] and "Changes saved for E3001" in dialog.message.text()
    assert dialog.row_texts("E3001")[1:4] == ["Zhang Wei", "Inspector", "B-3001"]
    assert ctx.operators.login_badge("B-3001").operator_id == "E3001"


def test_list_shows_last_login_and_lock_then_pin_reset_and_unlock(
        qtbot: Any, services: Any, ctx: Any) -> None:
    ops = ctx.operators
    ops.login_pin("insp1", "5678")
    now = [ops.guard.clock()]
    ops.guard.clock = lambda: now[0]
    for _ in range(LOCK_AFTER):
        now[0] += timedelta(minutes=2)
        with pytest.raises(AuthError):
            ops.login_pin("insp1", "0000")
    as_lead(ctx)
    dialog = _open(qtbot, services)
    row = dialog.row_texts("insp1")
    assert row[2:5] == ["Inspector", "BADGE-INSP", "active"]
    assert row[5] != "" and row[6].startswith("until ")
    assert dialog.row_texts("lead1")[5] == ""  # never logged in
    assert dialog.select("insp1")
    dialog.pin_button.click()
    assert "Type the new PIN" in dialog.message.text()
    dialog.pin_edit.setText("12")
    dialog.pin_button.click()
    wait_until(qtbot, lambda: "4 to 12" in dialog.message.text(), what="PIN rule")
    dialog.pin_edit.setText("2468")
    with qtbot.waitSignal(dialog.roster_loaded, timeout=10_000):
        dialog.pin_button.click()
    assert "New PIN set for insp1" in dialog.message.text()
    assert dialog.row_texts("insp1")[6] == ""  # the reset lifted the lock
    assert ops.login_pin("insp1", "2468").operator_id == "insp1"
    dialog.unlock()
    wait_until(qtbot, lambda: "insp1 was not locked" in dialog.message.text(), what="unlock")


def test_a_lead_cannot_deactivate_themself_in_either_language(
        qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    dialog = _open(qtbot, services)
    assert dialog.select("lead1")
    assert dialog.active_button.text() == "Deactivate"
    dialog.active_button.click()
    wait_until(qtbot, lambda: "cannot deactivate yourself" in dialog.message.text(),
               what="refusal")
    ctx.settings = ctx.settings.replace(language="zh_CN")
    dialog.active_button.click()
    wait_until(qtbot, lambda: "不能停用自己" in dialog.message.text(), what="Chinese refusal")
    ctx.settings = ctx.settings.replace(language="en")
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData(Role.INSPECTOR.value))
    dialog.save_button.click()
    wait_until(qtbot, lambda: "from yourself" in dialog.message.text(), what="no self-demotion")
    assert ctx.operators.login_pin("lead1", "123456").is_shift_lead


def test_deactivated_inspector_is_refused_at_the_login_screen(
        station: Station, qtbot: Any) -> None:
    w = station.window
    login_pin(qtbot, w, "E2001", "9876")
    w.show_operators()  # F8
    wait_until(qtbot, lambda: _dialog(w) is not None, what="operators dialog")
    dialog = _dialog(w)
    wait_until(qtbot, lambda: dialog.select("E1001"), what="the roster")
    with qtbot.waitSignal(dialog.roster_loaded, timeout=10_000):
        dialog.active_button.click()
    assert dialog.row_texts("E1001")[4] == "deactivated"
    assert dialog.active_button.text() == "Reactivate"
    screenshot(w, "operators-roster")
    dialog.accept()
    w.logout()  # F12
    wait_until(qtbot, lambda: w.current_screen() is w.login_screen, what="logged out")
    screen = w.login_screen
    qtbot.keyClicks(screen.id_edit, "E1001")
    qtbot.keyClicks(screen.pin_edit, "1234")
    qtbot.keyClick(screen.pin_edit, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: "Not recognised" in screen.message.text(), what="refusal")
    assert w.services.operator is None


def _dialog(window: Any) -> Any:
    from ui.operators_dialog import OperatorsDialog

    found = [d for d in window.findChildren(OperatorsDialog) if d.isVisible()]
    return found[0] if found else None


def test_closing_the_lists_at_once_drops_their_late_results(
        qtbot: Any, services: Any, ctx: Any) -> None:
    """The roster and the audit trail are read in the background: a dialog closed (and
    deleted) before they arrive must not be touched by them."""
    from PySide6.QtWidgets import QApplication

    from ui.audit_dialog import AuditDialog
    from ui.operators_dialog import OperatorsDialog

    as_lead(ctx)
    for make in (OperatorsDialog, AuditDialog):
        dialog = make(services)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        dialog.close()
        QApplication.sendPostedEvents(None, 0)  # the deferred delete happens now
        assert services.wait_idle(10_000)
        QApplication.processEvents()  # the late result is delivered (and dropped)
