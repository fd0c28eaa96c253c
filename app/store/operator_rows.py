"""Roster and login-failure rows: the database side of app/operators.py and app/login_guard.py.

The rules (who may change what, how long a wait lasts) stay in those modules; they reach
into a transaction here through a callback (`change_operator`, `record_login`), so a
rule's check and the write it allows commit together, with their audit entries.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import DomainError, Role, utcnow
from app.store.audit import append_audit
from app.store.core import StoreCore
from app.store.db import StoreError
from app.store.models import AuditRow, LoginFailureRow, OperatorRow
from app.store.records import AuditLine, LoginFailure, OperatorChange, OperatorRecord


class OperatorClash(StoreError):
    """An ID or badge code already on the roster (or twice among those added)."""

    def __init__(self, index: int) -> None:
        super().__init__(f"operator {index} clashes with the roster")
        self.index = index  # which of the operators given


def _record(row: OperatorRow) -> OperatorRecord:
    return OperatorRecord(row.operator_id, row.name, Role(row.role), row.badge_code,
                          row.pin_hash, bool(row.active))


def _failure(row: LoginFailureRow) -> LoginFailure:
    return LoginFailure(row.subject, row.failures, row.last_failure_at, row.wait_until,
                        row.locked_until)


def _audit(s: Session, lines: Sequence[AuditLine]) -> None:
    for line in lines:
        append_audit(s, line.actor, line.action, line.subject, line.details)


def _lift(s: Session, subject: str, actor: str) -> bool:
    found = s.get(LoginFailureRow, subject) is not None
    if found:
        s.execute(delete(LoginFailureRow).where(LoginFailureRow.subject == subject))
        append_audit(s, actor, "login_unlocked", subject, {})
    return found


class OperatorRows(StoreCore):
    """The operators and login_failures tables."""

    # --- the roster -----------------------------------------------------------------------------

    def operator_count(self) -> int:
        with self._read() as s:
            return int(s.scalar(select(func.count()).select_from(OperatorRow)) or 0)

    def active_lead_count(self) -> int:
        with self._read() as s:
            return int(s.scalar(select(func.count()).where(
                OperatorRow.role == Role.SHIFT_LEAD.value, OperatorRow.active == 1)) or 0)

    def find_operator(self, *, operator_id: str | None = None,
                      badge_code: str | None = None) -> OperatorRecord | None:
        """The active operator with this ID or (given both) this ID or badge code."""
        wanted = []
        if operator_id is not None:
            wanted.append(OperatorRow.operator_id == operator_id)
        if badge_code is not None:
            wanted.append(OperatorRow.badge_code == badge_code)
        if not wanted:
            return None
        match = wanted[0] if len(wanted) == 1 else (wanted[0] | wanted[1])
        with self._read() as s:
            row = s.scalar(select(OperatorRow).where(match, OperatorRow.active == 1))
            return None if row is None else _record(row)

    def operator(self, operator_id: str) -> OperatorRecord | None:
        """One roster row, active or not."""
        with self._read() as s:
            row = s.get(OperatorRow, operator_id)
            return None if row is None else _record(row)

    def roster_rows(self) -> list[OperatorRecord]:
        with self._read() as s:
            return [_record(r) for r in
                    s.scalars(select(OperatorRow).order_by(OperatorRow.operator_id))]

    def last_logins(self) -> dict[str, datetime]:
        """operator_id -> time of their last login (from the audit log)."""
        with self._read() as s:
            last: dict[str, int] = {actor: seq for actor, seq in s.execute(
                select(AuditRow.actor, func.max(AuditRow.seq))
                .where(AuditRow.action == "login").group_by(AuditRow.actor))}
            when: dict[int, datetime] = {seq: at for seq, at in s.execute(
                select(AuditRow.seq, AuditRow.at).where(AuditRow.seq.in_(list(last.values()))))}
        return {actor: when[seq] for actor, seq in last.items() if seq in when}

    def add_operators(self, new: Sequence[OperatorRecord], *, actor: str) -> None:
        """All in one transaction, each audited: a clash on any adds nobody (OperatorClash)."""
        with self._write() as s:
            for index, op in enumerate(new):
                s.add(OperatorRow(operator_id=op.operator_id, name=op.name, role=op.role.value,
                                  badge_code=op.badge_code, pin_hash=op.pin_hash,
                                  active=op.active, created_at=utcnow()))
                try:
                    s.flush()
                except IntegrityError as exc:
                    raise OperatorClash(index) from exc
                append_audit(s, actor, "operator_add", op.operator_id, {"role": op.role.value})

    def change_operator(
        self, operator_id: str,
        change: Callable[[OperatorRecord, int], OperatorChange | None],
    ) -> OperatorRecord:
        """Change one roster row in one transaction. `change` gets the row as stored and how
        many other active shift leads there are; it raises to refuse, returns None for no
        change. A badge code taken by another operator raises OperatorClash."""
        with self._write() as s:
            row = s.get(OperatorRow, operator_id)
            if row is None:
                raise DomainError(key="op_not_found", operator_id=operator_id[:32])
            others = s.scalar(select(func.count()).select_from(OperatorRow).where(
                OperatorRow.role == Role.SHIFT_LEAD.value, OperatorRow.active == 1,
                OperatorRow.operator_id != row.operator_id)) or 0
            current = _record(row)
            wanted = change(current, int(others))
            if wanted is None:
                return current
            new = wanted.record
            row.name, row.role, row.badge_code = new.name, new.role.value, new.badge_code
            row.pin_hash, row.active = new.pin_hash, new.active
            try:
                s.flush()
            except IntegrityError as exc:
                raise OperatorClash(0) from exc
            _audit(s, [wanted.audit])
            if wanted.unlock_by is not None:
                _lift(s, row.operator_id, wanted.unlock_by)
            return new

    # --- failed logins ----------------------------------------------------------------------------

    def login_failure(self, subject: str) -> LoginFailure | None:
        with self._read() as s:
            row = s.get(LoginFailureRow, subject)
            return None if row is None else _failure(row)

    def locked_logins(self) -> list[LoginFailure]:
        """Every subject with a lock recorded (expired or not: the guard's clock decides)."""
        with self._read() as s:
            return [_failure(r) for r in s.scalars(select(LoginFailureRow).where(
                LoginFailureRow.locked_until.is_not(None)))]

    def record_login(
        self, subject: str, *, ok: bool, audits: Sequence[AuditLine],
        after_failure: Callable[[LoginFailure | None], tuple[LoginFailure, list[AuditLine]]]
        | None = None,
    ) -> None:
        """One login attempt and its audit entries, in one transaction. A success clears the
        subject's failures; a failure stores what `after_failure` makes of the old count
        (with the entries it adds, e.g. a lockout, written first)."""
        with self._write() as s:
            row = s.get(LoginFailureRow, subject)
            if ok:
                if row is not None:
                    s.delete(row)
                _audit(s, audits)
                return
            assert after_failure is not None
            new, extra = after_failure(None if row is None else _failure(row))
            if row is None:
                row = LoginFailureRow(subject=subject)
                s.add(row)
            row.failures, row.last_failure_at = new.failures, new.last_failure_at
            row.wait_until, row.locked_until = new.wait_until, new.locked_until
            _audit(s, [*extra, *audits])

    def clear_login_failures(self, subject: str, *, actor: str) -> bool:
        """Lift a lock or wait (audited); False if none was recorded."""
        with self._write() as s:
            return _lift(s, subject, actor)
