"""Capped exponential backoff with full jitter (AWS style), with Retry-After as a floor."""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """delay(n) = uniform(0, min(cap, base * 2**n)), never less than the server's Retry-After.

    Defaults: 2 s base, 5 min cap: a bench that was offline for an hour retries each
    item within five minutes of the network coming back (and sooner: the worker
    probes /health while offline and makes every item due when it answers).
    """

    base: float = 2.0
    cap: float = 300.0
    retry_after_cap: float = 24 * 3600.0

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        ceiling = min(self.cap, self.base * (2.0 ** min(max(attempt, 0), 30)))
        jittered = rng.uniform(0.0, ceiling)
        if retry_after is not None:
            return max(jittered, min(retry_after, self.retry_after_cap))
        return jittered
