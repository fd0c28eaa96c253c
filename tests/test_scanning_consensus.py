"""Issue 17.1: the budget counts work, not time; a lone fragile read is never accepted,
and on the live path two frames with the same text are its confirmation."""

from __future__ import annotations

import itertools

import cv2
import numpy as np
import pytest

from app.scanning import decoder as dec_mod
from app.scanning.acceptance import Acceptor
from app.scanning.decoder import STILL_BUDGET, DecodedCode, Decoder, RawRead
from app.scanning.symbols import CODE128, EAN13
from tests.scanning_fixtures import code128_image, label_frame, qr_image

BOX = ((10.0, 10.0), (200.0, 10.0), (200.0, 60.0), (10.0, 60.0))


class _Stub:
    """An engine that reads ``text`` everywhere (or nothing), with a given configuration."""

    def __init__(self, config: str, *, fragile: bool, text: str | None) -> None:
        self.name = config.split("/")[0]
        self.config = config
        self.fragile = fragile
        self.cost = 1.0
        self.text = text
        self.calls = 0

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        self.calls += 1
        return [RawRead(self.text, CODE128, BOX)] if self.text else []


def _decoder_with(fixed_text: str | None, local_text: str | None) -> Decoder:
    """zxing's fixed threshold reads ``fixed_text``, its local binarizer ``local_text``."""
    dec = Decoder.for_stills()
    fixed = _Stub("zxing/FixedThreshold", fragile=True, text=fixed_text)
    local = _Stub("zxing/LocalAverage", fragile=False, text=local_text)
    dec.zxing_fixed = dec.zxing_fixed_upright = fixed  # type: ignore[assignment]
    dec.zxing = dec.zxing_upright = local  # type: ignore[assignment]
    dec.zbar = _Stub("zbar", fragile=False, text=None)  # type: ignore[assignment]
    return dec


FRAME = np.full((400, 640), 200, np.uint8)
FRAME[100:300, 100:500:6] = 20  # bars: a textured region for the region stages
FRAME[100:300, 101:500:6] = 20


def test_a_code_128_only_a_fixed_threshold_reads_is_not_accepted() -> None:
    dec = _decoder_with("RMA-2025-9999999", None)
    assert dec.decode(FRAME) == []
    # The confirmation pass asked the other configurations before refusing.
    assert dec.zbar.calls >= 1  # type: ignore[attr-defined]


def test_a_second_configuration_or_a_robust_read_confirms_it() -> None:
    both = _decoder_with("RMA-2025-9999999", "RMA-2025-9999999")
    assert [c.text for c in both.decode(FRAME)] == ["RMA-2025-9999999"]
    robust = _decoder_with(None, "RMA-2025-9999999")  # a checksum and a robust binarizer
    assert [c.confirmed for c in robust.decode(FRAME)] == [True]


def test_live_gives_a_lone_fragile_read_unconfirmed_and_two_frames_accept_it() -> None:
    dec = _decoder_with("RMA-2025-9999999", None)
    codes = dec.decode_live(FRAME)
    assert [(c.text, c.confirmed) for c in codes] == [("RMA-2025-9999999", False)]
    # Even where one read is set to be enough, an unconfirmed read needs a second frame.
    acceptor = Acceptor(required_reads=1, clock=lambda: 0.0)
    assert acceptor.offer(codes, now=0.0) is None
    event = acceptor.offer(dec.decode_live(FRAME), now=0.033)
    assert event is not None and event.text == "RMA-2025-9999999"


def test_a_confirmed_read_needs_only_the_frames_the_setting_asks() -> None:
    code = DecodedCode("RMA-2025-1234567", CODE128, BOX, "zxing", confirmed=True)
    assert Acceptor(required_reads=1).offer([code], now=0.0) is not None
    two = Acceptor(required_reads=2)
    assert two.offer([code], now=0.0) is None
    assert two.offer([code], now=0.033) is not None


