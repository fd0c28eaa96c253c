"""Evidence photo files: written atomically, named by generated ids, never by scanned text."""

from __future__ import annotations

import errno
import hashlib
import re
import uuid
from pathlib import Path

from app.atomic import atomic_write
from app.store.db import StoreError

_PHOTO_NAME = re.compile(r"^[0-9a-f]{32}\.(jpg|png)$")


class DiskFullError(StoreError):
    """No space left: nothing already saved is lost, the new photo was not kept."""


def new_photo_id() -> str:
    return str(uuid.uuid4())


def photo_file_name(photo_id: str, mime: str) -> str:
    ext = "png" if mime == "image/png" else "jpg"
    return f"{uuid.UUID(photo_id).hex}.{ext}"


def photo_path(photos_dir: Path, file_name: str) -> Path:
    if not _PHOTO_NAME.match(file_name):  # defence in depth: only our own generated names
        raise StoreError(f"refusing photo file name {file_name!r}")
    return photos_dir / file_name


def write_atomically(target: Path, data: bytes) -> str:
    """temp file, write, fsync, rename, fsync the folder; returns the SHA-256 hex."""
    try:
        atomic_write(target, data, durable=True, sync_folder=True, mode=0o600)
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise DiskFullError(
                "The disk is full: the photo was not saved. Everything saved before is safe. "
                "Ask IT to free space on this station."
            ) from exc
        raise StoreError(f"The photo could not be saved ({exc.strerror}).") from exc
    return hashlib.sha256(data).hexdigest()
