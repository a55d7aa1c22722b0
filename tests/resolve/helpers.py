"""Shared builders for the resolution tests."""

from __future__ import annotations

from typing import Any

from mappings.model import Organisation, SourceRef
from sync.settings import MatchingSettings


def make_org(ref: str, name: str, **fields: Any) -> Organisation:
    """Build a record from a ``source:id`` ref and its fields."""
    for key in ("roles", "units", "staff"):
        if key in fields:
            fields[key] = frozenset(fields[key])
    return Organisation(ref=SourceRef.parse(ref), name=name, **fields)


def fixed_settings(**overrides: Any) -> MatchingSettings:
    """Return matching settings with the default weights, not learned ones."""
    return MatchingSettings(learn_weights=False, **overrides)
