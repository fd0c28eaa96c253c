"""`decode` subcommand: text and JSON output, exit codes, unreadable files."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import cv2
import pytest

from app.scanning.cli import register, run_decode
from tests.scanning_fixtures import code128_image, empty_frame, label_frame, qr_image, write_mjpg


def _run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    parser.add_argument("--config")
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args(["decode", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = args.func(args, out, err) if args.func is run_decode else -1
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def images(tmp_path: Path) -> dict[str, Path]:
    paths = {
        "rma": tmp_path / "rma.png",
        "qr": tmp_path / "qr label.jpg",
        "empty": tmp_path / "empty.png",
    }
    cv2.imwrite(str(paths["rma"]), label_frame(code128_image("RMA-2024-5924150")))
    cv2.imwrite(str(paths["qr"]), label_frame(qr_image("1Z999AA10123456784")))
    cv2.imwrite(str(paths["empty"]), empty_frame())
    return paths


def test_text_output_and_exit_0(images: dict[str, Path]) -> None:
    code, out, err = _run(str(images["rma"]), str(images["qr"]))
    assert code == 0, err
    assert "CODE128 'RMA-2024-5924150' -> rma RMA-2024-5924150" in out
    assert "QR '1Z999AA10123456784' -> tracking (ups) 1Z999AA10123456784" in out


def test_json_lines(images: dict[str, Path]) -> None:
    code, out, _ = _run("--json", str(images["rma"]), str(images["empty"]))
    assert code == 1  # one file gave no code
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0] == {
        "file": str(images["rma"]),
        "frame": 0,
        "codes": [{"text": "RMA-2024-5924150", "symbology": "CODE128", "kind": "rma"}],
    }
    assert lines[1] == {"file": str(images["empty"]), "frame": None, "codes": []}


def test_video_frames_are_reported_once_per_new_code(tmp_path: Path) -> None:
    label = label_frame(
        code128_image("RMA-2026-1111111", module_px=2), size=(640, 360), at=(40, 100)
    )
    video = write_mjpg(tmp_path / "v.avi", [empty_frame((640, 360))] * 3 + [label] * 4)
    code, out, _ = _run("--json", str(video))
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 1 and records[0]["frame"] == 3
    assert records[0]["codes"][0]["text"] == "RMA-2026-1111111"


def test_unreadable_files_exit_2_with_reason(images: dict[str, Path], tmp_path: Path) -> None:
    junk = tmp_path / "junk.png"
    junk.write_bytes(b"\x89PNG not really")
    code, out, err = _run(
        str(images["rma"]), str(junk), str(tmp_path / "missing.jpg"), str(tmp_path)
    )
    assert code == 2
    assert "junk.png: not an image OpenCV can read" in err
    assert "missing.jpg: no such file" in err
    assert "is a directory" in err
    assert "RMA-2024-5924150" in out


def test_hostile_code_text_is_escaped(tmp_path: Path) -> None:
    path = tmp_path / "bidi.png"
    cv2.imwrite(str(path), label_frame(qr_image("RMA-2024-5924150\u202e\x1b[31m")))
    code, out, _ = _run(str(path))
    assert code == 0
    assert "\u202e" not in out and "\x1b" not in out
    assert "\\u202e" in out and "rejected: contains a bidirectional control character" in out


def test_site_rma_pattern_from_the_config_file(tmp_path: Path) -> None:
    cfg = tmp_path / "config.toml"
    cfg.write_text('rma_patterns = ["R\\\\d{8}"]\n', encoding="utf-8")
    img = tmp_path / "r.png"
    cv2.imwrite(str(img), label_frame(code128_image("R12345678")))
    _, out, _ = _run("--json", str(img))
    assert json.loads(out)["codes"][0]["kind"] == "unknown"
    parser_args = ("--config", str(cfg))
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir")
    parser.add_argument("--config")
    sub = parser.add_subparsers()
    register(sub)
    args = parser.parse_args([*parser_args, "decode", "--json", str(img)])
    out_io = io.StringIO()
    assert run_decode(args, out_io, io.StringIO()) == 0
    assert json.loads(out_io.getvalue())["codes"][0]["kind"] == "rma"
    bad = tmp_path / "bad.toml"
    bad.write_text('rma_patterns = ["("]\n', encoding="utf-8")
    args = parser.parse_args(["--config", str(bad), "decode", str(img)])
    err_io = io.StringIO()
    assert run_decode(args, io.StringIO(), err_io) == 2
    assert "not a valid regular expression" in err_io.getvalue()
