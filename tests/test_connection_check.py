"""The setup screen's connection test, against real local servers: each failure has one reason."""

from __future__ import annotations

import socket
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme

from app.connection import ConnectionResult, Failure, check_connection
from refserver import RunningServer
from tests.faults import FaultProxy
from tests.refserver_fixtures import DISABLED_TOKEN, STATION, TOKEN, start_test_server


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RunningServer]:
    with start_test_server(tmp_path) as running:
        yield running


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the block ends


def test_the_reference_server_with_the_right_token_connects(server: RunningServer) -> None:
    result = check_connection(server.url, STATION, TOKEN)
    assert result == ConnectionResult(Failure.OK)
    assert "answers" in result.message("en") and "连接成功" in result.message("zh_CN")


def test_wrong_token_is_a_401(server: RunningServer) -> None:
    result = check_connection(server.url, STATION, "not-the-token")
    assert result.kind is Failure.UNAUTHORIZED
    assert "401" in result.message() and "令牌" in result.message("zh_CN")


def test_disabled_station_is_a_403_with_the_servers_reason(server: RunningServer) -> None:
    result = check_connection(server.url, STATION, DISABLED_TOKEN)
    assert result.kind is Failure.FORBIDDEN
    assert "station_disabled" in result.message()


@pytest.mark.parametrize("suffix", ["", "/api/v2", "/cases"])
def test_wrong_path_is_named(server: RunningServer, suffix: str) -> None:
    root = server.url.rsplit("/api/v1", 1)[0]
    url = root + suffix
    result = check_connection(url, STATION, TOKEN)
    assert result.kind is Failure.WRONG_PATH, result
    assert url in result.message() and "/api/v1" in result.message()


def test_closed_port_is_refused() -> None:
    port = _closed_port()
    result = check_connection(f"http://127.0.0.1:{port}/api/v1", STATION, TOKEN, timeout=5)
    assert result.kind is Failure.REFUSED
    assert f"127.0.0.1:{port}" in result.message()


def test_unknown_host_is_dns() -> None:
    result = check_connection("https://no-such-case-server.invalid/api/v1", STATION, TOKEN)
    assert result.kind is Failure.DNS
    assert "no-such-case-server.invalid" in result.message()
    assert "DNS" in result.message("zh_CN")


def test_untrusted_certificate_is_tls_and_the_site_ca_fixes_it(server: RunningServer,
                                                               tmp_path: Path) -> None:
    ca = trustme.CA()
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(ctx)
    with FaultProxy(server.url, ssl_context=ctx) as tls:
        result = check_connection(tls.url, STATION, TOKEN)
        assert result.kind is Failure.TLS
        assert "certificate" in result.message() and "ca_bundle" in result.message()
        pem = tmp_path / "site-ca.pem"
        ca.cert_pem.write_to_path(str(pem))
        assert check_connection(tls.url, STATION, TOKEN, ca_bundle=str(pem)).ok


@pytest.mark.parametrize(("url", "station", "token", "word"), [
    ("ftp://cases.example/api", STATION, TOKEN, "api_base_url"),
    ("http://cases.example/api/v1", STATION, TOKEN, "plain http"),
    ("https://cases.example/api/v1", "bad id!", TOKEN, "station_id"),
    ("https://cases.example/api/v1", STATION, "two words", "token"),
    ("", STATION, TOKEN, "empty"),
])
def test_bad_entries_are_refused_before_any_request(url: str, station: str, token: str,
                                                    word: str) -> None:
    result = check_connection(url, station, token)
    assert result.kind is Failure.BAD_INPUT
    assert word in result.message()
