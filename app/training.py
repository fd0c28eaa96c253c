"""What marks a training station's data folder, and the rule that keeps its data at home.

Light on purpose (no OpenCV, no server): reports and the sync client import it.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

# Written into the training folder: every report made from it says TRAINING, and the
# sync client refuses any case API but the loopback reference server.
TRAINING_MARK = "TRAINING"


class TrainingGuardError(RuntimeError):
    """A training station was asked to talk to a case API other than its own loopback one."""


def is_training_folder(data_dir: Path) -> bool:
    return (data_dir / TRAINING_MARK).is_file()


def check_training_target(data_dir: Path, base_url: str) -> None:
    """Training data never goes to a real server: only loopback URLs pass."""
    if not is_training_folder(data_dir):
        return
    host = urlsplit(base_url).hostname or ""
    if host not in {"localhost", "::1"} and not host.startswith("127."):
        raise TrainingGuardError(
            f"training data in {data_dir} is never sent to {host or base_url!r}")
