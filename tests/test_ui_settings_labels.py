"""The label printer's settings (16.5) in the shift lead's settings dialog, both languages.

The rows come from the declarations in app/config.py; the dialog saves them through the
core (a zpl printer without a host is refused, naming the key) and, grown by these rows,
still fits a 1366x768 screen.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QComboBox, QLineEdit, QSpinBox

from app.config import load_settings
from tests.flow_helpers import as_lead, screenshot
from ui.settings_dialog import SettingsDialog

LABEL_KEYS = ("label_printer", "label_printer_host", "label_printer_port",
              "label_printer_queue", "label_size")
SCREEN_H = 768


@pytest.fixture
def chinese(ctx: Any, qm_dir: Path) -> Iterator[None]:
    from ui.i18n import Translations

    translations = Translations(qm_dir)
    assert translations.switch("zh_CN")
    ctx.settings = ctx.settings.replace(language="zh_CN")
    try:
        yield
    finally:
        translations.switch("en")


def open_dialog(qtbot: Any, services: Any, ctx: Any) -> SettingsDialog:
    as_lead(ctx)
    dialog = SettingsDialog(services)
    qtbot.addWidget(dialog)
    return dialog


def combo(dialog: SettingsDialog, key: str) -> QComboBox:
    editor = dialog.fields[key].editor
    assert isinstance(editor, QComboBox)
    return editor


def test_the_label_printer_rows_are_shown_and_saved(qtbot: Any, services: Any,
                                                    ctx: Any) -> None:
    dialog = open_dialog(qtbot, services, ctx)
    assert [dialog.labels[k].text() for k in LABEL_KEYS] == [
        "Label printer", "Label printer host (zpl)", "Label printer port (zpl)",
        "Label print queue (page)", "Label size"]
    printer, size = combo(dialog, "label_printer"), combo(dialog, "label_size")
    assert [printer.itemText(i) for i in range(printer.count())] == [
        "none (no label)", "ZPL printer (Zebra-type, raw TCP)",
        "page printer (the system print queue)"]
    assert printer.currentData() == "none" and size.currentData() == "4x6in"
    host, port = dialog.fields["label_printer_host"].editor, \
        dialog.fields["label_printer_port"].editor
    assert isinstance(host, QLineEdit) and isinstance(port, QSpinBox)
    assert port.value() == 9100
    assert "raw TCP port" in port.toolTip()
    printer.setCurrentIndex(printer.findData("zpl"))
    dialog.save()  # a zpl printer without its host: the core refuses, nothing is written
    assert "label_printer_host" in dialog.message.text()
    assert not dialog.saving and not ctx.paths.config_file.exists()
    host.setText("10.0.4.21")
    port.setValue(6101)
    size.setCurrentIndex(size.findData("100x150mm"))
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as sig:
        dialog.save()
    assert (sig.args[0].label_printer, sig.args[0].label_printer_host) == ("zpl", "10.0.4.21")
    on_disk = load_settings(ctx.paths.config_file, env={})
    assert (on_disk.label_printer, on_disk.label_printer_host, on_disk.label_printer_port,
            on_disk.label_size) == ("zpl", "10.0.4.21", 6101, "100x150mm")


def test_a_page_printer_queue_is_saved(qtbot: Any, services: Any, ctx: Any) -> None:
    dialog = open_dialog(qtbot, services, ctx)
    printer = combo(dialog, "label_printer")
    printer.setCurrentIndex(printer.findData("page"))
    queue = dialog.fields["label_printer_queue"].editor
    assert isinstance(queue, QLineEdit)
    assert "default printer" in queue.placeholderText()
    queue.setText("Zebra_GK420d")
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000):
        dialog.save()
    on_disk = load_settings(ctx.paths.config_file, env={})
    assert (on_disk.label_printer, on_disk.label_printer_queue) == ("page", "Zebra_GK420d")


def test_the_label_rows_in_chinese(qtbot: Any, services: Any, ctx: Any,
                                   chinese: None) -> None:
    dialog = open_dialog(qtbot, services, ctx)
    assert [dialog.labels[k].text() for k in LABEL_KEYS] == [
        "标签打印机", "标签打印机主机（zpl）", "标签打印机端口（zpl）", "标签打印队列（page）",
        "标签尺寸"]
    printer, size = combo(dialog, "label_printer"), combo(dialog, "label_size")
    assert printer.itemText(0) == "不打印（无标签）"
    assert size.itemText(size.findData("4x6in")) == "4 × 6 英寸"
    assert "原始 TCP" in printer.toolTip()
    protocol = combo(dialog, "scale_protocol")
    assert protocol.itemText(protocol.findData("request")) == "收到请求后应答"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_the_settings_dialog_fits_a_1366x768_screen(qtbot: Any, services: Any, ctx: Any,
                                                    qm_dir: Path, language: str) -> None:
    """All rows fit 768 px without scrolling; on a shorter screen the rows scroll and the
    buttons stay on it."""
    from ui.i18n import Translations
    from ui.settings_dialog import RowsArea

    translations = Translations(qm_dir)
    assert translations.switch(language)
    ctx.settings = ctx.settings.replace(language=language)
    try:
        dialog = open_dialog(qtbot, services, ctx)
        dialog.show()
        qtbot.waitExposed(dialog)
        rows = dialog.rows_area.widget()
        assert rows is not None
        needed = rows.sizeHint().height()
        assert needed + RowsArea.RESERVED <= SCREEN_H, needed  # no scrolling at 1366x768
        screen = dialog.screen().availableGeometry().height()  # offscreen: a smaller one
        assert dialog.sizeHint().height() <= screen
        bar = dialog.rows_area.verticalScrollBar()
        if needed + RowsArea.RESERVED > screen:
            assert bar.maximum() > 0  # the rows scroll; the buttons stay in view
        else:
            assert bar.maximum() == 0
        assert dialog.save_button.isVisible()
        screenshot(dialog, f"settings_{language}")
    finally:
        translations.switch("en")
