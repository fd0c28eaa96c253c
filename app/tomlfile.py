"""Reading a site's small TOML files (settings, disposition rules) without surprises.

Files saved by Windows Notepad start with a BOM; a device or a huge file must not be
read to the end; thousands of nested brackets must not reach the parser's recursion.
Every failure is a TomlFileError with a plain message (the caller names the file).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

MAX_BYTES = 1_000_000  # a settings file is a few kB; a megabyte is already absurd


class TomlFileError(ValueError):
    """The file cannot be used; str() says why in plain words."""


def read_toml(path: Path, *, limit: int = MAX_BYTES) -> dict[str, Any]:
    if not path.exists():
        raise TomlFileError("cannot be read (no such file)")
    if not path.is_file():  # a folder, /dev/zero, a pipe: never read to the end
        what = "a folder" if path.is_dir() else "not a regular file"
        raise TomlFileError(f"{what}; expected a TOML text file")
    try:
        with path.open("rb") as fh:
            raw = fh.read(limit + 1)
    except OSError as exc:
        raise TomlFileError(f"cannot be read ({exc.strerror or exc})") from None
    if len(raw) > limit:
        raise TomlFileError(f"larger than {limit // 1000} kB; not a settings file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TomlFileError(f"not UTF-8 text (byte {exc.start}); save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlFileError(f"not valid TOML ({exc})") from None
    except RecursionError:  # thousands of nested [ or {: the parser recurses per level
        raise TomlFileError("brackets nested too deeply") from None

