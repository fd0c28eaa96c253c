"""Shared builders for the report tests and benchmark: cases, a template, photos, a clock.

Real parts only: inspections go through the Store API into a real SQLite file; the
store's clock is replaced so completed_at lands inside the shift being tested.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import cv2
import numpy as np


def photo_jpeg(seed: int, width: int = 640, height: int = 480, quality: int = 88) -> bytes:
    """A photo-like JPEG (gradients, shapes and sensor noise, so it compresses like one)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    base = np.stack([xx / width * 180 + 40, yy / height * 160 + 50,
                     (xx + yy) / (width + height) * 120 + 60], axis=-1)
    img = base.astype(np.uint8)
    for _ in range(6):
        c = tuple(int(v) for v in rng.integers(0, 255, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        cv2.circle(img, (x, y), int(rng.integers(width // 20, width // 5)), c, -1)
    noise = rng.normal(0, 6, img.shape).astype(np.int16)
    img = np.clip(img.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def pdftotext(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout


def last_hour_shift_text(store: Any, tmp_path: Path, language: str = "en") -> str:
    """The shift report of the last hour, rendered and read back as one line of words."""
    from datetime import timedelta

    from app.domain import utcnow
    from app.reports.shift import render_shift_report

    now = utcnow()
    pdf = tmp_path / f"shift-{language}.pdf"
    render_shift_report(store, now - timedelta(hours=1), now + timedelta(minutes=1), pdf,
                        title="Day", language=language)
    return " ".join(pdftotext(pdf).split())


def pdf_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(pdf)).pages)


def test_a_domain_error_with_a_key_speaks_both_languages() -> None:
    from app.domain import DomainError
    from app.messages import t

    err = DomainError(key="unverified_note", code="RMA-1")
    assert str(err) == t("en", "unverified_note", code="RMA-1")
    assert "RMA-1" in err.message("zh_CN") and err.message("zh_CN") != str(err)
    plain = DomainError("plain words")
    assert plain.message("zh_CN") == "plain words"
