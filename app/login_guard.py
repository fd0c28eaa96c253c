"""Failed-login throttling: a growing wait after a few failures, then a lockout.

Kept in the station database (a restart does not reset it) and keyed per subject: an
operator ID as typed (known or not, so an unknown ID costs the same as a known one),
or "badge:*" for badges that match nobody. The guard only decides ("wait until T",
"locked until T"); callers never sleep, so the GUI thread is never blocked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from app.domain import DomainError, utcnow
from app.store.store import AuditLine, LoginFailure, Store

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
        row = self.store.login_failure(subject)
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

    def after_failure(self, subject: str
                      ) -> Callable[[LoginFailure | None], tuple[LoginFailure, list[AuditLine]]]:
        """The rule for one more failure, run by the store inside the attempt's transaction:
        the new count and wait (or lock), with the lockout's audit entry when it locks."""
        def failed(old: LoginFailure | None) -> tuple[LoginFailure, list[AuditLine]]:
            now = self.clock()
            # An expired lock counts afresh.
            failures = 1 if old is None or old.locked_until is not None else old.failures + 1
            if failures >= LOCK_AFTER:
                until = now + LOCK_FOR
                return (LoginFailure(subject, failures, now, None, until),
                        [AuditLine(subject[:64], "login_locked", subject,
                                   {"failures": failures, "until": until.isoformat()})])
            return LoginFailure(subject, failures, now, now + wait_after(failures), None), []
        return failed

    def record(self, subject: str, ok: bool, audits: Sequence[AuditLine]) -> None:
        """One attempt on `subject` with its audit entries, in one transaction."""
        self.store.record_login(subject, ok=ok, audits=audits,
                                after_failure=None if ok else self.after_failure(subject))

    def unlock(self, subject: str, actor: str) -> bool:
        """Lift a lock or wait (the caller checked the shift lead); False if none was set."""
        return self.store.clear_login_failures(subject, actor=actor)

    def locked_subjects(self) -> list[tuple[str, datetime]]:
        """Subjects locked right now, with the time their lock runs out."""
        now = self.clock()
        return [(r.subject, r.locked_until) for r in self.store.locked_logins()
                if r.locked_until is not None and now < min(r.locked_until, now + LOCK_FOR)]
