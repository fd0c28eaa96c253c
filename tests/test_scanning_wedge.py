"""Keyboard wedge: scanner bursts versus a person typing in the same field."""

from __future__ import annotations

from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import Kind
from app.scanning.wedge import WedgeDetector


def _type(
    det: WedgeDetector, text: str, start: float, gap: float, end: str = "Enter"
) -> ScanEvent | None:
    det.feed_text(text, start, gap)
    return det.feed(end, start + len(text) * gap)


def test_fast_burst_ending_in_enter_is_one_scan() -> None:
    det = WedgeDetector()
    ev = _type(det, "RMA-2024-5924150", 10.0, 0.008)
    assert ev is not None
    assert (ev.text, ev.source, ev.interpretation.kind) == (
        "RMA-2024-5924150",
        ScanSource.WEDGE,
        Kind.RMA,
    )
    assert ev.symbology is None and ev.timestamp == 10.0 + 16 * 0.008
    assert det.pending == ""


def test_tab_also_ends_a_scan() -> None:
    det = WedgeDetector()
    ev = _type(det, "1Z999AA10123456784", 0.0, 0.005, end="Tab")
    assert (
        ev is not None and ev.source == ScanSource.WEDGE and ev.interpretation.kind == Kind.TRACKING
    )


def test_typing_then_enter_is_a_typed_scan() -> None:
    det = WedgeDetector()
    ev = _type(det, "SO-12345", 0.0, 0.18)
    assert ev is not None
    assert (ev.text, ev.source, ev.interpretation.kind) == (
        "SO-12345",
        ScanSource.TYPED,
        Kind.ORDER,
    )


def test_fast_typist_roll_is_still_typing() -> None:
    """Two or three keys in quick succession are a roll, not a scanner."""
    det = WedgeDetector()
    t = 0.0
    for ch, gap in zip("E12345", (0.15, 0.02, 0.02, 0.2, 0.15, 0.12), strict=True):
        t += gap
        det.feed(ch, t)
    ev = det.feed("Enter", t + 0.2)
    assert ev is not None and ev.source == ScanSource.TYPED and ev.text == "E12345"


def test_stray_typed_keys_before_a_burst_are_dropped() -> None:
    det = WedgeDetector()
    det.feed("x", 0.0)
    det.feed("y", 0.4)
    ev = _type(det, "RMA-2024-5924150", 3.0, 0.006)
    assert ev is not None and ev.source == ScanSource.WEDGE and ev.text == "RMA-2024-5924150"


def test_control_characters_are_removed() -> None:
    det = WedgeDetector()
    for i, key in enumerate(["R", "M", "\x02", "A", "-", "\x1b", "2", "0", "2", "4", "Shift"]):
        det.feed(key, i * 0.005)
    assert det.pending == "RMA-2024"


def test_backspace_means_a_person_edited() -> None:
    det = WedgeDetector()
    det.feed_text("RMA-2024-59241500", 0.0, 0.005)
    det.feed("Backspace", 0.1)
    ev = det.feed("Enter", 0.2)
    assert ev is not None and ev.source == ScanSource.TYPED and ev.text == "RMA-2024-5924150"


def test_enter_alone_and_after_slow_gap_gives_nothing_or_typed() -> None:
    det = WedgeDetector()
    assert det.feed("Enter", 1.0) is None
    det.feed_text("RMA-2024-5924150", 2.0, 0.005)
    # Enter arrives long after the burst: whoever pressed it, the text was scanned fast
    # but not terminated by the scanner, so it counts as typed.
    ev = det.feed("Enter", 5.0)
    assert ev is not None and ev.source == ScanSource.TYPED


def test_typed_can_be_refused() -> None:
    det = WedgeDetector(accept_typed=False)
    assert _type(det, "SO-12345", 0.0, 0.2) is None
    assert _type(det, "SO-12345", 5.0, 0.004) is not None


def test_hostile_burst_is_rejected_not_raised() -> None:
    det = WedgeDetector()
    ev = _type(det, "R\u041cA-2024-5924150", 0.0, 0.005)
    assert ev is not None and ev.interpretation.kind == Kind.REJECTED
