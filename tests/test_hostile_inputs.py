"""Hostile input from issue 12 (items 1, 9, 13-16, 19, 21): each test builds its own bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_settings
from app.loopback import is_loopback
from app.sync.client import InsecureUrlError, check_url

LOOKALIKE_HOSTS = ["127.evil.example", "127.0.0.1.nip.io", "localhost.evil.example",
                   "127.0.0.1x", "127.1.evil", "0x7f.example"]


@pytest.mark.parametrize("host", LOOKALIKE_HOSTS)
def test_a_name_starting_like_loopback_is_not_loopback(tmp_path: Path, host: str) -> None:
    assert not is_loopback(host)
    url = f"http://{host}/api/v1"
    with pytest.raises(InsecureUrlError, match="plain http"):
        check_url(url, allow_plain_http=False)
    path = tmp_path / "config.toml"
    path.write_text(f'api_base_url = "{url}"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="plain http is only allowed"):
        load_settings(path, env={})


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_literals_and_localhost_keep_plain_http(host: str) -> None:
    assert check_url(f"http://{host}:8765/api/v1/", allow_plain_http=False).endswith("/api/v1")


CONTROL = "\x1b[2J\x00\x07\u202e\x9b"


def _has_control(text: str) -> bool:
    return any(ch in text for ch in "\x1b\x00\x07\u202e\x9b")


def test_control_characters_are_stripped_from_what_a_person_types(tmp_path: Path) -> None:
    from store_helpers import complete_one, open_store

    from app.checklists import load_template_file
    from app.domain import Classification, Operator, Role
    from app.rules import check_override
    from app.wizard import Wizard

    template = load_template_file(Path(__file__).parent / "data" / "checklists" / "audio_v4.json")
    saved: list[object] = []
    w = Wizard(template, on_answer=saved.append)
    made = w.answer("value", f"HX2-{CONTROL}00931877",
                    note=f"scratch on the lid{CONTROL}\r\nsecond line\tend")
    assert made.note == "scratch on the lid[2J\nsecond line\tend"  # line breaks kept
    assert not _has_control(made.note)
    assert isinstance(made.value, str) and not _has_control(made.value)
    reason = check_override(Classification.INTACT, Classification.DAMAGED,
                            f"{CONTROL}customer insisted\nreally")
    assert reason == "[2Jcustomer insistedreally"
    store = open_store(tmp_path)
    iid = complete_one(store)
    store.mark_attention(iid, "409 conflict: case_closed")
    store.mark_handled(iid, by=Operator("E2001", "Lead", Role.SHIFT_LEAD),
                       note=f"called the customer{CONTROL}")
    item = store.outbox_item(iid)
    assert item is not None and item.handled_note == "called the customer[2J"
    store.close()
