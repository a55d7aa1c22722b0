"""Partner resolution: which records are one organisation, and why.

``resolve`` is the entry point the sync core calls; ``match_records`` is its
array-level core, used where no partner objects are needed (``sidos match``, the
benchmarks).
"""

from __future__ import annotations

from sync.resolve.matching import Matching, match_records
from sync.resolve.resolver import Resolution, resolve

__all__ = ["Matching", "Resolution", "match_records", "resolve"]
