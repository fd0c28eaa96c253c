"""One place that decides what each input may do: scanner bursts, camera reads, keys, clicks.

The inspection result releases a refund, so an answer must only ever come from the
inspector's own key or click. Every input becomes a call here together with *where* it
happened (screen, step, whether a text field has the keyboard); the router answers with
an Outcome that ui/ carries out. Qt-free, so the rules are tested without a display.

Keys are told apart from a keyboard-wedge scanner by their timestamps: a scanner sends a
whole code a few milliseconds per key, a person needs 60 ms or more. Keys less than
`hold` apart form a run; a run of at least `min_burst` keys whose gaps are mostly under
`max_gap` is a scan (one late key, a busy machine, does not split it). Outside text
fields a shortcut key is therefore *held* until the run is over (the next key after a
pause, or `flush()`); a person's keys then act one by one, a scan never acts as keys.
A run of `min_burst` keys or more that is not fast enough to be called a scan (a scanner
slowed by a loaded machine, or keys mashed) is neither: nothing of it acts, not even the
Enter that ends it, and the person is asked to scan again (`Refusal.UNCLEAR_INPUT`).
Inside a text field the keys go in at once and a run that turns out to be a scan is
taken out again (`Outcome.restore`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain import Result, StepKind
from app.messages import t
from app.scanning.events import ScanEvent, ScanSource
from app.scanning.labels import Kind, Patterns, interpret
from app.wizard import normalize_serial

__all__ = [
    "NOTE_KEY",
    "Do",
    "InputRouter",
    "Outcome",
    "Refusal",
    "Screen",
    "Where",
    "message",
]

ENTER = "Enter"
TAB = "Tab"
BACKSPACE = "Backspace"
ESCAPE = "Escape"
NOTE_KEY = "F2"  # moves to the note field and back
_TERMINATORS = frozenset({ENTER, TAB})
_SERIAL_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-/. ")


class Screen(StrEnum):
    LOGIN = "login"
    SCAN = "scan"
    CASE = "case"
    CHECKLIST = "checklist"  # a checklist step
    SUMMARY = "summary"
    OTHER = "other"  # history, dialogs: nothing is routed there


class Do(StrEnum):
    """What the UI is to do with an input."""

    NOTHING = "nothing"  # swallowed: a held key, a repeated read, a read that does not apply
    TYPE = "type"  # hand the key on to the focused widget as usual
    LOOKUP = "lookup"  # look the code up (scan screen)
    BADGE = "badge"  # a badge on the login screen
    FILL_SERIAL = "fill_serial"  # put `code` into the serial/IMEI field; `commit`: record it
    REFUSE = "refuse"  # show `refusal`'s message with the error tone; nothing is recorded
    ANSWER = "answer"  # record `result` on the current step
    CHOOSE = "choose"  # option `index` (checklist) or item line `index` (case screen)
    NEXT = "next"  # next step / start the inspection on the case screen
    BACK = "back"
    PHOTO = "photo"
    NOTE = "note"  # move to the note field, or back out of it
    CONFIRM = "confirm"
    ASK_LEAVE = "ask_leave"  # ask whether to keep the draft and leave


class Refusal(StrEnum):
    SCAN_IN_CHECKLIST = "scan_in_checklist"
    CASE_CODE_AS_SERIAL = "case_code_as_serial"
    BADGE_AS_SERIAL = "badge_as_serial"
    NOT_A_SERIAL = "not_a_serial"
    NOT_AN_IMEI = "not_an_imei"
    NOT_A_PRODUCT_CODE = "not_a_product_code"  # 16.1: the identity gate wants EAN/UPC/GTIN
    NEEDS_VALUE = "needs_value"
    UNCLEAR_INPUT = "unclear_input"


def message(refusal: Refusal, language: str) -> str:
    """The refusal in the interface language (en or zh_CN; words in app/messages.py)."""
    return t(language, f"refusal_{refusal.value}")


@dataclass(frozen=True)
class Where:
    """The screen and step an input arrives on, as the UI sees them at that moment."""

    screen: Screen
    step_kind: StepKind | None = None
    capture: str | None = None  # "serial", "imei" or "gtin" on a capture step
    text_focus: bool = False  # a text field has the keyboard: letters are text
    case_codes: frozenset[str] = frozenset()  # normalised RMA, order and tracking numbers
    expected_serial: str | None = None  # on a "gtin" step: the case line's GTIN-14
    options: int = 0  # choice options (checklist) or item lines (case screen)


@dataclass(frozen=True)
class Outcome:
    do: Do
    code: str = ""
    result: Result | None = None
    index: int = -1
    refusal: Refusal | None = None
    commit: bool = False  # FILL_SERIAL: record (and move on) without waiting for Enter
    restore: bool = False  # the keys of this run went into a text field: take them out
    run_start: bool = False  # TYPE: this key starts a new run (the UI notes the field's text)


_NOTHING = Outcome(Do.NOTHING)
_UNCLEAR = Outcome(Do.REFUSE, refusal=Refusal.UNCLEAR_INPUT)
_TYPE = Outcome(Do.TYPE)


def case_codes(rma: str | None, order_id: str | None, tracking: Iterable[str]) -> frozenset[str]:
    """The normalised codes of a case's own labels (never a serial)."""
    return frozenset(normalize_serial(c) for c in (rma, order_id, *tracking) if c)


