"""app/atomic.py: a rewritten file is the old one or the new one, never half, and the
durability each caller asks for (fsync of the file, then of the folder) really happens."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from app.atomic import atomic_write


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_replaces_the_contents_and_leaves_no_temp_file(tmp_path: Path) -> None:
    target = tmp_path / "settings.toml"
    target.write_bytes(b"old")
    atomic_write(target, b"new\nline\n", durable=True)
    assert target.read_bytes() == b"new\nline\n"
    assert _leftovers(tmp_path) == []


def test_a_failed_write_keeps_the_old_file_and_removes_the_temp(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "photo.jpg"
    target.write_bytes(b"evidence")
    real_write = os.write
    calls = {"n": 0}

    def write(fd: int, data: bytes | memoryview) -> int:
        calls["n"] += 1
        if calls["n"] > 1:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, bytes(data[:3]))  # a short write: the loop must go on

    monkeypatch.setattr(os, "write", write)
    with pytest.raises(OSError, match="No space left") as info:
        atomic_write(target, b"0123456789", durable=True)
    assert info.value.errno == errno.ENOSPC
    assert target.read_bytes() == b"evidence"
    assert _leftovers(tmp_path) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and folder fsync")
def test_mode_is_exact_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o077)
    try:
        atomic_write(tmp_path / "token", b"t\n", durable=True, mode=0o600)
        os.umask(0o777)  # a umask that would leave the owner locked out
        atomic_write(tmp_path / "token2", b"t\n", durable=True, mode=0o600)
    finally:
        os.umask(old)
    for name in ("token", "token2"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o600


@pytest.mark.skipif(os.name == "nt", reason="POSIX permissions and folder fsync")
def test_durability_is_what_the_caller_asks_for(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real_fsync = os.fsync
    synced: list[str] = []

    def fsync(fd: int) -> None:
        synced.append("folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write(tmp_path / "report.pdf", b"%PDF", durable=False)
    assert synced == []
    atomic_write(tmp_path / "config.toml", b"a = 1\n", durable=True)
    assert synced == ["file"]
    synced.clear()
    atomic_write(tmp_path / "photo.jpg", b"\xff\xd8", durable=True, sync_folder=True)
    assert synced == ["file", "folder"]
