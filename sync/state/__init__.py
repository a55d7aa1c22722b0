"""The state store: runs, cursors, record snapshots, partners, operations, audit."""

from __future__ import annotations

from sync.state.store import StateStore, open_store

__all__ = ["StateStore", "open_store"]
