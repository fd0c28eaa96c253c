"""The append-only audit log: who did what when, each entry chained to the previous hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain import utcnow
from app.store.models import AuditRow, ts_text

GENESIS = "0" * 64


def entry_hash(prev_hash: str, at: datetime, actor: str, action: str, subject: str,
               details: str) -> str:
    material = json.dumps([prev_hash, ts_text(at), actor, action, subject, details],
                          ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def append_audit(s: Session, actor: str, action: str, subject: str,
                 details: dict[str, Any]) -> None:
    """Called inside the caller's write transaction, so the entry commits with the change."""
    prev = s.scalar(select(AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)) or GENESIS
    at = utcnow()
    body = json.dumps(details, ensure_ascii=False, sort_keys=True, default=str)
    s.add(AuditRow(at=at, actor=actor, action=action, subject=subject, details=body,
                   prev_hash=prev, hash=entry_hash(prev, at, actor, action, subject, body)))


@dataclass(frozen=True, slots=True)
class ChainCheck:
    ok: bool
    entries: int
    first_bad_seq: int | None = None


def verify_chain(s: Session) -> ChainCheck:
    prev = GENESIS
    count = 0
    for row in s.scalars(select(AuditRow).order_by(AuditRow.seq)):
        count += 1
        expected = entry_hash(prev, row.at, row.actor, row.action, row.subject, row.details)
        if row.prev_hash != prev or row.hash != expected:
            return ChainCheck(False, count, row.seq)
        prev = row.hash
    return ChainCheck(True, count)
