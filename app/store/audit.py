"""The append-only audit log: who did what when, each entry chained to the previous hash.

With the station secret (`audit_key`, kept beside the token) each link is an
HMAC-SHA256, so an edited row cannot be re-chained with this program's own code by
someone who can only reach the database. The key travels in the session's `info`
(Store puts it there), so every caller of `append_audit` keys its entry.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from app.domain import utcnow
from app.store.models import AuditRow, ts_text

GENESIS = "0" * 64


AUDIT_KEY = "audit_key"  # Session.info key holding the station secret (bytes or None)


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, subject: str,
               details: str, key: bytes | None = None) -> str:
    material = json.dumps([prev_hash, ts_text(at), actor, action, subject, details],
                          ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if key is None:  # a store opened without the station secret (tests, scratch stores)
        return hashlib.sha256(material).hexdigest()
    return hmac.new(key, material, hashlib.sha256).hexdigest()


_LAST_HASH = "SELECT hash FROM audit ORDER BY seq DESC LIMIT 1"
_INSERT = ("INSERT INTO audit (at, actor, action, subject, details, prev_hash, hash) "
           "VALUES (?, ?, ?, ?, ?, ?, ?)")


def append_audit_to(raw: sqlite3.Connection, key: bytes | None, actor: str, action: str,
                    subject: str, details: dict[str, Any]) -> None:
    """Inside the caller's write transaction on `raw`, so the entry commits with the change.

    Two prepared statements on the connection itself: the previous link is read without
    flushing anything, and the entry is in the table at once (the next append sees it)."""
    last = raw.execute(_LAST_HASH).fetchone()
    prev = str(last[0]) if last else GENESIS
    at = utcnow()
    body = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    raw.execute(_INSERT, (ts_text(at), actor, action, subject, body, prev,
                          entry_hash(prev, at, actor, action, subject, body, key)))


def append_audit(s: Session, actor: str, action: str, subject: str,
                 details: dict[str, Any]) -> None:
    """As append_audit_to, in the Session's transaction (key from the session's info).

    No autoflush: the session's pending rows flush at commit, in the same transaction."""
    raw = s.connection().connection.dbapi_connection
    assert raw is not None
    append_audit_to(raw, s.info.get(AUDIT_KEY), actor, action, subject,  # type: ignore[arg-type]
                    details)


@dataclass(frozen=True, slots=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad_seq: int | None = None


def verify_chain(s: Session, key: bytes | None = None) -> ChainCheck:
    """Every link checked; `entries` counts the whole log, `first_bad_seq` the first break."""
    prev = GENESIS
    count = 0
    bad: int | None = None
    for row in s.scalars(select(AuditRow).order_by(AuditRow.seq)):
        count += 1
        if bad is not None:
            continue
        expected = entry_hash(prev, row.at, row.actor, row.action, row.subject, row.details,
                              key)
        if row.prev_hash != prev or not hmac.compare_digest(row.hash, expected):
            bad = row.seq
        prev = row.hash
    return ChainCheck(bad is None, count, bad)


def rekey_chain(s: Session, key: bytes) -> int:
    """Re-link every entry with `key` (in the caller's write transaction); returns how many.

    Only for a chain that was just verified unkeyed: the upgrade from an unkeyed store."""
    prev = GENESIS
    count = 0
    for row in s.scalars(select(AuditRow).order_by(AuditRow.seq)):
        row.prev_hash = prev
        row.hash = prev = entry_hash(prev, row.at, row.actor, row.action, row.subject,
                                     row.details, key)
        count += 1
    s.flush()
    return count


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audit line as read back (details kept as the stored JSON text)."""

    seq: int
    at: datetime
    actor: str
    action: str
    subject: str
    details: str


def audit_entries(s: Session, *, inspection: str | None = None, operator: str | None = None,
                  action: str | None = None, limit: int = 1000) -> list[AuditEntry]:
    """The newest `limit` entries matching every filter given, oldest first. An operator
    matches as the actor or as the subject (what was done to them)."""
    q = select(AuditRow)
    if inspection:
        q = q.where(AuditRow.subject == inspection.strip())
    if operator:
        who = operator.strip()
        q = q.where(or_(AuditRow.actor == who, AuditRow.subject == who))
    if action:
        q = q.where(AuditRow.action == action.strip())
    rows = s.scalars(q.order_by(AuditRow.seq.desc()).limit(limit)).all()
    return [AuditEntry(r.seq, r.at, r.actor, r.action, r.subject, r.details)
            for r in reversed(rows)]


def audit_actions(s: Session) -> list[str]:
    """Every action word the log holds, for a filter's choices."""
    return sorted(s.scalars(select(AuditRow.action).distinct()).all())
