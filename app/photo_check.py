"""Photo guardrails: is an evidence photo sharp and lit well enough to prove anything?

Three measures on the picture scaled down to a fixed long edge (`MEASURE_PX`, so a 4K still
and a 1080p frame are judged alike):

- **sharpness**: the variance of the Laplacian of the grey image. Edges make it large; a
  defocused or shaken picture has few edges and a small variance.
- **mean brightness** (0-255) and the **percentage of burnt-out pixels** (grey >= 250).

A picture below `photo_dark_mean` is *too dark*; above `photo_bright_mean`, or with more
than `photo_clipped_pct` percent burnt-out pixels, it is *burnt out*. Only a well-exposed
picture is judged for blur: in the dark or in glare the Laplacian measures noise, not
focus, and the lighting is the thing to fix. The thresholds are settings;
`python -m app photo-check FILE...` prints the measures so a site can tune its lighting.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from app.domain import DomainError
from app.messages import Both, t
from app.text import clean_person_text

__all__ = [
    "MEASURE_PX",
    "PhotoQuality",
    "PhotoQualityRefused",
    "Thresholds",
    "judge_photo",
    "kept_text",
    "measure",
    "register",
]

MEASURE_PX = 960
CLIPPED_LEVEL = 250
PROBLEMS = ("too_dark", "burnt_out", "blurred")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """The limits a photo is judged by (from the settings of the same names)."""

    # Measured on tests/data/scanning/frames: every sharp frame (clean, JPEG, noisy, rotated,
    # in perspective) measured 390 or more; defocused ones 19-218; low-contrast ones 29-111.
    blur_min: float = 100.0
    dark_mean: float = 45.0
    bright_mean: float = 230.0
    clipped_pct: float = 40.0

    @classmethod
    def from_settings(cls, settings: Any) -> Thresholds:
        return cls(blur_min=settings.photo_blur_min, dark_mean=settings.photo_dark_mean,
                   bright_mean=settings.photo_bright_mean,
                   clipped_pct=settings.photo_clipped_pct)


@dataclass(frozen=True, slots=True)
class PhotoQuality:
    """The measures of one picture and what is wrong with it (empty: fit as evidence)."""

    sharpness: float
    mean: float
    clipped_pct: float
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    def reasons(self, language: str, limits: Thresholds) -> str:
        """What is wrong, in plain words, for the inspector ("" when nothing is)."""
        words = {
            "too_dark": t(language, "photo_q_too_dark", mean=f"{self.mean:.0f}",
                          limit=f"{limits.dark_mean:g}"),
            "burnt_out": t(language, "photo_q_burnt_out", mean=f"{self.mean:.0f}",
                           clipped=f"{self.clipped_pct:.0f}"),
            "blurred": t(language, "photo_q_blurred", sharpness=f"{self.sharpness:.0f}",
                         limit=f"{limits.blur_min:g}"),
        }
        sep = "；" if language == "zh_CN" else "; "
        return sep.join(words[p] for p in self.problems)

    def measures_text(self) -> str:
        return (f"sharpness={self.sharpness:.1f} mean={self.mean:.1f} "
                f"clipped={self.clipped_pct:.1f}%")

    def to_dict(self) -> dict[str, Any]:
        return {"sharpness": round(self.sharpness, 1), "mean": round(self.mean, 1),
                "clipped_pct": round(self.clipped_pct, 1), "problems": list(self.problems)}


def measure(image: np.ndarray[Any, Any], limits: Thresholds) -> PhotoQuality:
    """Judge a BGR (or grey) 8-bit picture against `limits`."""
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    height, width = grey.shape[:2]
    scale = MEASURE_PX / max(height, width)
    if scale < 1:  # never up: enlarging would blur a small picture's edges itself
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        grey = cv2.resize(grey, size, interpolation=cv2.INTER_AREA)
    sharpness = float(cv2.Laplacian(grey, cv2.CV_64F).var())
    mean = float(grey.mean())
    clipped = float(np.count_nonzero(grey >= CLIPPED_LEVEL)) * 100.0 / grey.size
    problems: list[str] = []
    if mean < limits.dark_mean:
        problems.append("too_dark")
    elif mean > limits.bright_mean or clipped > limits.clipped_pct:
        problems.append("burnt_out")
    elif sharpness < limits.blur_min:
        problems.append("blurred")
    return PhotoQuality(sharpness=sharpness, mean=mean, clipped_pct=clipped,
                        problems=tuple(problems))


class PhotoQualityRefused(DomainError):
    """The photo is not fit as evidence: retake it, or keep it with a note (`judge_photo`)."""

    def __init__(self, quality: PhotoQuality, limits: Thresholds) -> None:
        super().__init__(key="photo_q_retake", reasons=Both(quality.reasons("en", limits),
                                                             quality.reasons("zh_CN", limits)))
        self.quality = quality


MAX_KEEP_NOTE = 500


def judge_photo(jpeg: bytes, settings: Any, keep_note: str | None = None
                ) -> dict[str, Any] | None:
    """What to store with an evidence photo: None when it passes (or checks are off).

    A refused photo raises PhotoQualityRefused unless the inspector keeps it with a note;
    then the measures, the problems and the note are returned, to be stored with the photo.
    Judged on the photo as stored (downscaled JPEG), the evidence itself.
    """
    if not settings.photo_check:
        return None
    image = cv2.imdecode(np.frombuffer(jpeg, dtype=np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        return None  # prepare_photo made it: cannot happen; the store refuses junk anyway
    limits = Thresholds.from_settings(settings)
    quality = measure(image, limits)
    if quality.ok:
        return None
    if keep_note is None:
        raise PhotoQualityRefused(quality, limits)
    note = " ".join(clean_person_text(keep_note).split())[:MAX_KEEP_NOTE]
    if not note:
        raise DomainError(key="photo_q_note_needed")
    return {**quality.to_dict(), "note": note}


def kept_text(quality: Any, language: str) -> str:
    """"Kept although blurred: <note>" for a stored photo record ("" for none)."""
    if not isinstance(quality, dict) or not quality.get("note"):
        return ""
    problems = [p for p in quality.get("problems", ()) if p in PROBLEMS]
    sep = "、" if language == "zh_CN" else ", "
    reasons = sep.join(t(language, f"photo_problem_{p}") for p in problems)
    return t(language, "photo_q_kept", reasons=reasons, note=str(quality["note"]))


# --- python -m app photo-check FILE... ------------------------------------------------------


def register(subparsers: Any) -> None:
    """Add the `photo-check` subcommand (OpenCV only: no Qt, no database)."""
    p = subparsers.add_parser(
        "photo-check",
        help="judge photos for blur, darkness and glare as the station does",
        description="Print the verdict and the measures of each picture with this station's "
                    "thresholds (settings photo_blur_min, photo_dark_mean, photo_bright_mean, "
                    "photo_clipped_pct). Exit 1 when any picture is refused, 2 when one "
                    "cannot be read.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="JPEG or PNG pictures")
    p.set_defaults(func=run_photo_check)


def run_photo_check(args: argparse.Namespace) -> int:
    from app.config import ConfigError, load_settings
    from app.imagecheck import ImageRefused, check_image_header
    from app.paths import resolve_paths
    from app.text import for_terminal

    try:
        settings = load_settings(resolve_paths(args.data_dir, args.config).config_file)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    limits = Thresholds.from_settings(settings)
    language = settings.language
    print(t(language, "photo_q_limits", blur=f"{limits.blur_min:g}",
            dark=f"{limits.dark_mean:g}", bright=f"{limits.bright_mean:g}",
            clipped=f"{limits.clipped_pct:g}"))
    code = 0
    for name in args.files:
        shown = for_terminal(name)
        try:
            data = Path(name).read_bytes()
            check_image_header(data, settings.image_max_megapixels)
            image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), cv2.IMREAD_COLOR)
            if image is None:
                raise ImageRefused("OpenCV cannot decode it")
        except (OSError, ImageRefused) as exc:
            print(f"{shown}: {t(language, 'photo_q_unreadable', detail=exc)}", file=sys.stderr)
            code = 2
            continue
        quality = measure(image, limits)
        if quality.ok:
            verdict = t(language, "photo_q_ok")
        else:
            verdict = f"{t(language, 'photo_q_refused')}: {quality.reasons(language, limits)}"
            code = max(code, 1)
        print(f"{shown}: {verdict}  ({quality.measures_text()})")
    return code
