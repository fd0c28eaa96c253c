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
    from app.checklists import load_template_file
    from app.domain import Classification, Operator, Role
    from app.rules import check_override
    from app.wizard import Wizard
    from tests.builders import complete_one, open_store

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


def test_settings_saved_with_a_bom_are_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"\xef\xbb\xbf" + b'station_id = "WH1-BENCH-04"\nlanguage = "zh_CN"\n')
    settings = load_settings(path, env={})
    assert settings.station_id == "WH1-BENCH-04" and settings.language == "zh_CN"


def test_deeply_nested_settings_and_rules_give_a_plain_message(tmp_path: Path) -> None:
    from app.rules import DispositionRules, RulesError

    deep = "x = " + "[" * 5000 + "]" * 5000 + "\n"
    config = tmp_path / "config.toml"
    config.write_text(deep, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"config file .*config\.toml: brackets nested too"):
        load_settings(config, env={})
    rules = tmp_path / "dispositions.toml"
    rules.write_text("version = 1\n" + "[[rule]]\nnote = " + "{a = " * 5000 + "1"
                     + "}" * 5000 + "\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"^dispositions\.toml: brackets nested too deeply"):
        DispositionRules.load(rules)


def test_settings_that_are_a_device_or_huge_give_a_plain_message(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    huge.write_text("# padding\n" * 200_000, encoding="utf-8")  # 2 MB of comments
    with pytest.raises(ConfigError, match="larger than 1000 kB"):
        load_settings(huge, env={})
    with pytest.raises(ConfigError, match="a folder; expected a TOML text file"):
        load_settings(tmp_path, env={})
    if Path("/dev/zero").exists():  # POSIX: endless bytes, never read to the end
        with pytest.raises(ConfigError, match="/dev/zero: not a regular file"):
            load_settings(Path("/dev/zero"), env={})


def test_a_data_dir_naming_a_file_or_a_config_naming_dev_zero_is_a_plain_message(
        tmp_path: Path) -> None:
    import subprocess
    import sys

    afile = tmp_path / "not-a-folder"
    afile.write_text("x", encoding="utf-8")
    root = Path(__file__).resolve().parent.parent
    for args, expected in [
        (["--data-dir", str(afile), "sync", "--status"], "is a file, not a folder"),
        (["--data-dir", str(tmp_path / "d"), "--config", "/dev/zero", "sync", "--status"],
         "not a regular file"),
    ]:
        done = subprocess.run([sys.executable, "-m", "app", *args], cwd=root, text=True,
                              capture_output=True, timeout=120, check=False)
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("pattern", [r"(a|aa)+$", r"RMA-(\d|\d\d)+$", r"SO-([0-9]|[0-9]{2})+$"])
def test_catastrophic_site_patterns_are_refused_in_settings(tmp_path: Path, pattern: str) -> None:
    from app.config import Settings

    path = tmp_path / "config.toml"
    path.write_text(f"rma_patterns = ['''{pattern}''']\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"rma_patterns: .* takes too long to match"):
        load_settings(path, env={})
    with pytest.raises(ConfigError, match="takes too long to match"):  # the settings dialog
        Settings().replace(rma_patterns=[pattern])


def test_a_slow_site_pattern_cannot_hang_a_scan() -> None:
    from app.scanning.labels import Interpretation, Kind, Rejected, interpret

    scan = "a" * 25 + "!"
    # (a+)+$ (6.4 s with `re` on this scan) and a pattern that backtracks in any engine,
    # given directly as the scan path would get them from an old settings file.
    first = interpret(scan, rma_patterns=[r"(a+)+$"])  # answered (regex does not backtrack)
    assert isinstance(first, Interpretation) and first.kind is Kind.UNKNOWN
    slow = interpret(scan, rma_patterns=[r"(a|aa)+$"])
    assert isinstance(slow, Rejected) and "takes too long to match" in slow.reason
    good = interpret("rma-2026-0001234", rma_patterns=[r"RMA-\d{4}-\d{7}"])
    assert isinstance(good, Interpretation) and good.kind is Kind.RMA


GS1_LOT_SERIAL = ("0109506000134352", "10ABC123", "21SN998877")  # GTIN, lot, serial


@pytest.mark.parametrize(("separator", "gs_text"), [("GS", ""), ("\x1d", ""),
                                                    ("{GS}", "{GS}")])
def test_wedge_keeps_the_gs1_separator_so_lot_and_serial_part(separator: str,
                                                              gs_text: str) -> None:
    from app.scanning.labels import Interpretation, Kind
    from app.scanning.wedge import WedgeDetector

    det = WedgeDetector(gs_text=gs_text)
    gtin, lot, serial = GS1_LOT_SERIAL
    # A configured text arrives one character at a time; Ctrl+] as one key ("GS" or GS).
    sep_keys = list(gs_text) if gs_text else [separator]
    t = 0.0
    for key in [*gtin, *lot, *sep_keys, *serial]:
        det.feed(key, t)
        t += 0.004
    event = det.feed("Enter", t)
    assert event is not None
    got = event.interpretation
    assert isinstance(got, Interpretation) and got.kind is Kind.GS1
    assert (got.gtin, got.lot, got.serial) == ("09506000134352", "ABC123", "SN998877")
    # Without the separator the lot swallows the serial: what the detector used to produce.
    glued = WedgeDetector().feed_text("".join(GS1_LOT_SERIAL) + "\r", 0.0, 0.004)
    assert not (isinstance(glued[0].interpretation, Interpretation)
                and glued[0].interpretation.serial == "SN998877")


def _png_bomb(width: int, height: int) -> bytes:
    """A real, decodable 1-bit PNG: a few kB on disk, width x height x 3 bytes once decoded."""
    import struct
    import zlib

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    row = b"\x00" + b"\x00" * ((width + 7) // 8)
    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(row * height, 9)) + chunk(b"IEND", b""))


def test_an_image_bomb_is_refused_by_decode_before_decoding(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    from app.scanning.cli import run_decode

    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(_png_bomb(9000, 9000))  # 81 MP, 192 MB decoded, ~12 kB on disk
    assert bomb.stat().st_size < 100_000
    args = argparse.Namespace(files=[str(bomb)], json=False, every=1,
                              data_dir=str(tmp_path / "d"), config=None)
    assert run_decode(args) == 2
    err = capsys.readouterr().err
    assert "9000x9000 pixels (81 MP), more than the limit of 50 MP" in err
    # The limit is a setting: a site may lower it.
    config = tmp_path / "small.toml"
    config.write_text("image_max_megapixels = 2\n", encoding="utf-8")
    small = tmp_path / "three-mp.png"
    small.write_bytes(_png_bomb(2000, 1500))
    args = argparse.Namespace(files=[str(small)], json=False, every=1,
                              data_dir=str(tmp_path / "d"), config=str(config))
    assert run_decode(args) == 2
    assert "more than the limit of 2 MP" in capsys.readouterr().err


def test_an_image_bomb_is_refused_as_a_photo(tmp_path: Path) -> None:
    from app.photo_prep import PhotoTooLarge, prepare_photo

    with pytest.raises(PhotoTooLarge, match="9000x9000 pixels") as info:
        prepare_photo(_png_bomb(9000, 9000), 1600, 88)
    assert (info.value.width, info.value.height, info.value.limit) == (9000, 9000, 50.0)
    data, width, height = prepare_photo(_png_bomb(2000, 1500), 1600, 88)  # 3 MP is fine
    assert (width, height) == (1600, 1200) and data[:2] == b"\xff\xd8"
