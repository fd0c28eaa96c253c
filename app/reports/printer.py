"""The last printer used for reports, remembered in a small JSON file in the data folder.

Qt-free so the core can test it; the UI's "print again" reads and writes it.
"""

from __future__ import annotations

import json
from pathlib import Path

from app.atomic import atomic_write

FILE_NAME = "last-printer.json"


class PrinterMemory:
    """Remembers one printer name; a damaged or absent file simply means "none yet"."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / FILE_NAME

    def last(self) -> str | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        name = data.get("printer") if isinstance(data, dict) else None
        return name if isinstance(name, str) and name.strip() else None

    def remember(self, printer_name: str) -> None:
        name = printer_name.strip()
        if not name:
            raise ValueError("printer name is empty")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # A full disk leaves no empty hidden file behind (atomic_write removes it).
        atomic_write(self.path, json.dumps({"printer": name}, ensure_ascii=False)
                     .encode("utf-8"), durable=False)

    def forget(self) -> None:
        self.path.unlink(missing_ok=True)
