"""Return-inspection station: the Qt-free core (domain, rules, storage, scanning, sync, reports)."""

from __future__ import annotations

# The one version source: pyproject.toml reads it (dynamic version), so the wheel, the
# bundle (build.spec) and `--version` all say what this line says.
__version__ = "0.1.0"

PRODUCT = "InspectionStation"
