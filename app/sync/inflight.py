"""Several outbox items on the wire at once, so one lost answer holds one slot, not the queue.

A PUT whose answer never comes keeps its thread until the call's deadline; the other
slots go on sending what is due, and the next item's photos travel while the last one's
acknowledgement is on its way back (issue 17.3). One item is still processed by one
thread from start to end, so its photos always go before its result.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")

# Items sent at once by default: enough to hide one round trip and one lost answer
# behind the others, few enough not to crowd a site's server (one station, one bench).
IN_FLIGHT = 4


def run_in_flight(
    width: int,
    fetch: Callable[[frozenset[str], int], Sequence[T]],
    key: Callable[[T], str],
    work: Callable[[T], str],
    done: Callable[[T, str], None],
    go_on: Callable[[], bool],
    *,
    poll_s: float = 0.2,
) -> None:
    """Keep up to ``width`` calls of ``work`` running until nothing is due or running.

    ``fetch(busy, room)`` returns up to ``room`` items due now, without those whose key
    is in ``busy`` (in flight); ``done(item, outcome)`` runs on the calling thread as each one ends;
    no new item starts once ``go_on()`` is false (offline, paused, stopping), and the
    items already on the wire finish (each within its own deadline). While a slot is
    free and something hangs, what became due meanwhile is fetched every ``poll_s``.
    """
    running: dict[Future[str], T] = {}
    with ThreadPoolExecutor(max_workers=max(1, width),
                            thread_name_prefix="outbox-send") as pool:
        while True:
            if len(running) < width and go_on():
                busy = frozenset(key(item) for item in running.values())
                for item in fetch(busy, width - len(running)):
                    running[pool.submit(work, item)] = item
            if not running:
                return
            timeout = poll_s if len(running) < width else None
            finished, _ = wait(running, timeout=timeout, return_when=FIRST_COMPLETED)
            for fut in finished:
                done(running.pop(fut), fut.result())
