"""The core stays Qt-free and server-free: nothing under app/ imports PySide6, the ui
package or the reference server, except the composition root (app/__main__.py)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


ROOT_MODULE = "app/__main__.py"  # the composition root: wires app, ui and refserver


def _imported(package: str) -> list[tuple[str, str]]:
    """(file, top-level package) for every absolute import in a package's files."""
    found = []
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            found += [(path.relative_to(ROOT).as_posix(), n.split(".")[0]) for n in names]
    return found


def test_no_module_in_app_imports_qt_or_ui_or_the_server() -> None:
    offenders = [(f, n) for f, n in _imported("app") if f != ROOT_MODULE
                 and n in {"PySide6", "PyQt5", "PyQt6", "ui", "refserver"}]
    assert offenders == []


def test_only_the_root_wires_the_gui_and_the_server_in() -> None:
    wiring = {n for f, n in _imported("app") if f == ROOT_MODULE}
    assert {"ui", "refserver"} <= wiring
    assert [(f, n) for f, n in _imported("ui") if n == "refserver"] == []
    assert [(f, n) for f, n in _imported("refserver")
            if n in {"PySide6", "ui"}] == []


def test_importing_the_whole_core_loads_no_qt() -> None:
    code = ("import sys, pkgutil, importlib, app\n"
            "for m in pkgutil.walk_packages(app.__path__, 'app.'):\n"
            "    if not m.name.endswith('__main__'):\n"
            "        importlib.import_module(m.name)\n"
            "bad = [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6', 'ui'))]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr
