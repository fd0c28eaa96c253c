"""A full disk gives a clear error and loses nothing saved before.

The real thing when the test may mount a small tmpfs (root on Linux, as on CI);
otherwise ENOSPC is injected into the photo writer, behind the same code path.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.domain import Answer, Result
from app.store import DiskFullError, Store
from tests.builders import AUDIO_TEMPLATE, complete_one, make_case

PHOTO = b"\xff\xd8\xff\xe0" + os.urandom(60_000)


def _try_mount_tmpfs(target: Path, size: str) -> bool:
    if os.name != "posix" or os.geteuid() != 0:
        return False
    target.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target)],
                          capture_output=True, check=False)
    return done.returncode == 0


@pytest.fixture(params=["tmpfs", "injected"])
def small_disk(request: pytest.FixtureRequest, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    folder = tmp_path / "disk"
    if request.param == "tmpfs":
        if not _try_mount_tmpfs(folder, "2m"):
            # Not root or no mount permission here: the injected variant covers the path.
            pytest.skip("cannot mount a tmpfs here (needs root); the injected case still runs")
        try:
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        folder.mkdir()
        real_write = os.write
        budget = {"bytes": 600_000}

        def write(fd: int, data: bytes | memoryview) -> int:
            if budget["bytes"] <= 0:
                raise OSError(errno.ENOSPC, "No space left on device")
            budget["bytes"] -= len(data)
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)  # every module's os.write (app/atomic.py)
        yield folder


def test_full_disk_is_reported_and_nothing_saved_is_lost(small_disk: Path) -> None:
    store = Store(small_disk / "station.db", small_disk / "photos")
    confirmed = complete_one(store, make_case(case_id="C-KEEP"), photo=PHOTO)
    case = make_case(case_id="C-DRAFT")
    draft = store.start_inspection(template=AUDIO_TEMPLATE, station_id="B1", inspector_id="E1",
                                   case=case, item=case.items[0])
    store.save_answer(draft.inspection_id, Answer("app-shell", Result.FAIL, note="dent"),
                      current_step=0, actor="E1")
    kept: list[str] = []

    def add_photos() -> None:
        for _ in range(200):
            kept.append(store.add_photo(draft.inspection_id, "app-shell", PHOTO,
                                        mime="image/jpeg", width=8, height=6,
                                        actor="E1").photo_id)

    with pytest.raises(DiskFullError, match="disk is full"):
        add_photos()
    # No half-written photo files are left behind.
    names = {p.name for p in (small_disk / "photos").iterdir()}
    assert not any(n.endswith(".tmp") for n in names)
    store.close()

    reopened = Store(small_disk / "station.db", small_disk / "photos")
    assert reopened.result_payload(confirmed) is not None
    assert reopened.outbox_item(confirmed) is not None
    resumed = reopened.load_inspection(draft.inspection_id)
    assert resumed.answers["app-shell"].note == "dent"
    assert set(resumed.photos) == set(kept)
    for photo_id in kept:
        assert reopened.photo_bytes(photo_id) == PHOTO
