"""Call accounting: what a connector asked of an API, by kind of call."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field


@dataclass
class CallStats:
    """Counts of calls sent, rate-limit answers, retries and time spent throttled.

    Every HTTP request sent counts once under its kind, retries included, so that
    ``total`` is what the API's quota saw. Safe to update from several threads.
    """

    calls: Counter[str] = field(default_factory=Counter)
    rate_limited: int = 0
    retries: int = 0
    throttled_seconds: float = 0.0
    _lock: threading.Lock = field(
        default_factory=threading.Lock, repr=False, compare=False
    )

    @property
    def total(self) -> int:
        """Return the number of calls sent, of every kind."""
        return sum(self.calls.values())

    def record_call(self, kind: str) -> None:
        """Count one request sent.

        Args:
            kind: what the call was for: ``list``, ``search``, ``batch_upsert``, ….
        """
        with self._lock:
            self.calls[kind] += 1

    def record_rate_limited(self) -> None:
        """Count one 429 answer."""
        with self._lock:
            self.rate_limited += 1

    def record_retry(self) -> None:
        """Count one retry scheduled."""
        with self._lock:
            self.retries += 1

    def record_throttled(self, seconds: float) -> None:
        """Add time spent waiting for the client-side limiter.

        Args:
            seconds: how long the limiter held a call back.
        """
        with self._lock:
            self.throttled_seconds += seconds

    def snapshot(self) -> dict[str, object]:
        """Return the counts as plain data, for printing or exporting as metrics.

        Returns:
            ``{"total", "by_kind", "rate_limited", "retries", "throttled_seconds"}``.
        """
        with self._lock:
            by_kind = dict(sorted(self.calls.items()))
            return {
                "total": sum(by_kind.values()),
                "by_kind": by_kind,
                "rate_limited": self.rate_limited,
                "retries": self.retries,
                "throttled_seconds": round(self.throttled_seconds, 3),
            }

    def as_dict(self) -> dict[str, int]:
        """Return flat integer counts: calls by kind, then the totals.

        Returns:
            Each kind's count, plus ``total``, ``rate_limited`` and ``retries``.
        """
        with self._lock:
            counts = dict(sorted(self.calls.items()))
            return {
                **counts,
                "total": sum(counts.values()),
                "rate_limited": self.rate_limited,
                "retries": self.retries,
            }
