"""Reference case API server (development, demo mode, tests): the contract over loopback HTTP.

Not part of the station build. Standard-library HTTP server plus a SQLite store
through SQLAlchemy; see `start_server` and `RunningServer.store` for the Python
admin API that tests use.
"""

from __future__ import annotations

from refserver.demo_cases import DEMO_CASES, demo_case_documents
from refserver.server import API_PREFIX, ROUTES, RunningServer, start_server
from refserver.store import Store, StoredPhoto

__all__ = [
    "API_PREFIX",
    "DEMO_CASES",
    "ROUTES",
    "RunningServer",
    "Store",
    "StoredPhoto",
    "demo_case_documents",
    "start_server",
]
