"""The station token: kept in the OS keyring, or in a file only its owner can read.

Service "InspectionStation", user = station id. With token_source = "keyring" a
missing or broken keyring falls back to the token file (Paths.token_file); with
"file" only the file is used. A token file that others can read is refused with
a message saying how to fix it: the token would be as good as published.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import stat
import sys
import threading
import time
from pathlib import Path

import keyring
from keyring.errors import KeyringError

from app.atomic import atomic_write
from app.config import Settings
from app.domain import Operator, require_shift_lead

log = logging.getLogger("station.sync.token")

KEYRING_SERVICE = "InspectionStation"


class TokenError(RuntimeError):
    """The token cannot be stored or read; the message says what to do."""


def _check_private(path: Path) -> None:
    """Refuse a token file that the group or others can read (POSIX modes only)."""
    if sys.platform == "win32":  # ACLs there; the file lives in the user's profile
        return
    st = path.stat()
    if st.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise TokenError(
            f"the token file {path} can be read by other users "
            f"(mode {stat.S_IMODE(st.st_mode):o}); run `chmod 600 {path}` or store the "
            "token again")
    if hasattr(os, "getuid") and st.st_uid != os.getuid():
        raise TokenError(f"the token file {path} belongs to another user; store the token again")


def write_token_file(path: Path, token: str) -> None:
    """Atomically, created 0600 from the start (never briefly readable by others)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, token.encode("utf-8") + b"\n", durable=True, mode=0o600)


def read_token_file(path: Path) -> str | None:
    if not path.exists():
        return None
    _check_private(path)
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"the token file {path} cannot be read: {exc}") from None
    return text or None


def _clean(token: str) -> str:
    token = token.strip()
    if (not token or any(ch.isspace() for ch in token) or not token.isprintable()
            or not token.isascii()):  # it travels in an HTTP header
        raise TokenError("a station token is one word of printable ASCII characters")
    return token


def store_token(token: str, settings: Settings, token_file: Path, *,
                by: Operator | None) -> str:
    """Save the token (a shift-lead action: whoever holds it speaks for the station);
    returns where it went ("keyring" or the file path)."""
    require_shift_lead(by, "store the station token")
    token = _clean(token)
    if settings.token_source == "keyring":
        try:
            keyring.set_password(KEYRING_SERVICE, settings.station_id, token)
        except (KeyringError, RuntimeError, OSError) as exc:
            log.warning("keyring unavailable (%s); keeping the token in %s",
                        type(exc).__name__, token_file)
        else:
            # An old file would shadow nothing, but it should not linger either.
            with contextlib.suppress(FileNotFoundError):
                token_file.unlink()
            return "keyring"
    write_token_file(token_file, token)
    return str(token_file)


def load_token(settings: Settings, token_file: Path) -> str | None:
    """The token, or None when none is stored. Raises TokenError for an unsafe file."""
    if settings.token_source == "keyring":
        try:
            value = keyring.get_password(KEYRING_SERVICE, settings.station_id)
        except (KeyringError, RuntimeError, OSError) as exc:
            log.info("keyring unavailable (%s); trying %s", type(exc).__name__, token_file)
            value = None
        if value:
            return value.strip()
    return read_token_file(token_file)


def _audit_key_user(token_file: Path) -> str:
    return f"audit-key:{token_file.parent}"


def load_or_create_audit_key(settings: Settings, key_file: Path) -> tuple[bytes, bool]:
    """The station secret that keys the audit chain, kept like the token (keyring or an
    owner-only file); created on first use. Returns (key, created_now)."""
    user = _audit_key_user(key_file)
    text: str | None = None
    if settings.token_source == "keyring":
        try:
            text = keyring.get_password(KEYRING_SERVICE, user)
        except (KeyringError, RuntimeError, OSError) as exc:
            log.info("keyring unavailable (%s); the audit key lives in %s",
                     type(exc).__name__, key_file)
    text = text or read_token_file(key_file)
    if text:
        try:
            return bytes.fromhex(text.strip()), False
        except ValueError:
            raise TokenError(f"the audit key in {key_file} is not readable; restore it from "
                             "a backup") from None
    key = secrets.token_bytes(32)
    stored = False
    if settings.token_source == "keyring":
        try:
            keyring.set_password(KEYRING_SERVICE, user, key.hex())
            stored = True
        except (KeyringError, RuntimeError, OSError):
            pass
    if not stored:
        write_token_file(key_file, key.hex())
    log.info("created the station's audit key (%s)", "keyring" if stored else key_file)
    return key, True


class StationToken:
    """A cached token source for the client: re-read at most every `max_age` seconds.

    Re-reading lets a token fixed from another program (or `store_token` in the
    settings screen) reach a paused outbox without a restart.
    """

    def __init__(self, settings: Settings, token_file: Path, *, max_age: float = 10.0,
                 fallback: str | None = None) -> None:
        self._settings = settings
        self._file = token_file
        self._max_age = max_age
        self._fallback = fallback
        self._lock = threading.Lock()
        self._value: str | None = None
        self._read_at = float("-inf")

    def __call__(self) -> str | None:
        with self._lock:
            if time.monotonic() - self._read_at >= self._max_age:
                try:
                    self._value = load_token(self._settings, self._file)
                except TokenError as exc:
                    log.error("%s", exc)
                    self._value = None
                self._read_at = time.monotonic()
            return self._value or self._fallback

    def invalidate(self) -> None:
        with self._lock:
            self._read_at = float("-inf")
