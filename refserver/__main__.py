"""Run the reference case API server in the foreground: `python -m refserver --port 8765`."""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
from pathlib import Path
from types import FrameType

from refserver.server import make_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m refserver",
        description="Reference case API server for development, demo mode and tests.",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default loopback)")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    parser.add_argument(
        "--db", type=Path, default=Path("refserver-data/cases.db"), help="SQLite file"
    )
    parser.add_argument(
        "--photos", type=Path, default=None, help="photo folder (default beside db)"
    )
    parser.add_argument(
        "--token", action="append", default=None, help="valid station token (repeatable)"
    )
    parser.add_argument(
        "--disabled-token", action="append", default=[], help="token answered with 403"
    )
    parser.add_argument("--checklists", type=Path, default=None, help="folder of *.json templates")
    parser.add_argument("--no-seed", action="store_true", help="do not add the demo cases")
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    server = make_server(
        args.db,
        args.photos,
        host=args.host,
        port=args.port,
        tokens=args.token or ["demo-token"],
        seed_demo=not args.no_seed,
        disabled_tokens=args.disabled_token,
        checklist_dir=args.checklists,
    )

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        server.request_shutdown()

    signal.signal(signal.SIGTERM, _stop)
    print(server.url, flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_foreground()
    return 0


if __name__ == "__main__":
    sys.exit(main())
