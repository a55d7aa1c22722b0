"""HubSpot's rate limits: a rolling ten-second window per token, and search per second.

HubSpot counts calls per app token in a rolling window (190 per 10 s on Professional
and Enterprise) and reports the budget in ``X-HubSpot-RateLimit-*`` headers; the search
API has its own per-second limit and no headers. A refused call does not use up the
budget. See https://developers.hubspot.com/docs/api/usage-details.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

TEN_SECONDLY = "TEN_SECONDLY_ROLLING"
SECONDLY = "SECONDLY"


@dataclass(frozen=True)
class Verdict:
    """Whether a call may go ahead, and the numbers for the rate-limit headers."""

    allowed: bool
    maximum: int
    remaining: int
    interval_ms: int


def parse_rate_limit(text: str) -> tuple[int, float]:
    """Read ``190/10s`` (calls per window of seconds) into ``(190, 10.0)``.

    Raises:
        ValueError: the text is not of the form ``CALLS/SECONDSs``.
    """
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*", text)
    if match is None or int(match[1]) == 0 or float(match[2]) == 0:
        raise ValueError(
            f"rate limit {text!r} is not of the form CALLS/SECONDS, e.g. 190/10s"
        )
    return int(match[1]), float(match[2])


class RollingWindowLimit:
    """At most ``maximum`` calls per key in any window of ``seconds``."""

    def __init__(
        self,
        maximum: int,
        seconds: float,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.maximum = maximum
        self.seconds = seconds
        self._clock = clock
        self._calls: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> Verdict:
        """Count one call for ``key`` if the window has room; say whether it had."""
        with self._lock:
            now = self._clock()
            calls = self._calls.setdefault(key, deque())
            while calls and calls[0] <= now - self.seconds:
                calls.popleft()
            allowed = len(calls) < self.maximum
            if allowed:
                calls.append(now)
            return Verdict(
                allowed,
                self.maximum,
                self.maximum - len(calls),
                int(self.seconds * 1000),
            )
