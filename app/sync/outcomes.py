"""What a call to the case API can come to: the errors (transient, permanent, refused
token, insecure URL) and the typed answers the client returns (app/sync/client.py).

A case lookup comes to one `LookupOutcome` (app/sync/lookup.py): callers `match` on it and
end with `assert_never`, so a new kind of answer cannot be forgotten somewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.checklists import TemplateError
from app.domain import Case

# --- outcomes ------------------------------------------------------------------------------------


class ApiError(Exception):
    """Base of every failed call; `str()` is fit for the needs-attention list and logs."""


class InsecureUrlError(ApiError):
    """Plain http to a host other than loopback without allow_plain_http: refused up front."""


class Transient(ApiError):
    """Try again later: connection trouble, timeouts, 408/429/5xx, malformed answers."""

    def __init__(self, message: str, *, status: int | None = None,
                 retry_after: float | None = None, network: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.network = network  # no HTTP answer at all (the station may be offline)


class Permanent(ApiError):
    """The server refused this item for good (400/404/409/413/415/422): needs a person."""

    def __init__(self, status: int, error: str, reason: str | None = None,
                 body: dict[str, Any] | None = None) -> None:
        self.status = status
        self.error = error
        self.reason = reason
        self.body = body or {}
        missing = self.body.get("missing_photos")
        self.missing_photos: list[str] = (
            [str(m) for m in missing] if isinstance(missing, list) else [])
        super().__init__(self.describe())

    def describe(self) -> str:
        text = f"{self.status} {self.error}"
        if self.reason:
            text += f": {self.reason}"
        details = self.body.get("errors")
        if isinstance(details, list) and details:
            text += " (" + "; ".join(str(d) for d in details[:5]) + ")"
        if self.missing_photos:
            text += " missing photos " + ", ".join(self.missing_photos)
        return text


class AuthFailed(ApiError):
    """401/403 (or no token at all): the station, not the item, is the problem."""

    def __init__(self, status: int | None, reason: str) -> None:
        super().__init__(f"{status or 'no token'}: {reason}")
        self.status = status
        self.reason = reason


@dataclass(frozen=True, slots=True)
class NotFound:
    code: str


@dataclass(frozen=True, slots=True)
class Candidate:
    case_id: str
    rma: str
    status: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    code: str
    candidates: tuple[Candidate, ...]


# --- lookup outcomes (15.5) ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Found:
    case: Case
    from_cache: bool = False


@dataclass(frozen=True, slots=True)
class Offline:
    """No usable answer from the case API and nothing recent in the cache.

    `server_answered` tells "the server is down or unreachable" (False) from "it
    answered with an error or nonsense" (True): the inspector is told which.
    """

    code: str
    reason: str
    server_answered: bool = False


# What the case API itself answers to GET /cases/lookup (the client's return type) ...
CaseAnswer = Case | Ambiguous | NotFound
# ... and what a lookup at the station comes to (the cache answers when the API cannot).
LookupOutcome = Found | Ambiguous | NotFound | Offline


@dataclass(frozen=True, slots=True)
class Health:
    server_time: str


@dataclass(frozen=True, slots=True)
class PhotoAck:
    photo_id: str
    sha256: str
    created: bool


@dataclass(frozen=True, slots=True)
class InspectionAck:
    inspection_id: str
    received_at: str
    created: bool


@dataclass(frozen=True, slots=True)
class Checklists:
    templates: dict[str, Any]  # category -> ChecklistTemplate
    errors: list[TemplateError] = field(default_factory=list)


