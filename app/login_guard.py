"""Failed-login throttling: a growing wait after a few failures, then a lockout.

Kept in the station database (a restart does not reset it) and keyed per subject: an
operator ID as typed (known or not, so an unknown ID costs the same as a known one),
or "badge:*" for badges that match nobody. The guard only decides ("wait until T",
"locked until T"); callers never sleep, so the GUI thread is never blocked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.domain import DomainError, utcnow
from app.store.audit import append_audit
from app.store.models import LoginFailureRow
from app.store.store import Store

FREE_FAILURES = 3  # failures before any wait: fumbled PINs happen
MAX_WAIT = timedelta(seconds=60)
LOCK_AFTER = 10  # failures in a row that lock the subject
LOCK_FOR = timedelta(minutes=15)
BADGE_SUBJECT = "badge:*"  # every badge that matches nobody counts here


class LoginRefused(DomainError):
    """A login attempt refused before any PIN was checked; `until` says when to retry."""

    def __init__(self, subject: str, until: datetime, message: str) -> None:
        super().__init__(message)
        self.subject = subject
        self.until = until


class LoginWait(LoginRefused):
    """Too many recent failures: the next attempt is possible at `until`."""


class LoginLocked(LoginRefused):
    """Locked after LOCK_AFTER failures: a shift lead unlocks, or wait until `until`."""


def wait_after(failures: int) -> timedelta:
    """0 for the first few failures, then 1 s, 2 s, 4 s ... capped at MAX_WAIT."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (failures - FREE_FAILURES)), MAX_WAIT)


class LoginGuard:
    """Decides whether a subject may try now; records failures and successes."""

    def __init__(self, store: Store, clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.clock = clock

    def check(self, subject: str) -> None:
        """Raise LoginLocked / LoginWait when `subject` may not try yet."""
        now = self.clock()
        with self.store._read() as s:
            row = s.get(LoginFailureRow, subject)
        if row is None:
            return
        # A clock set back never stretches a lock or a wait past its full length.
        if row.locked_until is not None:
            until = min(row.locked_until, now + LOCK_FOR)
            if now < until:
                raise LoginLocked(subject, until, f"{subject} is locked until {until:%H:%M:%S} "
                                  "UTC after too many failed logins; a shift lead can unlock it")
            return  # the lock has run out: the next failure starts a fresh count
        if row.wait_until is not None:
            until = min(row.wait_until, now + MAX_WAIT)
            if now < until:
                raise LoginWait(subject, until, f"too many failed logins: try again at "
                                f"{until:%H:%M:%S} UTC")

    def failed(self, s: Session, subject: str) -> LoginFailureRow:
        """One more failure, in the caller's write transaction (with its audit line)."""
        now = self.clock()
        row = s.get(LoginFailureRow, subject)
        if row is None:
            row = LoginFailureRow(subject=subject, failures=0, last_failure_at=now)
            s.add(row)
        elif row.locked_until is not None:  # an expired lock: count afresh
            row.failures, row.locked_until = 0, None
        row.failures += 1
        row.last_failure_at = now
        if row.failures >= LOCK_AFTER:
            row.locked_until, row.wait_until = now + LOCK_FOR, None
            append_audit(s, subject[:64], "login_locked", subject,
                         {"failures": row.failures, "until": row.locked_until.isoformat()})
        else:
            row.wait_until = now + wait_after(row.failures)
        return row

    def succeeded(self, s: Session, subject: str) -> None:
        s.execute(delete(LoginFailureRow).where(LoginFailureRow.subject == subject))

    def unlock(self, s: Session, subject: str, actor: str) -> bool:
        """Lift a lock or wait (the caller checked the shift lead); False if none was set."""
        found = s.get(LoginFailureRow, subject) is not None
        if found:
            s.execute(delete(LoginFailureRow).where(LoginFailureRow.subject == subject))
            append_audit(s, actor, "login_unlocked", subject, {})
        return found

    def locked_subjects(self) -> list[tuple[str, datetime]]:
        """Subjects locked right now, with the time their lock runs out."""
        now = self.clock()
        with self.store._read() as s:
            rows = s.scalars(select(LoginFailureRow).where(
                LoginFailureRow.locked_until.is_not(None))).all()
        return [(r.subject, r.locked_until) for r in rows
                if r.locked_until is not None and now < min(r.locked_until, now + LOCK_FOR)]
