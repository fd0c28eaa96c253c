"""`python -m app decode FILE... [--json]`: decode images and videos from the command line.

Exit codes: 0 every file gave at least one code, 1 some file gave none, 2 some file could
not be read (the reason goes to stderr). Scanned text is printed with non-printable
characters escaped, so a hostile code cannot drive the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import cv2
import numpy as np

from app.config import ConfigError, load_settings
from app.paths import resolve_paths
from app.scanning.decoder import DecodedCode, DecodeError, Decoder
from app.scanning.labels import Interpretation, Patterns, Rejected, interpret
from app.text import for_terminal as _safe

VIDEO_SUFFIXES = frozenset({".avi", ".mp4", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg"})
MAX_VIDEO_FRAMES = 3000


class UnreadableFile(Exception):
    """A file that is missing, not an image/video, or that OpenCV cannot decode."""


def register(subparsers: Any) -> None:
    """Add the `decode` subcommand to the station's command line."""
    p = subparsers.add_parser(
        "decode",
        help="decode barcodes in image or video files",
        description="Print every barcode found in each file with its symbology and kind.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="image (png, jpg, ...) or video")
    p.add_argument("--json", action="store_true", help="one JSON object per line")
    p.add_argument(
        "--every",
        type=int,
        default=1,
        metavar="N",
        help="videos: decode every N-th frame (default 1)",
    )
    p.set_defaults(func=run_decode)


def _patterns(args: argparse.Namespace) -> Patterns:
    """The site's label patterns from its settings file (defaults when there is none)."""
    paths = resolve_paths(getattr(args, "data_dir", None), getattr(args, "config", None))
    return Patterns.from_settings(load_settings(paths.config_file))


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in VIDEO_SUFFIXES


def _frames(path: Path, every: int) -> Iterator[tuple[int, np.ndarray]]:
    """Frames of an image (one, index 0) or a video (its frame numbers)."""
    if not path.exists():
        raise UnreadableFile("no such file")
    if path.is_dir():
        raise UnreadableFile("is a directory")
    if not _is_video(path):
        data = np.fromfile(str(path), dtype=np.uint8)  # works with non-ASCII paths too
        image = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
        if image is None:
            raise UnreadableFile("not an image OpenCV can read")
        yield 0, image
        return
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise UnreadableFile("not a video OpenCV can read")
        index = 0
        produced = False
        while index < MAX_VIDEO_FRAMES:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            produced = True
            if index % every == 0:
                yield index, frame
            index += 1
        if not produced:
            raise UnreadableFile("video has no readable frames")
    finally:
        cap.release()


def _describe(result: Interpretation | Rejected) -> str:
    if isinstance(result, Rejected):
        return f"rejected: {result.reason}"
    extra = f" ({result.carrier})" if result.carrier else ""
    return f"{result.kind}{extra} {_safe(result.value)}"


def decode_file(
    path: Path, decoder: Decoder, every: int = 1
) -> Iterator[tuple[int, list[DecodedCode]]]:
    """(frame index, codes) for each frame that gave codes; a video's repeats are merged."""
    seen: set[tuple[str, str]] = set()
    for index, frame in _frames(path, every):
        codes = decoder.decode(frame)
        fresh = [c for c in codes if (c.symbology, c.text) not in seen]
        seen.update((c.symbology, c.text) for c in codes)
        if fresh:
            yield index, fresh


def run_decode(
    args: argparse.Namespace, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Entry point of `decode`; returns the process exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        patterns = _patterns(args)
    except ConfigError as exc:  # told plainly, like an unreadable file
        print(f"decode: settings: {exc}", file=err)
        return 2
    every = max(1, int(getattr(args, "every", 1) or 1))
    # Images get every code (the stills decoder); videos the camera's frame budget.
    still, decoder = Decoder.for_stills(), Decoder()
    status = 0
    for name in args.files:
        path = Path(name)
        found = False
        try:
            for index, codes in decode_file(path, decoder if _is_video(path) else still, every):
                found = True
                rows = [(c, interpret(c.text, patterns)) for c in codes]
                if args.json:
                    record = {
                        "file": str(path),
                        "frame": index,
                        "codes": [
                            {"text": c.text, "symbology": c.symbology, "kind": str(r.kind)}
                            for c, r in rows
                        ],
                    }
                    print(json.dumps(record, ensure_ascii=True), file=out)
                else:
                    where = f"{_safe(str(path))}" + (f" frame {index}" if _is_video(path) else "")
                    for c, r in rows:
                        print(
                            f"{where}: {c.symbology} {_safe(c.text)!r} -> {_describe(r)}", file=out
                        )
        except UnreadableFile as exc:
            print(f"decode: {_safe(str(path))}: {exc}", file=err)
            status = 2
            continue
        except (OSError, DecodeError, cv2.error) as exc:
            print(f"decode: {_safe(str(path))}: cannot be read ({exc})", file=err)
            status = 2
            continue
        if not found:
            if args.json:
                record = {"file": str(path), "frame": None, "codes": []}
                print(json.dumps(record, ensure_ascii=True), file=out)
            else:
                print(f"{_safe(str(path))}: no code found", file=out)
            status = max(status, 1)
    return status
