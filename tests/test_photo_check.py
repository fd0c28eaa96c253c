"""Photo guardrails: blur, darkness and glare measured on camera-like frames; the CLI."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from app.photo_check import Thresholds, measure, register

ROOT = Path(__file__).resolve().parent.parent

FRAME = Path(__file__).parent / "data" / "scanning" / "frames" / "1080p_clean_code128_rma_0.jpg"


def sharp() -> np.ndarray[Any, Any]:
    image = cv2.imread(str(FRAME))
    assert image is not None
    return image


def blurred() -> np.ndarray[Any, Any]:
    return cv2.GaussianBlur(sharp(), (0, 0), 6)


def dark() -> np.ndarray[Any, Any]:
    return cv2.convertScaleAbs(sharp(), alpha=0.15)


def burnt() -> np.ndarray[Any, Any]:
    return cv2.convertScaleAbs(sharp(), alpha=1.0, beta=140)


@pytest.mark.parametrize(("make", "problems"), [
    (sharp, ()), (blurred, ("blurred",)), (dark, ("too_dark",)), (burnt, ("burnt_out",)),
])
def test_each_fault_is_named(make: Any, problems: tuple[str, ...]) -> None:
    quality = measure(make(), Thresholds())
    assert quality.problems == problems
    assert quality.ok is (not problems)


def test_the_measure_does_not_depend_on_the_picture_size() -> None:
    image = sharp()
    small = cv2.resize(image, (960, 540), interpolation=cv2.INTER_AREA)
    assert measure(small, Thresholds()).sharpness == pytest.approx(
        measure(image, Thresholds()).sharpness, rel=0.1)


def test_thresholds_decide() -> None:
    quality = measure(sharp(), Thresholds())
    assert not measure(sharp(), Thresholds(blur_min=quality.sharpness - 1)).problems
    assert measure(sharp(), Thresholds(blur_min=quality.sharpness + 1)).problems == ("blurred",)


def test_reasons_are_plain_in_both_languages() -> None:
    limits = Thresholds()
    q = measure(dark(), limits)
    assert "too dark" in q.reasons("en", limits) and "太暗" in q.reasons("zh_CN", limits)
    q = measure(blurred(), limits)
    assert "blurred" in q.reasons("en", limits) and "模糊" in q.reasons("zh_CN", limits)


def main(argv: list[str]) -> int:
    """The subcommand as `python -m app` runs it, without the command line's log file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    parser.add_argument("--config")
    register(parser.add_subparsers())
    args = parser.parse_args(argv)
    return int(args.func(args))


def _write(tmp_path: Path, name: str, image: np.ndarray[Any, Any]) -> str:
    path = tmp_path / name
    assert cv2.imwrite(str(path), image)
    return str(path)


def test_photo_check_prints_verdict_and_measures(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.jpg", sharp())
    code = main(["--data-dir", str(tmp_path / "d"), "photo-check", good])
    out = capsys.readouterr().out
    assert code == 0
    assert "good.jpg: ok" in out and "sharpness=" in out and "mean=" in out
    assert "Limits: sharpness >= 100" in out


def test_photo_check_exits_1_when_any_is_refused(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    files = [_write(tmp_path, "good.jpg", sharp()), _write(tmp_path, "blur.png", blurred()),
             _write(tmp_path, "dark.jpg", dark())]
    code = main(["--data-dir", str(tmp_path / "d"), "photo-check", *files])
    out = capsys.readouterr().out
    assert code == 1
    assert "blur.png: REFUSED: blurred" in out
    assert "dark.jpg: REFUSED: too dark" in out


def test_photo_check_uses_the_site_thresholds_and_language(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INSPECTION_STATION_PHOTO_BLUR_MIN", "5")
    monkeypatch.setenv("INSPECTION_STATION_LANGUAGE", "zh_CN")
    blur = _write(tmp_path, "blur.png", blurred())
    code = main(["--data-dir", str(tmp_path / "d"), "photo-check", blur])
    out = capsys.readouterr().out
    assert code == 0 and "blur.png: 合格" in out and "阈值" in out


def test_photo_check_unreadable_file_exits_2(tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    code = main(["--data-dir", str(tmp_path / "d"), "photo-check", str(bad)])
    assert code == 2
    assert "notes.jpg: cannot be read" in capsys.readouterr().err


def test_python_m_app_photo_check_exit_code(tmp_path: Path) -> None:
    files = [_write(tmp_path, "good.jpg", sharp()), _write(tmp_path, "burnt.jpg", burnt())]
    done = subprocess.run([sys.executable, "-m", "app", "--data-dir", str(tmp_path / "d"),
                           "photo-check", *files], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=False)
    assert done.returncode == 1, done.stderr
    assert "good.jpg: ok" in done.stdout and "burnt.jpg: REFUSED: burnt out" in done.stdout
