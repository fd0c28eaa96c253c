"""Case API client: headers, TLS, deadlines, typed outcomes, malformed answers, token secrecy."""

from __future__ import annotations

import hashlib
import json
import logging
import ssl
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from app import __version__
from app.config import Settings, load_settings
from app.domain import Case
from app.sync.client import (
    Ambiguous,
    AuthFailed,
    CaseApiClient,
    InsecureUrlError,
    NotFound,
    Permanent,
    Transient,
    parse_retry_after,
)
from refserver import start_server
from tests.faults import HTML_200, Fault, FaultProxy, fast_client, new_case, reply

SECRET = "s3cr3t-station-token-42"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", tokens={"demo-token", SECRET}) as srv:
        yield srv


def jpeg(n: int = 500) -> bytes:
    return b"\xff\xd8\xff\xe0" + bytes(range(256)) * (n // 256) + b"\xff\xd9"


def test_headers_on_every_request(proxy: FaultProxy) -> None:
    client = fast_client(proxy.url, station_id="WH1-BENCH-04")
    client.health()
    client.lookup("RMA-2026-0001234")
    h = proxy.seen[-1].headers
    assert h["authorization"] == "Bearer demo-token"
    assert h["x-station-id"] == "WH1-BENCH-04"
    assert h["user-agent"] == f"InspectionStation/{__version__}"
    assert all("authorization" in s.headers for s in proxy.seen)


def test_lookup_outcomes(server: Any) -> None:
    client = fast_client(server.url)
    case = client.lookup("  rma-2026-0001234 ")
    assert isinstance(case, Case) and case.case_id == "C-000101"
    amb = client.lookup("SO-88812")
    assert isinstance(amb, Ambiguous) and {c.case_id for c in amb.candidates} == {
        "C-000101", "C-000104"}
    assert client.lookup("NO-SUCH-CODE") == NotFound("NO-SUCH-CODE")
    assert client.checklists().templates  # the server's templates parse


def test_photo_put_outcomes(server: Any) -> None:
    client = fast_client(server.url)
    iid, pid, data = str(uuid.uuid4()), str(uuid.uuid4()), jpeg()
    sha = hashlib.sha256(data).hexdigest()
    assert client.put_photo(iid, pid, data, sha, "image/jpeg").created
    assert not client.put_photo(iid, pid, data, sha, "image/jpeg").created  # replay: 200
    other = jpeg(800)
    with pytest.raises(Permanent) as conflict:
        client.put_photo(iid, pid, other, hashlib.sha256(other).hexdigest(), "image/jpeg")
    assert conflict.value.status == 409 and conflict.value.reason == "different_bytes"
    with pytest.raises(Permanent) as unsupported:
        client.put_photo(iid, str(uuid.uuid4()), b"GIF89a....", hashlib.sha256(
            b"GIF89a....").hexdigest(), "image/jpeg")
    assert unsupported.value.status == 415
    with pytest.raises(Permanent) as mismatch:
        client.put_photo(iid, str(uuid.uuid4()), data, "0" * 64, "image/jpeg")
    assert mismatch.value.status == 422 and "sha256_mismatch" in str(mismatch.value)


def test_auth_failures_are_typed(server: Any) -> None:
    with pytest.raises(AuthFailed) as e401:
        fast_client(server.url, "nope").health()
    assert e401.value.status == 401
    with pytest.raises(AuthFailed) as none:
        fast_client(server.url, lambda: None).health()
    assert none.value.status is None
    server.set_tokens(["demo-token"], disabled=["demo-token"])
    with pytest.raises(AuthFailed) as e403:
        fast_client(server.url).health()
    assert e403.value.status == 403 and e403.value.reason == "station_disabled"


def test_site_ca_bundle_in_the_home_folder(server: Any, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The settings accept "~/site-ca.pem" (they check it exists after expanding ~), so the
    client must use that same file, not a literal "~" path that fails every request."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    ca = trustme.CA()
    ca.cert_pem.write_to_path(str(home / "site-ca.pem"))
    settings = load_settings(None, env={"INSPECTION_STATION_CA_BUNDLE": "~/site-ca.pem"})
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    with FaultProxy(server.url, ssl_context=ctx) as tls:
        client = fast_client(tls.url, ca_bundle=settings.ca_bundle)
        try:
            client.health()
        finally:
            client.close()


@pytest.mark.parametrize("token", ["t\u00f6k\u20acn-s3cr3t", "s3cr3t\nX-Evil: 1", "s3 cr3t"])
def test_token_that_cannot_travel_in_a_header_pauses_without_showing_it(
        proxy: FaultProxy, token: str) -> None:
    """A hand-edited token file or keyring entry with odd characters: the station, not the
    network, is wrong (AuthFailed pauses the queue), nothing is sent, and the token does not
    end up in the error text that the status line and the outbox keep."""
    with pytest.raises(AuthFailed) as exc:
        fast_client(proxy.url, token).health()
    assert "s3" not in str(exc.value) and token not in str(exc.value)
    assert proxy.count("GET", r"/health$") == 0


def test_retry_after_with_odd_digits_is_ignored_not_a_crash() -> None:
    # Header values arrive latin-1 decoded: "\u00b2" (superscript two) is isdigit() but
    # not a number float() reads; Arabic-Indic digits are no delta-seconds either.
    assert parse_retry_after("\u00b2", None) is None
    assert parse_retry_after("\u0661\u0662", None) is None
    assert parse_retry_after(" 7 ", None) == 7.0


def test_401_with_absurdly_nested_json_is_still_an_auth_failure(proxy: FaultProxy) -> None:
    deep = b"[" * 100_000 + b"]" * 100_000  # json.loads raises RecursionError on it
    proxy.add("GET", r"/health$", reply(401, deep))
    with pytest.raises(AuthFailed) as exc:
        fast_client(proxy.url).health()
    assert exc.value.status == 401


def test_plain_http_only_to_loopback() -> None:
    def tok() -> str:
        return "t"

    with pytest.raises(InsecureUrlError, match="plain http"):
        CaseApiClient(Settings(), tok, base_url="http://cases.example.internal/api/v1")
    CaseApiClient(Settings(allow_plain_http=True), tok,
                  base_url="http://cases.example.internal/api/v1").close()
    for url in ("http://127.0.0.1:1/api/v1", "http://localhost:1/api/v1", "http://[::1]:1/x",
                "https://cases.example.internal/api/v1"):
        CaseApiClient(Settings(), tok, base_url=url).close()


def test_no_retries_inside_urllib3(proxy: FaultProxy) -> None:
    client = fast_client(proxy.url)
    adapter = client.session.get_adapter("https://x")
    assert adapter.max_retries.total == 0
    proxy.add("GET", r"/health$", Fault("reset"), times=1)
    with pytest.raises(Transient) as exc:
        client.health()
    assert exc.value.network
    assert proxy.count("GET", r"/health$") == 1  # one attempt, no silent retry
    client.health()  # the next call works on a fresh connection


def test_trickle_is_cut_at_the_deadline(proxy: FaultProxy) -> None:
    """A server answering one byte a second cannot hold a call longer than its deadline."""
    proxy.add("GET", r"/health$", Fault("trickle", forward=True, rate=1.0), times=1)
    client = fast_client(proxy.url, deadline=1.5)
    started = time.monotonic()
    with pytest.raises(Transient, match=r"within [12] s"):
        client.health()
    assert time.monotonic() - started < 4.0
    client.health()


@pytest.mark.parametrize(
    ("fault", "what"),
    [
        (HTML_200, "HTML instead of JSON"),
        (reply(200, b'{"status": "ok", "server_time": 12}'), "a number for a string"),
        (reply(200, b'{"status": "ok", "server_time": "2026'), "truncated JSON"),
        (reply(200, b'{"status":"ok"}', content_length=400), "body shorter than its length"),
        (reply(200, b"[1, 2, 3]"), "an array for an object"),
        (reply(200, b'{"status": NaN, "server_time": "x"}'), "NaN"),
    ],
)
def test_malformed_answers_are_transient_and_logged(
    proxy: FaultProxy, caplog: pytest.LogCaptureFixture, fault: Fault, what: str
) -> None:
    caplog.set_level(logging.INFO)  # the body bytes are INFO: log file only
    proxy.add("GET", r"/health$", fault, times=1)
    client = fast_client(proxy.url)
    with pytest.raises(Transient):
        client.health()
    if "shorter" not in what:  # a cut connection has no body to show
        assert "first bytes" in caplog.text, what
    client.health()  # and the client is fine afterwards


def test_permanent_status_with_html_body_is_transient(proxy: FaultProxy) -> None:
    proxy.add("PUT", r"/photos/", reply(409, b"<html>conflict</html>", content_type="text/html"))
    data = jpeg()
    with pytest.raises(Transient):
        fast_client(proxy.url).put_photo(str(uuid.uuid4()), str(uuid.uuid4()), data,
                                         hashlib.sha256(data).hexdigest(), "image/jpeg")


def test_retry_after_on_any_transient_answer(proxy: FaultProxy) -> None:
    proxy.add("GET", r"/health$", reply(500, b'{"error":"x"}', {"Retry-After": "7"}))
    with pytest.raises(Transient) as exc:
        fast_client(proxy.url).health()
    assert exc.value.status == 500 and exc.value.retry_after == 7.0 and not exc.value.network


def test_parse_retry_after_both_forms() -> None:
    assert parse_retry_after("120", None) == 120.0
    # An HTTP date is read against the server's Date header, not the station clock.
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:30 GMT",
                             "Wed, 21 Oct 2026 07:28:00 GMT") == 30.0
    assert parse_retry_after("Wed, 21 Oct 2026 07:28:00 GMT",
                             "Wed, 21 Oct 2026 07:29:00 GMT") == 0.0
    assert parse_retry_after("soon", None) is None
    assert parse_retry_after(None, None) is None
    assert parse_retry_after("99999999", None) == 24 * 3600.0


def test_token_never_logged(server: Any, proxy: FaultProxy,
                            caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    client = fast_client(proxy.url, SECRET)
    client.health()
    new_case(server, 5)
    client.lookup("RMA-2099-0000005")
    # A broken server echoing the request (token included) into a malformed answer.
    echo = json.dumps({"echo": f"Authorization: Bearer {SECRET}"}).encode()
    proxy.add("GET", r"/health$", reply(200, b"<p>" + echo))
    proxy.add("PUT", r"/inspections/", reply(422, echo))
    with pytest.raises(Transient):
        client.health()
    with pytest.raises(Transient):
        client.put_inspection(str(uuid.uuid4()), b"{}")
    server.set_tokens(["other"])
    with pytest.raises(AuthFailed):
        client.health()
    assert caplog.records and "first bytes" in caplog.text
    assert SECRET not in caplog.text
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_tls_with_site_ca_and_wrong_host(server: Any, tmp_path: Path) -> None:
    ca = trustme.CA()
    ca_file = tmp_path / "site-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))

    def tls_proxy(host: str) -> FaultProxy:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert(host).configure_cert(ctx)
        return FaultProxy(server.url, ssl_context=ctx)

    with tls_proxy("127.0.0.1") as good:
        assert good.url.startswith("https://")
        client = fast_client(good.url, ca_bundle=str(ca_file))
        assert client.verify == str(ca_file)
        client.health()
        with pytest.raises(Transient, match="TLS"):  # the system store does not know the CA
            fast_client(good.url).health()
    with tls_proxy("wrong.example") as wrong:
        with pytest.raises(Transient, match="TLS") as exc:
            fast_client(wrong.url, ca_bundle=str(ca_file)).health()
        assert exc.value.network
