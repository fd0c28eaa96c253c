"""`python -m app.sync [--data-dir D] [--once | --status [--json]]`: the same as `app sync`."""

from __future__ import annotations

import argparse
import logging
import sys

from app.sync.cli import register


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.sync")
    parser.add_argument("--data-dir", default=None, help="folder for data, config and logs")
    parser.add_argument("--config", default=None, help="config file")
    parser.add_argument("-v", "--verbose", action="store_true")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if "sync" not in argv:
        # `python -m app.sync --once` means `... sync --once`
        head = [a for a in argv if a in ("-v", "--verbose")]
        rest = [a for a in argv if a not in head]
        glob: list[str] = []
        while rest and rest[0] in ("--data-dir", "--config"):
            glob += rest[:2]
            rest = rest[2:]
        argv = head + glob + ["sync", *rest]
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
