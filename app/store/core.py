"""The store's opening, its transactions and the audit log: what every part of it shares.

One writer at a time (a lock here plus BEGIN IMMEDIATE in SQLite); reads never wait
on the lock. Two ways into a transaction: an ORM Session (`_write`, `_read`) for the
occasional change, and plain sqlite3 connections of the store's own (`_write_raw`, one
per thread for `_read_raw`) for the hot paths, whose statements sqlite3 prepares once
and keeps in its cache. Both run with the same pragmas (synchronous=FULL: fsync at every
commit) and under the same write lock, so durability is the same.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from app.store.audit import (
    AUDIT_KEY,
    AuditEntry,
    ChainCheck,
    append_audit,
    append_audit_to,
    audit_actions,
    audit_entries,
    rekey_chain,
    verify_chain,
)
from app.store.db import StoreError, init_db, integrity_ok, make_engine, quick_check, writer
from app.store.models import InspectionRow, PhotoRow
from app.store.photos import DiskFullError

log = logging.getLogger("station.store")


def _is_disk_full(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "database or disk is full" in text or "disk i/o error" in text


def _refused(orig: BaseException) -> StoreError:
    if _is_disk_full(orig):
        return DiskFullError(
            "The disk is full: this change was not saved. Everything saved before "
            "is safe. Ask IT to free space on this station.")
    return StoreError(f"The station database refused a change: {orig}")


def chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    """Slices of at most `size` (SQLite limits the parameters of one statement)."""
    for i in range(0, len(items), size):
        yield items[i:i + size]


def dbapi(s: Session) -> sqlite3.Connection:
    """The DBAPI connection under a Session's transaction (flush first to see its changes)."""
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    return raw  # type: ignore[return-value]


