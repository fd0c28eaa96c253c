"""HTTP client for the central case API (docs/case-api.md): typed outcomes, no retries.

One requests.Session per client. Every call has a (connect, read) timeout and an
overall deadline enforced by a watchdog that shuts the socket down, so a server
trickling one byte a second cannot hold a call for ever. Answers are validated
(pydantic, strict); anything that is not the JSON the contract describes is a
`Transient` error logged with its first bytes. Only the outbox retries.
The deadline watchdog and the urllib3 adapter are in deadline.py, the outcomes in
outcomes.py.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import quote, urlsplit

import requests
from pydantic import BaseModel, ConfigDict, ValidationError

from app import PRODUCT, __version__
from app.checklists import templates_from_api
from app.config import Settings
from app.domain import Case, DomainError
from app.loopback import is_loopback
from app.sync.deadline import WatchedAdapter, unwatch, watching
from app.sync.outcomes import (
    Ambiguous,
    ApiError,
    AuthFailed,
    Candidate,
    CaseAnswer,
    Checklists,
    Health,
    InsecureUrlError,
    InspectionAck,
    NotFound,
    Permanent,
    PhotoAck,
    Transient,
)

log = logging.getLogger("station.sync.client")

TokenProvider = Callable[[], "str | None"]

MAX_ANSWER_BYTES = 8_000_000
LOG_BODY_BYTES = 200
# A server may ask us to wait; beyond a day we assume it is confused and retry then.
MAX_RETRY_AFTER_S = 24 * 3600.0
# What can follow "Bearer " in a header: visible ASCII, no spaces or line breaks.
_TOKEN_RE = re.compile(r"[\x21-\x7e]+")


# The outcomes are imported from here by callers (outbox, lookup, status, ui).
__all__ = [
    "Ambiguous",
    "ApiError",
    "AuthFailed",
    "Candidate",
    "CaseApiClient",
    "Checklists",
    "Health",
    "InsecureUrlError",
    "InspectionAck",
    "NotFound",
    "Permanent",
    "PhotoAck",
    "RequestActivity",
    "Timeouts",
    "Transient",
    "check_url",
    "classify",
    "parse_retry_after",
]

# --- answer shapes (strict: a number where a string belongs is malformed) ------------------------


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore")


class _HealthBody(_Model):
    status: Literal["ok"]
    server_time: str


class _PhotoBody(_Model):
    photo_id: str
    sha256: str


class _InspectionBody(_Model):
    inspection_id: str
    received_at: str


class _CandidateBody(_Model):
    case_id: str
    rma: str
    status: str


class _AmbiguousBody(_Model):
    error: Literal["ambiguous"]
    candidates: list[_CandidateBody]


_M = TypeVar("_M", bound=_Model)


class _ErrorBody(_Model):
    error: str
    reason: str | None = None
    missing_photos: list[str] | None = None



# --- token redaction -----------------------------------------------------------------------------


class RedactFilter(logging.Filter):
    """Replaces known secrets in any record that passes (defence in depth: we never log them)."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()

    def add(self, secret: str | None) -> None:
        if secret and len(secret) >= 4:
            self._secrets.add(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[token]")
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


REDACT = RedactFilter()
for _name in ("station.sync", "station.sync.client", "station.sync.outbox",
              "station.sync.lookup", "urllib3", "urllib3.connectionpool", "requests"):
    logging.getLogger(_name).addFilter(REDACT)


# --- the client ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Seconds. The deadline grows with the upload size (a floor of `min_rate` bytes/s)."""

    connect: float = 5.0
    read: float = 20.0
    deadline: float = 30.0
    min_rate: float = 200_000.0
    max_deadline: float = 600.0
    # Waiting for the answer to an upload: `answer_factor` times the slowest of the
    # recent answers, at least `answer_floor`, at most `read`. A lost answer then holds
    # its item seconds, not the whole read timeout (the PUT is idempotent: sent again,
    # it is acknowledged as already there).
    answer_floor: float = 4.0
    answer_factor: float = 4.0

    def for_upload(self, size: int) -> float:
        return min(self.max_deadline, self.deadline + size / self.min_rate)


class AnswerTimes:
    """The time the server took to answer the recent calls (thread-safe)."""

    def __init__(self, keep: int = 32) -> None:
        self._times: deque[float] = deque(maxlen=keep)
        self._lock = threading.Lock()

    def add(self, seconds: float) -> None:
        with self._lock:
            self._times.append(seconds)

    def read_timeout(self, t: Timeouts) -> float:
        """How long to wait for an upload's answer: the full read timeout until answers
        have been seen, then a multiple of the slowest recent one."""
        with self._lock:
            if not self._times:
                return t.read
            slowest = max(self._times)
        return min(t.read, max(t.answer_floor, t.answer_factor * slowest))


def check_url(base_url: str, allow_plain_http: bool) -> str:
    parts = urlsplit(base_url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise InsecureUrlError(f"not an http(s) URL: {base_url!r}")
    if parts.scheme == "http" and not allow_plain_http and not is_loopback(parts.hostname):
        raise InsecureUrlError(
            f"refusing plain http to {parts.hostname}: use https, or set allow_plain_http "
            "if the site insists (the token would travel unencrypted)")
    return base_url.rstrip("/")


class RequestActivity(Protocol):
    def request_started(self) -> int: ...

    def request_ended(self, ticket: int) -> None: ...


class CaseApiClient:
    """Speaks the case API; every method returns a typed answer or raises an ApiError."""

    def __init__(
        self,
        settings: Settings,
        token_provider: Callable[[], str | None],
        *,
        base_url: str | None = None,
        timeouts: Timeouts | None = None,
    ) -> None:
        self.base_url = check_url(base_url or settings.api_base_url, settings.allow_plain_http)
        self.station_id = settings.station_id
        self.timeouts = timeouts or Timeouts()
        self._token_provider = token_provider
        # The settings check "~/ca.pem" exists after expanding ~: requests needs it expanded.
        self.verify: str | bool = os.path.expanduser(settings.ca_bundle) or True
        self.session = requests.Session()
        self.session.trust_env = False  # no ~/.netrc auth, no env CA bundle: settings rule
        self.session.verify = self.verify
        adapter = WatchedAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers.update({
            "User-Agent": f"{PRODUCT}/{__version__}",
            "X-Station-Id": self.station_id,
            "Accept": "application/json",
        })
        # Told of every request's start and end (app.sync.status.SyncStatus), so a hang
        # shows on the status line; set by the outbox worker and the lookup.
        self.activity: RequestActivity | None = None
        self.answers = AnswerTimes()

    def close(self) -> None:
        self.session.close()

    def token(self) -> str | None:
        try:
            return self._token_provider()
        except Exception as exc:  # a broken keyring must not crash the worker
            log.warning("station token unavailable: %s", type(exc).__name__)
            return None

    # --- endpoints ---------------------------------------------------------------------------

    def health(self) -> Health:
        status, body, hdrs = self._call("GET", "/health")
        if status != 200:
            raise self._unexpected("GET", "/health", status, body, hdrs)
        return Health(server_time=self._model(_HealthBody, body, "GET /health").server_time)

    def lookup(self, code: str) -> CaseAnswer:
        path = "/cases/lookup"
        status, body, hdrs = self._call("GET", path, params={"code": code})
        if status == 200:
            data = self._json(body, f"GET {path}", status)
            try:
                return Case.from_api(data)
            except DomainError as exc:
                self._log_malformed(f"GET {path}", status, body, str(exc))
                raise Transient(f"malformed case answer: {exc}", status=status) from None
        if status == 300:
            amb = self._model(_AmbiguousBody, body, f"GET {path}", status)
            return Ambiguous(code, tuple(Candidate(c.case_id, c.rma, c.status)
                                         for c in amb.candidates))
        if status == 404:
            self._model(_ErrorBody, body, f"GET {path}", status)
            return NotFound(code)
        raise self._unexpected("GET", path, status, body, hdrs)

    def checklists(self) -> Checklists:
        status, body, hdrs = self._call("GET", "/checklists")
        if status != 200:
            raise self._unexpected("GET", "/checklists", status, body, hdrs)
        data = self._json(body, "GET /checklists", status)
        if not isinstance(data, list):
            self._log_malformed("GET /checklists", status, body, "not a JSON array")
            raise Transient("malformed checklists answer: not a JSON array", status=status)
        templates, errors = templates_from_api(data)
        return Checklists(templates=dict(templates), errors=errors)

    def put_photo(self, inspection_id: str, photo_id: str, data: bytes, sha256: str,
                  mime: str) -> PhotoAck:
        path = f"/inspections/{quote(inspection_id, safe='')}/photos/{quote(photo_id, safe='')}"
        status, body, hdrs = self._call(
            "PUT", path, data=data, deadline=self.timeouts.for_upload(len(data)),
            headers={"Content-Type": mime, "X-Content-SHA256": sha256}, upload=True)
        if status in (200, 201):
            ack = self._model(_PhotoBody, body, "PUT photo", status)
            if ack.sha256.lower() != sha256.lower() or ack.photo_id.lower() != photo_id.lower():
                self._log_malformed("PUT photo", status, body, "acknowledged other bytes or id")
                raise Transient("photo acknowledged with another hash or id", status=status)
            return PhotoAck(ack.photo_id, ack.sha256, created=status == 201)
        raise self._unexpected("PUT", "photo", status, body, hdrs)

    def put_inspection(self, inspection_id: str, payload_bytes: bytes) -> InspectionAck:
        path = f"/inspections/{quote(inspection_id, safe='')}"
        status, body, hdrs = self._call(
            "PUT", path, data=payload_bytes, deadline=self.timeouts.for_upload(len(payload_bytes)),
            headers={"Content-Type": "application/json; charset=utf-8"}, upload=True)
        if status in (200, 201):
            ack = self._model(_InspectionBody, body, "PUT inspection", status)
            if ack.inspection_id.lower() != inspection_id.lower():
                self._log_malformed("PUT inspection", status, body, "acknowledged another id")
                raise Transient("result acknowledged under another id", status=status)
            return InspectionAck(ack.inspection_id, ack.received_at, created=status == 201)
        raise self._unexpected("PUT", "inspection", status, body, hdrs)

    # --- plumbing ----------------------------------------------------------------------------

    def _call(self, method: str, path: str, *, params: dict[str, str] | None = None,
              data: bytes | None = None, headers: dict[str, str] | None = None,
              deadline: float | None = None,
              upload: bool = False) -> tuple[int, bytes, Mapping[str, str]]:
        """One request, body fully read within the deadline: (status, body, headers).

        ``upload``: the answer is awaited as long as recent answers suggest (Timeouts),
        not the whole read timeout; every answer's time is recorded for that.
        """
        token = self.token()
        if not token:
            raise AuthFailed(None, "no station token is configured")
        if not _TOKEN_RE.fullmatch(token):
            # Sending it would fail inside http.client (an error that quotes the header,
            # token included) or smuggle a header; the token, not the network, is wrong.
            raise AuthFailed(None, "the stored station token has spaces, line breaks or "
                                   "non-ASCII characters; store the token again")
        REDACT.add(token)
        seconds = deadline if deadline is not None else self.timeouts.deadline
        hdrs = {"Authorization": f"Bearer {token}", **(headers or {})}
        started = time.monotonic()
        watch = watching(seconds)
        resp: requests.Response | None = None
        activity = self.activity
        ticket = activity.request_started() if activity is not None else None
        read = self.answers.read_timeout(self.timeouts) if upload else self.timeouts.read
        try:
            resp = self.session.request(
                method, self.base_url + path, params=params, data=data, headers=hdrs,
                timeout=(self.timeouts.connect, read), stream=True,
                allow_redirects=False, verify=self.verify)
            self.answers.add(time.monotonic() - started)
            body = self._read_body(resp, started + seconds, method, path)
            status, resp_headers = resp.status_code, resp.headers
        except requests.exceptions.SSLError as exc:
            raise Transient(f"TLS failure talking to {self._host()}: {_short(exc)}",
                            network=True) from None
        except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError, OSError) as exc:
            if watch.expired:
                raise Transient(f"{method} {path}: no complete answer within {seconds:.0f} s",
                                network=True) from None
            raise Transient(f"{method} {path}: {_short(exc)}", network=True) from None
        finally:
            unwatch(watch)
            if resp is not None:
                resp.close()
            if activity is not None and ticket is not None:
                activity.request_ended(ticket)
        if watch.expired:
            raise Transient(f"{method} {path}: no complete answer within {seconds:.0f} s",
                            network=True)
        log.debug("%s %s -> %d (%d bytes, %.3f s)", method, path, status, len(body),
                  time.monotonic() - started)
        return status, body, resp_headers

    def _read_body(self, resp: requests.Response, deadline: float, method: str,
                   path: str) -> bytes:
        chunks: list[bytes] = []
        total = 0
        for chunk in resp.iter_content(65536):
            chunks.append(chunk)
            total += len(chunk)
            if time.monotonic() > deadline:
                raise requests.exceptions.Timeout("deadline passed while reading the answer")
            if total > MAX_ANSWER_BYTES:
                raise requests.exceptions.ContentDecodingError(
                    f"answer larger than {MAX_ANSWER_BYTES} bytes")
        return b"".join(chunks)

    def _host(self) -> str:
        return urlsplit(self.base_url).netloc

    def _json(self, body: bytes, what: str, status: int) -> Any:
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_no_constants)
        except (UnicodeDecodeError, ValueError, RecursionError) as exc:
            self._log_malformed(what, status, body, f"not JSON ({type(exc).__name__})")
            raise Transient(f"{what}: answer {status} is not JSON", status=status) from None

    def _model(self, model: type[_M], body: bytes, what: str, status: int = 200) -> _M:
        data = self._json(body, what, status)
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
            where = ".".join(str(p) for p in errors[0]["loc"]) if errors else ""
            why = errors[0]["msg"] if errors else "invalid"
            where = where or "$"
            self._log_malformed(what, status, body, f"{where}: {why}")
            raise Transient(f"{what}: malformed answer ({where})", status=status) from None

    def _log_malformed(self, what: str, status: int, body: bytes, why: str) -> None:
        log.warning("case API %s answered %d with a malformed body (%s)", what, status, why)
        # The bytes go to the log file only (INFO): a terminal shows warnings, and a
        # garbage answer has no business there.
        log.info("case API %s: first bytes of the malformed body: %r", what,
                 body[:LOG_BODY_BYTES])

    def _unexpected(self, method: str, what: str, status: int, body: bytes,
                    headers: Mapping[str, str]) -> ApiError:
        return classify(method, what, status, body, headers, self)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:300] + "..."


