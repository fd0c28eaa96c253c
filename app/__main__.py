"""The composition root: `python -m app` and the `inspection-station` console script.

The one module that wires the core (app/), the GUI (ui/) and the reference server
(refserver/) together. The core never imports either: app/cli.py gets the GUI as a
plug-in command, and the GUI gets a loader of training mode's server. Each is imported
only when its command runs, so `decode` loads no Qt and a station start without
training loads no server (tests/test_startup_imports.py).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from app.cli import Register
from app.cli import main as cli_main

if TYPE_CHECKING:  # app.demo loads OpenCV: only a training start imports it
    from app.demo import DemoBackend


def _demo_backend() -> DemoBackend:
    from refserver.training import demo_backend

    return demo_backend()


def _gui() -> Register:
    import ui.main

    return functools.partial(ui.main.register, demo_backend=_demo_backend)


def main(argv: Sequence[str] | None = None) -> int:
    return cli_main(argv, plugins={"gui": _gui})


if __name__ == "__main__":
    raise SystemExit(main())
