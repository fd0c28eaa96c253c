"""The station's SQLite file: engine, pragmas, schema version and migrations.

Durability first: WAL with synchronous=FULL (a confirmed inspection survives a power
cut), foreign keys on, a busy timeout, and one writer at a time (Store holds the
write lock). The schema is built only by the numbered migrations below, so a new
station and an upgraded one end up with the same tables (a test checks that the
ORM models agree with the migrated schema).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection

log = logging.getLogger("station.store")


class StoreError(RuntimeError):
    """A storage problem told in plain words (disk full, unreadable database...)."""


class DamagedDatabase(StoreError):
    """The database failed its integrity check at open; nothing was written to it."""

    def __init__(self, db_file: Path, message: str) -> None:
        super().__init__(message)
        self.db_file = db_file


def make_engine(db_file: Path) -> Engine:
    engine = create_engine(
        f"sqlite:///{db_file}",
        connect_args={"check_same_thread": False, "timeout": 10},
        pool_pre_ping=False,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy own transactions (BEGIN IMMEDIATE below): the sqlite3
        # module's implicit transactions would defer the write lock.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # Writers take the write lock up front (no deadlock upgrading a read lock
        # when another process, e.g. `sync` from a shell, writes too); readers don't.
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def writer(engine: Engine) -> Engine:
    """The same engine (and pool) whose transactions begin IMMEDIATE."""
    return engine.execution_options(sqlite_immediate=True)


# --- migrations: (version, description, function) ------------------------------------------


def _v1(conn: Connection) -> None:
    """The first released schema."""
    for ddl in (
        """CREATE TABLE operators (
            operator_id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL,
            badge_code TEXT UNIQUE,
            pin_hash TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE cases (
            case_id TEXT PRIMARY KEY,
            rma TEXT NOT NULL,
            order_id TEXT NOT NULL,
            body TEXT NOT NULL,
            fetched_at TEXT NOT NULL)""",
        "CREATE INDEX ix_cases_rma ON cases (rma)",
        """CREATE TABLE inspections (
            inspection_id TEXT PRIMARY KEY,
            case_id TEXT,
            line_id TEXT,
            rma TEXT,
            order_id TEXT,
            sku TEXT,
            category TEXT NOT NULL,
            customer_reason TEXT,
            serial_expected TEXT,
            serial_scanned TEXT,
            station_id TEXT NOT NULL,
            inspector_id TEXT NOT NULL,
            started_at TEXT NOT NULL,
            completed_at TEXT,
            status TEXT NOT NULL,
            unverified INTEGER NOT NULL DEFAULT 0,
            scanned_code TEXT NOT NULL DEFAULT '',
            template_id TEXT NOT NULL,
            template_version INTEGER NOT NULL,
            current_step INTEGER NOT NULL DEFAULT 0,
            classification TEXT,
            classification_suggested TEXT,
            override_reason TEXT,
            disposition TEXT,
            missing_accessories TEXT NOT NULL DEFAULT '[]',
            case_body TEXT)""",
        "CREATE INDEX ix_inspections_completed_at ON inspections (completed_at)",
        "CREATE INDEX ix_inspections_rma ON inspections (rma)",
        "CREATE INDEX ix_inspections_status ON inspections (status)",
        """CREATE TABLE answers (
            inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id) ON DELETE CASCADE,
            step_id TEXT NOT NULL,
            result TEXT NOT NULL,
            value TEXT,
            note TEXT NOT NULL DEFAULT '',
            photo_ids TEXT NOT NULL DEFAULT '[]',
            answered_at TEXT NOT NULL,
            PRIMARY KEY (inspection_id, step_id))""",
        """CREATE TABLE photos (
            photo_id TEXT PRIMARY KEY,
            inspection_id TEXT NOT NULL REFERENCES inspections(inspection_id) ON DELETE CASCADE,
            step_id TEXT,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            mime TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            file_name TEXT NOT NULL)""",
        "CREATE INDEX ix_photos_inspection ON photos (inspection_id)",
        """CREATE TABLE results (
            inspection_id TEXT PRIMARY KEY REFERENCES inspections(inspection_id) ON DELETE CASCADE,
            payload BLOB,
            sha256 TEXT,
            created_at TEXT NOT NULL)""",
        """CREATE TABLE outbox (
            inspection_id TEXT PRIMARY KEY REFERENCES inspections(inspection_id) ON DELETE CASCADE,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            attention_reason TEXT,
            created_at TEXT NOT NULL,
            sent_at TEXT,
            server_received_at TEXT)""",
        "CREATE INDEX ix_outbox_state_next ON outbox (state, next_attempt_at)",
        """CREATE TABLE audit (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            subject TEXT NOT NULL DEFAULT '',
            details TEXT NOT NULL DEFAULT '{}',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL)""",
    ):
        conn.exec_driver_sql(ddl)


def _v2(conn: Connection) -> None:
    """Shift leads resolve needs-attention items with a note; serial search gets an index."""
    conn.exec_driver_sql("ALTER TABLE outbox ADD COLUMN handled_by TEXT")
    conn.exec_driver_sql("ALTER TABLE outbox ADD COLUMN handled_note TEXT")
    conn.exec_driver_sql("ALTER TABLE outbox ADD COLUMN handled_at TEXT")
    conn.exec_driver_sql("CREATE INDEX ix_inspections_serial ON inspections (serial_scanned)")
    conn.exec_driver_sql("CREATE INDEX ix_inspections_inspector ON inspections (inspector_id)")


def _v3(conn: Connection) -> None:
    """A server's Retry-After hold is kept with the item, so a new process honours it too."""
    conn.exec_driver_sql("ALTER TABLE outbox ADD COLUMN retry_hold_s REAL")


