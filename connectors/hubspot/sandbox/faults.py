"""Injected faults: what a real CRM does to a client on a bad day.

With probability ``rate`` per call, a seeded generator picks one fault:

- ``storm``: this call and the next few answer 429 with ``Retry-After: 1``;
- ``server_error``: 500, 502 or 503;
- ``slow``: the answer comes after about a second;
- ``drop``: the connection closes with no answer; for a write, sometimes after the
  write was applied (the client cannot tell whether it happened);
- ``malformed``: 200 with truncated JSON; for a write, sometimes after applying it.

Faults act on replies only: the store never sees a half-applied write.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from enum import StrEnum


class FaultKind(StrEnum):
    """The kinds of fault the sandbox injects."""

    STORM = "storm"
    SERVER_ERROR = "server_error"
    SLOW = "slow"
    DROP = "drop"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class Fault:
    """One injected fault; ``after_write`` means the write is applied first."""

    kind: FaultKind
    status: int = 0
    after_write: bool = False
    delay_seconds: float = 0.0


STORM_LENGTH = (2, 5)
SLOW_SECONDS = 1.0
SERVER_STATUSES = (500, 502, 503)


class FaultInjector:
    """Decide, call by call, whether and how to misbehave; reproducible by seed."""

    def __init__(
        self, rate: float, seed: int = 0, *, slow_seconds: float = SLOW_SECONDS
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate {rate} must be between 0 and 1")
        self.rate = rate
        self.slow_seconds = slow_seconds
        self._random = random.Random(seed)
        self._storm_left = 0
        self._lock = threading.Lock()

    def draw(self, *, is_write: bool) -> Fault | None:
        """Return the fault to inject into this call, or ``None``."""
        if self.rate == 0.0:
            return None
        with self._lock:
            if self._storm_left > 0:
                self._storm_left -= 1
                return Fault(FaultKind.STORM, status=429)
            if self._random.random() >= self.rate:
                return None
            return self._pick(is_write)

    def _pick(self, is_write: bool) -> Fault:
        kind = self._random.choice(list(FaultKind))
        after_write = is_write and self._random.random() < 0.5
        if kind is FaultKind.STORM:
            self._storm_left = self._random.randint(*STORM_LENGTH)
            return Fault(kind, status=429)
        if kind is FaultKind.SERVER_ERROR:
            return Fault(kind, status=self._random.choice(SERVER_STATUSES))
        if kind is FaultKind.SLOW:
            return Fault(kind, delay_seconds=self.slow_seconds)
        return Fault(kind, after_write=after_write)
