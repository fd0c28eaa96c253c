"""Station token: keyring first, an owner-only file as the fallback, refusal of unsafe files."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from app.config import Settings
from app.domain import Operator, Role
from app.sync.token import (
    KEYRING_SERVICE,
    StationToken,
    TokenError,
    load_token,
    store_token,
)

LEAD = Operator("L1", "Lead", Role.SHIFT_LEAD, None)  # storing a token needs one


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring leaves it unannotated
        self.items: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.items.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.items[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.items.pop((service, username), None)


@pytest.fixture
def failing_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # unannotated in keyring
    yield
    keyring.set_keyring(before)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    kr = MemoryKeyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(before)


posix_only = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")


@posix_only
def test_file_token_is_owner_only(tmp_path: Path) -> None:
    f = tmp_path / "data" / "station-token"
    where = store_token("  abc-123  ", Settings(token_source="file"), f, by=LEAD)
    assert where == str(f)
    assert stat.S_IMODE(f.stat().st_mode) == 0o600
    assert load_token(Settings(token_source="file"), f) == "abc-123"


@posix_only
def test_group_readable_file_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "station-token"
    f.write_text("abc-123\n")
    os.chmod(f, 0o644)
    with pytest.raises(TokenError, match="chmod 600"):
        load_token(Settings(token_source="file"), f)
    provider = StationToken(Settings(token_source="file"), f)
    assert provider() is None  # the worker sees "no token" (it pauses), no crash


def test_keyring_unavailable_falls_back_to_file(tmp_path: Path, failing_keyring: None) -> None:
    f = tmp_path / "station-token"
    settings = Settings(station_id="WH1-BENCH-04", token_source="keyring")
    assert store_token("tok-1", settings, f, by=LEAD) == str(f)
    assert load_token(settings, f) == "tok-1"


def test_keyring_is_used_when_present(tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    f = tmp_path / "station-token"
    settings = Settings(station_id="WH1-BENCH-04", token_source="keyring")
    assert store_token("tok-2", settings, f, by=LEAD) == "keyring"
    assert memory_keyring.items[(KEYRING_SERVICE, "WH1-BENCH-04")] == "tok-2"
    assert not f.exists()
    assert load_token(settings, f) == "tok-2"


def test_token_must_be_one_word(tmp_path: Path) -> None:
    with pytest.raises(TokenError):
        store_token("two words", Settings(token_source="file"), tmp_path / "t", by=LEAD)
    with pytest.raises(TokenError):
        store_token("   ", Settings(token_source="file"), tmp_path / "t", by=LEAD)


def test_token_with_non_ascii_letters_is_refused_when_stored(tmp_path: Path) -> None:
    # HTTP headers carry ASCII; such a token could never be sent (the client refuses it).
    with pytest.raises(TokenError):
        store_token("t\u00f6ken\u20ac", Settings(token_source="file"), tmp_path / "t", by=LEAD)
    assert not (tmp_path / "t").exists()


def test_station_token_rereads_after_change(tmp_path: Path) -> None:
    f = tmp_path / "station-token"
    settings = Settings(token_source="file")
    provider = StationToken(settings, f, max_age=3600, fallback=None)
    assert provider() is None
    store_token("first", settings, f, by=LEAD)
    assert provider() is None  # cached
    provider.invalidate()
    assert provider() == "first"
    store_token("second", settings, f, by=LEAD)
    assert StationToken(settings, f, max_age=0)() == "second"


def test_storing_the_token_is_a_shift_lead_action(tmp_path: Path) -> None:
    from app.domain import PermissionDenied

    f = tmp_path / "station-token"
    inspector = Operator("I1", "Insp", Role.INSPECTOR, None)
    for by in (inspector, None):
        with pytest.raises(PermissionDenied, match="shift lead"):
            store_token("stolen-token", Settings(token_source="file"), f, by=by)
    assert not f.exists()
    store_token("right-token", Settings(token_source="file"), f, by=LEAD)
    assert f.read_text(encoding="utf-8").strip() == "right-token"
