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
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime

from app.config import Settings
from app.domain import (  # re-exported: callers import them from here
    DomainError,
    Operator,
    PermissionDenied,
    Role,
    require_shift_lead,
    utcnow,
)
from app.login_guard import BADGE_SUBJECT, LoginGuard, LoginLocked, LoginRefused, LoginWait
from app.messages import Both, role_words
from app.scanning.labels import Kind, Patterns, interpret
from app.store.store import (
    AuditLine,
    OperatorChange,
    OperatorClash,
    OperatorRecord,
    Store,
)

_SCRYPT_N, _SCRYPT_R, _SCRYPT_P = 2**14, 8, 1
_ID = re.compile(r"^[A-Za-z0-9._-]{1,32}$")
_PIN = re.compile(r"^\d{4,12}$")
_BADGE = re.compile(r"^[\x21-\x7e]{1,64}$")  # what a scanner sends: printable ASCII, no space
MAX_NAME = 100
_CODE_KINDS = {Kind.RMA, Kind.ORDER, Kind.TRACKING}

__all__ = ["AuthError", "BadgeNotScanned", "IdleTimer", "LoginLocked", "LoginPolicy",
           "LoginRefused", "LoginWait", "Operator", "OperatorInfo", "Operators",
           "PermissionDenied",
           "PinRequired", "hash_pin", "require_shift_lead", "verify_pin"]


class AuthError(DomainError):
    """Wrong badge, ID or PIN (deliberately not saying which)."""


class BadgeNotScanned(AuthError):
    """A badge typed by hand: badges count only from a scanner (or the camera)."""


class PinRequired(DomainError):
    """The badge is known, but its holder must also enter a PIN (always for shift leads)."""


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """The site's login rules (settings): who needs a PIN after the badge, PIN lengths."""

    inspector_pin_required: bool = False
    pin_min_length_lead: int = 6
    pin_min_length_inspector: int = 4
    patterns: Patterns = field(default_factory=Patterns)

    @classmethod
    def from_settings(cls, settings: Settings) -> LoginPolicy:
        return cls(settings.inspector_pin_required, settings.pin_min_length_lead,
                   settings.pin_min_length_inspector, Patterns.from_settings(settings))

    def pin_min_length(self, role: Role) -> int:
        return self.pin_min_length_lead if role is Role.SHIFT_LEAD \
            else self.pin_min_length_inspector

    def needs_pin(self, role: Role) -> bool:
        return role is Role.SHIFT_LEAD or self.inspector_pin_required


_dummy_hash: str | None = None


def _dummy() -> str:
    """A real hash to verify unknown IDs against, so they cost as much time as known ones."""
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_pin(secrets.token_hex(8))
    return _dummy_hash


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


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"} for ch in text)


def _check_new(operator_id: str, name: str, role: Role, pin: str, badge_code: str | None,
               policy: LoginPolicy) -> None:
    """Every field of a new operator, refused in plain words (roster files are hostile too)."""
    if not _ID.match(operator_id):
        raise DomainError(key="op_id_rule")
    _check_pin_rule(pin, role, policy)
    _check_name_badge(name, badge_code, policy)


def _check_pin_rule(pin: str, role: Role, policy: LoginPolicy) -> None:
    shortest = policy.pin_min_length(role)
    if not _PIN.match(pin) or len(pin) < shortest:
        raise DomainError(key="op_pin_rule", role=role_words(role.value), shortest=shortest)


def _check_name_badge(name: str, badge_code: str | None, policy: LoginPolicy) -> None:
    if not name.strip():
        raise DomainError(key="op_name_needed")
    if len(name.strip()) > MAX_NAME or _has_control(name):
        raise DomainError(key="op_name_rule", limit=MAX_NAME)
    if badge_code is not None:
        if not _BADGE.match(badge_code):
            raise DomainError(key="op_badge_rule")
        if interpret(badge_code, policy.patterns).kind in _CODE_KINDS:
            raise DomainError(key="op_badge_like_code")


