"""The station's running parts, started in one place and shut down in one place.

The GUI, the CLI and the tests build one StationContext: settings, store, operator
roster, checklist templates and disposition rules, and (in demo mode) the demo
environment. Threads (camera, sync) are started by their owners and registered with
`on_close` so nothing outlives the context.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from app.checklists import load_templates
from app.config import Settings, load_settings
from app.domain import ChecklistTemplate
from app.operators import LoginPolicy, Operator, Operators
from app.paths import Paths
from app.resources import resource_path
from app.rules import DispositionRules
from app.station_store import open_station_store
from app.store import Store
from app.store.audit import ChainCheck

if TYPE_CHECKING:  # app.demo loads OpenCV: only a training start imports it
    from app.demo import DemoBackend, DemoEnvironment

log = logging.getLogger("station.context")


@dataclass
class StationContext:
    paths: Paths
    settings: Settings
    store: Store
    operators: Operators
    templates: dict[str, ChecklistTemplate]
    rules: DispositionRules
    demo: DemoEnvironment | None = None  # when running the demo (training mode)
    operator: Operator | None = None
    audit_check: ChainCheck | None = None  # the audit chain as verified at open
    _closers: list[Callable[[], None]] = field(default_factory=list)

    @classmethod
    def open(cls, paths: Paths, settings: Settings | None = None, *,
             demo: DemoBackend | None = None) -> StationContext:
        """Open the station; with a `demo` backend, start the demo in its own folder."""
        settings = settings or load_settings(paths.config_file)
        # The site's files first: a broken one must stop the start before anything runs.
        templates = load_templates(resource_path("checklists"))
        rules = DispositionRules.load(resource_path("dispositions.toml"))
        demo_env = None
        if demo is not None:
            from app.demo import DemoEnvironment, seed_demo_operators

            demo_env = DemoEnvironment(paths, settings, demo)
            paths, settings = demo_env.paths, demo_env.settings
        store, audit_check = open_station_store(paths, settings)
        if demo_env is not None:
            demo_env.write_token()
            seed_demo_operators(store)
        ctx = cls(
            paths=paths,
            settings=settings,
            store=store,
            operators=Operators(store, LoginPolicy.from_settings(settings)),
            templates=templates,
            rules=rules,
            demo=demo_env,
            audit_check=audit_check,
        )
        return ctx

    def on_close(self, closer: Callable[[], None]) -> None:
        self._closers.append(closer)

    def close(self) -> None:
        """Stop everything in reverse start order; the store closes last."""
        while self._closers:
            closer = self._closers.pop()
            try:
                closer()
            except Exception:
                log.exception("error while shutting down")
        if self.demo is not None:
            self.demo.stop()
        self.store.close()