@dataclass
class _Run:
    keys: list[tuple[str, float]] = field(default_factory=list)
    in_field: bool = False

    @property
    def text(self) -> str:
        return "".join(k for k, _ in self.keys)


class InputRouter:
    """Routes keys, scans and clicks; holds the little state that needs (run, recent reads)."""

    def __init__(
        self,
        *,
        patterns: Patterns | None = None,
        max_gap: float = 0.02,  # scanners: 1-10 ms a key; quick people: 40 ms and more
        hold: float = 0.1,
        min_burst: int = 4,
        repeat_window: float = 4.0,
        confirm_delay: float = 0.4,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.patterns = patterns
        self.max_gap = max_gap
        self.hold = hold
        self.min_burst = min_burst
        self.repeat_window = repeat_window
        self.confirm_delay = confirm_delay
        self.clock = clock
        self._run = _Run()
        self._seen: dict[str, float] = {}
        self._quiet: dict[str, float] = {}
        self._summary_at: float | None = None

    # --- state the UI reports ----------------------------------------------------------------

    @property
    def pending(self) -> bool:
        """Keys are held or being watched: the UI calls `flush` a little later."""
        return bool(self._run.keys)

    def reset(self) -> None:
        """Logout or a new screen: forget held keys, recent reads and the summary time."""
        self._run = _Run()
        self._seen.clear()
        self._quiet.clear()
        self._summary_at = None

    def summary_shown(self, t: float | None = None) -> None:
        self._summary_at = self.clock() if t is None else t

    def summary_hidden(self) -> None:
        self._summary_at = None

    def quiet(self, codes: Iterable[str], seconds: float, t: float | None = None) -> None:
        """Camera reads of these codes are ignored for a while (a case just confirmed)."""
        until = (self.clock() if t is None else t) + seconds
        for code in codes:
            self._quiet[normalize_serial(code)] = until

    # --- keys --------------------------------------------------------------------------------

    def key(self, key: str, where: Where, *, t: float | None = None,
            repeat: bool = False) -> list[Outcome]:
        """One key press: a single printable character or a key name (Enter, Tab, F2 ...)."""
        now = self.clock() if t is None else t
        out: list[Outcome] = []
        run = self._run
        if run.keys and now - run.keys[-1][1] > self.hold:
            out += self._close_run(where)
            run = self._run
        if where.screen in (Screen.LOGIN, Screen.SCAN, Screen.OTHER):
            return [*out, _TYPE]  # those screens read scanners in their own fields
        if len(key) == 1 and key.isprintable():
            if where.text_focus:
                start = not run.keys
                run.keys.append((key, now))
                run.in_field = True
                return [*out, Outcome(Do.TYPE, run_start=start)]
            if repeat and not run.keys:
                return [*out, _NOTHING]  # a held-down shortcut key acts once
            if run.in_field:
                out += self._close_run(where)  # focus left the field mid-run
            self._run.keys.append((key, now))
            return [*out, _NOTHING]
        if key in _TERMINATORS and self._run.keys:
            return out + self._end_run(where)
        out += self._close_run(where)
        return [*out, self._named_key(key, where, now, repeat)]

    def flush(self, where: Where) -> list[Outcome]:
        """No key came for a while: decide the held run (a shortcut, or a scan without Enter)."""
        return self._close_run(where)

    def _is_burst(self, run: _Run) -> bool:
        """Enough keys, and at least three gaps in four at scanner speed."""
        times = [t for _, t in run.keys]
        fast = sum(1 for a, b in itertools.pairwise(times) if b - a <= self.max_gap)
        return len(times) >= self.min_burst and fast * 4 >= (len(times) - 1) * 3

    def _end_run(self, where: Where) -> list[Outcome]:
        """Enter/Tab within `hold` of a run of keys."""
        run = self._run
        self._run = _Run()
        if self._is_burst(run):
            return [self._burst(run.text, where, run.in_field)]
        if run.in_field:
            return [_TYPE]  # the person's typing, then Enter
        if len(run.keys) >= self.min_burst:
            return [_UNCLEAR]  # a slowed scan or mashed keys: no answer, no start
        now = run.keys[-1][1]
        return [*self._one_by_one(run, where), self._named_key(ENTER, where, now, False)]

    def _close_run(self, where: Where) -> list[Outcome]:
        run = self._run
        self._run = _Run()
        if not run.keys:
            return []
        if self._is_burst(run):
            return [self._burst(run.text, where, run.in_field)]
        if run.in_field:
            return []  # the person's typing, already in the field
        if len(run.keys) >= self.min_burst:
            return [_UNCLEAR]
        return self._one_by_one(run, where)

    def _one_by_one(self, run: _Run, where: Where) -> list[Outcome]:
        """A person's quick keys: each one the shortcut it is."""
        outcomes = (self._shortcut(k, where) for k, _ in run.keys)
        return [o for o in outcomes if o.do is not Do.NOTHING]

    def _burst(self, text: str, where: Where, in_field: bool) -> Outcome:
        event = ScanEvent(text=text.strip(), source=ScanSource.WEDGE, symbology=None,
                          interpretation=interpret(text.strip(), self.patterns),
                          timestamp=self.clock())
        got = self.scan(event, where)
        if in_field:
            return Outcome(got.do, got.code, got.result, got.index, got.refusal, got.commit,
                           restore=True)
        return got

    def _shortcut(self, ch: str, where: Where) -> Outcome:
        if where.screen is Screen.CASE:
            if ch in "123456789" and int(ch) <= where.options:
                return Outcome(Do.CHOOSE, index=int(ch) - 1)
            return _NOTHING
        if where.screen is not Screen.CHECKLIST:
            return _NOTHING
        lower = ch.lower()
        if ch == " ":
            return Outcome(Do.PHOTO)
        if lower == "n":
            return Outcome(Do.ANSWER, result=Result.NA)
        if lower in "pf":
            if where.step_kind is not StepKind.PASS_FAIL:
                return Outcome(Do.REFUSE, refusal=Refusal.NEEDS_VALUE)
            return Outcome(Do.ANSWER, result=Result.PASS if lower == "p" else Result.FAIL)
        if where.step_kind is StepKind.CHOICE and ch in "123456789":
            index = int(ch) - 1
            return Outcome(Do.CHOOSE, index=index) if index < where.options else _NOTHING
        return _NOTHING

    def _named_key(self, key: str, where: Where, now: float, repeat: bool) -> Outcome:
        screen = where.screen
        if screen is Screen.CASE:
            if key == ENTER:
                return _NOTHING if repeat else Outcome(Do.NEXT)
            if key == ESCAPE:
                return Outcome(Do.BACK)
            return _TYPE
        if key == ESCAPE:
            return Outcome(Do.ASK_LEAVE)
        if key == NOTE_KEY and screen is Screen.CHECKLIST:
            return Outcome(Do.NOTE)
        if where.text_focus:
            return _TYPE
        if key == ENTER:
            if repeat:
                return _NOTHING  # a held Enter moves once and never confirms
            if screen is Screen.SUMMARY:
                return self.click(Do.CONFIRM, t=now)
            return Outcome(Do.NEXT)
        if key == BACKSPACE:
            return _NOTHING if repeat else Outcome(Do.BACK)
        return _TYPE

    # --- clicks ------------------------------------------------------------------------------

    def click(self, action: Do, *, t: float | None = None) -> Outcome:
        """A button: only Confirm is gated (the summary must have been readable first)."""
        if action is Do.CONFIRM and not self.confirm_ready(t):
            return _NOTHING
        return Outcome(action)

    def confirm_ready(self, t: float | None = None) -> bool:
        """The summary has been on screen for `confirm_delay` seconds."""
        now = self.clock() if t is None else t
        return self._summary_at is not None and now - self._summary_at >= self.confirm_delay

    # --- scans -------------------------------------------------------------------------------

    def scan(self, event: ScanEvent, where: Where) -> Outcome:
        """A camera read or a wedge burst on `where`."""
        code = event.interpretation.value or event.text
        key = normalize_serial(code)
        now = self.clock()
        camera = event.source is ScanSource.CAMERA
        if camera and self._quiet.get(key, -1.0) > now:
            return _NOTHING
        # A hand re-scan on the scan screen is a retry; the login screen reads badges only.
        dedup = (camera or where.screen is not Screen.SCAN) and where.screen is not Screen.LOGIN
        last = self._seen.get(key)
        if dedup and last is not None and now - last < self.repeat_window:
            self._seen[key] = now  # a label lying in view stays one event
            return _NOTHING
        got = self._route_scan(event, where, code, key, camera)
        if dedup and got.do is not Do.NOTHING:
            self._seen[key] = now
        return got

    def _route_scan(self, event: ScanEvent, where: Where, code: str, key: str,
                    camera: bool) -> Outcome:
        screen = where.screen
        if screen is Screen.LOGIN:
            return Outcome(Do.BADGE, code=event.text)
        if screen is Screen.SCAN:
            return Outcome(Do.LOOKUP, code=code)
        if screen is Screen.CASE:
            if camera or key in where.case_codes:
                return _NOTHING  # never replaces the open case
            return Outcome(Do.LOOKUP, code=code)
        if screen is Screen.CHECKLIST and where.capture:
            return self._serial(event, where, camera)
        if screen in (Screen.CHECKLIST, Screen.SUMMARY) and not camera:
            return Outcome(Do.REFUSE, code=code, refusal=Refusal.SCAN_IN_CHECKLIST)
        return _NOTHING

    def _serial(self, event: ScanEvent, where: Where, camera: bool) -> Outcome:
        text = event.text.strip()
        kind = event.interpretation.kind
        key = normalize_serial(text)
        refusal: Refusal | None = None
        if kind is Kind.BADGE:
            refusal = Refusal.BADGE_AS_SERIAL
        elif key in where.case_codes or kind in (Kind.RMA, Kind.ORDER, Kind.TRACKING):
            refusal = Refusal.CASE_CODE_AS_SERIAL
        elif where.capture == "gtin":
            return self._product_code(event, where, camera)
        elif where.capture == "imei" and not (len(key) == 15 and key.isdigit()):
            refusal = Refusal.NOT_AN_IMEI
        elif where.capture != "imei" and not _serial_shaped(text):
            refusal = Refusal.NOT_A_SERIAL
        if refusal is not None:
            # The camera sees every label on the bench: only a hand scan is worth a warning.
            return _NOTHING if camera else Outcome(Do.REFUSE, code=text, refusal=refusal)
        exact = bool(where.expected_serial) and key == normalize_serial(
            where.expected_serial or "")
        return Outcome(Do.FILL_SERIAL, code=text, commit=not camera or exact)


    @staticmethod
    def _product_code(event: ScanEvent, where: Where, camera: bool) -> Outcome:
        """The identity gate takes the GTIN of an EAN/UPC or a GS1 DataMatrix (AI 01)."""
        gtin = getattr(event.interpretation, "gtin", None)  # a Rejected text has none
        if gtin is None:
            return _NOTHING if camera else Outcome(
                Do.REFUSE, code=event.text.strip(), refusal=Refusal.NOT_A_PRODUCT_CODE)
        exact = bool(where.expected_serial) and gtin == where.expected_serial
        return Outcome(Do.FILL_SERIAL, code=gtin, commit=not camera or exact)


def _serial_shaped(text: str) -> bool:
    """Letters, digits and - / . only, 4 to 40 characters, at least one digit."""
    upper = text.upper()
    return (4 <= len(upper) <= 40 and all(c in _SERIAL_CHARS for c in upper)
            and any(c.isdigit() for c in upper))
