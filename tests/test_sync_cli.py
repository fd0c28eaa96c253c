"""`python -m app sync`: headless drain, exit codes, `--status --json`, demo mode."""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.domain import Operator, Role
from app.paths import resolve_paths
from app.store.store import Store
from app.sync.__main__ import main
from app.sync.token import store_token
from refserver import start_server
from tests.builders import complete_inspection
from tests.faults import new_case, temp_cwd_free_port

LEAD = Operator("L1", "Lead", Role.SHIFT_LEAD, None)  # storing a token needs one


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db", seed_demo=False, tokens={"site-token"}) as srv:
        yield srv


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INSPECTION_STATION_API_BASE_URL", "INSPECTION_STATION_DEMO_URL",
                 "INSPECTION_STATION_TOKEN_SOURCE", "INSPECTION_STATION_DATA",
                 "INSPECTION_STATION_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def station(tmp_path: Path, url: str, server: Any, n: int = 2) -> tuple[Path, list[str]]:
    data = tmp_path / "station"
    paths = resolve_paths(data)
    paths.ensure()
    if url:
        paths.config_file.write_text(f'api_base_url = "{url}"\ntoken_source = "file"\n')
    else:
        paths.config_file.write_text('token_source = "file"\n')
    store_token("site-token", Settings(token_source="file"), paths.token_file, by=LEAD)
    store = Store(paths.db_file, paths.photos_dir)
    ids = [complete_inspection(store, new_case(server, i), rng=random.Random(i))
           for i in range(n)]
    store.close()
    return data, ids


def test_sync_once_drains_and_exits_zero(tmp_path: Path, server: Any,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    data, ids = station(tmp_path, server.url, server)
    assert main(["--data-dir", str(data), "sync", "--once"]) == 0
    assert "sent 2, pending 0, needs attention 0" in capsys.readouterr().out
    assert sorted(server.store.inspection_ids()) == sorted(ids)
    assert main(["--data-dir", str(data), "--once"]) == 0  # nothing left: still 0
    assert "sent 0, pending 0" in capsys.readouterr().out


def test_sync_loop_mode_drains(tmp_path: Path, server: Any,
                               capsys: pytest.CaptureFixture[str]) -> None:
    data, _ids = station(tmp_path, server.url, server, n=3)
    assert main(["--data-dir", str(data), "sync", "--timeout", "20"]) == 0
    assert "sent 3, pending 0" in capsys.readouterr().out
    assert len(server.store.inspection_ids()) == 3


def test_pending_left_exits_one_and_status_json(tmp_path: Path, server: Any,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    with temp_cwd_free_port() as port:
        data, _ = station(tmp_path, f"http://127.0.0.1:{port}/api/v1", server, n=1)
        assert main(["--data-dir", str(data), "sync", "--once"]) == 1
        assert "sent 0, pending 1, needs attention 0" in capsys.readouterr().out
        assert main(["--data-dir", str(data), "sync", "--status", "--json"]) == 0
    status = json.loads(capsys.readouterr().out)
    assert status["queue_depth"] == 1 and status["online"] is False
    assert status["needs_attention"] == 0 and status["oldest_pending_age_s"] >= 0
    assert status["paused_for_auth"] is False and status["configured"] is True


def test_needs_attention_is_listed_with_reason(tmp_path: Path, server: Any,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    data, _ids = station(tmp_path, server.url, server, n=2)
    server.store.set_case_status("C-T000000", "cancelled")
    assert main(["--data-dir", str(data), "sync", "--once"]) == 0
    out = capsys.readouterr().out
    assert "sent 1, pending 0, needs attention 1" in out
    assert "case_cancelled" in out


def test_status_reports_refused_token(tmp_path: Path, server: Any,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    data, _ = station(tmp_path, server.url, server, n=1)
    server.set_tokens(["another"])
    assert main(["--data-dir", str(data), "sync", "--status", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["paused_for_auth"] is True
    assert main(["--data-dir", str(data), "sync"]) == 1  # paused: stops, says why
    err = capsys.readouterr().err
    assert "paused" in err and "token" in err


def test_demo_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                   capsys: pytest.CaptureFixture[str]) -> None:
    with start_server(tmp_path / "demo.db") as demo:  # accepts "demo-token"
        data, _ = station(tmp_path, "", demo, n=1)
        (resolve_paths(data).token_file).unlink()  # demo: no token stored at all
        assert main(["--data-dir", str(data), "sync", "--once"]) == 2
        assert "INSPECTION_STATION_DEMO_URL" in capsys.readouterr().err
        monkeypatch.setenv("INSPECTION_STATION_DEMO_URL", demo.url)
        assert main(["--data-dir", str(data), "sync", "--once"]) == 0
        assert demo.store.count_inspections() == 1
