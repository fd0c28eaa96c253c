"""Compiles resources/translations/*.ts into .qm files with pyside6-lrelease (run by setup).

The .qm files are build output (gitignored); the .ts sources are kept in the repo.
`--out DIR` writes elsewhere (tests compile into a temporary folder). `--update` first
refreshes the .ts sources from every ui/*.py with pyside6-lupdate.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TS_DIR = REPO / "resources" / "translations"


def tool(name: str) -> str:
    """The PySide6 tool next to this Python (the venv), else on PATH."""
    here = Path(sys.executable).parent / name
    if here.exists():
        return str(here)
    found = shutil.which(name)
    if found is None:
        raise SystemExit(f"{name} not found: install pyside6-essentials in this environment")
    return found


def update_sources() -> None:
    sources = sorted(str(p.relative_to(REPO)) for p in (REPO / "ui").glob("*.py"))
    for ts in sorted(TS_DIR.glob("station_*.ts")):
        subprocess.run([tool("pyside6-lupdate"), *sources, "-ts", str(ts.relative_to(REPO)),
                        "-no-obsolete"], check=True, cwd=REPO)


def build(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    built: list[Path] = []
    for ts in sorted(TS_DIR.glob("station_*.ts")):
        qm = out / (ts.stem + ".qm")
        subprocess.run([tool("pyside6-lrelease"), str(ts), "-qm", str(qm)], check=True,
                       capture_output=True)
        built.append(qm)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=TS_DIR, help="folder for the .qm files")
    parser.add_argument("--update", action="store_true", help="run pyside6-lupdate first")
    args = parser.parse_args(argv)
    if args.update:
        update_sources()
    for qm in build(args.out):
        print(qm)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
