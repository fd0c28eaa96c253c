"""Case lookup with the cache: online answers are cached, offline falls back or says Offline."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.store.store import Store
from app.sync.client import Ambiguous, NotFound
from app.sync.lookup import CaseLookup, Found, Offline
from app.sync.status import SyncStatus
from refserver import start_server
from tests.faults import FaultProxy, fast_client, reply


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    with start_server(tmp_path / "srv.db") as srv:
        yield srv


def test_online_caches_then_offline_uses_cache(server: Any, store: Store) -> None:
    status = SyncStatus()
    with FaultProxy(server.url) as proxy:
        lookup = CaseLookup(fast_client(proxy.url), store, status=status)
        found = lookup.lookup("RMA-2026-0001235")
        assert isinstance(found, Found) and not found.from_cache
        assert status.snapshot.online is True
        proxy.refuse()
        again = lookup.lookup("rma-2026-0001235")  # by RMA, any letter case
        assert isinstance(again, Found) and again.from_cache
        assert again.case == found.case
        by_tracking = lookup.lookup(found.case.tracking_numbers[0])
        assert isinstance(by_tracking, Found) and by_tracking.from_cache
        assert status.snapshot.online is False
        unknown = lookup.lookup("RMA-2026-0001236")  # never looked up: start unverified
        assert isinstance(unknown, Offline) and unknown.code == "RMA-2026-0001236"
        assert not unknown.server_answered  # nobody answered: the network is down


def test_a_server_error_is_told_apart_from_no_network(server: Any, store: Store) -> None:
    with FaultProxy(server.url) as proxy:
        lookup = CaseLookup(fast_client(proxy.url), store)
        proxy.add("GET", r"/cases/lookup", reply(503, b"<html>maintenance</html>"), times=1)
        out = lookup.lookup("RMA-2026-0001237")
        assert isinstance(out, Offline) and out.server_answered
        assert "503" in out.reason


def test_not_found_and_ambiguous_pass_through(server: Any, store: Store) -> None:
    lookup = CaseLookup(fast_client(server.url), store)
    assert isinstance(lookup.lookup("NOPE-1"), NotFound)
    amb = lookup.lookup("SO-88812")
    assert isinstance(amb, Ambiguous) and len(amb.candidates) == 2
    assert isinstance(lookup.lookup("   "), NotFound)


def test_refused_token_still_lets_the_bench_work(server: Any, store: Store) -> None:
    lookup = CaseLookup(fast_client(server.url, "bad-token"), store)
    out = lookup.lookup("RMA-2026-0001234")
    assert isinstance(out, Offline) and "refused" in out.reason


def test_no_client_demo_without_server(store: Store) -> None:
    assert isinstance(CaseLookup(None, store).lookup("RMA-2026-0001234"), Offline)


def test_lookup_outcomes_are_one_union_defined_in_one_module() -> None:
    """15.5: Found, Ambiguous, NotFound and Offline live in app/sync/outcomes.py; the
    lookup, the client and the screens import that one definition."""
    from typing import get_args

    import app.sync.client as client
    import app.sync.lookup as lookup
    import app.sync.outcomes as outcomes

    members = get_args(outcomes.LookupOutcome)
    assert members == (outcomes.Found, outcomes.Ambiguous, outcomes.NotFound, outcomes.Offline)
    assert {m.__module__ for m in members} == {"app.sync.outcomes"}
    assert (lookup.Found, lookup.Offline, client.NotFound, client.Ambiguous) == (
        outcomes.Found, outcomes.Offline, outcomes.NotFound, outcomes.Ambiguous)
    from app.domain import Case

    assert set(get_args(outcomes.CaseAnswer)) - set(members) == {Case}
