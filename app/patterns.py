"""Site patterns (RMA, order, badge) compiled with a time limit on every match.

A site can type any regular expression into its settings. Python's `re` cannot be
interrupted, and a pattern such as ``(a|aa)+$`` takes exponential time on a short
scan, hanging the scan path. The `regex` package matches with a timeout, so a bad
pattern costs at most MATCH_TIMEOUT_S per match; `problem()` also refuses patterns
that already blow up on a few hostile probes when the settings are loaded or saved.
"""

from __future__ import annotations

from typing import Any

import regex

MATCH_TIMEOUT_S = 0.05  # a site pattern on a 512-character scan takes microseconds
_PROBE_TIMEOUT_S = 0.05
_FLAGS = regex.IGNORECASE | regex.ASCII  # ASCII: \d must not match other scripts' digits


class PatternTimeout(Exception):
    """A site pattern took longer than MATCH_TIMEOUT_S on one text."""


class SitePattern:
    """One compiled site pattern; `fullmatch`/`search` raise PatternTimeout, never hang."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._rx = regex.compile(pattern, _FLAGS)

    def fullmatch(self, text: str) -> Any:
        try:
            return self._rx.fullmatch(text, timeout=MATCH_TIMEOUT_S)
        except TimeoutError:
            raise PatternTimeout(self.pattern) from None

    def search(self, text: str) -> Any:
        try:
            return self._rx.search(text, timeout=MATCH_TIMEOUT_S)
        except TimeoutError:
            raise PatternTimeout(self.pattern) from None


def _probes() -> list[str]:
    """Long runs of one kind of character with a bad ending: what makes backtracking explode."""
    runs = ["a", "A", "1", "-", " ", "_", ".", "aA1", "a-", "1-", "ab"]
    prefixes = ["", "RMA-", "SO-", "E"]  # the shapes site patterns usually start with
    return [prefix + run * (40 // len(run)) + end
            for prefix in prefixes for run in runs for end in ("!", "\x00", "")]


_PROBES = _probes()


def problem(pattern: str) -> str | None:
    """Why a site pattern cannot be used, or None: invalid, or catastrophically slow."""
    try:
        rx = regex.compile(pattern, _FLAGS)
    except (regex.error, TypeError, ValueError, OverflowError, RecursionError) as exc:
        return f"is not a valid regular expression ({exc})"
    try:
        for probe in _PROBES:
            rx.fullmatch(probe, timeout=_PROBE_TIMEOUT_S)
            rx.search(probe, timeout=_PROBE_TIMEOUT_S)
    except TimeoutError:
        return ("takes too long to match (nested repetition such as (a+)+ or (a|aa)+ "
                "backtracks without end); simplify it")
    return None
