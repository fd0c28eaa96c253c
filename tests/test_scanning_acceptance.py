"""Acceptance of camera reads: N matching reads, cooldown, preference by kind."""

from __future__ import annotations

from app.scanning.acceptance import Acceptor
from app.scanning.decoder import DecodedCode
from app.scanning.events import ScanSource
from app.scanning.labels import Kind

RMA = DecodedCode("RMA-2024-5924150", "CODE128", ((0, 0), (10, 0), (10, 5), (0, 5)), "zxing")
UPS = DecodedCode("1Z999AA10123456784", "CODE128", ((0, 10), (10, 10), (10, 15), (0, 15)), "zxing")
EAN = DecodedCode("4006381333931", "EAN13", ((0, 20), (10, 20), (10, 25), (0, 25)), "zbar+zxing")
ORDER = DecodedCode("SO-12345", "QR", ((20, 0), (30, 0), (30, 10), (20, 10)), "zxing")


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_needs_n_matching_reads() -> None:
    clock = Clock()
    acc = Acceptor(required_reads=3, clock=clock)
    assert acc.offer([RMA]) is None
    clock.t += 0.1
    assert acc.offer([RMA]) is None
    clock.t += 0.1
    ev = acc.offer([RMA])
    assert ev is not None
    assert (ev.text, ev.source, ev.symbology, ev.interpretation.kind) == (
        RMA.text,
        ScanSource.CAMERA,
        "CODE128",
        Kind.RMA,
    )
    assert ev.timestamp == clock.t and ev.polygon == RMA.points


def test_reads_must_be_consecutive() -> None:
    acc = Acceptor(clock=Clock())
    assert acc.offer([RMA]) is None
    assert acc.offer([]) is None
    assert acc.offer([RMA]) is None
    assert acc.offer([RMA]) is not None


def test_same_code_is_ignored_during_cooldown_while_in_view_and_after() -> None:
    clock = Clock()
    acc = Acceptor(cooldown_s=3.0, clock=clock)
    acc.offer([RMA])
    assert acc.offer([RMA]) is not None
    for _ in range(50):  # the label lies under the camera for 5 s: still one scan
        clock.t += 0.1
        assert acc.offer([RMA]) is None
    clock.t += 2.0  # out of view for 2 s (< cooldown)
    assert acc.offer([RMA]) is None and acc.offer([RMA]) is None
    clock.t += 3.5  # gone for longer than the cooldown: a new scan of the same label
    acc.offer([])
    acc.offer([RMA])
    clock.t += 0.1
    assert acc.offer([RMA]) is not None


def test_prefers_rma_then_tracking_then_order_then_product() -> None:
    for codes, expected in (
        ([EAN, ORDER, UPS, RMA], RMA.text),
        ([EAN, ORDER, UPS], UPS.text),
        ([EAN, ORDER], ORDER.text),
        ([EAN], EAN.text),
    ):
        acc = Acceptor(clock=Clock())
        acc.offer(codes)
        ev = acc.offer(list(reversed(codes)))
        assert ev is not None and ev.text == expected
        # The others in view belong to the same label: no second event for them.
        assert acc.offer(codes) is None


def test_waits_briefly_for_the_preferred_code() -> None:
    acc = Acceptor(clock=Clock(), max_defer=3)
    acc.offer([EAN])
    assert acc.offer([EAN, RMA]) is None  # EAN ready, RMA seen once: wait for RMA
    ev = acc.offer([EAN, RMA])
    assert ev is not None and ev.text == RMA.text


def test_rejected_text_is_never_accepted() -> None:
    bad = DecodedCode("RMA-2024-5924150\u202e", "QR", ((0, 0), (1, 0), (1, 1)), "zxing")
    acc = Acceptor(clock=Clock())
    assert acc.offer([bad]) is None and acc.offer([bad]) is None and acc.offer([bad]) is None
