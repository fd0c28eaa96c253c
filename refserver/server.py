"""HTTP side of the reference case API server: routing table, auth, request checks, answers.

The routing table `ROUTES` is data (method, path template, status codes it may
answer) so a test can hold it against resources/openapi/case-api.yaml; the
server refuses, with a 500, to send a status its route does not declare.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import socket
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from app.resources import resource_path
from refserver.demo_cases import demo_case_documents
from refserver.store import Store, lookup_key, utc_now_text
from refserver.validation import SHA256_RE, is_uuid, validate_inspection

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
MAX_PHOTO_BYTES = 15_000_000
MAX_INSPECTION_BYTES = 2_000_000
# Bodies over a limit are still read (and dropped) up to this size, so the client
# gets its 413 instead of a reset connection; beyond it the connection is closed.
DRAIN_LIMIT = 64_000_000
# The station's own templates, wherever they are installed (source tree, wheel, bundle).
DEFAULT_CHECKLIST_DIR = resource_path("checklists")

_COMMON = frozenset({400, 401, 403})


@dataclass(frozen=True, slots=True)
class Route:
    method: str
    template: str  # OpenAPI-style path below API_PREFIX, e.g. /inspections/{inspection_id}
    handler: str
    responses: frozenset[int]
    max_body: int = 0

    @property
    def pattern(self) -> re.Pattern[str]:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        return re.compile(f"^{regex}$")


ROUTES: tuple[Route, ...] = (
    Route("GET", "/health", "health", _COMMON | {200}),
    Route("GET", "/cases/lookup", "lookup", _COMMON | {200, 300, 404}),
    Route("GET", "/checklists", "checklists", _COMMON | {200}),
    Route(
        "PUT",
        "/inspections/{inspection_id}/photos/{photo_id}",
        "put_photo",
        _COMMON | {200, 201, 409, 413, 415, 422},
        max_body=MAX_PHOTO_BYTES,
    ),
    Route(
        "PUT",
        "/inspections/{inspection_id}",
        "put_inspection",
        _COMMON | {200, 201, 409, 413, 422},
        max_body=MAX_INSPECTION_BYTES,
    ),
)
_COMPILED = tuple((route, route.pattern) for route in ROUTES)


@dataclass(frozen=True, slots=True)
class Reply:
    """A canned answer from a fault hook: status, headers, raw body."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass(slots=True)
class Faults:
    """Switches for fault tests. `before(method, path)` may answer instead of the server;
    `drop_after(method, path, status)` returning True closes the connection without
    answering, after the store has committed."""

    before: Callable[[str, str], Reply | None] | None = None
    drop_after: Callable[[str, str, int], bool] | None = None


@dataclass(slots=True)
class ServerConfig:
    tokens: frozenset[str]
    disabled_tokens: frozenset[str]
    checklist_dir: Path
    faults: Faults


class _TooLarge(Exception):
    pass


class _BadBody(Exception):
    pass


class _DropConnection(Exception):
    pass


class RefHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], store: Store, config: ServerConfig) -> None:
        self.store = store
        self.config = config
        self._conns: set[socket.socket] = set()
        self._conns_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._conns_lock:
            self._conns.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._conns_lock:
            self._conns.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake handler threads blocked on idle keep-alive connections."""
        with self._conns_lock:
            conns = list(self._conns)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "RefCaseAPI/1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    timeout = 30  # seconds a connection may sit idle or trickle before it is dropped
    server: RefHTTPServer

    # --- plumbing -------------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_DELETE(self) -> None:
        self._dispatch("DELETE")

    def do_PATCH(self) -> None:
        self._dispatch("PATCH")

    def do_HEAD(self) -> None:
        self._dispatch("HEAD")

    def do_OPTIONS(self) -> None:
        self._dispatch("OPTIONS")

    def do_TRACE(self) -> None:
        self._dispatch("TRACE")

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """http.server's own errors (bad request line, unknown method) as JSON, not HTML."""
        self._route = None
        self.close_connection = True
        if code == 501:  # a method http.server has no do_ for: still a 405, not a server error
            code, word = 405, "method_not_allowed"
        else:
            word = "bad_request" if 400 <= code < 500 else "internal"
        self._send_json(code, {"error": word, "reason": message or ""})

    _route: Route | None = None

    def _dispatch(self, method: str) -> None:
        self._route = None
        url = urlsplit(self.path)
        self._query = parse_qs(url.query, keep_blank_values=True)
        try:
            body = self._read_body(DRAIN_LIMIT)
        except _BadBody as exc:
            self.close_connection = True
            self._send_json(400, {"error": "bad_request", "reason": str(exc)})
            return
        path = url.path
        faults = self.server.config.faults
        if faults.before is not None:
            reply = faults.before(method, path)
            if reply is not None:
                self._send_raw(reply.status, reply.headers, reply.body)
                return
        if path != API_PREFIX and not path.startswith(API_PREFIX + "/"):
            self._send_json(404, {"error": "not_found"})
            return
        sub = path[len(API_PREFIX) :] or "/"
        allowed: list[str] = []
        for route, pattern in _COMPILED:
            m = pattern.match(sub)
            if m is None:
                continue
            if route.method != method:
                allowed.append(route.method)
                continue
            self._route = route
            params = {k: unquote(v) for k, v in m.groupdict().items()}
            try:
                self._handle(route, params, body, method, path)
            except _DropConnection:
                self.close_connection = True
            except Exception:
                log.exception("refserver: %s %s failed", method, path)
                self._route = None
                self._send_json(500, {"error": "internal"})
            return
        if allowed:
            self._send_json(
                405, {"error": "method_not_allowed"}, {"Allow": ", ".join(sorted(set(allowed)))}
            )
        else:
            self._send_json(404, {"error": "not_found"})

    def _handle(
        self, route: Route, params: dict[str, str], body: bytes | None, method: str, path: str
    ) -> None:
        config = self.server.config
        token = _bearer(self.headers.get("Authorization"))
        if token is not None and token in config.disabled_tokens:
            self._send_json(403, {"error": "forbidden", "reason": "station_disabled"})
            return
        if token is None or token not in config.tokens:
            self._send_json(
                401, {"error": "unauthorized"}, {"WWW-Authenticate": 'Bearer realm="cases"'}
            )
            return
        station = (self.headers.get("X-Station-Id") or "").strip()
        if not station:
            self._send_json(400, {"error": "bad_request", "reason": "missing_station_id"})
            return
        if body is None and not route.max_body:
            self._send_json(400, {"error": "bad_request", "reason": "body_not_allowed"})
            return
        if body is None or (route.max_body and len(body) > route.max_body):
            self._send_json(413, {"error": "too_large", "limit": route.max_body})
            return
        status, answer = getattr(self, "_h_" + route.handler)(params, body, station)
        if config.faults.drop_after is not None and config.faults.drop_after(method, path, status):
            raise _DropConnection
        self._send_json(status, answer)

    def _read_body(self, limit: int) -> bytes | None:
        """The request body; None when it is over `limit` (read and dropped, or not read)."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked(limit)
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
        except ValueError:
            raise _BadBody("bad_content_length") from None
        if length < 0:
            raise _BadBody("bad_content_length")
        if length > limit:
            self.close_connection = True  # not read: the connection cannot be reused
            return None
        return self.rfile.read(length)

    def _read_chunked(self, limit: int) -> bytes | None:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadBody("bad_chunked_body") from None
            if size == 0:
                while self.rfile.readline(1024).strip():  # trailers
                    pass
                return b"".join(parts)
            total += size
            if total > limit:
                self.close_connection = True
                return None
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _send_json(
        self, status: int, body: dict[str, Any] | list[Any], headers: dict[str, str] | None = None
    ) -> None:
        route = self._route
        if route is not None and status not in route.responses:
            log.error("refserver: %s answered undeclared %d", route.template, status)
            status, body, headers = 500, {"error": "internal", "reason": "undeclared_status"}, None
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self._send_raw(
            status, {"Content-Type": "application/json; charset=utf-8", **(headers or {})}, data
        )

    def _send_raw(self, status: int, headers: dict[str, str], data: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    # --- endpoints ----------------------------------------------------------------------------

    def _h_health(self, _p: dict[str, str], _b: bytes, _s: str) -> tuple[int, Any]:
        return 200, {"status": "ok", "server_time": utc_now_text()}

    def _h_lookup(self, _p: dict[str, str], _b: bytes, _s: str) -> tuple[int, Any]:
        code = (self._query.get("code") or [""])[0]
        if not code.strip():
            return 400, {"error": "bad_request", "reason": "missing_code"}
        cases = self.server.store.lookup(code)
        by_rma = [c for c in cases if lookup_key(c["rma"]) == lookup_key(code)]
        if len(by_rma) == 1:
            return 200, by_rma[0]
        if len(cases) == 1:
            return 200, cases[0]
        if not cases:
            return 404, {"error": "not_found", "code": code.strip()}
        candidates = [
            {"case_id": c["case_id"], "rma": c["rma"], "status": c["status"]} for c in cases
        ]
        return 300, {"error": "ambiguous", "candidates": candidates}

    def _h_checklists(self, _p: dict[str, str], _b: bytes, _s: str) -> tuple[int, Any]:
        return 200, load_checklists(self.server.config.checklist_dir)

    def _h_put_photo(self, p: dict[str, str], body: bytes, _s: str) -> tuple[int, Any]:
        iid, pid = p["inspection_id"], p["photo_id"]
        if not (is_uuid(iid) and is_uuid(pid)):
            return 400, {"error": "bad_request", "reason": "invalid_id"}
        declared = self.headers.get("X-Content-SHA256")
        if declared is None:
            return 400, {"error": "bad_request", "reason": "missing_sha256"}
        declared = declared.strip().lower()
        if not SHA256_RE.match(declared):
            return 400, {"error": "bad_request", "reason": "invalid_sha256"}
        content_type = sniff_image(body)
        if content_type is None:
            return 415, {"error": "unsupported_media_type", "accepted": ["image/jpeg", "image/png"]}
        actual = hashlib.sha256(body).hexdigest()
        if actual != declared:
            return 422, {"error": "invalid", "reason": "sha256_mismatch", "sha256": actual}
        answer = self.server.store.put_photo(iid.lower(), pid.lower(), body, actual, content_type)
        return answer.status, answer.body

    def _h_put_inspection(self, p: dict[str, str], body: bytes, station: str) -> tuple[int, Any]:
        iid = p["inspection_id"]
        if not is_uuid(iid):
            return 400, {"error": "bad_request", "reason": "invalid_id"}
        try:
            payload = json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (UnicodeDecodeError, ValueError, RecursionError):
            return 400, {"error": "bad_request", "reason": "not_json"}
        errors = validate_inspection(payload, iid)
        if errors:
            return 422, {"error": "invalid", "reason": "invalid_shape", "errors": errors}
        answer = self.server.store.put_inspection(iid.lower(), payload, body, station)
        return answer.status, answer.body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _bearer(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def sniff_image(data: bytes) -> str | None:
    """JPEG or PNG by the first bytes, whatever the Content-Type header says."""
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def _contract_text(obj: dict[str, Any]) -> dict[str, Any]:
    """The station's files write texts as {"en": ..., "zh_CN": ...}; the contract sends a
    string (the English one)."""
    return {k: v.get("en") if k in ("title", "prompt", "failed") and isinstance(v, dict) else v
            for k, v in obj.items()}


def _contract_form(template: dict[str, Any]) -> dict[str, Any]:
    out = _contract_text(template)
    sections = out.get("sections")
    if isinstance(sections, list):
        out["sections"] = [
            {**s, "steps": [_contract_text(st) if isinstance(st, dict) else st
                            for st in s.get("steps") or []]}
            if isinstance(s, dict) and isinstance(s.get("steps"), list) else s
            for s in sections]
    return out


def load_checklists(folder: Path) -> list[Any]:
    """Every template in folder/*.json (a file may hold one template or a list of them),
    in the contract's form."""
    templates: list[Any] = []
    if not folder.is_dir():
        return templates
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            log.warning("refserver: skipping checklist %s: %s", path.name, exc)
            continue
        if isinstance(data, list):
            templates.extend(_contract_form(t) for t in data if isinstance(t, dict))
        elif isinstance(data, dict):
            templates.append(_contract_form(data))
    return templates


class RunningServer:
    """A started server: `url` is the base URL (with /api/v1), `store` the admin API."""

    def __init__(self, httpd: RefHTTPServer, store: Store) -> None:
        self._httpd = httpd
        self.store = store
        self.host = str(httpd.server_address[0])
        self.port = int(httpd.server_address[1])
        self.url = f"http://{self.host}:{self.port}{API_PREFIX}"
        self.faults = httpd.config.faults
        self._thread = threading.Thread(
            target=httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"refserver-{self.port}",
        )
        self._stopped = False

    def start(self) -> RunningServer:
        self._thread.start()
        return self

    def serve_foreground(self) -> None:
        """Serve in the calling thread until shutdown (used by `python -m refserver`)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._httpd.server_close()
            self.store.close()

    def request_shutdown(self) -> None:
        """Ask serve_foreground to return (safe from a signal handler: does not wait)."""
        threading.Thread(target=self._httpd.shutdown, daemon=True).start()

    @property
    def tokens(self) -> frozenset[str]:
        return self._httpd.config.tokens

    def set_tokens(self, tokens: Iterable[str], disabled: Iterable[str] = ()) -> None:
        """Change the valid and disabled token sets while running (401/403 tests)."""
        self._httpd.config.tokens = frozenset(tokens)
        self._httpd.config.disabled_tokens = frozenset(disabled)

    def stop(self) -> None:
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join()
        self._httpd.close_connections()
        self._httpd.server_close()
        self.store.close()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def make_server(
    db_path: Path,
    photo_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    tokens: Iterable[str] = ("demo-token",),
    seed_demo: bool = True,
    *,
    disabled_tokens: Iterable[str] = (),
    checklist_dir: Path | None = None,
) -> RunningServer:
    """Build a server bound to its port but not yet serving."""
    db_path = Path(db_path)
    photos = (
        Path(photo_dir) if photo_dir is not None else db_path.with_name(db_path.stem + "-photos")
    )
    store = Store(db_path, photos)
    if seed_demo:
        store.seed(demo_case_documents())
    config = ServerConfig(
        tokens=frozenset(tokens),
        disabled_tokens=frozenset(disabled_tokens),
        checklist_dir=checklist_dir if checklist_dir is not None else DEFAULT_CHECKLIST_DIR,
        faults=Faults(),
    )
    try:
        httpd = RefHTTPServer((host, port), store, config)
    except OSError:
        store.close()
        raise
    return RunningServer(httpd, store)


def start_server(
    db_path: Path,
    photo_dir: Path | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    tokens: Iterable[str] = ("demo-token",),
    seed_demo: bool = True,
    *,
    disabled_tokens: Iterable[str] = (),
    checklist_dir: Path | None = None,
) -> RunningServer:
    """Start the reference server in a background thread; stop() or use it as a context."""
    return make_server(
        db_path,
        photo_dir,
        host,
        port,
        tokens,
        seed_demo,
        disabled_tokens=disabled_tokens,
        checklist_dir=checklist_dir,
    ).start()
