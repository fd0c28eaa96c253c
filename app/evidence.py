"""Evidence that a station already ran in a data folder: photos, a token, the audit key, logs.

Stdlib only, so the setup screen can ask before the store (SQLAlchemy) is loaded; the store's
opening (app/station_store.py) refuses to rebuild a missing database beside any of it.
"""

from __future__ import annotations

from pathlib import Path

from app.paths import Paths

# The line Store.verify_audit writes at every open names the database file.
_DB_MARKER = "audit chain of {db} "


# What evidence_in reports, in English for logs and the command line (the GUI translates).
EVIDENCE_WORDS = {"photos": "photo files", "token": "the station token",
                  "audit_key": "the audit key", "logs": "logs"}


def _log_shows_the_database(log_file: Path, db_file: Path) -> bool:
    """A log written while this data folder's database was open (not merely `doctor`
    or `token check` run before the first start, nor the demo's own database)."""
    marker = _DB_MARKER.format(db=db_file)
    try:
        with open(log_file, encoding="utf-8", errors="replace") as fh:
            return any(marker in line for line in fh)
    except OSError:
        return False


def evidence_in(paths: Paths) -> list[str]:
    """What in the data folder shows a station already ran here, as EVIDENCE_WORDS keys
    (empty: a new folder, where first-run set-up may start)."""
    found: list[str] = []
    if paths.photos_dir.is_dir() and any(p.is_file() for p in paths.photos_dir.rglob("*")):
        found.append("photos")
    if paths.token_file.exists():
        found.append("token")
    if paths.audit_key_file.exists():
        found.append("audit_key")
    if paths.log_dir.is_dir():
        logs = [p for p in paths.log_dir.iterdir()
                if p.is_file() and _log_shows_the_database(p, paths.db_file)]
        if logs:
            found.append("logs")
    return found