class StoreCore:
    """Opening the database, the two kinds of transaction, and the audit log."""

    def __init__(self, db_file: Path, photos_dir: Path, *, engine: Engine | None = None,
                 audit_key: bytes | None = None, adopt_unkeyed_audit: bool = False) -> None:
        """`audit_key` keys the audit chain (app.station_store passes the station secret);
        `adopt_unkeyed_audit` re-keys an intact unkeyed chain once, when the secret was
        just created for a database from before keyed audits."""
        self.db_file = db_file
        self.photos_dir = photos_dir
        self.audit_key = audit_key
        photos_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        db_file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        if engine is None and not db_file.exists():
            # Created owner-only whatever the umask; SQLite gives -wal/-shm the same mode.
            os.close(os.open(db_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        self.engine = engine or make_engine(db_file)
        self._writer = writer(self.engine)
        self._write_lock = threading.RLock()
        self._readers = threading.local()  # each thread's reading connection (_read_raw)
        self._readers_lock = threading.Lock()
        self._reader_conns: list[sqlite3.Connection] = []
        self._raw_writer: sqlite3.Connection | None = None  # opened by the first _write_raw
        try:
            quick_check(self.engine, db_file)  # never migrate or write into a damaged file
            init_db(self.engine)
        except OperationalError as exc:
            raise StoreError(
                f"The station database {db_file} cannot be opened: {exc.orig}"
            ) from exc
        except (DatabaseError, sqlite3.DatabaseError) as exc:
            raise StoreError(
                f"The station database {db_file} is damaged or not a database "
                f"({getattr(exc, 'orig', exc)}); restore it from a backup or move it aside"
            ) from exc
        if audit_key is not None and adopt_unkeyed_audit:
            self._adopt_unkeyed_audit(audit_key)

    def close(self) -> None:
        with self._readers_lock:
            for conn in self._reader_conns:
                conn.close()
            self._reader_conns.clear()
        self._readers = threading.local()
        with self._write_lock:
            if self._raw_writer is not None:
                self._raw_writer.close()
                self._raw_writer = None
        self.engine.dispose()

    # --- transactions -------------------------------------------------------------------------

    @contextmanager
    def _connection(self, durable: bool) -> Iterator[Connection]:
        """The write lock and a writer connection; `durable=False` skips the fsync at commit:
        only for marks whose loss in a power cut is harmless (a "sent" mark lost means one
        idempotent replay the server answers with 200); never for anything an inspector
        confirmed."""
        with self._write_lock:
            try:
                with self._writer.connect() as conn:
                    raw = conn.connection.dbapi_connection
                    assert raw is not None
                    if not durable:
                        raw.execute("PRAGMA synchronous=NORMAL")
                    try:
                        yield conn
                    finally:
                        if not durable:
                            raw.execute("PRAGMA synchronous=FULL")
            except OperationalError as exc:
                raise _refused(exc.orig or exc) from exc

    @contextmanager
    def _write(self, *, durable: bool = True) -> Iterator[Session]:
        """One write transaction through an ORM Session (BEGIN IMMEDIATE, commit on exit)."""
        with self._connection(durable) as conn, \
                Session(bind=conn, expire_on_commit=False,
                        info={AUDIT_KEY: self.audit_key}) as session, session.begin():
            yield session

    @contextmanager
    def _write_raw(self) -> Iterator[sqlite3.Connection]:
        """One durable write transaction on the store's own writing connection: BEGIN
        IMMEDIATE, COMMIT on exit (fsync: synchronous=FULL, as every writer), ROLLBACK on
        any exception. Under the same write lock as `_write`, so writes never interleave."""
        with self._write_lock:
            raw = self._raw_writer
            if raw is None:
                raw = self._raw_writer = sqlite3.connect(
                    self.db_file, isolation_level=None, check_same_thread=False, timeout=10)
                for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON",
                               "busy_timeout=10000"):
                    raw.execute(f"PRAGMA {pragma}")
            try:
                raw.execute("BEGIN IMMEDIATE")
                try:
                    yield raw
                except BaseException:
                    raw.execute("ROLLBACK")
                    raise
                raw.execute("COMMIT")
            except sqlite3.OperationalError as exc:
                if raw.in_transaction:
                    raw.execute("ROLLBACK")
                raise _refused(exc) from exc

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _read_raw(self) -> Iterator[sqlite3.Connection]:
        """This thread's reading connection (autocommit: each statement reads one committed
        state of the WAL), kept open so a hot read pays no pool checkout and sqlite3 keeps
        its statements prepared. Answer a read in one statement with it."""
        raw: sqlite3.Connection | None = getattr(self._readers, "conn", None)
        if raw is None:
            raw = sqlite3.connect(self.db_file, isolation_level=None, check_same_thread=False,
                                  timeout=10)
            raw.execute("PRAGMA busy_timeout=10000")
            raw.execute("PRAGMA query_only=ON")  # a reader never writes, whatever it is given
            with self._readers_lock:
                self._reader_conns.append(raw)
            self._readers.conn = raw
        yield raw

    # --- the database as a whole --------------------------------------------------------------

    def holds_records(self) -> bool:
        """Inspections or photos are on record (a roster emptied beside them is suspect)."""
        with self._read() as s:
            return s.scalar(select(InspectionRow.inspection_id).limit(1)) is not None \
                or s.scalar(select(PhotoRow.photo_id).limit(1)) is not None

    def integrity(self) -> tuple[bool, str]:
        """PRAGMA integrity_check: (ok, the first problems found)."""
        return integrity_ok(self.engine)

    def schema_version(self) -> int:
        """The schema the database is at (PRAGMA user_version, set by the migrations)."""
        with self._read_raw() as raw:
            return int(raw.execute("PRAGMA user_version").fetchall()[0][0])

    # --- the audit log --------------------------------------------------------------------------

    def verify_audit(self) -> ChainCheck:
        """Check every link of the audit chain with this store's key; the result is logged."""
        with self._read() as s:
            check = verify_chain(s, self.audit_key)
        if check.ok:
            log.info("audit chain of %s verified: %d entries intact", self.db_file,
                     check.entries)
        else:
            log.error("audit chain of %s BROKEN at entry %s (of %d): the audit log was "
                      "edited outside the station", self.db_file, check.first_bad_seq,
                      check.entries)
        return check

    def _adopt_unkeyed_audit(self, key: bytes) -> None:
        with self._write() as s:
            check = verify_chain(s, None)
            if not check.entries:
                return
            if not check.ok:  # never launder a broken chain: verification will report it
                log.error("the unkeyed audit chain is broken at entry %s; not re-keyed",
                          check.first_bad_seq)
                return
            count = rekey_chain(s, key)
            append_audit(s, "station", "audit_keyed", "", {"entries": count})
        log.info("audit chain of %d entries keyed with the station secret", count)

    def audit(self, actor: str, action: str, subject: str = "", **details: Any) -> None:
        with self._write_raw() as raw:
            append_audit_to(raw, self.audit_key, actor, action, subject, details)

    def audit_entries(self, *, inspection: str | None = None, operator: str | None = None,
                      action: str | None = None, limit: int = 1000) -> list[AuditEntry]:
        """The newest `limit` entries matching every filter given, oldest first."""
        with self._read() as s:
            return audit_entries(s, inspection=inspection, operator=operator, action=action,
                                 limit=limit)

    def audit_actions(self) -> list[str]:
        """Every action word the log holds, for a filter's choices."""
        with self._read() as s:
            return audit_actions(s)