def _new(operator_id: str, name: str, role: Role, pin_hash: str,
         badge_code: str | None) -> OperatorRecord:
    return OperatorRecord(operator_id, name.strip(), role, badge_code, pin_hash, True)


def _to_operator(row: OperatorRecord) -> Operator:
    return Operator(row.operator_id, row.name, row.role, row.badge_code)


def _keep_a_lead(row: OperatorRecord, lead: Operator, self_key: str, other_leads: int) -> None:
    """A lead never removes their own rights, and the station keeps an active lead."""
    if row.operator_id == lead.operator_id:
        raise PermissionDenied(key=self_key)
    if not other_leads:
        raise PermissionDenied(key="op_last_lead", operator_id=row.operator_id)


@dataclass(frozen=True, slots=True)
class OperatorInfo:
    """One line of the roster as a shift lead sees it (never the PIN hash)."""

    operator_id: str
    name: str
    role: Role
    badge_code: str | None
    active: bool
    last_login: datetime | None
    locked_until: datetime | None


class Operators:
    """The roster of this station, kept in the station database."""

    def __init__(self, store: Store, policy: LoginPolicy | None = None,
                 clock: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self.policy = policy or LoginPolicy()
        self.guard = LoginGuard(store, clock)

    def count(self) -> int:
        return self.store.operator_count()

    def needs_first_shift_lead(self) -> bool:
        """An empty station asks for its first shift lead before anything else."""
        return not self.store.active_lead_count()

    def add(self, operator_id: str, name: str, role: Role, pin: str, badge_code: str | None,
            *, by: Operator | None) -> Operator:
        """Add an operator; only a shift lead may, except the very first shift lead."""
        if not self.needs_first_shift_lead() or role is not Role.SHIFT_LEAD:
            require_shift_lead(by, "add operators")
        elif by is None and self.store.holds_records():
            # First-run mode is for an empty station, never over an earlier one's records.
            raise PermissionDenied(key="op_no_lead_but_records")
        badge_code = (badge_code or "").strip() or None
        _check_new(operator_id, name, role, pin, badge_code, self.policy)
        new = _new(operator_id, name, role, hash_pin(pin), badge_code)
        try:
            self.store.add_operators([new], actor=by.operator_id if by else operator_id)
        except OperatorClash as exc:
            raise DomainError(key="op_exists", operator_id=operator_id) from exc
        return _to_operator(new)

    def import_csv(self, text: str, *, by: Operator) -> int:
        """Roster CSV with header operator_id,name,role,pin[,badge_code]; all or nothing."""
        require_shift_lead(by, "import the roster")
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
        need = {"operator_id", "name", "role", "pin"}
        if not reader.fieldnames or not need <= set(reader.fieldnames):
            raise DomainError(key="roster_columns")
        rows = list(reader)
        for i, row in enumerate(rows, 2):
            if row["role"] not in {r.value for r in Role}:
                raise DomainError(key="roster_role", line=i)
            if not _PIN.match(row["pin"] or "") or not _ID.match(row["operator_id"] or ""):
                raise DomainError(key="roster_id_pin", line=i)
            try:
                _check_new(row["operator_id"], row["name"] or "", Role(row["role"]), row["pin"],
                           (row.get("badge_code") or "").strip() or None, self.policy)
            except DomainError as exc:
                raise DomainError(key="roster_line", line=i, problem=Both(
                    exc.message("en"), exc.message("zh_CN"))) from None
        # Hashing is slow: done before the store takes the write lock.
        new = [_new(row["operator_id"], row["name"], Role(row["role"]), hash_pin(row["pin"]),
                    (row.get("badge_code") or "").strip() or None) for row in rows]
        # One transaction: a clash on any line (an ID or badge already on the roster, or
        # twice in the file) adds nobody, so the fixed file can simply be imported again.
        try:
            self.store.add_operators(new, actor=by.operator_id)
        except OperatorClash as exc:
            raise DomainError(key="roster_exists", line=exc.index + 2,
                              operator_id=rows[exc.index]["operator_id"]) from None
        return len(rows)

    def login_badge(self, badge_code: str, pin: str | None = None, *,
                    scanned: bool = True) -> Operator:
        """Log in by badge. Typed badges are refused; a shift lead (and an inspector when
        the site says so) also needs the PIN: without one this raises PinRequired."""
        code = badge_code.strip()
        if not scanned:
            self.store.audit(code[:32], "login_failed", "", method="typed_badge")
            raise BadgeNotScanned("Badges must be scanned; type your ID and PIN instead.")
        self.guard.check(BADGE_SUBJECT)
        row = self.store.find_operator(badge_code=code)
        if row is None:
            self.guard.record(BADGE_SUBJECT, False,
                              [AuditLine(code[:32], "login_failed", "", {"method": "badge"})])
            raise AuthError("Badge not recognised.")
        if not self.policy.needs_pin(row.role):
            self.store.audit(row.operator_id, "login", "", method="badge")
            return _to_operator(row)
        if pin is None:
            raise PinRequired("Enter your PIN to finish logging in.")
        return self._check_pin(row.operator_id, row, pin, "badge+pin")

    def login_pin(self, operator_id: str, pin: str) -> Operator:
        subject = operator_id.strip()[:32]
        return self._check_pin(subject, self.store.find_operator(operator_id=subject), pin,
                               "pin")

    def _check_pin(self, subject: str, row: OperatorRecord | None, pin: str,
                   method: str) -> Operator:
        """The throttle first, then the hash (a dummy one for unknown IDs), then the record:
        known and unknown IDs do the same work, so timing tells nothing."""
        self.guard.check(subject)
        good = verify_pin(pin, row.pin_hash if row is not None else _dummy())
        if row is None or not good:
            self.guard.record(subject, False,
                              [AuditLine(subject, "login_failed", "", {"method": method})])
            raise AuthError("ID or PIN not recognised.")
        self.guard.record(subject, True,
                          [AuditLine(row.operator_id, "login", "", {"method": method})])
        return _to_operator(row)

    def unlock(self, operator_id: str, *, by: Operator) -> bool:
        """A shift lead lifts a lockout (or a pending wait); audited."""
        require_shift_lead(by, "unlock operators")
        return self.guard.unlock(operator_id.strip(), by.operator_id)

    def locked(self) -> list[tuple[str, datetime]]:
        return self.guard.locked_subjects()

    # --- the roster as a shift lead manages it (14.1) ------------------------------------

    def roster(self, *, by: Operator | None) -> list[OperatorInfo]:
        """Everyone on the roster, with their last login and any lockout; shift lead only
        (badge codes log inspectors in)."""
        require_shift_lead(by, "manage operators")
        locked = dict(self.locked())
        last = self.store.last_logins()
        return [OperatorInfo(r.operator_id, r.name, r.role, r.badge_code, r.active,
                             last.get(r.operator_id), locked.get(r.operator_id))
                for r in self.store.roster_rows()]

    def edit(self, operator_id: str, name: str, role: Role, badge_code: str | None, *,
             by: Operator | None, pin: str | None = None) -> Operator:
        """Change name, role and badge. Promoting to shift lead needs a new PIN of a shift
        lead's length (the old one may be shorter); nobody demotes themself or the last lead."""
        lead = require_shift_lead(by, "manage operators")
        badge_code = (badge_code or "").strip() or None
        _check_name_badge(name, badge_code, self.policy)
        pin_hash = None
        if pin is not None:
            _check_pin_rule(pin, role, self.policy)
            pin_hash = hash_pin(pin)

        def change(row: OperatorRecord, other_leads: int) -> OperatorChange:
            old = row.role
            if old is Role.SHIFT_LEAD and role is not Role.SHIFT_LEAD:
                _keep_a_lead(row, lead, "op_self_demote", other_leads)
            if role is Role.SHIFT_LEAD and old is not Role.SHIFT_LEAD and pin_hash is None:
                raise DomainError(key="op_promote_needs_pin",
                                  shortest=self.policy.pin_min_length_lead)
            changed = [f for f, was, now in (("name", row.name, name.strip()),
                                              ("role", row.role.value, role.value),
                                              ("badge", row.badge_code, badge_code))
                       if was != now] + (["pin"] if pin_hash else [])
            new = replace(row, name=name.strip(), role=role, badge_code=badge_code,
                          pin_hash=pin_hash or row.pin_hash)
            return OperatorChange(new, AuditLine(lead.operator_id, "operator_edit",
                                                 row.operator_id,
                                                 {"changed": changed, "role": role.value}))

        try:
            return _to_operator(self.store.change_operator(operator_id.strip(), change))
        except OperatorClash as exc:
            raise DomainError(key="op_badge_taken") from exc

    def set_active(self, operator_id: str, active: bool, *, by: Operator | None) -> None:
        """Deactivate (cannot log in any more, history kept) or reactivate an operator."""
        lead = require_shift_lead(by, "manage operators")

        def change(row: OperatorRecord, other_leads: int) -> OperatorChange | None:
            if row.active == active:
                return None
            if not active and row.role is Role.SHIFT_LEAD:
                _keep_a_lead(row, lead, "op_self_deactivate", other_leads)
            return OperatorChange(replace(row, active=active), AuditLine(
                lead.operator_id, "operator_reactivate" if active else "operator_deactivate",
                row.operator_id))

        self.store.change_operator(operator_id.strip(), change)

    def reset_pin(self, operator_id: str, pin: str, *, by: Operator | None) -> None:
        """A new PIN (the role's rules); a lockout on the ID is lifted with it."""
        lead = require_shift_lead(by, "manage operators")
        found = self.store.operator(operator_id.strip())
        if found is None:
            raise DomainError(key="op_not_found", operator_id=operator_id.strip()[:32])
        _check_pin_rule(pin, found.role, self.policy)
        pin_hash = hash_pin(pin)  # slow: before taking the write lock
        self.store.change_operator(operator_id.strip(), lambda row, _leads: OperatorChange(
            replace(row, pin_hash=pin_hash),
            AuditLine(lead.operator_id, "operator_pin_reset", row.operator_id),
            unlock_by=lead.operator_id))

    def verify_lead(self, who: str, pin: str, *, action: str, subject: str = "") -> Operator:
        """A shift lead's badge or ID plus PIN for one action (a sign-off), not a login.

        Throttled like a login; every try is audited under `action`. Raises AuthError
        for unknown credentials and PermissionDenied for an operator who is no shift lead.
        """
        key = who.strip()[:64]
        self.guard.check(key[:32])
        row = self.store.find_operator(operator_id=key, badge_code=key)
        good = verify_pin(pin, row.pin_hash if row is not None else _dummy())
        lead = row is not None and good and row.role is Role.SHIFT_LEAD
        self.guard.record(key[:32], row is not None and good, [AuditLine(
            row.operator_id if row is not None and good else key[:32],
            action if lead else f"{action}_refused", subject, {"ok": lead})])
        if row is None or not good:
            raise AuthError(key="sign_off_refused")
        if not lead:
            raise PermissionDenied(key="sign_off_not_lead")
        return _to_operator(row)

    def logout(self, operator: Operator, reason: str = "user") -> None:
        self.store.audit(operator.operator_id, "logout", "", reason=reason)


class IdleTimer:
    """Pure idle tracking: the GUI feeds activity, asks whether to log out.

    Seconds on a monotonic clock (injectable for tests): setting the wall clock back
    must not keep a session open.
    """

    def __init__(self, minutes: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = minutes * 60.0
        self.clock = clock
        self.last = clock()

    def touch(self) -> None:
        self.last = self.clock()

    def expired(self) -> bool:
        return self.clock() - self.last >= self.limit
