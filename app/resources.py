"""Where the bundled resources are: the source tree, an installed package or a frozen bundle.

A wheel carries them as package data in app/_resources (setup.py copies resources/
there at build time); a source checkout or an editable install reads the top-level
resources/ folder; PyInstaller unpacks them into its own folder.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)  # PyInstaller unpacks data files here
    if frozen:
        return Path(frozen) / "resources"
    here = Path(__file__).resolve().parent
    packaged = here / "_resources"
    if packaged.is_dir():
        return packaged
    return here.parent / "resources"


def resource_path(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
