"""Settings dialog (shift lead only): validated by the core before anything is written."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit

from app.config import load_settings
from app.operators import PermissionDenied
from tests.flow_helpers import as_lead, screenshot
from ui.operators_dialog import OperatorsDialog
from ui.settings_dialog import SettingsDialog


def test_inspector_cannot_open_settings_or_operators(services: Any, ctx: Any) -> None:
    with pytest.raises(PermissionDenied):
        SettingsDialog(services)
    with pytest.raises(PermissionDenied):
        OperatorsDialog(services)


def test_invalid_values_are_refused_with_the_core_message(
        qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText("ftp://cases.example")
    dialog.save()
    assert "api_base_url" in dialog.message.text()
    dialog.url_edit.setText("http://cases.example/api")  # plain http off loopback
    dialog.save()
    assert "plain http" in dialog.message.text()
    dialog.url_edit.setText("")
    dialog.photo_spin.setValue(100)
    dialog.save()
    assert "photo_max_px" in dialog.message.text()
    dialog.photo_spin.setValue(1600)
    dialog.ca_edit.setText("/nonexistent/ca.pem")
    dialog.save()
    assert "ca_bundle" in dialog.message.text()
    assert not dialog.saving and not ctx.paths.config_file.exists()
    screenshot(dialog, "settings")


def test_valid_settings_are_saved_with_the_token(qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    ctx.settings = ctx.settings.replace(token_source="file")
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.url_edit.setText("https://cases.example/api/v1/")
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findData("zh_CN"))
    dialog.resolution_combo.setCurrentIndex(dialog.resolution_combo.findData("1280x720"))
    dialog.photo_spin.setValue(1200)
    dialog.token_edit.setText("  secret-station-token ")
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as sig:
        dialog.save()
    saved = sig.args[0]
    assert saved.api_base_url == "https://cases.example/api/v1" and saved.language == "zh_CN"
    assert ctx.settings is saved
    on_disk = load_settings(ctx.paths.config_file, env={})
    assert (on_disk.camera_width, on_disk.camera_height, on_disk.photo_max_px) == (1280, 720,
                                                                                    1200)
    assert ctx.paths.token_file.read_text().strip() == "secret-station-token"
    assert dialog.token_edit.text() == ""


def test_operators_dialog_adds_and_imports(qtbot: Any, services: Any, ctx: Any,
                                           tmp_path: Any) -> None:
    as_lead(ctx)
    dialog = OperatorsDialog(services)
    qtbot.addWidget(dialog)
    dialog.id_edit.setText("anna")
    dialog.name_edit.setText("Anna Wang 王安娜")
    dialog.pin_edit.setText("2468")
    with qtbot.waitSignal(dialog.roster_changed, timeout=5000):
        dialog.add_operator()
    assert ctx.operators.login_pin("anna", "2468").name == "Anna Wang 王安娜"
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufeffoperator_id,name,role,pin,badge_code\n"
                      "bo,Bo,inspector,1111,B-1\ncy,Cy,shift_lead,222222,\n", encoding="utf-8")
    with qtbot.waitSignal(dialog.roster_changed, timeout=5000) as sig:
        dialog.import_csv(str(roster))
    assert sig.args == [2]
    assert ctx.operators.login_badge("B-1").operator_id == "bo"
    bad = tmp_path / "bad.csv"
    bad.write_text("operator_id,name\nx,y\n", encoding="utf-8")
    dialog.import_csv(str(bad))
    qtbot.waitUntil(lambda: "columns" in dialog.message.text(), timeout=5000)


def test_operators_dialog_lifts_a_login_lockout(qtbot: Any, services: Any, ctx: Any) -> None:
    from datetime import timedelta

    import pytest

    from app.login_guard import LOCK_AFTER
    from app.operators import AuthError, LoginLocked

    now = [ctx.operators.guard.clock()]
    ctx.operators.guard.clock = lambda: now[0]
    for _ in range(LOCK_AFTER):
        now[0] += timedelta(minutes=2)
        with pytest.raises(AuthError):
            ctx.operators.login_pin("insp1", "0000")
    with pytest.raises(LoginLocked):
        ctx.operators.login_pin("insp1", "5678")
    as_lead(ctx)
    dialog = OperatorsDialog(services)
    qtbot.addWidget(dialog)
    assert "shift lead 6-12" in dialog.labels[3].text()
    dialog.unlock()
    qtbot.waitUntil(lambda: "Enter the operator ID" in dialog.message.text(), timeout=5000)
    dialog.id_edit.setText("insp1")
    dialog.unlock()
    qtbot.waitUntil(lambda: "insp1 unlocked" in dialog.message.text(), timeout=5000)
    assert ctx.operators.login_pin("insp1", "5678").operator_id == "insp1"


def test_closing_the_operators_dialog_while_adding_waits_for_the_write(
        qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    dialog = OperatorsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.id_edit.setText("E3001")
    dialog.name_edit.setText("Zhang Wei")
    dialog.pin_edit.setText("13579")
    with qtbot.waitSignal(dialog.roster_changed, timeout=5000):
        dialog.add_operator()
        dialog.accept()  # Close pressed (or a logout) while the operator is being written
        assert dialog.isVisible()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert ctx.operators.login_pin("E3001", "13579").name == "Zhang Wei"


def test_settings_dialog_closed_while_saving_still_reports_the_result(
        qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.photo_spin.setValue(1200)
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as sig:
        dialog.save()
        dialog.reject()
        assert dialog.isVisible()  # stays until the file is written
    assert sig.args[0].photo_max_px == 1200
    assert not dialog.isVisible()
    assert load_settings(ctx.paths.config_file).photo_max_px == 1200


def test_settings_dialog_rows_follow_the_declarations(qtbot: Any, services: Any,
                                                      ctx: Any) -> None:
    """Each setting declared with a label is a row: its label and help in the station's
    language, its widget from its parser (a choice a combo box, a range a spin box)."""
    from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

    from app.config import SETTINGS

    as_lead(ctx)
    ctx.settings = ctx.settings.replace(language="zh_CN")
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    shown = [s for s in SETTINGS if s.label is not None]
    assert list(dialog.fields) == [s.key for s in shown]
    assert {"api_base_url", "ca_bundle", "language", "photo_max_px"} <= set(dialog.fields)
    for setting in shown:
        label, help_text = setting.text("zh_CN")
        assert dialog.labels[setting.key].text() == label
        assert dialog.fields[setting.key].editor.toolTip() == help_text
    assert dialog.labels["api_base_url"].text() == "退货接口 URL"
    assert "演示模式" in dialog.url_edit.placeholderText()
    assert isinstance(dialog.fields["photo_max_px"].editor, QSpinBox)
    assert isinstance(dialog.fields["ca_bundle"].editor, QLineEdit)
    combo = dialog.fields["language"].editor
    assert isinstance(combo, QComboBox)
    assert [combo.itemData(i) for i in range(combo.count())] == ["en", "zh_CN"]
    assert dialog.changes()["camera_width"] == ctx.settings.camera_width


def test_a_field_is_made_from_its_parser_for_every_input_kind(qtbot: Any, services: Any,
                                                              ctx: Any) -> None:
    """A flag becomes a check box, a number a spin box whose range is wider than the
    declared one (so the core's message, naming the key, refuses an out-of-range value)."""
    from PySide6.QtWidgets import QCheckBox, QDoubleSpinBox, QWidget

    from app.config import SETTINGS, ConfigError
    from ui.settings_dialog import SettingField

    by_key = {s.key: s for s in SETTINGS}
    parent = QWidget()
    qtbot.addWidget(parent)
    flag = SettingField(by_key["auto_advance"], ctx.settings, parent)
    assert isinstance(flag.editor, QCheckBox) and flag.editor.isChecked() is False
    flag.editor.setChecked(True)
    assert ctx.settings.replace(**flag.changes()).auto_advance is True
    number = SettingField(by_key["scan_cooldown_s"], ctx.settings, parent)
    assert isinstance(number.editor, QDoubleSpinBox)
    assert number.editor.maximum() > 120
    number.editor.setValue(500)
    with pytest.raises(ConfigError, match="scan_cooldown_s: expected a number from 0 to 120"):
        ctx.settings.replace(**number.changes())
def test_the_identity_gate_categories_are_set_and_checked_by_the_core(
        qtbot: Any, services: Any, ctx: Any) -> None:
    as_lead(ctx)
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    edit = dialog.fields["identity_gate_categories"].editor
    assert isinstance(edit, QLineEdit) and edit.text() == ""  # off by default
    edit.setText("phones tablets")
    dialog.save()
    assert "identity_gate_categories" in dialog.message.text() and not dialog.saving
    edit.setText("Phones_Tablets, audio")
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as sig:
        dialog.save()
    assert sig.args[0].identity_gate_categories == ("phones_tablets", "audio")
    on_disk = load_settings(ctx.paths.config_file, env={})
    assert on_disk.identity_gate_categories == ("phones_tablets", "audio")
