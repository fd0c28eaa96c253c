"""The reference server as training mode's case API: the `DemoBackend` the root hands in.

The core (app/demo.py) declares what training needs; this module supplies it, so app/
never imports the server and only the composition root (app/__main__.py) joins them.
"""

from __future__ import annotations

from pathlib import Path

from app.demo import DemoBackend, DemoServer
from refserver.demo_cases import DEMO_CASES
from refserver.server import start_server


def _start(db_path: Path, token: str) -> DemoServer:
    return start_server(db_path, tokens={token}, seed_demo=True)


def demo_rmas() -> list[str]:
    """The RMAs of the demo cases still awaiting inspection (printed on the demo labels)."""
    return [c["rma"] for c in DEMO_CASES if c.get("status") == "awaiting_inspection"]


def demo_backend() -> DemoBackend:
    return DemoBackend(start=_start, label_texts=demo_rmas)
