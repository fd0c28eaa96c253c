"""Operators: login by badge or ID + PIN, roles, and the shift-lead permission check.

PINs are stored as salted scrypt hashes. Shift-lead actions are enforced here, in the
core, so a widget that forgets to hide a button still cannot do them.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.domain import (  # re-exported: callers import them from here
    DomainError,
    Operator,
    PermissionDenied,
    Role,
    require_shift_lead,
    utcnow,
)
from app.store.audit import append_audit
from app.store.models import OperatorRow
from app.store.store import Store

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_PIN = re.compile(r"^\d{4,12}$")

__all__ = ["AuthError", "IdleTimer", "Operator", "Operators", "PermissionDenied",
           "hash_pin", "require_shift_lead", "verify_pin"]


class AuthError(DomainError):
    """Wrong badge, ID or PIN (deliberately not saying which)."""


def hash_pin(pin: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(pin.encode(), salt=salt, n=_SCRYPT_N, r=_SCRYPT_R, p=_SCRYPT_P)
    return f"scrypt${_SCRYPT_N}${_SCRYPT_R}${_SCRYPT_P}${salt.hex()}${digest.hex()}"


def verify_pin(pin: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(got.hex(), digest)


def _check_new(operator_id: str, name: str, pin: str) -> None:
    if not _ID.match(operator_id):
        raise DomainError("An operator ID is 1-32 letters, digits, '.', '_' or '-'.")
    if not _PIN.match(pin):
        raise DomainError("A PIN is 4 to 12 digits.")
    if not name.strip():
        raise DomainError("The operator needs a name.")


def _insert(s: Session, operator_id: str, name: str, role: Role, pin_hash: str,
            badge_code: str | None, actor: str) -> Operator:
    """One roster row and its audit entry, in the caller's transaction (flushed now, so a
    clash raises IntegrityError here)."""
    s.add(OperatorRow(operator_id=operator_id, name=name.strip(), role=role.value,
                      badge_code=badge_code, pin_hash=pin_hash, active=True,
                      created_at=utcnow()))
    s.flush()
    append_audit(s, actor, "operator_add", operator_id, {"role": role.value})
    return Operator(operator_id, name.strip(), role, badge_code)


def _to_operator(row: OperatorRow) -> Operator:
    return Operator(row.operator_id, row.name, Role(row.role), row.badge_code)


class Operators:
    """The roster of this station, kept in the station database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def count(self) -> int:
        with self.store._read() as s:
            return int(s.scalar(select(func.count()).select_from(OperatorRow)) or 0)

    def needs_first_shift_lead(self) -> bool:
        """An empty station asks for its first shift lead before anything else."""
        with self.store._read() as s:
            return not s.scalar(select(func.count()).where(
                OperatorRow.role == Role.SHIFT_LEAD.value, OperatorRow.active == 1))

    def add(self, operator_id: str, name: str, role: Role, pin: str, badge_code: str | None,
            *, by: Operator | None) -> Operator:
        """Add an operator; only a shift lead may, except the very first shift lead."""
        if not self.needs_first_shift_lead() or role is not Role.SHIFT_LEAD:
            require_shift_lead(by, "add operators")
        _check_new(operator_id, name, pin)
        if badge_code is not None and not badge_code.strip():
            badge_code = None
        try:
            with self.store._write() as s:
                op = _insert(s, operator_id, name, role, hash_pin(pin), badge_code,
                             by.operator_id if by else operator_id)
        except IntegrityError as exc:
            raise DomainError(f"Operator {operator_id} or that badge already exists.") from exc
        return op

    def import_csv(self, text: str, *, by: Operator) -> int:
        """Roster CSV with header operator_id,name,role,pin[,badge_code]; all or nothing."""
        require_shift_lead(by, "import the roster")
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        need = {"operator_id", "name", "role", "pin"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise DomainError("The roster needs the columns operator_id, name, role, pin "
                              "(and optionally badge_code).")
        rows = list(reader)
        for i, row in enumerate(rows, 2):
            if row["role"] not in {r.value for r in Role}:
                raise DomainError(f"Roster line {i}: role must be inspector or shift_lead.")
            if not _PIN.match(row["pin"] or "") or not _ID.match(row["operator_id"] or ""):
                raise DomainError(f"Roster line {i}: bad operator_id or PIN.")
            if not (row["name"] or "").strip():
                raise DomainError(f"Roster line {i}: the operator needs a name.")
        hashes = [hash_pin(row["pin"]) for row in rows]  # slow: before taking the write lock
        # One transaction: a clash on any line (an ID or badge already on the roster, or
        # twice in the file) adds nobody, so the fixed file can simply be imported again.
        with self.store._write() as s:
            for i, (row, pin_hash) in enumerate(zip(rows, hashes, strict=True), 2):
                try:
                    _insert(s, row["operator_id"], row["name"], Role(row["role"]), pin_hash,
                            (row.get("badge_code") or "").strip() or None, by.operator_id)
                except IntegrityError:
                    raise DomainError(f"Roster line {i}: operator {row['operator_id']} or "
                                      "that badge already exists.") from None
        return len(rows)

    def login_badge(self, badge_code: str) -> Operator:
        with self.store._read() as s:
            row = s.scalar(select(OperatorRow).where(OperatorRow.badge_code == badge_code.strip(),
                                                     OperatorRow.active == 1))
        if row is None:
            self.store.audit(badge_code[:32], "login_failed", "", method="badge")
            raise AuthError("Badge not recognised.")
        self.store.audit(row.operator_id, "login", "", method="badge")
        return _to_operator(row)

    def login_pin(self, operator_id: str, pin: str) -> Operator:
        with self.store._read() as s:
            row = s.scalar(select(OperatorRow).where(OperatorRow.operator_id == operator_id.strip(),
                                                     OperatorRow.active == 1))
        if row is None or not verify_pin(pin, row.pin_hash):
            self.store.audit(operator_id[:32], "login_failed", "", method="pin")
            raise AuthError("ID or PIN not recognised.")
        self.store.audit(row.operator_id, "login", "", method="pin")
        return _to_operator(row)

    def logout(self, operator: Operator, reason: str = "user") -> None:
        self.store.audit(operator.operator_id, "logout", "", reason=reason)


class IdleTimer:
    """Pure idle tracking: the GUI feeds activity, asks whether to log out."""

    def __init__(self, minutes: float) -> None:
        self.limit = timedelta(minutes=minutes)
        self.last = utcnow()

    def touch(self, now: datetime | None = None) -> None:
        self.last = now or utcnow()

    def expired(self, now: datetime | None = None) -> bool:
        return (now or utcnow()) - self.last >= self.limit
