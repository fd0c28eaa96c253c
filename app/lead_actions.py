"""What only a shift lead may do outside an inspection: retry, choose a line, close, settings.

Each action checks the role here (app/), whatever screen calls it.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from app.config import Settings, save_settings
from app.context import StationContext
from app.operators import Operator, require_shift_lead

__all__ = ["choose_line", "mark_handled", "retry_needs_attention", "save_station_settings"]

class _Current(Enum):
    """`by`'s default: whoever is logged in when the action runs."""

    OPERATOR = "current"


_CURRENT = _Current.OPERATOR


def _who(ctx: StationContext, by: Operator | _Current | None) -> Operator | None:
    # Callers that queue the action pass the operator seen when the button was pressed,
    # so a later logout/login cannot change who the action runs as.
    return ctx.operator if isinstance(by, _Current) else by


def retry_needs_attention(ctx: StationContext, inspection_id: str,
                          by: Operator | _Current | None = _CURRENT) -> None:
    """Send a needs-attention item again; shift leads only."""
    lead = require_shift_lead(_who(ctx, by), "retry an item that needs attention")
    ctx.store.retry_attention(inspection_id, by=lead)


def choose_line(ctx: StationContext, inspection_id: str, line_id: str,
                by: Operator | _Current | None = _CURRENT) -> None:
    """A shift lead picks the item line of a resolved offline inspection; it is then sent."""
    lead = require_shift_lead(_who(ctx, by), "choose the item line")
    ctx.store.choose_line(inspection_id, line_id, by=lead)


def mark_handled(ctx: StationContext, inspection_id: str, note: str,
                 by: Operator | _Current | None = _CURRENT) -> None:
    """Close a needs-attention item handled outside the station; shift leads only."""
    lead = require_shift_lead(_who(ctx, by), "mark an item as handled")
    ctx.store.mark_handled(inspection_id, by=lead, note=note)


def save_station_settings(ctx: StationContext, changes: dict[str, Any],
                          by: Operator | _Current | None = _CURRENT) -> Settings:
    """Validate (ConfigError names the key) and write the settings file; shift leads only.

    Returns the new settings; the caller installs them (on the GUI thread) as ctx.settings.
    """
    lead = require_shift_lead(_who(ctx, by), "change the station settings")
    new = ctx.settings.replace(**changes)
    save_settings(new, ctx.paths.config_file)
    ctx.store.audit(lead.operator_id, "settings_saved", "",
                    keys=sorted(k for k in changes if getattr(ctx.settings, k) != getattr(new, k)))
    return new
