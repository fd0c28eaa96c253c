"""Every text the GUI can show exists in Chinese (issue 14.6).

Three checks: the Qt catalogue covers every tr() string in ui/ with a real Chinese text;
every app/messages.py entry has both languages with the same {fields}; and history and the
summary, walked in zh_CN with real records, show no raw enum value.
"""

from __future__ import annotations

import re
import shutil
import string
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from app.domain import Classification, CustomerReason, Disposition, Result
from app.messages import _LABELS, _VALUES
from app.store.store import OutboxState
from app.workflow import InspectionSession, start_inspection
from tests.builders import EXPECTED_SERIAL, gadget_case
from tests.flow_helpers import bgr_frame
from tests.test_ui_history import completed

REPO = Path(__file__).resolve().parent.parent
TS = REPO / "resources" / "translations" / "station_zh_CN.ts"
HAN = re.compile(r"[\u4e00-\u9fff]")
# Shown as they are in Chinese too: codes and names of things, not words.
CODES = {"RMA", "SKU", "PIN", "IMEI", "ID"}


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    root = ET.parse(ts).getroot()
    out = []
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            if translation.get("type") in ("obsolete", "vanished"):
                continue
            out.append((name, message.findtext("source") or "", translation))
    return out


def _untranslated(ts: Path) -> list[str]:
    bad = []
    for context, source, translation in _messages(ts):
        text = translation.text or ""
        if translation.get("type") == "unfinished" or not text.strip():
            bad.append(f"{context}: {source!r} has no translation")
        elif text == source and source not in CODES:
            bad.append(f"{context}: {source!r} is English in the Chinese catalogue")
        elif not HAN.search(text) and source not in CODES:
            bad.append(f"{context}: {source!r} -> {text!r} has no Chinese in it")
    return bad


def test_the_chinese_catalogue_has_no_english_left() -> None:
    assert _untranslated(TS) == []


def test_every_tr_string_in_ui_is_in_the_catalogue(tmp_path: Path) -> None:
    """lupdate over ui/*.py on a copy: a tr() string missing from the .ts shows unfinished."""
    lupdate = Path(sys.executable).parent / "pyside6-lupdate"
    if not lupdate.exists():
        found = shutil.which("pyside6-lupdate")
        assert found, "pyside6-lupdate is part of pyside6-essentials"
        lupdate = Path(found)
    copy = tmp_path / TS.name
    shutil.copy(TS, copy)
    sources = sorted(str(p) for p in (REPO / "ui").glob("*.py"))
    subprocess.run([str(lupdate), *sources, "-ts", str(copy), "-no-obsolete"], check=True,
                   capture_output=True, cwd=REPO)
    assert _untranslated(copy) == []


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("table", [_LABELS, _VALUES], ids=["labels", "values"])
def test_every_core_text_has_both_languages_with_the_same_fields(
        table: dict[str, tuple[str, str]]) -> None:
    for key, (en, zh) in table.items():
        assert en.strip() and zh.strip(), key
        assert _fields(en) == _fields(zh), key
        assert HAN.search(zh) or zh in CODES, f"{key}: {zh!r} is not Chinese"


def test_every_enum_a_person_sees_has_a_display_name() -> None:
    for enum in (Classification, Disposition, CustomerReason, Result):
        for member in enum:
            assert member.value in _VALUES, member
    for state in (OutboxState.PENDING, OutboxState.SENT, OutboxState.ATTENTION,
                  OutboxState.HANDLED):
        assert state in _VALUES, state


RAW = re.compile(r"\b(" + "|".join(sorted(
    {m.value for e in (Classification, Disposition, CustomerReason, Result) for m in e}
    | {"pending", "sent", "attention", "handled"}, key=len, reverse=True)) + r")\b",
    re.IGNORECASE)


def _screen_texts(widget: Any) -> list[str]:
    """Every text a person can read in a widget tree (labels, buttons, tables, text views)."""
    from PySide6.QtWidgets import (
        QAbstractButton,
        QComboBox,
        QGroupBox,
        QLabel,
        QPlainTextEdit,
        QTableWidget,
    )

    texts: list[str] = []
    for w in widget.findChildren(QLabel):
        if w.isVisibleTo(widget):
            texts.append(w.text())
    for b in widget.findChildren(QAbstractButton):
        if b.isVisibleTo(widget):
            texts.append(b.text())
    for g in widget.findChildren(QGroupBox):
        texts.append(g.title())
    for c in widget.findChildren(QComboBox):
        texts.extend(c.itemText(i) for i in range(c.count()))
    for e in widget.findChildren(QPlainTextEdit):
        texts.append(e.toPlainText())
    for table in widget.findChildren(QTableWidget):
        for row in range(table.rowCount()):
            for col in range(table.columnCount()):
                item = table.item(row, col)
                if item is not None:
                    texts.append(item.text())
    return texts


