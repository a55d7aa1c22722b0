"""What happens when a scheduled job fires: lock, claim, run, record.

A fire becomes a run only if this replica takes the job's lock (no other replica runs
the job now) and claims the fire time (no replica ran this slot already). The run then
waits for the lock all runs share, since two runs at once would both write to the CRM
and the state store. Every run is told to stop, after its batch in flight, when the
service shuts down or the job's lock is lost.
"""

from __future__ import annotations

import importlib
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, cast

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from mappings.errors import ConfigError
from sync.apply import RunStopped
from sync.service.claims import SlotBook
from sync.service.config import JobSettings
from sync.service.locks import JobLocks
from sync.service.metrics import ServiceMetrics
from sync.service.report_job import run_report_job
from sync.settings import Settings
from sync.state import StateStore

log = structlog.get_logger()

DEFAULT_RUNNER = "sync.run:execute"
# The lock every run holds, whatever its job: one run at a time per state store.
RUNS_LOCK = "all-runs"


class RunResult(Protocol):
    """What a runner returns: ``sync.run.RunReport`` or a stand-in with its shape."""

    @property
    def run_id(self) -> str:
        """The run's id in the state store."""
        ...

    @property
    def api_calls(self) -> Mapping[str, int]:
        """The connector's call figures (``total``, ``rate_limited``)."""
        ...

    def stats(self) -> dict[str, Any]:
        """The run's figures as plain data."""
        ...


class Runner(Protocol):
    """Performs one run, as ``sync.run.execute`` does."""

    def __call__(
        self,
        settings: Settings,
        *,
        kind: str,
        full: bool,
        only_source: str | None,
        store: StateStore,
        stop: threading.Event,
    ) -> RunResult:
        """Run once; raise ``RunStopped`` if ``stop`` ended the run early."""
        ...


def load_runner(spec: str) -> Runner:
    """Import the runner named ``module:function``.

    Raises:
        ConfigError: the module cannot be imported or has no such callable.
    """
    module_name, _, name = spec.partition(":")
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:
        # Importing runs the module's code, which may fail in any way.
        missing = exc.name if isinstance(exc, ImportError) else None
        raise ConfigError.single(
            "service.runner",
            f"the runner {spec!r} cannot be imported "
            f"({type(exc).__name__}: {missing or module_name})",
            hint=f"Install sidos completely, or set service.runner to {DEFAULT_RUNNER}",
        ) from None
    runner = getattr(module, name, None)
    if not callable(runner):
        raise ConfigError.single(
            "service.runner",
            f"{module_name} has no function {name!r}",
            hint=f"Set service.runner to {DEFAULT_RUNNER}",
        )

    return cast(Runner, runner)


