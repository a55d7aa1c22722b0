"""API economy and throughput of a sidos sync against the sandbox CRM.

For each size N the sandbox is seeded with N generated companies and HubSpot
Professional's limits (190 calls per 10 s, 5 searches per second); sidos syncs it
with the repository's config, the sample project export and a SQLite state in a
temporary directory. The script prints:

- the calls of a full sync against the least a sync can make: the listing pages
  (``ceil(live/100)`` plus one page of the recycle bin), the owners and properties
  calls, and ``ceil(changed/100)`` write batches;
- the calls per 10 s while the client limiter held calls back, against the ceiling
  of 190, and the 429 answers the sandbox served;
- the writes of a rerun right after the sync, which reads sidos's own writes back;
- sidos's pull alone beside the official ``hubspot-api-client`` reading the same
  companies with the same properties (``crm.companies.get_all``).

Run it from the repository root::

    .venv/bin/python -m benchmarks.sync --sizes 10000,100000
    .venv/bin/python -m benchmarks.sync --skip-100k
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import SecretStr

from connectors.hubspot import HubSpotConnector
from connectors.hubspot.account import account_limiter
from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.sandbox.routing import Reply
from sync.logs import configure_logging
from sync.plan import Operation
from sync.run import RunReport, execute
from sync.settings import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EXPORT = ROOT / "connectors" / "samples" / "rdi_projects.csv"
TOKEN = "benchmark-token"
CEILING = 190
WINDOW = 10.0
PAGE = 100
WRITE_ENDPOINTS = frozenset(
    {
        "companies.batch_create",
        "companies.batch_update",
        "companies.batch_upsert",
        "companies.merge",
        "companies.create",
        "companies.update",
    }
)
SEARCH = "companies.search"


@dataclass
class Timeline:
    """The calls the sandbox served and the waits of sidos's limiter, timed."""

    served: list[tuple[float, str, int]] = field(default_factory=list)
    holds: list[tuple[float, float]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def between(self, start: float, end: float) -> list[tuple[float, str, int]]:
        """Return the calls served from ``start`` to ``end``."""
        return [call for call in self.served if start <= call[0] <= end]


class RecordingLimiter:
    """A limiter that notes how long each call waited, then defers to the real one."""

    def __init__(self, inner: Any, timeline: Timeline) -> None:
        self.inner = inner
        self.timeline = timeline

    def acquire(self, *, search: bool = False) -> float:
        """Wait for the real limiter; note when a call other than a search was held."""
        asked = time.monotonic()
        waited = float(self.inner.acquire(search=search))
        if waited > 0 and not search:
            with self.timeline.lock:
                self.timeline.holds.append((asked, time.monotonic()))
        return waited


def record_calls(sandbox: SandboxServer, timeline: Timeline) -> None:
    """Note every call the sandbox answers, with its endpoint and status."""
    from connectors.hubspot.sandbox.errors import SandboxAPIError
    from connectors.hubspot.sandbox.routes import ROUTES
    from connectors.hubspot.sandbox.routing import find_route

    answer = sandbox.answer

    def timed(method: str, target: str, headers: Any, body: bytes) -> Reply:
        path = target.split("?", 1)[0]
        try:
            name = find_route(ROUTES, method, path).name
        except SandboxAPIError:
            name = path
        reply = answer(method, target, headers, body)
        with timeline.lock:
            timeline.served.append((time.monotonic(), name, reply.status))
        return reply

    sandbox.answer = timed  # type: ignore[method-assign]


def settings_for(url: str, state_file: Path, **crm: Any) -> Settings:
    """Return the repository's settings pointed at the sandbox and a state file."""
    settings = load_settings(ROOT / "config" / "sidos.yaml")
    crm_settings = settings.crm.model_copy(
        update={"base_url": url, "token": SecretStr(TOKEN), **crm}
    )
    sources = [
        source.model_copy(update={"path": SAMPLE_EXPORT})
        for source in settings.sources[:1]
    ]
    state = settings.state.model_copy(update={"url": f"sqlite:///{state_file}"})
    return settings.model_copy(
        update={"crm": crm_settings, "sources": sources, "state": state}
    )


def connector_for(settings: Settings, timeline: Timeline) -> HubSpotConnector:
    """Return a connector whose limiter waits are noted in ``timeline``."""
    token = settings.crm.token
    assert token is not None
    limiter = RecordingLimiter(account_limiter(settings.crm, token), timeline)
    return HubSpotConnector(settings.crm, limiter=limiter)


@contextmanager
def served_delta(sandbox: SandboxServer) -> Iterator[dict[str, Any]]:
    """Yield a dict filled, on exit, with what the sandbox served meanwhile."""
    before = sandbox.stats
    delta: dict[str, Any] = {}
    yield delta
    after = sandbox.stats
    delta["calls"] = Counter(after["calls"]) - Counter(before["calls"])
    delta["throttled"] = Counter(after["throttled"]) - Counter(before["throttled"])


@dataclass
class Throughput:
    """Calls per rolling 10 s while sidos's limiter held calls back."""

    mean: float
    windows: int
    peak: int


def throughput(timeline: Timeline, start: float, end: float) -> Throughput:
    """Measure calls per 10 s in the stretches where the limiter held calls back.

    A stretch runs from the moment a call was first held to the sending of the last
    call held, as long as holds follow each other within a window. Every 10 s window
    inside a stretch, started each half second, counts. Searches have their own
    per-second limit and are left out.
    """
    calls = sorted(t for t, name, _ in timeline.between(start, end) if name != SEARCH)
    counts = []
    for low, high in rate_bound_stretches(timeline, start, end):
        moment = low
        while moment + WINDOW <= high:
            counts.append(_count(calls, moment, moment + WINDOW))
            moment += 0.5
    peak = max((_count(calls, t, t + WINDOW) for t in calls), default=0)
    mean = sum(counts) / len(counts) if counts else 0.0
    return Throughput(mean, len(counts), peak)


def rate_bound_stretches(
    timeline: Timeline, start: float, end: float
) -> list[tuple[float, float]]:
    """Return the spans in which sidos's limiter kept holding calls back."""
    holds = sorted(hold for hold in timeline.holds if start <= hold[0] <= end)
    stretches: list[tuple[float, float]] = []
    for asked, sent in holds:
        if stretches and asked - stretches[-1][1] <= WINDOW:
            stretches[-1] = (stretches[-1][0], sent)
        else:
            stretches.append((asked, sent))
    return stretches


def _count(times: list[float], start: float, end: float) -> int:
    import bisect

    return bisect.bisect_left(times, end) - bisect.bisect_left(times, start)


def minimum_calls(report: RunReport, live: int, archived: int) -> dict[str, int]:
    """Return the least calls a full sync of these companies can make, by part."""
    counts = report.plan.counts()
    changed = counts.get("create", 0) + counts.get("update", 0)
    calls = report.api_calls
    return {
        "listing": math.ceil(live / PAGE) + max(1, math.ceil(archived / PAGE)),
        "owners": calls.get("owners", 0),
        "properties": calls.get("properties", 0),
        "writes": math.ceil(changed / PAGE),
    }


def run_size(size: int, *, official: bool) -> dict[str, Any]:
    """Measure one size; return its figures."""
    figures: dict[str, Any] = {"size": size}
    timeline = Timeline()
    seeded = time.perf_counter()
    sandbox = SandboxServer(
        seed=size, token=TOKEN, rate_limit=(CEILING, WINDOW), search_per_second=5
    ).start()
    figures["seed_s"] = time.perf_counter() - seeded
    record_calls(sandbox, timeline)
    try:
        with tempfile.TemporaryDirectory(prefix="sidos-bench-") as scratch:
            state = Path(scratch) / "state.db"
            measure_pulls(sandbox, settings_for(sandbox.url, state), timeline, figures)
            if official:
                pause_for_window()
                measure_official(sandbox, figures)
            pause_for_window()
            measure_sync(sandbox, state, timeline, figures)
    finally:
        sandbox.stop()
    return figures


def pause_for_window() -> None:
    """Let the rolling window empty, so one measurement does not slow the next."""
    time.sleep(WINDOW + 0.5)


def measure_pulls(
    sandbox: SandboxServer,
    settings: Settings,
    timeline: Timeline,
    figures: dict[str, Any],
) -> None:
    """Time sidos's full pull of the CRM alone."""
    connector = connector_for(settings, timeline)
    started = time.perf_counter()
    with served_delta(sandbox) as delta:
        records = list(connector.pull())
    figures["pull"] = {
        "records": len(records),
        "archived": sum(record.archived for record in records),
        "calls": sum(delta["calls"].values()),
        "seconds": time.perf_counter() - started,
        "429": sum(delta["throttled"].values()),
        "properties": connector.company_properties,
    }


def measure_official(sandbox: SandboxServer, figures: dict[str, Any]) -> None:
    """Time the official client's ``get_all`` over the same companies."""
    from hubspot import HubSpot
    from urllib3.util.retry import Retry

    retry = Retry(
        total=50,
        backoff_factor=0.5,
        backoff_max=10.0,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=None,
        respect_retry_after_header=True,
    )
    client = HubSpot(access_token=TOKEN, host=sandbox.url, retry=retry)
    started = time.perf_counter()
    with served_delta(sandbox) as delta:
        results = client.crm.companies.get_all(properties=figures["pull"]["properties"])
    figures["official"] = {
        "records": len(results),
        "calls": sum(delta["calls"].values()),
        "seconds": time.perf_counter() - started,
        "429": sum(delta["throttled"].values()),
    }


def measure_sync(
    sandbox: SandboxServer, state: Path, timeline: Timeline, figures: dict[str, Any]
) -> None:
    """Time a full sync, then a rerun that reads the sync's own writes back."""
    settings = settings_for(sandbox.url, state)
    started, clock = time.perf_counter(), time.monotonic()
    with served_delta(sandbox) as delta:
        report = execute(settings, kind="sync", crm=connector_for(settings, timeline))
    seconds, ended = time.perf_counter() - started, time.monotonic()
    figures["sync"] = {
        "seconds": seconds,
        "calls": dict(report.api_calls),
        "served": sum(delta["calls"].values()),
        "429": dict(delta["throttled"]),
        "plan": report.plan.counts(),
        "minimum": minimum_calls(
            report,
            figures["pull"]["records"] - figures["pull"]["archived"],
            figures["pull"]["archived"],
        ),
        "throughput": throughput(timeline, clock, ended),
    }

    # Right after the sync, with no horizon: every write sidos made is read back.
    echo = settings_for(
        sandbox.url, state, search_horizon_seconds=0.0, search_lookback_seconds=0.0
    )
    started = time.perf_counter()
    with served_delta(sandbox) as delta:
        rerun = execute(echo, kind="sync", crm=connector_for(echo, timeline))
    figures["rerun"] = {
        "seconds": time.perf_counter() - started,
        "calls": dict(rerun.api_calls),
        "writes": sum(delta["calls"][name] for name in WRITE_ENDPOINTS),
        "operations": len(rerun.plan.operations),
        "first": [_operation_text(op) for op in rerun.plan.operations[:3]],
        "429": dict(delta["throttled"]),
    }


def _operation_text(operation: Operation) -> str:
    changes = ", ".join(
        f"{change.field} {change.old!r}->{change.new!r}" for change in operation.changes
    )
    target = operation.company_id or "new company"
    return (
        f"{operation.kind} {operation.partner_id} {target}: {changes} "
        f"({operation.reason})"
    )


def print_figures(results: list[dict[str, Any]], command: str) -> None:
    """Print every figure as a table per size, with the command that made them."""
    print(f"\ncommand: {command}")
    for figures in results:
        sync, pull = figures["sync"], figures["pull"]
        minimum = sync["minimum"]
        least = sum(minimum.values())
        total = sync["calls"].get("total", 0)
        flow: Throughput = sync["throughput"]
        rows: list[tuple[str, str]] = [
            ("companies (live, archived)", f"{pull['records']:,} ({pull['archived']})"),
            ("full sync: time", f"{sync['seconds']:.1f} s"),
            ("full sync: plan", _kinds(sync["plan"])),
            ("full sync: calls by kind", _kinds(sync["calls"], skip=("total",))),
            ("full sync: calls", f"{total:,} (sandbox served {sync['served']:,})"),
            ("minimum calls", f"{least:,} = " + _kinds(minimum)),
            ("calls / minimum", f"{total / least:.3f} (target <= 1.05)"),
            ("rate-bound throughput", _throughput_text(flow)),
            ("peak calls in any 10 s", f"{flow.peak} (ceiling {CEILING})"),
            ("429 served during sync", _kinds(sync["429"]) or "0"),
            ("rerun: writes", f"{figures['rerun']['writes']}"),
            ("rerun: operations planned", f"{figures['rerun']['operations']}"),
            *(("rerun: operation", text) for text in figures["rerun"]["first"]),
            ("rerun: calls by kind", _kinds(figures["rerun"]["calls"])),
            ("rerun: time", f"{figures['rerun']['seconds']:.1f} s"),
            (
                "sidos pull alone",
                f"{pull['calls']:,} calls, {pull['seconds']:.1f} s, "
                f"{pull['records']:,} records, 429: {pull['429']}",
            ),
        ]
        official = figures.get("official")
        if official:
            rows.append(
                (
                    "hubspot-api-client get_all",
                    f"{official['calls']:,} calls, {official['seconds']:.1f} s, "
                    f"{official['records']:,} records, 429: {official['429']}",
                )
            )
        print(f"\n== {figures['size']:,} generated companies ==")
        width = max(len(name) for name, _ in rows)
        for name, value in rows:
            print(f"{name:<{width}}  {value}")


def _throughput_text(flow: Throughput) -> str:
    if not flow.windows:
        return "never held back for a whole window: not rate-bound"
    return (
        f"{flow.mean:.1f} calls/10 s = {flow.mean / CEILING:.1%} of {CEILING}, "
        f"mean of {flow.windows} windows (target >= 90 %)"
    )


def _kinds(counts: dict[str, Any], skip: tuple[str, ...] = ()) -> str:
    return ", ".join(
        f"{name} {value}" for name, value in sorted(counts.items()) if name not in skip
    )


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    """Read the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="10000,100000",
        help="comma-separated numbers of generated companies (default 10000,100000)",
    )
    parser.add_argument(
        "--skip-100k",
        action="store_true",
        help="leave out sizes of 100,000 and more (they take several minutes each)",
    )
    parser.add_argument(
        "--no-official-client",
        action="store_true",
        help="do not run hubspot-api-client's get_all beside sidos's pull",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmark for every size asked for and print the figures."""
    arguments = parse_arguments(sys.argv[1:] if argv is None else argv)
    configure_logging(level="error", json=False, secrets=[TOKEN])
    sizes = [int(size) for size in arguments.sizes.split(",") if size.strip()]
    if arguments.skip_100k:
        sizes = [size for size in sizes if size < 100_000]
    results = []
    for size in sizes:
        started = time.perf_counter()
        results.append(run_size(size, official=not arguments.no_official_client))
        print(f"{size:,} companies measured in {time.perf_counter() - started:.0f} s")
    print_figures(results, "python -m benchmarks.sync " + " ".join(sys.argv[1:]))


if __name__ == "__main__":
    main()
