"""Where the station keeps its data, config and logs (platformdirs, overridable).

Data, config and logs live in the per-user platform folders, never beside the
program, so an upgrade that replaces the program folder keeps everything.
`--data-dir` (or INSPECTION_STATION_DATA) moves all three under one folder so
tests, training stations and demo mode run isolated.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "InspectionStation"
APP_AUTHOR = "ReturnsOps"
ENV_DATA = "INSPECTION_STATION_DATA"
ENV_CONFIG = "INSPECTION_STATION_CONFIG"


@dataclass(frozen=True, slots=True)
class Paths:
    data_dir: Path
    config_file: Path
    log_dir: Path

    @property
    def db_file(self) -> Path:
        return self.data_dir / "station.db"

    @property
    def photos_dir(self) -> Path:
        return self.data_dir / "photos"

    @property
    def token_file(self) -> Path:
        return self.data_dir / "station-token"

    @property
    def audit_key_file(self) -> Path:
        """The station secret keying the audit chain (when the keyring is not used)."""
        return self.data_dir / "audit-key"

    @property
    def crash_file(self) -> Path:
        return self.log_dir / "crash.txt"

    @property
    def log_file(self) -> Path:
        return self.log_dir / "station.log"

    def ensure(self) -> None:
        for folder in (self.data_dir, self.photos_dir, self.log_dir, self.config_file.parent):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)  # private (POSIX)


def resolve_paths(
    data_dir: str | os.PathLike[str] | None = None,
    config_file: str | os.PathLike[str] | None = None,
    env: dict[str, str] | None = None,
) -> Paths:
    """Command-line values win over the environment, which wins over platform folders."""
    environ = os.environ if env is None else env
    data = data_dir or environ.get(ENV_DATA) or None
    config = config_file or environ.get(ENV_CONFIG) or None
    if data:
        base = Path(data).expanduser().resolve()
        return Paths(
            data_dir=base,
            config_file=Path(config).expanduser().resolve() if config else base / "config.toml",
            log_dir=base / "logs",
        )
    return Paths(
        data_dir=Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
        config_file=(
            Path(config).expanduser().resolve()
            if config
            else Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)) / "config.toml"
        ),
        log_dir=Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
    )
