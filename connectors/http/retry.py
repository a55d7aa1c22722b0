"""The retry policy: which failures are tried again, and how long to wait first.

Only ``RetriableAPIError`` is retried. The wait honours ``Retry-After`` when the
server sends it; otherwise a 429 waits for HubSpot's named window (the rolling
window for ``TEN_SECONDLY_ROLLING``, a second for ``SECONDLY``) times the attempt,
a 423 waits two seconds times the attempt, and the rest back off exponentially
with jitter. Every wait is capped. A request that is not idempotent is retried only
when the server cannot have acted on it: a 429 or a connection never opened.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import structlog
import tenacity

from connectors.errors import RetriableAPIError
from connectors.http.stats import CallStats
from connectors.http.translation import NotSentError, RateLimitedError

T = TypeVar("T")

log = structlog.get_logger(__name__)

# HubSpot's policy names and the seconds each one's window lasts; see
# https://developers.hubspot.com/docs/api-reference/error-handling
_POLICY_SECONDS = {"SECONDLY": 1.0}
_LOCKED_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How many times to retry and how long to wait, as a frozen value.

    ``max_retries`` counts retries, so a call is sent at most ``max_retries + 1``
    times. ``window_seconds`` is the rolling window waited out after a 429 that
    names no shorter policy.
    """

    max_retries: int = 6
    max_wait: float = 60.0
    window_seconds: float = 10.0
    backoff_initial: float = 0.5

    def wait_for(self, error: BaseException | None, attempt: int) -> float:
        """Return the seconds to wait before retrying after ``error``.

        Args:
            error: what the failed attempt raised.
            attempt: the number of the attempt that failed, from 1.

        Returns:
            The wait, at most ``max_wait``.
        """
        return min(self._uncapped_wait(error, attempt), self.max_wait)

    def _uncapped_wait(self, error: BaseException | None, attempt: int) -> float:
        if isinstance(error, RetriableAPIError) and error.retry_after is not None:
            return error.retry_after
        if isinstance(error, RateLimitedError):
            return _POLICY_SECONDS.get(error.policy, self.window_seconds) * attempt
        if isinstance(error, RetriableAPIError) and error.status == 423:
            return _LOCKED_SECONDS * attempt
        backoff = self.backoff_initial * 2.0 ** (attempt - 1)
        return backoff + random.uniform(0, backoff / 4)


def call_with_retries(
    call: Callable[[], T],
    *,
    policy: RetryPolicy,
    method: str,
    endpoint: str,
    idempotent: bool = True,
    sleep: Callable[[float], None],
    stats: CallStats | None = None,
) -> T:
    """Run ``call`` until it succeeds, fails fatally or runs out of retries.

    Args:
        call: one attempt; raises ``RetriableAPIError`` for a failure worth repeating.
        policy: the limits and waits.
        method: the HTTP method, for the retry event.
        endpoint: the URL path without query, for the retry event.
        idempotent: whether repeating a request the server may have acted on is safe.
        sleep: waits the given seconds; tests pass a recorder.
        stats: where retries are counted.

    Returns:
        What the first successful attempt returned.

    Raises:
        RetriableAPIError: the last failure, once retries are used up or unsafe.
        APIError: any other failure of an attempt, at once.
    """
    retrying = tenacity.Retrying(
        retry=tenacity.retry_if_exception(_retry_predicate(idempotent)),
        stop=tenacity.stop_after_attempt(policy.max_retries + 1),
        wait=lambda state: policy.wait_for(_error_of(state), state.attempt_number),
        sleep=sleep,
        before_sleep=_retry_announcer(method, endpoint, policy, stats),
        reraise=True,
    )
    return retrying(call)


def _retry_predicate(idempotent: bool) -> Callable[[BaseException], bool]:
    if idempotent:
        return lambda error: isinstance(error, RetriableAPIError)
    return lambda error: isinstance(error, RateLimitedError | NotSentError)


def _error_of(state: tenacity.RetryCallState) -> BaseException | None:
    return state.outcome.exception() if state.outcome is not None else None


def _retry_announcer(
    method: str, endpoint: str, policy: RetryPolicy, stats: CallStats | None
) -> Callable[[tenacity.RetryCallState], None]:
    def announce(state: tenacity.RetryCallState) -> None:
        error = _error_of(state)
        if stats is not None:
            stats.record_retry()
        log.warning(
            "http.retry_scheduled",
            method=method,
            endpoint=endpoint,
            attempt=state.attempt_number,
            max_attempts=policy.max_retries + 1,
            status=getattr(error, "status", None),
            error=type(error).__name__,
            wait_s=round(state.upcoming_sleep, 3),
        )

    return announce
