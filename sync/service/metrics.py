"""Prometheus metrics of the service: runs, their figures, and the store's backlog.

Counters and the duration histogram count what this replica did; sum them over the
fleet. The gauges read from the state store (dead letters, pending reviews, the last
success of each job) are the fleet's, the same on every replica. No metric carries an
organisation's or a person's data: labels are job, outcome, reason, source and CRM
names from the settings.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from sqlalchemy.exc import SQLAlchemyError

from sync.service.claims import SlotBook
from sync.state import StateStore

log = structlog.get_logger()

OUTCOMES = ("succeeded", "failed", "interrupted")
DURATION_BUCKETS = (1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200)
# Keys of RunReport.api_calls that are not calls; see ``api_figures``.
_NOT_CALLS = frozenset({"total", "rate_limited", "retries", "throttled_seconds"})


def api_figures(api_calls: Mapping[str, Any]) -> tuple[int, int]:
    """Read a run's API call count and its 429 answers from ``RunReport.api_calls``.

    Args:
        api_calls: the connector's figures: ``total`` and ``rate_limited`` when
            present, otherwise call counts by kind.

    Returns:
        The number of calls sent and the number answered 429.
    """
    if isinstance(api_calls.get("total"), int):
        calls = int(api_calls["total"])
    else:
        calls = sum(
            value
            for key, value in api_calls.items()
            if key not in _NOT_CALLS and isinstance(value, int)
        )
    limited = api_calls.get("rate_limited", 0)

    return calls, limited if isinstance(limited, int) else 0


class ServiceMetrics:
    """The service's metrics, in a registry of their own."""

    def __init__(self, crm: str) -> None:
        # The `_created` series double what is exported and no dashboard reads them.
        disable_created_metrics()  # type: ignore[no-untyped-call]  # unannotated
        self.crm = crm
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self.runs = Counter(
            "sidos_runs",
            "Scheduled runs on this replica, by job and outcome.",
            ["job", "outcome"],
            registry=self.registry,
        )
        self.skips = Counter(
            "sidos_job_skips",
            "Fires of a job this replica did not run, by reason.",
            ["job", "reason"],
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "sidos_runs_in_progress",
            "Runs of the job going on on this replica.",
            ["job"],
            registry=self.registry,
        )
        self.duration = Histogram(
            "sidos_run_duration_seconds",
            "How long scheduled runs took.",
            ["job"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._add_run_figures()
        self._add_reload_figures()

    def prepare(self, job_ids: Iterable[str]) -> None:
        """Create each job's series at zero, so dashboards see them before a run."""
        for job_id in job_ids:
            for outcome in OUTCOMES:
                self.runs.labels(job_id, outcome)
            self.duration.labels(job_id)
            self.in_progress.labels(job_id)

    def record_run(
        self,
        job_id: str,
        outcome: str,
        seconds: float,
        stats: Mapping[str, Any] | None,
        api_calls: Mapping[str, Any],
    ) -> None:
        """Count one finished run and the figures of its report."""
        self.runs.labels(job_id, outcome).inc()
        self.duration.labels(job_id).observe(seconds)
        stats = stats or {}
        for source, count in dict(stats.get("pulled") or {}).items():
            self.pulled.labels(str(source)).inc(_count(count))
        self.applied.labels(job_id).inc(_count(stats.get("writes")))
        self.failed.labels(job_id).inc(_count(stats.get("failed")))
        calls, limited = api_figures(api_calls)
        self.api_calls.labels(self.crm).inc(calls)
        self.rate_limited.labels(self.crm).inc(limited)

    def record_reload(self, *, applied: bool) -> None:
        """Count a config reload, applied or refused."""
        self.reloads.labels("applied" if applied else "refused").inc()
        self.reload_refused.set(0 if applied else 1)

    def watch_store(self, store: StateStore, *, cache_seconds: float = 15.0) -> None:
        """Add the gauges read from the state store when metrics are scraped."""
        self.registry.register(StoreCollector(store, cache_seconds=cache_seconds))

    def _add_run_figures(self) -> None:
        self.pulled = Counter(
            "sidos_records_pulled",
            "Records new or changed in a pull, by source.",
            ["source"],
            registry=self.registry,
        )
        self.applied = Counter(
            "sidos_operations_applied",
            "Writes the CRM accepted, by job.",
            ["job"],
            registry=self.registry,
        )
        self.failed = Counter(
            "sidos_operations_failed",
            "Writes the CRM refused (dead letters), by job.",
            ["job"],
            registry=self.registry,
        )
        self.api_calls = Counter(
            "sidos_api_calls",
            "Calls sent to the CRM's API.",
            ["crm"],
            registry=self.registry,
        )
        self.rate_limited = Counter(
            "sidos_api_rate_limited",
            "CRM answers 429 Too Many Requests.",
            ["crm"],
            registry=self.registry,
        )
        self.api_calls.labels(self.crm)
        self.rate_limited.labels(self.crm)

    def _add_reload_figures(self) -> None:
        self.reloads = Counter(
            "sidos_config_reloads",
            "Config reloads, by outcome.",
            ["outcome"],
            registry=self.registry,
        )
        self.reload_refused = Gauge(
            "sidos_config_reload_refused",
            "1 while the config file on disk was refused and the last good one runs.",
            registry=self.registry,
        )
        for outcome in ("applied", "refused"):
            self.reloads.labels(outcome)


@dataclass
class _StoreFigures:
    up: bool
    dead_letters: int = 0
    pending_reviews: int = 0
    last_success: dict[str, datetime] = field(default_factory=dict)


class StoreCollector:
    """Reads the fleet's backlog from the state store, at most once per period."""

    def __init__(self, store: StateStore, *, cache_seconds: float = 15.0) -> None:
        self._store = store
        self._slots = SlotBook(store.engine)
        self._cache_seconds = cache_seconds
        self._lock = threading.Lock()
        self._read_at = float("-inf")
        self._figures = _StoreFigures(up=False)

    def collect(self) -> Iterator[Metric]:
        """Yield the store's gauges; ``sidos_state_store_up`` is 0 if unreadable."""
        figures = self._current()
        yield GaugeMetricFamily(
            "sidos_state_store_up",
            "1 if the state store answered the last read.",
            value=1 if figures.up else 0,
        )
        if not figures.up:
            return
        yield GaugeMetricFamily(
            "sidos_dead_letters",
            "Writes the CRM refused, waiting for a retry.",
            value=figures.dead_letters,
        )
        yield GaugeMetricFamily(
            "sidos_pending_reviews",
            "Uncertain pairs waiting for a person's decision.",
            value=figures.pending_reviews,
        )
        yield _last_success_family(figures.last_success)

    def _current(self) -> _StoreFigures:
        with self._lock:
            if time.monotonic() - self._read_at >= self._cache_seconds:
                self._figures = self._read()
                self._read_at = time.monotonic()
            return self._figures

    def _read(self) -> _StoreFigures:
        try:
            return _StoreFigures(
                up=True,
                dead_letters=self._store.ledger.dead_letter_count(),
                pending_reviews=len(self._store.pending_reviews()),
                last_success=self._slots.last_success(),
            )
        except SQLAlchemyError as exc:
            log.warning("service.metrics_store_unreadable", error=type(exc).__name__)
            return _StoreFigures(up=False)


def _last_success_family(last_success: Mapping[str, datetime]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "sidos_last_success_timestamp_seconds",
        "When each job last finished a run successfully, anywhere in the fleet.",
        labels=["job"],
    )
    for job_id, moment in sorted(last_success.items()):
        family.add_metric([job_id], moment.timestamp())

    return family


def _count(value: Any) -> int:
    return value if isinstance(value, int) and value > 0 else 0