def replica_name() -> str:
    """Return this process's name in the fleet: host name and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True)
class JobContext:
    """The settings and runner that fires use; replaced whole on a reload."""

    settings: Settings
    runner: Runner


class JobRunner:
    """Turns fires into runs, one per slot and one at a time across the fleet."""

    def __init__(
        self,
        context: JobContext,
        *,
        store: StateStore,
        locks: JobLocks,
        metrics: ServiceMetrics,
        replica: str,
    ) -> None:
        self.context = context
        self.store = store
        self.locks = locks
        self.metrics = metrics
        self.replica = replica
        self.slots = SlotBook(store.engine)
        self._stopping = threading.Event()
        self._active: set[threading.Event] = set()
        self._changed = threading.Condition()

    def fire(self, job_id: str, scheduled_at: datetime) -> None:
        """Run a job for the slot it was scheduled at, unless it runs elsewhere.

        Args:
            job_id: the job that fired.
            scheduled_at: its fire time; replicas firing the same slot pass the same.
        """
        context = self.context
        job = context.settings.service.jobs.get(job_id)
        if job is None or not job.enabled or self._stopping.is_set():
            return
        slot = scheduled_at.astimezone(UTC)
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(
            job=job_id, source=job.source or "all", slot=slot.isoformat()
        )
        try:
            self._fire(job_id, job, slot, context)
        except SQLAlchemyError as exc:
            log.error("service.job_store_unavailable", error=type(exc).__name__)
            self.metrics.skips.labels(job_id, "store_unavailable").inc()
        finally:
            structlog.contextvars.clear_contextvars()

    def recover(self, job_ids: Iterable[str]) -> None:
        """Close slots that a stopped replica left running, for jobs free to lock.

        Raises:
            SQLAlchemyError: the state store could not be reached.
        """
        for job_id in job_ids:
            with self.locks.hold(job_id, lost=threading.Event()) as held:
                if held:
                    self._recover(job_id)

    def stop_all(self) -> None:
        """Ask every run in progress to stop after its batch; start no new ones."""
        self._stopping.set()
        with self._changed:
            for stop in self._active:
                stop.set()

    def wait_idle(self, timeout: float) -> bool:
        """Wait until no run is in progress; return False if ``timeout`` ran out."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._active, timeout)

    def _fire(
        self, job_id: str, job: JobSettings, slot: datetime, context: JobContext
    ) -> None:
        stop = threading.Event()
        log.debug("service.job_fired")
        with self.locks.hold(job_id, lost=stop) as held:
            if not held:
                self._skip(job_id, "running_elsewhere")
                return
            self._recover(job_id)
            if not self.slots.claim(job_id, slot, self.replica):
                self._skip(job_id, "already_ran")
                return
            self._track(stop)
            try:
                self._run_exclusively(job_id, job, slot, context, stop)
            finally:
                self._untrack(stop)

    def _run_exclusively(
        self,
        job_id: str,
        job: JobSettings,
        slot: datetime,
        context: JobContext,
        stop: threading.Event,
    ) -> None:
        wait = context.settings.service.misfire_grace_seconds
        with self.locks.hold(RUNS_LOCK, lost=stop, wait_seconds=wait) as held:
            if not held:
                reason = "stopping" if stop.is_set() else "other_run_too_long"
                self.slots.finish(job_id, slot, "skipped", reason)
                self._skip(job_id, reason)
                return
            self._run(job_id, job, slot, context, stop)

    def _run(
        self,
        job_id: str,
        job: JobSettings,
        slot: datetime,
        context: JobContext,
        stop: threading.Event,
    ) -> None:
        run_ids: list[str] = []

        def note_start(run_id: str) -> None:
            run_ids.append(run_id)
            self.slots.started(job_id, slot, run_id)

        store = _SlotStore(self.store.engine, note_start)
        log.info("service.job_started", kind=job.kind, full=job.full)
        self.metrics.in_progress.labels(job_id).inc()
        started = time.monotonic()
        try:
            report, outcome, error = _call_runner(context, job, slot, store, stop)
        finally:
            self.metrics.in_progress.labels(job_id).dec()
        seconds = time.monotonic() - started
        self._record(job_id, slot, outcome, error, seconds, report, run_ids)

    def _record(
        self,
        job_id: str,
        slot: datetime,
        outcome: str,
        error: str | None,
        seconds: float,
        report: RunResult | None,
        run_ids: list[str],
    ) -> None:
        # The runner unbinds its own keys on the way out; the last event needs them.
        structlog.contextvars.bind_contextvars(job=job_id)
        if run_ids:
            structlog.contextvars.bind_contextvars(run_id=run_ids[-1])
        self.slots.finish(job_id, slot, outcome, error)
        stats = report.stats() if report is not None else None
        api_calls = dict(report.api_calls) if report is not None else {}
        self.metrics.record_run(job_id, outcome, seconds, stats, api_calls)
        levels = {"succeeded": log.info, "interrupted": log.warning}
        event = levels.get(outcome, log.error)
        event(
            "service.job_finished",
            outcome=outcome,
            error=error,
            seconds=round(seconds, 3),
            **_figures(stats),
        )

    def _recover(self, job_id: str) -> None:
        run_ids = self.slots.recover(job_id)
        if run_ids:
            log.warning("service.runs_recovered", job=job_id, run_ids=run_ids)

    def _skip(self, job_id: str, reason: str) -> None:
        self.metrics.skips.labels(job_id, reason).inc()
        log.info("service.job_skipped", reason=reason)

    def _track(self, stop: threading.Event) -> None:
        with self._changed:
            self._active.add(stop)
            if self._stopping.is_set():
                stop.set()

    def _untrack(self, stop: threading.Event) -> None:
        with self._changed:
            self._active.discard(stop)
            self._changed.notify_all()


def _call_runner(
    context: JobContext,
    job: JobSettings,
    slot: datetime,
    store: StateStore,
    stop: threading.Event,
) -> tuple[RunResult | None, str, str | None]:
    try:
        report = _perform(context, job, slot, store, stop)
    except (RunStopped, KeyboardInterrupt):
        return None, "interrupted", "RunStopped"
    except Exception as exc:
        # The message may quote data; the traceback is shown only at debug level.
        log.debug("service.job_error_detail", exc_info=True)
        return None, "failed", type(exc).__name__

    return report, "succeeded", None


def _perform(
    context: JobContext,
    job: JobSettings,
    slot: datetime,
    store: StateStore,
    stop: threading.Event,
) -> RunResult:
    """Run the job: sidos writes reports itself; the runner does every other kind."""
    if job.kind == "report":
        return run_report_job(context.settings, job, slot=slot, store=store, stop=stop)
    return context.runner(
        context.settings,
        kind=job.kind,
        full=job.full,
        only_source=job.source,
        store=store,
        stop=stop,
    )


class _SlotStore(StateStore):
    """The state store, telling the slot its run id as soon as the run starts."""

    def __init__(self, engine: Engine, on_start: Callable[[str], None]) -> None:
        super().__init__(engine)
        self._on_start = on_start

    def start_run(self, kind: str) -> str:
        """Record the start of a run, note its id on the slot, and return it."""
        run_id = super().start_run(kind)
        self._on_start(run_id)
        return run_id


def _figures(stats: Mapping[str, Any] | None) -> dict[str, Any]:
    if not stats:
        return {}
    keys = ("records", "partners", "writes", "failed")
    return {key: stats[key] for key in keys if isinstance(stats.get(key), int)}