def _v4(conn: Connection) -> None:
    """Failed logins per operator (or badge guesses), so a restart does not reset a lockout."""
    conn.exec_driver_sql(
        """CREATE TABLE login_failures (
            subject TEXT PRIMARY KEY,
            failures INTEGER NOT NULL DEFAULT 0,
            last_failure_at TEXT NOT NULL,
            wait_until TEXT,
            locked_until TEXT)""")


def _v5(conn: Connection) -> None:
    """Serial/IMEI mismatch flag with its shift-lead sign-off; the case an unverified
    inspection resolved to while its item line is still to be chosen (issue 14.2, 14.3)."""
    for ddl in (
        "ALTER TABLE inspections ADD COLUMN serial_mismatch INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE inspections ADD COLUMN mismatch_signed_by TEXT",
        "ALTER TABLE inspections ADD COLUMN mismatch_signed_at TEXT",
        "ALTER TABLE inspections ADD COLUMN candidate_case_id TEXT",
    ):
        conn.exec_driver_sql(ddl)


def _v6(conn: Connection) -> None:
    """Identity gate: the product code expected and scanned, a mismatch with the shift
    lead's sign-off and reason; the function tests not done (issue 16.1, 16.4)."""
    for ddl in (
        "ALTER TABLE inspections ADD COLUMN gtin_expected TEXT",
        "ALTER TABLE inspections ADD COLUMN gtin_scanned TEXT",
        "ALTER TABLE inspections ADD COLUMN gtin_mismatch INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE inspections ADD COLUMN gtin_signed_by TEXT",
        "ALTER TABLE inspections ADD COLUMN gtin_signed_at TEXT",
        "ALTER TABLE inspections ADD COLUMN gtin_sign_off_reason TEXT",
        "ALTER TABLE inspections ADD COLUMN untested_steps TEXT NOT NULL DEFAULT '[]'",
    ):
        conn.exec_driver_sql(ddl)


def _v7(conn: Connection) -> None:
    """A step kind's own record with its answer (the weight check) and a photo's guardrail
    verdict with the inspector's note for keeping it anyway (issue 16.2, 16.3)."""
    conn.exec_driver_sql("ALTER TABLE answers ADD COLUMN extra TEXT")
    conn.exec_driver_sql("ALTER TABLE photos ADD COLUMN quality TEXT")


def _v8(conn: Connection) -> None:
    """The shift lead's reason for a serial/IMEI mismatch sign-off: a serial mismatch holds
    the item for review like a product code mismatch (issue 16.1). Older rows keep NULL (they
    were signed off without one)."""
    conn.exec_driver_sql("ALTER TABLE inspections ADD COLUMN mismatch_sign_off_reason TEXT")


MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (1, "initial schema", _v1),
    (2, "attention handling, serial index", _v2),
    (3, "Retry-After hold kept with the outbox item", _v3),
    (4, "login failures and lockouts", _v4),
    (5, "serial mismatch sign-off, line choice for resolved cases", _v5),
    (6, "identity gate (product code) sign-off, function tests not done", _v6),
    (7, "answer records (weight check), photo guardrail notes", _v7),
    (8, "serial mismatch sign-off reason", _v8),
)
SCHEMA_VERSION = MIGRATIONS[-1][0]


def schema_version(conn: Connection) -> int:
    return int(conn.exec_driver_sql("PRAGMA user_version").scalar_one())


def init_db(engine: Engine, *, upto: int | None = None) -> int:
    """Bring the database to the current schema (or `upto`, for migration tests)."""
    target = SCHEMA_VERSION if upto is None else upto
    with writer(engine).begin() as conn:
        current = schema_version(conn)
        if current > SCHEMA_VERSION:
            raise StoreError(
                f"the station database is from a newer version (schema {current}, this program "
                f"knows {SCHEMA_VERSION}); install the newer program or restore a backup"
            )
        for version, description, migrate in MIGRATIONS:
            if current < version <= target:
                log.info("migrating database to schema %d (%s)", version, description)
                migrate(conn)
                conn.exec_driver_sql(f"PRAGMA user_version = {int(version)}")
        return max(current, min(target, SCHEMA_VERSION))


def integrity_ok(engine: Engine) -> tuple[bool, str]:
    with engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA integrity_check")).all()]
        conn.rollback()
    return rows == ["ok"], "; ".join(rows[:5])


def quick_check(engine: Engine, db_file: Path) -> None:
    """PRAGMA quick_check at open: a database damaged in the middle is refused before
    anything (a migration, an audit line) is written into it."""
    if not db_file.exists() or db_file.stat().st_size == 0:
        return
    try:
        with engine.connect() as conn:
            rows = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA quick_check").all()]
            conn.rollback()
    except Exception as exc:  # sqlite3 / SQLAlchemy errors of a file that is not a database
        raise DamagedDatabase(
            db_file, f"The station database {db_file} is damaged or not a database "
            f"({getattr(exc, 'orig', exc)}); restore it from a backup or move it aside"
        ) from exc
    if rows != ["ok"]:
        log.error("quick_check of %s: %s", db_file, "; ".join(rows[:5]))
        raise DamagedDatabase(
            db_file, f"The station database {db_file} is damaged ({'; '.join(rows[:2])}); "
            "nothing was written to it. Restore it from a backup (or move it aside) and start "
            "again.")
