"""Case lookup for the scan screen: online answers are cached; offline falls back to the cache.

When the case API cannot be reached and the code was not looked up recently,
the answer is `Offline`: the GUI then starts an unverified inspection (the
inspector picks the category) and the outbox resolves the case before upload.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import assert_never

from app.domain import Case
from app.store.store import Store
from app.sync.client import AuthFailed, CaseApiClient, Permanent, Transient
from app.sync.outcomes import Ambiguous, Found, LookupOutcome, NotFound, Offline
from app.sync.status import SyncStatus

__all__ = ["Ambiguous", "CaseLookup", "Found", "LookupOutcome", "NotFound", "Offline"]

log = logging.getLogger("station.sync.lookup")


class CaseLookup:
    def __init__(self, client: CaseApiClient | None, store: Store, *,
                 status: SyncStatus | None = None,
                 cache_max_age: timedelta = timedelta(days=3)) -> None:
        self.client = client
        self.store = store
        self.status = status
        if client is not None and status is not None and client.activity is None:
            client.activity = status
        self.cache_max_age = cache_max_age

    def lookup(self, code: str) -> LookupOutcome:
        code = code.strip()
        if not code:
            return NotFound(code)
        if self.client is None:
            return self._fallback(code, "no case API is configured")
        try:
            answer = self.client.lookup(code)
        except Transient as exc:
            if self.status is not None and exc.network:
                self.status.update(online=False, last_error=str(exc))
            return self._fallback(code, str(exc), server_answered=not exc.network)
        except AuthFailed as exc:
            return self._fallback(code, f"the case API refused this station ({exc.reason})",
                                  server_answered=True)
        except Permanent as exc:
            log.warning("lookup of %r refused: %s", code, exc)
            return NotFound(code)
        if self.status is not None:
            self.status.update(online=True)
        match answer:
            case Case():
                self.store.cache_case(answer)
                return Found(answer)
            case Ambiguous() | NotFound():
                return answer
            case unknown:
                assert_never(unknown)

    def _fallback(self, code: str, reason: str, *,
                  server_answered: bool = False) -> Found | Offline:
        cached = self.store.cached_case(code, self.cache_max_age)
        if cached is not None:
            log.info("lookup of %r answered from the cache (%s)", code, reason)
            return Found(cached, from_cache=True)
        return Offline(code, reason, server_answered)
