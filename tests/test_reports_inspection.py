"""Inspection report PDFs, read back: text (pdftotext), barcodes (150 dpi), photos (pypdf)."""

from __future__ import annotations

import hashlib
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cv2
import pytest
from pypdf import PdfReader

from app.domain import Classification, CustomerReason, Disposition, Result
from app.reports.inspection import prompts_from_template, render_inspection_report
from app.reports.thumbs import THUMB_PX
from app.scanning.decoder import decode
from app.store.db import StoreError
from app.store.store import Store
from tests.builders import (
    GENERIC_PROMPTS,
    GENERIC_TEMPLATE,
    add_inspection,
    report_case,
    store_clock,
)
from tests.test_reports_support import pdftotext, photo_jpeg

T0 = datetime(2024, 5, 2, 6, 0, tzinfo=UTC)
COMMENT = "耳机左边没有声音 — Łukasz Dvořák, café"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "data" / "station.db", tmp_path / "data" / "photos")
    yield s
    s.close()


def _inspection(store: Store, photos: int = 3) -> str:
    case = report_case(123, comment=COMMENT, title="无线耳机 Pro",
                     reason=CustomerReason.DEFECTIVE)
    with store_clock(T0) as clock:
        return add_inspection(
            store, clock, case, started=T0, completed=T0 + timedelta(minutes=7, seconds=5),
            photos=[photo_jpeg(i, 1600, 1200) for i in range(photos)],
            results={"app-overview": Result.PASS, "app-body": Result.FAIL,
                     "fn-works": Result.PASS, "fn-battery": Result.VALUE,
                     "acc-charger": Result.FAIL},
            notes={"app-body": "外壳划痕 scratch on the lid", "fn-works": "Přehrává hudbu OK"},
            classification=Classification.DAMAGED, suggested=Classification.MISSING_PARTS,
            override_reason="划痕严重，改判损坏", disposition=Disposition.REFURBISH,
            missing=["charger"])


def _render(store: Store, iid: str, out: Path, **kw: object) -> Path:
    render_inspection_report(store, iid, out, station_id="BENCH-07", prompts=GENERIC_PROMPTS,
                             cache_dir=out.parent / "cache", **kw)  # type: ignore[arg-type]
    return out


def test_text_matches_the_record(store: Store, tmp_path: Path) -> None:
    iid = _inspection(store)
    pdf = _render(store, iid, tmp_path / "r.pdf")
    text = pdftotext(pdf)
    flat = " ".join(text.split())
    record = store.record(iid)
    for expected in ("Return inspection report", "BENCH-07", "li.wei", "RMA-2024-0000123",
                     "1b4e28ba-2fa1-11d2-883f-000000000123", "ORD-00000123", iid,
                     "2024-05-02", "7:05", "无线耳机 Pro", "SKU-100", "SN000123",
                     "defective", "耳机左边没有声音", "Łukasz Dvořák, café",
                     "damaged", "missing accessories", "划痕严重，改判损坏",
                     "refurbish / re-kit", "charger", "Works as described",
                     "外壳划痕 scratch on the lid", "Přehrává hudbu OK", "92",
                     "waiting to send"):
        assert expected in flat, expected
    # The hash printed is the SHA-256 of the exact bytes stored for sending.
    payload = store.result_payload(iid)
    assert payload is not None and record.payload_sha256 == hashlib.sha256(payload).hexdigest()
    assert record.payload_sha256 in flat
    # Every answer is listed with its step id.
    for a in record.answers:
        assert a.step_id in flat


def test_barcodes_scan_from_a_150_dpi_rendering(store: Store, tmp_path: Path) -> None:
    iid = _inspection(store, photos=0)
    for paper in ("a4", "letter"):
        pdf = _render(store, iid, tmp_path / f"{paper}.pdf", paper=paper)
        subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(pdf),
                        str(tmp_path / paper)], check=True)
        page = cv2.imread(str(tmp_path / f"{paper}-1.png"))
        assert page is not None
        # One symbology per call: the default ladder stops once the fast pass found the
        # QR on a whole page (see the report); each code must be readable on its own.
        code128 = decode(page, symbologies=["CODE128"])
        qr = decode(page, symbologies=["QR"])
        assert [c.text for c in code128] == ["RMA-2024-0000123"]
        assert [c.text for c in qr] == ["1b4e28ba-2fa1-11d2-883f-000000000123"]


