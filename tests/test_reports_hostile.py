"""Reports against hostile input (issue 12): text at every allowed limit, a full disk."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain import Classification, CustomerReason, Result
from app.reports.inspection import render_inspection_report
from app.store.store import Store
from app.wizard import MAX_NOTE, MAX_TEXT
from tests.builders import add_inspection, report_case, store_clock
from tests.test_disk_full import _try_mount_tmpfs
from tests.test_reports_support import pdftotext, photo_jpeg

T0 = datetime(2024, 5, 2, 6, 0, tzinfo=UTC)
ZH = "外壳左侧有明显划痕，耳机无法充电，客户说明书缺失。"  # 25 characters
EN = "The left housing is scratched and the unit does not charge; manual missing. "


def _long(unit: str, n: int) -> str:
    return (unit * (n // len(unit) + 1))[:n]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "data" / "station.db", tmp_path / "data" / "photos")
    yield s
    s.close()


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("unit", [ZH, EN, "x"], ids=["chinese", "english", "one-word"])
def test_text_at_every_allowed_limit_flows_over_pages(store: Store, tmp_path: Path,
                                                       language: str, unit: str) -> None:
    note = _long(unit, MAX_NOTE)  # the wizard allows 2,000 characters a note
    comment = _long(unit, 4000)  # the contract sets no limit on the customer's comment
    case = report_case(7, comment=comment, title=_long(unit, 300))
    with store_clock(T0) as clock:
        iid = add_inspection(
            store, clock, case, started=T0, completed=T0 + timedelta(minutes=3),
            photos=[photo_jpeg(1)],
            results={"app-overview": Result.PASS, "app-body": Result.FAIL,
                     "fn-works": Result.PASS, "fn-battery": Result.VALUE,
                     "acc-charger": Result.PASS},
            notes={"app-body": note, "fn-works": note, "app-overview": _long(unit, MAX_TEXT)},
            classification=Classification.DAMAGED, suggested=Classification.INTACT,
            override_reason=_long(unit, MAX_NOTE))
    out = tmp_path / f"long-{language}.pdf"
    render_inspection_report(store, iid, out, station_id="BENCH-07", language=language,
                             cache_dir=tmp_path / "cache")
    flat = "".join(pdftotext(out).split())
    for expected in (note, comment):  # every character is printed, in order
        assert "".join(expected.split())[:200] in flat
        assert "".join(expected.split())[-200:] in flat
    assert flat.count("".join(unit.split())) >= 2 * (MAX_NOTE // len(unit))


def _fill(folder: Path) -> None:
    """Write until the disk says it is full."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT)

    def write_forever() -> None:
        while True:
            os.write(fd, b"\0" * 4096)

    try:
        with pytest.raises(OSError, match="No space left") as full:
            write_forever()
        assert full.value.errno == errno.ENOSPC
    finally:
        os.close(fd)


def _inject_enospc(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file opened for writing in `folder` is created, then its write fails."""
    real_open = Path.open

    def full_open(self: Path, mode: str = "r", *args: object, **kw: object) -> object:
        fh = real_open(self, mode, *args, **kw)  # type: ignore[call-overload]
        if self.parent == folder and ("w" in mode or "a" in mode):
            fh.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return fh

    monkeypatch.setattr(Path, "open", full_open)
    # The same for files written through descriptors (app/atomic.py): created, then the
    # first write fails.
    real_os_open, real_write = os.open, os.write
    full_fds: set[int] = set()

    def full_os_open(path: str | os.PathLike[str], flags: int, *args: object,
                     **kw: object) -> int:
        fd = real_os_open(path, flags, *args, **kw)  # type: ignore[arg-type]
        if Path(path).parent == folder and flags & (os.O_WRONLY | os.O_RDWR):
            full_fds.add(fd)
        else:
            full_fds.discard(fd)
        return fd

    def full_write(fd: int, data: bytes | memoryview) -> int:
        if fd in full_fds:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "open", full_os_open)
    monkeypatch.setattr(os, "write", full_write)


@pytest.fixture(params=["tmpfs", "injected"])
def full_disk(request: pytest.FixtureRequest, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder on a disk with no space left: a real full tmpfs, or ENOSPC on every write."""
    folder = tmp_path / "full"
    if request.param == "injected":
        folder.mkdir()
        _inject_enospc(folder, monkeypatch)
        yield folder
    elif _try_mount_tmpfs(folder, "64k"):
        try:
            _fill(folder)
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=False)
    else:
        pytest.skip("cannot mount a tmpfs here (needs root); the injected case still runs")


def test_reports_on_a_full_disk_leave_no_hidden_tmp_files(tmp_path: Path,
                                                          full_disk: Path) -> None:
    from tests.test_reports_cli import run

    data = tmp_path / "data"
    store = Store(data / "station.db", data / "photos")
    with store_clock(T0) as clock:
        iid = add_inspection(store, clock, report_case(3, reason=CustomerReason.DEFECTIVE),
                             started=T0, completed=T0 + timedelta(minutes=2),
                             photos=[photo_jpeg(2)])
    store.close()
    before = {p.name for p in full_disk.iterdir()}
    for argv in (["report", "inspection", iid, "--out", str(full_disk / "r.pdf")],
                 ["report", "shift", "--date", "2024-05-02", "--out", str(full_disk / "s.pdf"),
                  "--tz", "UTC"],
                 ["export", "--date", "2024-05-02", "--out", str(full_disk / "e.csv"),
                  "--tz", "UTC"]):
        assert run("--data-dir", str(data), *argv) == 1, argv
        assert {p.name for p in full_disk.iterdir()} == before, argv  # no .r.pdf.xxxx.tmp
