"""The client-side rate limiter: stay under an API's published limits by waiting.

One limiter per account is shared by every connector in the process
(``shared_limiter``), because HubSpot counts all of an account's callers against one
bucket. A call is let through at once while the rolling window has room, so a long
run reaches the full allowance instead of being spaced out evenly.
"""

from __future__ import annotations

import hashlib
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

# Float clocks can land a hair before a window edge after sleeping exactly the
# computed wait; these keep the loop from spinning on nanosecond remainders.
_EDGE = 1e-9
_MIN_WAIT = 1e-3


class Limiter(Protocol):
    """What a client needs from a limiter: permission to send one call."""

    def acquire(self, *, search: bool = False) -> float:
        """Block until one more call fits; return the seconds waited."""
        ...


@dataclass(frozen=True, slots=True)
class Window:
    """At most ``requests`` calls in any rolling ``seconds``."""

    requests: int
    seconds: float

    @classmethod
    def per_second(cls, rate: float) -> Window:
        """Express a rate per second as a window holding a whole number of calls.

        Args:
            rate: calls per second, possibly fractional.

        Returns:
            A window of ``max(1, floor(rate))`` calls over the matching seconds.
        """
        requests = max(1, math.floor(rate))
        return cls(requests, requests / rate)

    @classmethod
    def with_margin(cls, requests: int, seconds: float, margin: float) -> Window:
        """Return the window left after keeping ``margin`` of it for others.

        Args:
            requests: the published calls per window.
            seconds: the window's length.
            margin: the share kept free, from 0 up to but not including 1.

        Returns:
            A window of ``floor(requests × (1 − margin))`` calls, at least one.
        """
        return cls(max(1, math.floor(requests * (1 - margin))), seconds)


class _RollingLog:
    """The send times of the calls inside the current window."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self._times: deque[float] = deque()

    def wait_needed(self, now: float) -> float:
        horizon = now - self.window.seconds + _EDGE
        while self._times and self._times[0] <= horizon:
            self._times.popleft()
        if len(self._times) < self.window.requests:
            return 0.0
        return max(self._times[0] + self.window.seconds - now, _MIN_WAIT)

    def record(self, now: float) -> None:
        self._times.append(now)


class RollingWindowLimiter:
    """A thread-safe limiter over a general window and a stricter search window.

    Search calls count against both windows; other calls against the general one.
    """

    def __init__(
        self,
        window: Window,
        *,
        search: Window | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._general = _RollingLog(window)
        self._search = _RollingLog(search) if search is not None else None
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()

    @property
    def window(self) -> Window:
        """Return the general window this limiter keeps to."""
        return self._general.window

    def acquire(self, *, search: bool = False) -> float:
        """Block until one more call fits in the windows, then count it.

        Args:
            search: whether the call is a search, which has its own rate.

        Returns:
            The seconds spent waiting.
        """
        waited = 0.0
        while True:
            wait = self._try_take(search)
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait

    def _try_take(self, search: bool) -> float:
        logs = [self._general]
        if search and self._search is not None:
            logs.append(self._search)
        with self._lock:
            now = self._clock()
            wait = max(log.wait_needed(now) for log in logs)
            if wait <= 0:
                for log in logs:
                    log.record(now)
            return wait


_shared: dict[str, RollingWindowLimiter] = {}
_shared_lock = threading.Lock()


def account_key(base_url: str, token: str) -> str:
    """Name an account by its API address and a digest of its token.

    Args:
        base_url: the API's base URL.
        token: the secret token; only a short digest of it is kept.

    Returns:
        A key that is equal for every client of one account.
    """
    digest = hashlib.sha256(token.encode()).hexdigest()[:16]
    return f"{base_url.rstrip('/')}#{digest}"


def shared_limiter(
    key: str, window: Window, *, search: Window | None = None
) -> RollingWindowLimiter:
    """Return the process-wide limiter of an account, creating it on first use.

    The first caller's windows win; later callers of the same account share them.

    Args:
        key: the account, as ``account_key`` names it.
        window: the general window.
        search: the search window, if the API has one.

    Returns:
        The one limiter of this account in this process.
    """
    with _shared_lock:
        limiter = _shared.get(key)
        if limiter is None:
            limiter = _shared[key] = RollingWindowLimiter(window, search=search)
        return limiter
