"""First start of an unconfigured station: when the setup screen shows, and what it writes.

A station with no settings file and no operators has never been set up: the GUI shows
the setup screen (first shift lead, then the site's case API or training mode) instead
of guessing. A folder that holds evidence (photos, inspections) is never treated as
new, even when its database is missing: that is damage to report, not a first start.
The rules and the writes live here so they are tested without Qt.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.config import ConfigError, Settings, load_settings, save_settings
from app.domain import DomainError, Role
from app.messages import t
from app.paths import Paths

if TYPE_CHECKING:
    from app.operators import Operator
    from app.store import Store

LEAD_PIN_MIN = 6  # a shift lead can change settings and operators: longer than 4 digits

class SetupError(ValueError):
    """An entry on the setup screen is refused; `message(language)` says why."""

    def __init__(self, key: str, *args: object, text: str | None = None) -> None:
        self.key, self.args_, self.text = key, args, text
        super().__init__(self.message("en"))

    def message(self, language: str = "en") -> str:
        if self.text is not None:
            return self.text
        return t(language, f"setup_{self.key}", **({"n": self.args_[0]} if self.args_ else {}))


def _has_files(folder: Path) -> bool:
    try:
        return any(p.is_file() for p in folder.rglob("*"))
    except OSError:
        return True  # unreadable: assume it holds something


def _count(db: Path, table: str) -> int:
    """Rows in `table` read without migrating or creating anything (missing table: 0)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    except sqlite3.DatabaseError:
        return 0
    finally:
        conn.close()


def holds_evidence(paths: Paths) -> bool:
    """Photos, a token, the audit key, logs of an earlier database (the rule the station
    refuses to start over, app.evidence.evidence_in) or inspections on record."""
    from app.evidence import evidence_in

    if _has_files(paths.photos_dir) or evidence_in(paths):
        return True
    if not paths.db_file.exists():
        return False
    try:
        return _count(paths.db_file, "inspections") > 0
    except sqlite3.Error:
        return True  # a database that cannot be read is not "new"


def has_operators(paths: Paths) -> bool:
    if not paths.db_file.exists():
        return False
    try:
        return _count(paths.db_file, "operators") > 0
    except sqlite3.Error:
        return True


def needs_setup(paths: Paths) -> bool:
    """No settings file, no operators and no evidence: show the setup screen."""
    if paths.config_file.exists():
        return False
    return not has_operators(paths) and not holds_evidence(paths)


@dataclass(frozen=True, slots=True)
class FirstLead:
    operator_id: str
    name: str
    pin: str


def check_first_lead(operator_id: str, name: str, pin: str, pin_again: str) -> FirstLead:
    """The setup screen's first page, validated; raises SetupError."""
    operator_id, name = operator_id.strip(), name.strip()
    if not operator_id or not name:
        raise SetupError("need_fields")
    if not pin.isdigit():
        raise SetupError("pin_digits")
    if len(pin) < LEAD_PIN_MIN:
        raise SetupError("pin_short", LEAD_PIN_MIN)
    if pin != pin_again:
        raise SetupError("pin_differs")
    return FirstLead(operator_id, name, pin)


def add_first_lead(store: Store, lead: FirstLead) -> Operator:
    """The lead in a store (the station's, or training's own); raises SetupError."""
    from app.operators import Operators

    ops = Operators(store)
    try:
        return ops.add(lead.operator_id, lead.name, Role.SHIFT_LEAD, lead.pin,
                       lead.operator_id, by=None)
    except DomainError as exc:
        raise SetupError("", text=str(exc)) from None


def site_settings(*, url: str, station_id: str, ca_bundle: str = "",
                  language: str = "en") -> Settings:
    """The site's case API settings, checked; raises SetupError naming what is wrong."""
    try:
        settings = load_settings(None, env={}).replace(
            api_base_url=url, station_id=station_id, ca_bundle=ca_bundle, language=language)
    except ConfigError as exc:
        raise SetupError("", text=str(exc)) from None
    if not settings.api_base_url:
        raise SetupError("", text="api_base_url: the URL is empty")
    return settings


def write_site_settings(paths: Paths, settings: Settings, *, token: str,
                        by: Operator) -> Settings:
    """Store the token (a shift-lead action: the first lead's) and save the settings."""
    from app.sync.token import store_token

    paths.ensure()
    store_token(token, settings, paths.token_file, by=by)
    save_settings(settings, paths.config_file)
    return settings


def write_training_settings(paths: Paths, *, language: str = "en") -> Settings:
    """Training chosen: a settings file without a case API, so the next start trains too."""
    settings = Settings().replace(language=language)
    save_settings(settings, paths.config_file)
    return settings
