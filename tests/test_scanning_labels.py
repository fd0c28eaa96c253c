"""Label interpretation: every kind with right and wrong check digits, and hostile text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.scanning.labels import (
    MAX_LENGTH,
    Interpretation,
    Kind,
    Patterns,
    Rejected,
    interpret,
    is_valid_s10,
    is_valid_ups,
    s10_check_digit,
    ups_check_digit,
)


@pytest.mark.parametrize(
    ("text", "kind", "value", "carrier"),
    [
        ("RMA-2024-5924150", Kind.RMA, "RMA-2024-5924150", None),
        ("rma-2024-5924150", Kind.RMA, "RMA-2024-5924150", None),
        (
            "https://returns.example.com/r/RMA-2024-4428352?o=9553606",
            Kind.RMA,
            "RMA-2024-4428352",
            None,
        ),
        ("RMA-2024-4915998|HW-2050-L", Kind.RMA, "RMA-2024-4915998", None),
        ("1Z999AA10123456784", Kind.TRACKING, "1Z999AA10123456784", "ups"),
        ("1ZC8JKC40177537619", Kind.TRACKING, "1ZC8JKC40177537619", "ups"),
        ("RR123456785CN", Kind.TRACKING, "RR123456785CN", "upu_s10"),
        ("EE000000005CN", Kind.TRACKING, "EE000000005CN", "upu_s10"),
        ("SF1234567890123", Kind.TRACKING, "SF1234567890123", "sf_express"),
        ("JDVA12345678901", Kind.TRACKING, "JDVA12345678901", "jd"),
        ("SO-12345", Kind.ORDER, "SO-12345", None),
        ("E12345", Kind.BADGE, "E12345", None),
        ("4006381333931", Kind.GTIN, "4006381333931", None),
        ("96385074", Kind.GTIN, "96385074", None),
        ("036000291452", Kind.GTIN, "036000291452", None),
        ("490154203237518", Kind.IMEI, "490154203237518", None),
        (
            "(01)09506000134352(21)ABC123(10)LOT1",
            Kind.GS1,
            "(01)09506000134352(21)ABC123(10)LOT1",
            None,
        ),
        ("\x1d0109506000134352\x1d21ABC", Kind.GS1, "(01)09506000134352(21)ABC", None),
        ("hello world", Kind.UNKNOWN, "hello world", None),
    ],
)
def test_kinds_with_right_check_digits(
    text: str, kind: Kind, value: str, carrier: str | None
) -> None:
    result = interpret(text)
    assert isinstance(result, Interpretation), result
    assert (result.kind, result.value, result.carrier) == (kind, value, carrier)


def test_gs1_fields() -> None:
    result = interpret("(01)09506000134352(21)ABC123(10)LOT1")
    assert isinstance(result, Interpretation)
    assert (result.gtin, result.serial, result.lot) == ("09506000134352", "ABC123", "LOT1")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("1Z999AA10123456785", "UPS"),
        ("RR123456784CN", "S10"),
        ("4006381333932", "check digit"),
        ("96385075", "check digit"),
        ("036000291453", "check digit"),
        ("490154203237519", "IMEI"),
        ("(01)09506000134353(21)ABC", "GTIN"),
        ("\x1d0109506000134353\x1d21ABC", "GTIN"),
    ],
)
def test_wrong_check_digits_are_rejected(text: str, reason: str) -> None:
    result = interpret(text)
    assert isinstance(result, Rejected)
    assert reason in result.reason


def test_check_digit_algorithms() -> None:
    # UPS: published example 1Z 999AA1 01 2345678 4
    assert ups_check_digit("999AA1012345678") == 4
    assert is_valid_ups("1Z999AA10123456784")
    assert not is_valid_ups("1Z999AA1012345678X")
    # UPU S10 worked example (AA 47312482 9 GB); remainders 10 and 11 map to 0 and 5.
    assert s10_check_digit("47312482") == 9
    assert is_valid_s10("AA473124829GB")
    assert not is_valid_s10("AA473124828GB")
    assert s10_check_digit("00000000") == 5  # sum 0: 11 -> 5
    assert s10_check_digit("00000008") == 0  # sum 56, 56 % 11 = 1: 10 -> 0
    assert s10_check_digit("00000001") == 4  # sum 7: 11 - 7
    with pytest.raises(ValueError, match="8 digits"):
        s10_check_digit("1234")


def test_site_patterns_are_passed_in() -> None:
    site = Patterns(rma=(r"R\d{8}",), order=(r"\d{4}-\d{6}",), badge=(r"B-\d{3}",))
    assert interpret("R12345678", site).kind == Kind.RMA
    assert interpret("RMA-2024-5924150", site).kind == Kind.UNKNOWN
    assert interpret("2024-000123", site).kind == Kind.ORDER
    assert interpret("B-042", site).kind == Kind.BADGE
    assert interpret("R12345678", rma_patterns=[r"R\d{8}"]).kind == Kind.RMA


def test_a_broken_site_pattern_does_not_raise() -> None:
    result = interpret("anything", rma_patterns=["(unclosed"])
    assert isinstance(result, Rejected)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("RMA-2024-5924150\u202e", "bidirectional"),
        ("\u2066RMA-2024-5924150", "bidirectional"),
        ("RMA-2024\x00-5924150", "control"),
        ("RMA-2024-5924150\n", "control"),
        ("RMA\u200b-2024-5924150", "invisible"),
        ("R\u041cA-2024-5924150", "look-alike"),  # Cyrillic EM
        ("x" * (MAX_LENGTH + 1), "longer"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_hostile_text_is_rejected_with_a_reason(text: str, reason: str) -> None:
    result = interpret(text)
    assert isinstance(result, Rejected)
    assert reason in result.reason
    assert not result.accepted


@pytest.mark.parametrize("ascii_text", ["RR123456785CN", "SF1234567890123", "JDVA12345678901"])
def test_carrier_numbers_take_ascii_digits_only(ascii_text: str) -> None:
    # Arabic-Indic digits are "digits" to \d and int(), but no carrier prints them: such a
    # text is not that tracking number (NFKC leaves them as they are).
    arabic = "".join(chr(0x0660 + int(ch)) if ch.isdigit() else ch for ch in ascii_text)
    result = interpret(arabic)
    assert result.kind is not Kind.TRACKING, result


def test_nfkc_folds_fullwidth_text() -> None:
    result = interpret("ＲＭＡ－２０２４－５９２４１５０")
    assert isinstance(result, Interpretation)
    assert (result.kind, result.value) == (Kind.RMA, "RMA-2024-5924150")


_BAD = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=80))
def test_fuzz_never_raises_and_never_accepts_control_or_bidi(text: str) -> None:
    result = interpret(text)
    assert isinstance(result, Interpretation | Rejected)
    normalised = unicodedata.normalize("NFKC", text)
    dangerous = any(
        ch in _BAD or (unicodedata.category(ch) in ("Cc", "Cf") and ch != "\x1d")
        for ch in normalised
    )
    if dangerous:
        assert isinstance(result, Rejected)
    if isinstance(result, Interpretation):
        assert all(ch not in _BAD for ch in result.value)
        assert all(unicodedata.category(ch) != "Cc" for ch in result.value)


@settings(max_examples=200, deadline=None)
@given(
    st.text(max_size=30),
    st.sampled_from([*sorted(_BAD), "\x00", "\x07", "\x1b", "\x7f"]),
    st.text(max_size=30),
)
def test_fuzz_injected_control_is_always_rejected(a: str, bad: str, b: str) -> None:
    assert isinstance(interpret(a + bad + b), Rejected)