def test_photos_are_embedded_as_thumbnails(store: Store, tmp_path: Path) -> None:
    iid = _inspection(store, photos=3)
    originals = sum(store.photo_file(p.photo_id).stat().st_size
                    for p in store.record(iid).photos)
    pdf = _render(store, iid, tmp_path / "r.pdf")
    images = [img for page in PdfReader(str(pdf)).pages for img in page.images]
    assert len(images) == 3
    for img in images:
        assert img.image is not None and max(img.image.size) <= THUMB_PX
    assert pdf.stat().st_size < originals / 2


def test_missing_or_broken_photo_gives_a_placeholder(store: Store, tmp_path: Path) -> None:
    iid = _inspection(store, photos=3)
    photos = store.record(iid).photos
    store.photo_file(photos[0].photo_id).unlink()
    store.photo_file(photos[1].photo_id).write_bytes(b"not a jpeg at all")
    pdf = _render(store, iid, tmp_path / "r.pdf")
    flat = " ".join(pdftotext(pdf).split())
    assert "photo file missing" in flat
    # Changed bytes no longer match the recorded hash: shown as such, never as a picture.
    assert "does not match its recorded SHA-256" in flat
    images = [img for page in PdfReader(str(pdf)).pages for img in page.images]
    assert len(images) == 1


def test_unreadable_photo_with_the_recorded_hash(store: Store, tmp_path: Path) -> None:
    case = report_case(7)
    with store_clock(T0) as clock:
        iid = add_inspection(store, clock, case, started=T0, completed=T0 + timedelta(minutes=3),
                             photos=[b"\xff\xd8\xff broken jpeg"])
    flat = " ".join(pdftotext(_render(store, iid, tmp_path / "r.pdf")).split())
    assert "photo file unreadable" in flat


def test_thumbnail_cache_is_keyed_by_hash(store: Store, tmp_path: Path) -> None:
    iid = _inspection(store, photos=2)
    first = _render(store, iid, tmp_path / "a.pdf")
    cached = sorted((tmp_path / "cache").glob("*.jpg"))
    assert [p.name.split("-")[0] for p in cached] == sorted(
        p.sha256 for p in store.record(iid).photos)
    second = _render(store, iid, tmp_path / "b.pdf")
    assert len([i for pg in PdfReader(str(second)).pages for i in pg.images]) == 2
    # A photo file altered after the cache was made is refused despite the cached thumbnail.
    store.photo_file(store.record(iid).photos[0].photo_id).write_bytes(photo_jpeg(99))
    third = _render(store, iid, tmp_path / "c.pdf")
    assert "does not match" in pdftotext(third)
    assert first.stat().st_size > 0


def test_chinese_labels_and_letter_paper(store: Store, tmp_path: Path) -> None:
    iid = _inspection(store, photos=1)
    pdf = tmp_path / "zh.pdf"
    render_inspection_report(store, iid, pdf, station_id="BENCH-07", paper="letter",
                             language="zh_CN",
                             prompts=prompts_from_template(GENERIC_TEMPLATE, "zh_CN"))
    flat = " ".join(pdftotext(pdf).split())
    for expected in ("退货检验报告", "检验员", "检验项目", "功能与描述一致", "损坏", "缺失附件",
                     "翻新/补配", "耳机左边没有声音", "Łukasz Dvořák", "已发送结果的SHA-256"):
        assert expected in flat, expected
    box = PdfReader(str(pdf)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (612, 792)
    fonts = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True,
                           text=True).stdout
    rows = fonts.splitlines()[2:]
    assert any("DroidSansFallback" in r for r in rows) and any("DejaVuSans" in r for r in rows)
    # Every font is embedded (no reliance on the reader's fonts, no Helvetica fallback).
    assert rows and all(r.split()[-5] == "yes" for r in rows), fonts


def test_unverified_inspection_renders(store: Store, tmp_path: Path) -> None:
    with store_clock(T0) as clock:
        iid = add_inspection(store, clock, None, started=T0, completed=T0 + timedelta(minutes=2),
                             scanned_code="SF-UNKNOWN-42", category="audio")
    flat = " ".join(pdftotext(_render(store, iid, tmp_path / "u.pdf")).split())
    assert "no RMA (unverified)" in flat
    assert "SF-UNKNOWN-42" in flat
    assert "not yet frozen" in flat


def test_unknown_inspection_raises(store: Store, tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        render_inspection_report(store, "nope", tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
