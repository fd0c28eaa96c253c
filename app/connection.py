"""The setup screen's "test connection": calls /health and a lookup, says in plain words why not.

A site's IT person types a URL, a station id and a token; what they need back is the
one reason it fails (the name does not resolve, nothing listens, the certificate is
not trusted, the token is refused, the URL points at something that is not the case
API), not a traceback. The classification lives here, without Qt, so it is tested
against real local servers; the UI only shows `ConnectionResult.message(language)`.
"""

from __future__ import annotations

import json
import socket
import ssl
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

import requests

from app import __version__
from app.config import ConfigError, Settings
from app.messages import t

# The lookup code used to prove the lookup endpoint is there: any answer the contract
# names (200, 300, 404 with an error body) means the path is right.
PROBE_CODE = "RMA-0000-0000000"


class Failure(StrEnum):
    OK = "ok"
    BAD_INPUT = "bad_input"
    DNS = "dns"
    REFUSED = "refused"
    TIMEOUT = "timeout"
    TLS = "tls"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    WRONG_PATH = "wrong_path"
    SERVER_ERROR = "server_error"
    NETWORK = "network"


@dataclass(frozen=True, slots=True)
class ConnectionResult:
    kind: Failure
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.kind is Failure.OK

    def message(self, language: str = "en") -> str:
        """In either language (words in app/messages.py); {detail} is host, status or words."""
        return t(language, f"connection_{self.kind.value}", detail=self.detail)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and everything it was raised from (requests wraps urllib3 wraps socket)."""
    out: list[BaseException] = []
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        item = todo.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        out.append(item)
        todo.extend([item.__cause__, item.__context__])
        todo.extend(a for a in item.args if isinstance(a, BaseException))
        reason = getattr(item, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
    return out


def classify_exception(exc: BaseException, host: str) -> ConnectionResult:
    """A requests failure as one plain reason."""
    chain = _chain(exc)
    text = " ".join(str(e) for e in chain)
    if any(isinstance(e, ssl.SSLError | requests.exceptions.SSLError) for e in chain):
        reason = next((e.reason for e in chain if isinstance(e, ssl.SSLCertVerificationError)
                       and getattr(e, "reason", None)), None)
        return ConnectionResult(Failure.TLS, str(reason or "TLS handshake failed"))
    if any(isinstance(e, socket.gaierror) for e in chain) or "NameResolutionError" in text \
            or "Name or service not known" in text or "getaddrinfo failed" in text:
        return ConnectionResult(Failure.DNS, host)
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "refused" in text.lower():
        return ConnectionResult(Failure.REFUSED, host)
    if any(isinstance(e, requests.exceptions.Timeout | TimeoutError | socket.timeout)
           for e in chain):
        return ConnectionResult(Failure.TIMEOUT, host)
    return ConnectionResult(Failure.NETWORK, str(exc)[:200])


def _json_object(body: bytes) -> dict[str, Any] | None:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _classify_answer(resp: requests.Response, url: str, what: str) -> ConnectionResult | None:
    """None when `what` ("health" or "lookup") answered as the contract says."""
    status = resp.status_code
    body = _json_object(resp.content)
    if status == 401:
        return ConnectionResult(Failure.UNAUTHORIZED)
    if status == 403:
        reason = (body or {}).get("reason")
        return ConnectionResult(Failure.FORBIDDEN, f": {reason}" if isinstance(reason, str)
                                else "")
    if status >= 500:
        return ConnectionResult(Failure.SERVER_ERROR, str(status))
    if what == "health":
        if status == 200 and body is not None and body.get("status") == "ok":
            return None
        return ConnectionResult(Failure.WRONG_PATH, url)
    if status in {200, 300} and body is not None:
        return None
    if status == 404 and body is not None and isinstance(body.get("error"), str):
        return None  # "unknown code" from the case API itself, not a missing page
    return ConnectionResult(Failure.WRONG_PATH, url)


def check_connection(url: str, station_id: str, token: str, *, ca_bundle: str = "",
                    allow_plain_http: bool = False, timeout: float = 5.0) -> ConnectionResult:
    """GET /health, then a lookup, with the station's headers; the first failure wins."""
    try:
        settings = Settings().replace(api_base_url=url, station_id=station_id,
                                      ca_bundle=ca_bundle, allow_plain_http=allow_plain_http)
    except ConfigError as exc:
        return ConnectionResult(Failure.BAD_INPUT, str(exc))
    if not settings.api_base_url:
        return ConnectionResult(Failure.BAD_INPUT, "api_base_url: the URL is empty")
    token = token.strip()
    if not token or not token.isascii() or any(c.isspace() for c in token):
        return ConnectionResult(Failure.BAD_INPUT, "the token is empty or has spaces")
    base = settings.api_base_url
    host = urlsplit(base).netloc
    headers = {"Authorization": f"Bearer {token}", "X-Station-Id": settings.station_id,
               "User-Agent": f"inspection-station/{__version__}"}
    verify: bool | str = settings.ca_bundle or True
    with requests.Session() as session:
        for what, path, params in (("health", "/health", None),
                                   ("lookup", "/cases/lookup", {"code": PROBE_CODE})):
            try:
                resp = session.get(base + path, params=params, headers=headers,
                                   timeout=timeout, verify=verify, allow_redirects=False)
            except requests.exceptions.RequestException as exc:
                return classify_exception(exc, host)
            problem = _classify_answer(resp, base + path, what)
            if problem is not None:
                return problem
    return ConnectionResult(Failure.OK)

