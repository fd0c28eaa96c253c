"""Opening the station's own store, the one way every command and the GUI do it.

In order: the data folder is made private (0700 folders, 0600 files on POSIX); a
missing or empty station.db beside evidence of an earlier station (photos, a token,
the audit key, logs) is refused rather than rebuilt empty; the database passes a quick
integrity check (Store does it) and its audit chain is keyed with the station secret
and verified, the result going to the log. `evidence_in` (app/evidence.py) lets the
first-start screen refuse to set up a new station over an old one's records.
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from pathlib import Path

from app.config import Settings
from app.evidence import EVIDENCE_WORDS, evidence_in
from app.paths import Paths
from app.store import Store, StoreError
from app.store.audit import ChainCheck

log = logging.getLogger("station.store")

class EvidenceError(StoreError):
    """station.db is missing or empty but the folder holds an earlier station's records."""

    def __init__(self, db_file: Path, evidence: list[str]) -> None:
        self.db_file = db_file
        self.evidence = evidence
        self.missing = not db_file.exists()
        super().__init__(
            f"The station database {db_file} is {'missing' if self.missing else 'empty'}, but "
            f"this data folder holds {', '.join(EVIDENCE_WORDS[e] for e in evidence)} from an "
            "earlier start: the database was not rebuilt, so "
            f"nothing is overwritten. Restore station.db from a backup into {db_file.parent} "
            "(or, to set up a new station, move the whole folder aside) and start again.")


# --- private files --------------------------------------------------------------------------


def _walk(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return [folder, *sorted(folder.rglob("*"))]


def make_private(paths: Paths) -> None:
    """Tighten what an older version (or a 022 umask) left readable to others."""
    if sys.platform == "win32":  # per-user profile folders are private already
        return
    for path in (*_walk(paths.data_dir), *_walk(paths.log_dir)):
        try:
            st = path.lstat()
            if stat.S_ISLNK(st.st_mode) or st.st_uid != os.getuid():
                continue
            want = 0o700 if stat.S_ISDIR(st.st_mode) else 0o600
            if stat.S_IMODE(st.st_mode) & 0o077:
                path.chmod(stat.S_IMODE(st.st_mode) & ~0o077 | (want & 0o700))
        except OSError as exc:
            log.warning("cannot make %s private: %s", path, exc.strerror)


def not_private(paths: Paths) -> list[Path]:
    """Folders and files others may read (what `doctor` reports)."""
    if sys.platform == "win32":
        return []
    return [p for p in (*_walk(paths.data_dir), *_walk(paths.log_dir))
            if not p.is_symlink() and stat.S_IMODE(p.lstat().st_mode) & 0o077]


def check_private(paths: Paths) -> tuple[bool, str]:
    if sys.platform == "win32":
        return True, "per-user folders (private to this Windows user)"
    bad = not_private(paths)
    if bad:
        shown = ", ".join(f"{p} ({stat.S_IMODE(p.lstat().st_mode):o})" for p in bad[:3])
        return False, (f"{len(bad)} file(s) or folder(s) others can read: {shown}; run "
                       f"`chmod -R go-rwx {paths.data_dir} {paths.log_dir}`")
    return True, f"{paths.data_dir} and {paths.log_dir}: only this user can read them"


# --- evidence of an earlier station ---------------------------------------------------------


def refuse_rebuild_over_evidence(paths: Paths) -> None:
    db = paths.db_file
    if db.exists() and db.stat().st_size > 0:
        return
    evidence = evidence_in(paths)
    if evidence:
        log.error("station database %s missing or empty beside %s: refusing to rebuild it",
                  db, ", ".join(EVIDENCE_WORDS[e] for e in evidence))
        raise EvidenceError(db, evidence)


# --- opening --------------------------------------------------------------------------------


def open_station_store(paths: Paths, settings: Settings) -> tuple[Store, ChainCheck]:
    """The station's store, keyed and verified; raises StoreError in plain words."""
    from app.sync.token import TokenError, load_or_create_audit_key

    paths.ensure()
    make_private(paths)
    refuse_rebuild_over_evidence(paths)
    try:
        key, created = load_or_create_audit_key(settings, paths.audit_key_file)
    except (TokenError, OSError) as exc:
        raise StoreError(f"the station's audit key cannot be read: {exc}") from exc
    store = Store(paths.db_file, paths.photos_dir, audit_key=key, adopt_unkeyed_audit=created)
    try:
        check = store.verify_audit()
    except Exception:
        store.close()
        raise
    return store, check
