"""One way to replace a file's contents: readers and crashes see the old file or the new.

Every file the station rewrites in place (settings, the station token, photos, reports,
the remembered printer, thumbnails, the reference server's photos) goes through
`atomic_write`: a hidden temp file beside the target, written whole, optionally fsynced,
then renamed over the target. Callers say how durable the write must be.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

# Without it Windows opens descriptors in text mode and turns \n into \r\n.
_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)


def atomic_write(target: Path, data: bytes, *, durable: bool, sync_folder: bool = False,
                 mode: int | None = None) -> None:
    """Replace `target` with `data` in one rename.

    `durable`: fsync the file before the rename (evidence and settings; a report or a
    cache can be made again). `sync_folder`: fsync the folder after the rename too, so
    the new name itself survives a power cut. `mode`: the file is created with exactly
    these permissions (never briefly wider); None gives what open() gives (0666 less the
    umask). On any failure the temp file is removed and the error raised.
    """
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.tmp")
    fd = os.open(tmp, _FLAGS, 0o666 if mode is None else mode)
    try:
        try:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)  # the umask may have narrowed it further
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if sync_folder:
        fsync_folder(target.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename in `folder` durable (a no-op on Windows, where folders cannot be
    opened for fsync)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
