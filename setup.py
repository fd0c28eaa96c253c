"""Build hook: the wheel carries resources/ as package data (app/_resources).

The repository keeps one top-level `resources/` folder (the bundle, the tests and the
source tree read it there); a wheel has no such folder, so `build_py` copies it into
the built package as `app/_resources`, which app/resources.py finds after a plain
`pip install`. The translations are compiled first when the Qt tools are at hand and
the .qm files are missing. Editable installs read resources/ in place and copy nothing.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
# Generators and notes stay in the repository; everything else ships.
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.py", "README.md")


class BuildWithResources(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        source = HERE / "resources"
        ts_files = sorted((source / "translations").glob("*.ts"))
        if any(not ts.with_suffix(".qm").exists() for ts in ts_files):
            try:
                subprocess.run([sys.executable, str(HERE / "scripts" / "build_translations.py")],
                               check=True, capture_output=True)
            except (OSError, subprocess.CalledProcessError, SystemExit) as exc:
                print(f"warning: translations not compiled ({exc})", file=sys.stderr)
        target = Path(self.build_lib) / "app" / "_resources"
        if target.exists():
            shutil.rmtree(target)
        shutil.copytree(source, target, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithResources})
