"""History as a shift lead uses it for 14.4: CSV export of a day or a shift (the CLI's
formula-safe exporter, off the GUI thread, through a save dialog) and the audit view with
its filters and the keyed chain's verdict, a tampered row shown in red."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog

from app.config import ShiftDefinition
from app.domain import Operator, Role
from app.operators import PermissionDenied
from tests.flow_helpers import as_lead, screenshot
from tests.test_ui_history import _screen, completed
from tests.ui_helpers import cell
from ui.audit_dialog import AuditDialog


def _rows(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the Chinese right
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_day_and_shift_csv_export_through_the_save_dialog(
        qtbot: Any, services: Any, ctx: Any, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first = completed(ctx, 1, comment="=HYPERLINK(\"http://x\") 坏了")
    second = completed(ctx, 2)
    midnight = time(0, 0)
    far = time((datetime.now().hour + 12) % 24, 0)  # a one-minute shift half a day away
    ctx.settings = ctx.settings.replace(shifts=(
        ShiftDefinition("all", midnight, midnight),
        ShiftDefinition("none", far, far.replace(minute=1))))
    screen = _screen(qtbot, services)
    out = tmp_path / "chosen.csv"
    asked: list[str] = []

    def save_dialog(_parent: Any, _title: str, suggested: str, _filter: str) -> tuple[str, str]:
        asked.append(suggested)
        return str(out), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    with qtbot.waitSignal(screen.exported, timeout=10_000):
        screen.day_csv_button.click()
    assert asked[0].endswith(f"inspections-{date.today().isoformat()}.csv")
    rows = _rows(out)
    assert sorted(r["inspection_id"] for r in rows) == sorted([first, second])
    risky = next(r for r in rows if r["inspection_id"] == first)
    assert risky["customer_comment"] == "'=HYPERLINK(\"http://x\") 坏了"
    assert "2 inspection(s) exported" in screen.message.text()
    screen.shift_combo.setCurrentIndex(screen.shift_combo.findData("none"))
    with qtbot.waitSignal(screen.exported, timeout=10_000):
        screen.shift_csv_button.click()
    assert asked[1].endswith("-none.csv") and _rows(out) == []
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a: ("", ""))
    with qtbot.assertNotEmitted(screen.exported, wait=200):
        screen.day_csv_button.click()  # cancelled: nothing written, nothing said


def test_audit_view_filters_and_shows_a_tampered_row(
        qtbot: Any, services: Any, ctx: Any) -> None:
    iid = completed(ctx, 1)
    completed(ctx, 2)
    ctx.operators.login_pin("insp1", "5678")
    with pytest.raises(PermissionDenied):
        AuditDialog(services)  # an inspector
    as_lead(ctx)
    screen = _screen(qtbot, services)
    assert not screen.audit_button.isHidden()  # a lead sees it; an inspector does not
    lead = ctx.operator
    services.set_operator(Operator("insp1", "Ivan Insp", Role.INSPECTOR))
    assert screen.audit_button.isHidden()
    services.set_operator(lead)
    assert screen.select(iid)
    dialog = screen.show_audit()
    assert isinstance(dialog, AuditDialog)
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        pass
    assert dialog.inspection_edit.text() == iid
    assert dialog.trail is not None
    assert {e.subject for e in dialog.trail.entries} == {iid}
    assert {"start", "answer", "complete"} <= {e.action for e in dialog.trail.entries}
    assert "verified" in dialog.verdict.text() and dialog.broken_row() is None
    dialog.inspection_edit.clear()
    dialog.operator_edit.setText("insp1")
    dialog.action_combo.setCurrentIndex(dialog.action_combo.findData("login"))
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.filter_button.click()
    assert [(e.actor, e.action) for e in dialog.trail.entries] == [("insp1", "login")]
    with sqlite3.connect(ctx.paths.db_file) as db:
        seq = db.execute("SELECT seq FROM audit WHERE action = 'complete' AND subject = ?",
                         (iid,)).fetchone()[0]
        db.execute("UPDATE audit SET details = '{}' WHERE seq = ?", (seq,))
    dialog.operator_edit.clear()
    dialog.action_combo.setCurrentIndex(0)
    ctx.settings = ctx.settings.replace(language="zh_CN")
    with qtbot.waitSignal(dialog.loaded, timeout=10_000):
        dialog.filter_button.click()
    assert f"第 {seq} 条" in dialog.verdict.text()
    row = dialog.broken_row()
    assert row is not None and cell(dialog.table, row, 0).text() == str(seq)
    assert cell(dialog.table, row, 3).foreground().color().name() == "#b71c1c"
    screenshot(dialog, "audit-broken")
    dialog.accept()


def test_the_new_lead_screens_speak_chinese(qtbot: Any, services: Any, ctx: Any,
                                            qm_dir: Path) -> None:
    from ui.i18n import Translations
    from ui.operators_dialog import OperatorsDialog

    as_lead(ctx)
    ctx.settings = ctx.settings.replace(language="zh_CN")
    translations = Translations(qm_dir)
    try:
        assert translations.switch("zh_CN")
        screen = _screen(qtbot, services)
        assert (screen.day_csv_button.text(), screen.shift_csv_button.text(),
                screen.audit_button.text()) == ("当日CSV…", "班次CSV…", "审计日志…")
        ops = OperatorsDialog(services)
        qtbot.addWidget(ops)
        with qtbot.waitSignal(ops.roster_loaded, timeout=10_000):
            pass
        assert ops.row_texts("insp1")[2] == "检验员" and ops.row_texts("insp1")[4] == "在岗"
        assert ops.active_button.text() == "停用" and ops.pin_button.text() == "重置PIN"
        audit = AuditDialog(services)
        qtbot.addWidget(audit)
        with qtbot.waitSignal(audit.loaded, timeout=10_000):
            pass
        assert audit.windowTitle() == "审计日志" and "审计链校验通过" in audit.verdict.text()
        assert audit.action_combo.itemText(0) == "全部操作"
        screenshot(ops, "operators-zh")
    finally:
        translations.switch("en")