def parse_retry_after(value: str | None, date_header: str | None,
                      now: datetime | None = None) -> float | None:
    """Seconds to wait: a number, or an HTTP date read against the response's Date header."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isascii() and value.isdigit():  # str.isdigit() alone accepts "²" and "١"
        return min(float(value), MAX_RETRY_AFTER_S)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):  # Python 3.10+ raises, never returns None
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    ref: datetime | None = None
    if date_header:
        try:
            ref = parsedate_to_datetime(date_header)
        except (TypeError, ValueError, IndexError):
            ref = None
        if ref is not None and ref.tzinfo is None:
            ref = ref.replace(tzinfo=UTC)
    if ref is None:
        ref = now or datetime.now(UTC)
    return max(0.0, min((when - ref).total_seconds(), MAX_RETRY_AFTER_S))


TRANSIENT_STATUSES = frozenset({408, 429})
PERMANENT_STATUSES = frozenset({400, 404, 409, 413, 415, 422})


def classify(method: str, what: str, status: int, body: bytes,
             headers: Mapping[str, str], client: CaseApiClient) -> ApiError:
    """The ApiError for an answer the endpoint did not expect as success."""
    get = headers.get
    if status in (401, 403):
        reason = "station token refused" if status == 401 else "station disabled or forbidden"
        with contextlib.suppress(ValueError, AttributeError, UnicodeDecodeError,
                                 RecursionError):
            reason = json.loads(body).get("reason") or reason
        return AuthFailed(status, str(reason))
    if status in TRANSIENT_STATUSES or 500 <= status <= 599:
        return Transient(f"{method} {what}: server answered {status}", status=status,
                         retry_after=parse_retry_after(get("Retry-After"), get("Date")))
    if status in PERMANENT_STATUSES:
        try:
            err = client._model(_ErrorBody, body, f"{method} {what}", status)
        except Transient as exc:
            exc.retry_after = parse_retry_after(get("Retry-After"), get("Date"))
            return exc
        data = json.loads(body)
        return Permanent(status, err.error, err.reason, data if isinstance(data, dict) else None)
    client._log_malformed(f"{method} {what}", status, body, "unexpected status")
    return Transient(f"{method} {what}: unexpected answer {status}", status=status,
                     retry_after=parse_retry_after(get("Retry-After"), get("Date")))

