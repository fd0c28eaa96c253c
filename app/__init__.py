"""Return-inspection station: the Qt-free core (domain, rules, storage, scanning, sync, reports)."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("inspection-station")
except metadata.PackageNotFoundError:  # running from a source tree or a frozen bundle
    __version__ = "0.1.0"

PRODUCT = "InspectionStation"