def test_two_frames_must_agree_a_different_text_starts_over() -> None:
    first = DecodedCode("RMA-2025-1111111", CODE128, BOX, "zxing", confirmed=False)
    other = DecodedCode("RMA-2025-1111117", CODE128, BOX, "zxing", confirmed=False)
    acceptor = Acceptor(required_reads=1)
    assert acceptor.offer([first], now=0.0) is None
    assert acceptor.offer([other], now=0.033) is None
    assert acceptor.offer([first], now=0.066) is None  # not two in a row
    assert acceptor.offer([first], now=0.1) is not None


def test_the_stills_budget_counts_work_not_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine so loaded that every clock reading is 10 s later reads the same codes
    with the same work: no wall-time deadline decides anything."""
    frame = label_frame(qr_image("RMA-2025-7654321", scale=4), size=(1920, 1080), at=(300, 300))
    grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
    bars = code128_image("1Z999AA10123456784", module_px=2)
    grey[700 : 700 + bars.shape[0], 1000 : 1000 + bars.shape[1]] = bars
    calm = Decoder.for_stills()
    expected = sorted(c.text for c in calm.decode(grey))
    work = calm.last_work
    ticks = itertools.count()

    class _SlowClock:
        @staticmethod
        def perf_counter() -> float:
            return 10.0 * next(ticks)

    monkeypatch.setattr(dec_mod, "time", _SlowClock)
    loaded = Decoder.for_stills()
    assert sorted(c.text for c in loaded.decode(grey)) == expected
    assert expected == ["1Z999AA10123456784", "RMA-2025-7654321"]
    assert loaded.last_work == pytest.approx(work)
    assert 0 < work <= STILL_BUDGET + 10
    assert next(ticks) > 2  # the clock was read (stage times), and ignored


def test_a_small_budget_stops_the_ladder_after_the_work_it_allows() -> None:
    frame = np.random.default_rng(3).integers(0, 255, (1080, 1920), np.uint8)
    dec = Decoder(budget=1.0)
    assert dec.decode(frame) == []
    # The fast pass (960 x 540 x 1.0 = 0.52) and the turned one (0.52): then out of work.
    assert set(dec.last_stage_ms) == {"fast", "turned"}
    assert dec.last_work == pytest.approx(2 * 960 * 540 / 1e6)


# --- the live path: an EAN needs both engines; a still scene is not searched twice (17.1)

EAN_BOX = ((100.0, 100.0), (400.0, 100.0), (400.0, 250.0), (100.0, 250.0))


class _EanStub(_Stub):
    """An engine that reads one EAN-13 (or nothing) wherever it looks."""

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        self.calls += 1
        return [RawRead(self.text, EAN13, EAN_BOX)] if self.text else []


def _ean_decoder(zxing_text: str | None, zbar_text: str | None) -> Decoder:
    dec = Decoder()
    zx = _EanStub("zxing/LocalAverage", fragile=False, text=zxing_text)
    dec.zxing = dec.zxing_upright = dec.zxing_fixed = dec.zxing_fixed_upright = zx  # type: ignore[assignment]
    dec.zbar = _EanStub("zbar", fragile=False, text=zbar_text)  # type: ignore[assignment]
    return dec


def test_frames_of_one_engine_never_accept_an_ean_it_misreads() -> None:
    """zxing reads the same wrong EAN frame after frame (its check digit passes); zbar
    reads nothing: no number of frames makes that a scan."""
    dec = _ean_decoder("0149151000061", None)
    acceptor = Acceptor(required_reads=2, clock=lambda: 0.0)
    for i in range(10):
        codes = dec.decode_live(FRAME)
        assert [(c.text, c.confirmed) for c in codes] == [("0149151000061", False)]
        assert acceptor.offer(codes, now=i / 30) is None
    assert dec.zbar.calls >= 1  # type: ignore[attr-defined]  # it was asked


def test_an_ean_both_engines_read_is_accepted_and_confirmed_once_per_label() -> None:
    dec = _ean_decoder("4006381333931", "4006381333931")
    acceptor = Acceptor(required_reads=2, clock=lambda: 0.0)
    first = dec.decode_live(FRAME)
    assert [(c.text, c.confirmed) for c in first] == [("4006381333931", True)]
    asked = dec.zbar.calls  # type: ignore[attr-defined]
    assert acceptor.offer(first, now=0.0) is None
    second = dec.decode_live(FRAME)
    # Confirmed a frame ago: the same text is not sent to zbar again, and stays confirmed.
    assert dec.zbar.calls == asked  # type: ignore[attr-defined]
    assert [(c.text, c.confirmed) for c in second] == [("4006381333931", True)]
    event = acceptor.offer(second, now=1 / 30)
    assert event is not None and event.text == "4006381333931"


def test_acceptance_counts_two_engines_across_frames_for_an_ean() -> None:
    by_zxing = DecodedCode("4006381333931", EAN13, EAN_BOX, "zxing", confirmed=False)
    by_zbar = DecodedCode("4006381333931", EAN13, EAN_BOX, "zbar", confirmed=False)
    same = Acceptor(required_reads=2)
    assert same.offer([by_zxing], now=0.0) is None
    assert same.offer([by_zxing], now=0.033) is None  # one engine twice: no
    both = Acceptor(required_reads=2)
    assert both.offer([by_zxing], now=0.0) is None
    event = both.offer([by_zbar], now=0.033)
    assert event is not None and event.text == "4006381333931"


class _Counting(_Stub):
    """Reads ``text`` on images at least ``min_side`` wide (the fast pass), counts the rest."""

    def __init__(self, config: str, *, text: str | None, extra: str | None = None) -> None:
        super().__init__(config, fragile=False, text=text)
        self.extra = extra  # what a look at native views (smaller images) reads
        self.small_calls = 0

    def read(self, grey: np.ndarray, symbologies: frozenset[str]) -> list[RawRead]:
        self.calls += 1
        if grey.shape[1] >= 600:
            return [RawRead(self.text, CODE128, BOX)] if self.text else []
        self.small_calls += 1
        far = ((420.0, 300.0), (600.0, 300.0), (600.0, 340.0), (420.0, 300.0))
        return [RawRead(self.extra, CODE128, far)] if self.extra else []


def _scene_decoder(extra: str | None) -> tuple[Decoder, _Counting]:
    dec = Decoder()
    fast = _Counting("zxing/LocalAverage", text="RMA-2025-1234567", extra=None)
    native = _Counting("zxing/FixedThreshold", text=None, extra=extra)
    dec.zxing = dec.zxing_upright = fast  # type: ignore[assignment]
    dec.zxing_fixed = dec.zxing_fixed_upright = native  # type: ignore[assignment]
    dec.zbar = _Stub("zbar", fragile=False, text=None)  # type: ignore[assignment]
    return dec, native


def test_a_still_scene_is_searched_for_other_codes_every_other_frame() -> None:
    frame = np.full((720, 1280), 200, np.uint8)
    frame[300:500, 700:1100:6] = 20  # a textured patch beside the read: a region to look at
    dec, native = _scene_decoder(extra=None)
    looks = []
    for _ in range(6):
        before = native.small_calls
        assert [c.text for c in dec.decode_live(frame)] == ["RMA-2025-1234567"]
        looks.append(native.small_calls > before)
    assert looks == [True, False, True, False, True, False]


def test_a_look_that_finds_another_code_looks_again_on_the_next_frame() -> None:
    """So the second code is read in consecutive frames, as acceptance wants."""
    frame = np.full((720, 1280), 200, np.uint8)
    frame[300:500, 700:1100:6] = 20
    dec, native = _scene_decoder(extra="1Z999AA10123456784")
    for _ in range(4):
        before = native.small_calls
        texts = sorted(c.text for c in dec.decode_live(frame))
        assert native.small_calls > before
        assert texts == ["1Z999AA10123456784", "RMA-2025-1234567"]
