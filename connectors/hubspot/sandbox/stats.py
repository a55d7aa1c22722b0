"""What the sandbox has served: calls by endpoint, statuses, 429s and faults.

Tests and benchmarks read it to count API calls (``SandboxServer.stats`` or
``GET /_sandbox/stats``); neither the stats endpoint nor its numbers exist in HubSpot.
"""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any


class SandboxStats:
    """Thread-safe counters of one sandbox server."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: Counter[str] = Counter()
        self._statuses: Counter[str] = Counter()
        self._throttled: Counter[str] = Counter()
        self._faults: Counter[str] = Counter()

    def count_call(self, endpoint: str) -> None:
        """Count one call that reached an endpoint."""
        with self._lock:
            self._calls[endpoint] += 1

    def count_status(self, status: int) -> None:
        """Count one reply by its status; a dropped connection counts as ``0``."""
        with self._lock:
            self._statuses[str(status)] += 1

    def count_throttled(self, policy: str) -> None:
        """Count one 429 served, by policy (or ``fault_storm``)."""
        with self._lock:
            self._throttled[policy] += 1

    def count_fault(self, kind: str) -> None:
        """Count one injected fault by kind."""
        with self._lock:
            self._faults[kind] += 1

    def snapshot(self) -> dict[str, Any]:
        """Return every counter as plain JSON-ready data."""
        with self._lock:
            return {
                "calls": dict(self._calls),
                "calls_total": sum(self._calls.values()),
                "statuses": dict(self._statuses),
                "throttled": dict(self._throttled),
                "throttled_total": sum(self._throttled.values()),
                "faults": dict(self._faults),
                "faults_total": sum(self._faults.values()),
            }
