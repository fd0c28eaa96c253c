"""One path for text shown to people (issue 15.3).

Classifications and dispositions are named by one table (app/messages.py): no widget, no
report and no Qt catalogue entry spells them again (there were three copies that
disagreed: "Restock" vs "back to stock"). Template texts are maps of both languages.
"""

from __future__ import annotations

import ast
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from app.checklists import DEFAULT_TEMPLATE_DIR
from app.domain import Classification, Disposition
from app.messages import _VALUES

REPO = Path(__file__).resolve().parent.parent
TS = REPO / "resources" / "translations" / "station_zh_CN.ts"


def _display_names() -> set[str]:
    """Every English way of naming a classification or disposition, the table's and the
    enum value's own words ("missing parts", "restock")."""
    names: set[str] = set()
    for member in (*Classification, *Disposition):
        names.add(_VALUES[member.value][0].casefold())
        names.add(member.value.replace("_", " ").casefold())
    return names


def _string_literals(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_widget_or_report_names_a_classification_or_disposition_itself() -> None:
    names = _display_names()
    files = sorted((REPO / "ui").glob("*.py")) + sorted((REPO / "app" / "reports").glob("*.py"))
    spelled = [(f.relative_to(REPO).as_posix(), s) for f in files for s in _string_literals(f)
               if s.strip().casefold() in names]
    assert spelled == []


def test_the_qt_catalogue_holds_no_copy_of_the_display_names() -> None:
    names = _display_names()
    sources = [m.findtext("source") or "" for m in ET.parse(TS).getroot().iter("message")]
    assert [s for s in sources if s.strip().casefold() in names] == []


def _texts(obj: Any, where: str) -> list[tuple[str, Any]]:
    """(where, value) of every title/prompt/failed in a template object."""
    found: list[tuple[str, Any]] = []
    if isinstance(obj, dict):
        for key, value in obj.items():
            if key in ("title", "prompt", "failed"):
                found.append((f"{where}.{key}", value))
            found += _texts(value, f"{where}.{obj.get('step_id', key)}")
    elif isinstance(obj, list):
        for item in obj:
            found += _texts(item, where)
    return found


def test_shipped_templates_carry_each_text_as_a_map_of_both_languages() -> None:
    files = sorted(DEFAULT_TEMPLATE_DIR.glob("*.json"))
    assert files
    for path in files:
        data = json.loads(path.read_text(encoding="utf-8"))
        texts = _texts(data, path.name)
        assert any(w.endswith(".prompt") for w, _ in texts), path.name
        for where, value in texts:
            assert isinstance(value, dict) and set(value) == {"en", "zh_CN"}, where
            assert value["en"].strip() and value["zh_CN"].strip(), where
        assert "_zh\"" not in path.read_text(encoding="utf-8"), path.name
