"""The client-side rate limiter and call accounting."""

from __future__ import annotations

import threading
import time

from connectors.http import (
    CallStats,
    RollingWindowLimiter,
    Window,
    account_key,
    shared_limiter,
)


class FakeClock:
    """A clock that moves only when the limiter sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def send_times(
    limiter: RollingWindowLimiter, clock: FakeClock, calls: int
) -> list[float]:
    """Acquire ``calls`` times back to back and return when each was let through."""
    times = []
    for _ in range(calls):
        limiter.acquire()
        times.append(clock.now)
    return times


def most_in_any_window(times: list[float], seconds: float) -> int:
    """Return the most calls that fall in any rolling window of ``seconds``."""
    most = 0
    start = 0
    for end, moment in enumerate(times):
        while times[start] <= moment - seconds:
            start += 1
        most = max(most, end - start + 1)
    return most


def test_window_with_margin_keeps_the_share_free() -> None:
    """A 5 % margin on 190 calls per 10 s leaves 180."""
    window = Window.with_margin(190, 10.0, 0.05)

    assert window == Window(180, 10.0)


def test_window_per_second_handles_fractional_rates() -> None:
    """A fractional rate becomes a whole number of calls over a longer window."""
    assert Window.per_second(4.0) == Window(4, 1.0)
    assert Window.per_second(0.5) == Window(1, 2.0)


def test_limiter_below_window_never_waits() -> None:
    """Calls that fit in the window pass at once."""
    clock = FakeClock()
    limiter = RollingWindowLimiter(Window(10, 1.0), clock=clock, sleep=clock.sleep)

    waited = [limiter.acquire() for _ in range(10)]

    assert waited == [0.0] * 10
    assert clock.now == 1000.0


def test_limiter_never_exceeds_the_rolling_window() -> None:
    """No rolling window of 10 s ever holds more calls than allowed."""
    clock = FakeClock()
    limiter = RollingWindowLimiter(Window(180, 10.0), clock=clock, sleep=clock.sleep)

    times = send_times(limiter, clock, 2_000)

    assert most_in_any_window(times, 10.0) == 180


def test_limiter_reaches_the_ceiling() -> None:
    """Over a minute, back-to-back calls use at least 90 % of HubSpot's 190 / 10 s."""
    clock = FakeClock()
    window = Window.with_margin(190, 10.0, 0.05)
    limiter = RollingWindowLimiter(window, clock=clock, sleep=clock.sleep)

    times = send_times(limiter, clock, 5_000)

    in_first_minute = sum(1 for moment in times if moment < 1000.0 + 60.0)
    assert in_first_minute >= 0.9 * 190 * 6
    assert most_in_any_window(times, 10.0) <= 190


def test_limiter_search_calls_keep_their_own_rate() -> None:
    """Search calls stay within their per-second rate and count in the general one."""
    clock = FakeClock()
    limiter = RollingWindowLimiter(
        Window(180, 10.0), search=Window(4, 1.0), clock=clock, sleep=clock.sleep
    )

    searches = []
    for _ in range(40):
        limiter.acquire(search=True)
        searches.append(clock.now)
    limiter_general_left = [limiter.acquire() for _ in range(140)]

    assert most_in_any_window(searches, 1.0) == 4
    assert searches[-1] - searches[0] >= 9.0
    assert limiter_general_left == [0.0] * 140


def test_limiter_shared_by_threads_stays_in_window() -> None:
    """Threads acquiring together still keep every window within the limit."""
    limiter = RollingWindowLimiter(Window(20, 0.5))
    times: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(15):
            limiter.acquire()
            with lock:
                times.append(time.monotonic())

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(times) == 60
    assert most_in_any_window(sorted(times), 0.5) <= 21


def test_shared_limiter_is_one_per_account() -> None:
    """Connectors of one account share a limiter; another token gets its own."""
    window = Window(10, 1.0)
    key = account_key("https://api.example.test/", "token-a")

    first = shared_limiter(key, window)
    second = shared_limiter(account_key("https://api.example.test", "token-a"), window)
    other = shared_limiter(account_key("https://api.example.test", "token-b"), window)

    assert first is second
    assert other is not first
    assert "token-a" not in key


def test_call_stats_as_dict_is_flat_integer_counts() -> None:
    """The stats export calls by kind with the totals, all as integers."""
    stats = CallStats()
    stats.record_call("list")
    stats.record_call("list")
    stats.record_call("search")
    stats.record_rate_limited()
    stats.record_retry()

    counts = stats.as_dict()

    assert counts == {
        "list": 2,
        "search": 1,
        "total": 3,
        "rate_limited": 1,
        "retries": 1,
    }