def _raw_values(texts: list[str]) -> list[str]:
    return [f"{m.group(0)!r} in {text!r}" for text in texts for m in RAW.finditer(text)]


def _chinese(ctx: Any, qm_dir: Path) -> Any:
    from ui.i18n import Translations

    translations = Translations(qm_dir)
    assert translations.switch("zh_CN")
    ctx.settings = ctx.settings.replace(language="zh_CN")
    return translations


def _shown(qtbot: Any, widget: Any) -> Any:
    qtbot.addWidget(widget)
    widget.resize(1366, 768)
    widget.show()
    return widget


def test_history_in_chinese_shows_no_raw_enum_value(
        qtbot: Any, services: Any, ctx: Any, qm_dir: Path) -> None:
    from ui.history_screen import HistoryScreen

    sent = completed(ctx, 1)
    ctx.store.mark_sent(sent, None)
    attention = completed(ctx, 2)
    ctx.store.mark_attention(attention, "case closed on the server")
    translations = _chinese(ctx, qm_dir)
    try:
        screen = _shown(qtbot, HistoryScreen(services))
        with qtbot.waitSignal(screen.loaded, timeout=5000):
            screen.refresh()
        for record in screen.records:
            assert screen.select(record.inspection_id)
            texts = _screen_texts(screen)
            assert any("通过" in t for t in texts)  # the step results, in Chinese
            assert _raw_values(texts) == []
        screen.search_edit.setText("RMA-2024-00")
        with qtbot.waitSignal(screen.loaded, timeout=5000):
            screen.search()
        assert "未找到" in screen.message.text() and "RMA-2024-00" in screen.title.text()
    finally:
        translations.switch("en")


def test_summary_in_chinese_shows_no_raw_enum_value(
        qtbot: Any, services: Any, ctx: Any, qm_dir: Path) -> None:
    from ui.inspection_flow import InspectionFlow

    case = gadget_case(reason="damaged_in_transit")
    s = InspectionSession(ctx, start_inspection(ctx, case, case.items[0], case.rma))
    while s.current is not None:
        step = s.current
        if step.capture:
            s.answer(Result.VALUE, EXPECTED_SERIAL)
        elif step.step_id == "app-body":
            s.answer(Result.FAIL, note="dent")
            s.add_photo(bgr_frame(640, 480))
        elif step.kind.value == "number":
            s.answer(Result.VALUE, 90)
        else:
            s.answer(Result.NA if step.kind.value == "choice" else Result.PASS)
        s.next()
    translations = _chinese(ctx, qm_dir)
    try:
        flow = _shown(qtbot, InspectionFlow(services))
        with qtbot.waitSignal(flow.ready, timeout=5000):
            flow.start(s.inspection_id)
        assert flow.pages.currentWidget() is flow.summary_page
        texts = _screen_texts(flow.summary_page)
        assert "损坏" in flow.summary_page.suggested_label.text()
        # what was found, not the prompt
        assert "不合格：" in flow.summary_page.because_label.text()
        assert _raw_values(texts) == []
    finally:
        translations.switch("en")


def test_photo_and_override_refusals_speak_chinese() -> None:
    from app.domain import DomainError
    from app.photo_prep import PhotoError, prepare_photo
    from app.rules import check_override

    with pytest.raises(PhotoError) as photo:
        prepare_photo(b"", 640, 80)
    assert photo.value.message("zh_CN") == "文件为空，不是照片。"
    with pytest.raises(DomainError) as override:
        check_override(Classification.DAMAGED, Classification.INTACT, " ")
    assert override.value.message("zh_CN") == "将判定从“损坏”改为“完好”需要填写原因"
    assert "damaged" not in override.value.message("zh_CN")


def test_operator_and_lead_only_refusals_speak_chinese() -> None:
    from app.domain import DomainError, Operator, PermissionDenied, Role, require_shift_lead
    from app.operators import LoginPolicy, _check_new

    inspector = Operator("E1001", "Li Wei", Role.INSPECTOR)
    with pytest.raises(PermissionDenied) as refused:
        require_shift_lead(inspector, "read the audit log")
    assert refused.value.message("en") == "Only a shift lead can read the audit log."
    assert refused.value.message("zh_CN") == "只有班组长可以查看审计日志。"
    policy = LoginPolicy()
    with pytest.raises(DomainError) as short:
        _check_new("E3001", "Wang", Role.SHIFT_LEAD, "1234", None, policy)
    assert short.value.message("zh_CN") == "班组长的 PIN 为 6 到 12 位数字。"
    assert "shift lead is 6 to 12 digits" in short.value.message("en")
