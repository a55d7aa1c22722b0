"""The service's scheduler: one APScheduler job per configured schedule.

Every job coalesces missed fires into one, runs at most one instance at a time, and
may start up to ``misfire_grace_seconds`` late. The job function is told the fire time
it runs for, which is how replicas agree on which slot a run belongs to.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from sync.service.claims import SlotBook
from sync.service.config import JobSettings, ServiceSettings, parse_every
from sync.settings import Settings
from sync.state import StateStore

# Intervals count from here, so replicas started at different times fire together.
ANCHOR = datetime(2000, 1, 1, tzinfo=UTC)
MAX_PARALLEL_JOBS = 8

FireJob = Callable[[str, datetime], None]


def build_trigger(job: JobSettings, zone: ZoneInfo) -> BaseTrigger:
    """Return the APScheduler trigger of a job.

    Args:
        job: the job's settings; they hold exactly one of ``every`` and ``cron``.
        zone: the timezone in which cron lines are read.

    Returns:
        An interval trigger anchored at ``ANCHOR``, or a cron trigger.
    """
    if job.cron is not None:
        return CronTrigger.from_crontab(job.cron, timezone=zone)
    assert job.every is not None
    interval = parse_every(job.every)
    return IntervalTrigger(
        seconds=interval.total_seconds(), start_date=ANCHOR, timezone=zone
    )


def schedule_summary(
    settings: Settings, store: StateStore | None = None, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Describe the configured schedule, for ``sidos status``.

    Args:
        settings: the settings whose ``service.jobs`` to describe.
        store: when given, each job's newest slot is added from the state store.
        now: the moment to compute the next fire time from; default now.

    Returns:
        One dict per job, by id: ``job``, ``kind``, ``trigger`` (``every 15m`` or
        ``cron 30 2 * * * Europe/Helsinki``), ``enabled``, ``next_run`` (an aware
        datetime, ``None`` when disabled) and, with a store, ``last_run`` (``None``
        or a dict of ``scheduled_at``, ``status``, ``replica``, ``run_id``).
    """
    service = settings.service
    moment = now or datetime.now(UTC)
    latest = _latest_slots(store)
    summary = []
    for job_id, job in sorted(service.jobs.items()):
        trigger = build_trigger(job, service.zone)
        next_run = trigger.get_next_fire_time(None, moment) if job.enabled else None
        entry: dict[str, Any] = {
            "job": job_id,
            "kind": job.kind,
            "trigger": _describe(job, service),
            "enabled": job.enabled,
            "next_run": next_run,
        }
        if store is not None:
            entry["last_run"] = latest.get(job_id)
        summary.append(entry)

    return summary


class SlotExecutor(ThreadPoolExecutor):  # type: ignore[misc]  # untyped base class
    """A thread pool that passes each job the fire time it runs for.

    Jobs coalesce, so the scheduler hands over a single fire time; it reaches the job
    function as the keyword argument ``scheduled_at``.
    """

    def _do_submit_job(self, job: Any, run_times: list[datetime]) -> None:
        super()._do_submit_job(_Firing(job, run_times[-1]), run_times)


class Schedule:
    """A background scheduler whose jobs follow the settings."""

    def __init__(self, fire: FireJob, service: ServiceSettings) -> None:
        self._fire = fire
        self._applied: dict[str, tuple[JobSettings, str, int]] = {}
        self._scheduler = BackgroundScheduler(
            executors={"default": SlotExecutor(max_workers=MAX_PARALLEL_JOBS)},
            timezone=service.zone,
        )

    @property
    def running(self) -> bool:
        """Tell whether the scheduler is started and not shut down."""
        return bool(self._scheduler.running)

    def start(self, service: ServiceSettings) -> None:
        """Start the scheduler with the jobs of ``service``."""
        self._scheduler.start()
        self.apply(service)

    def apply(self, service: ServiceSettings) -> dict[str, list[str]]:
        """Make the scheduled jobs match ``service``; a running job is not disturbed.

        Returns:
            The ids of jobs ``added``, ``changed`` and ``removed``.
        """
        wanted = {
            job_id: (job, service.timezone, service.misfire_grace_seconds)
            for job_id, job in service.jobs.items()
            if job.enabled
        }
        removed = sorted(set(self._applied) - set(wanted))
        for job_id in removed:
            self._scheduler.remove_job(job_id)
            del self._applied[job_id]
        added = sorted(set(wanted) - set(self._applied))
        changed = sorted(
            job_id
            for job_id in set(wanted) & set(self._applied)
            if wanted[job_id] != self._applied[job_id]
        )
        for job_id in [*added, *changed]:
            self._add(job_id, wanted[job_id][0], service)
            self._applied[job_id] = wanted[job_id]

        return {"added": added, "changed": changed, "removed": removed}

    def next_runs(self) -> dict[str, datetime | None]:
        """Return each scheduled job's next fire time."""
        return {job.id: job.next_run_time for job in self._scheduler.get_jobs()}

    def shutdown(self) -> None:
        """Stop firing jobs; runs in progress go on until they end."""
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def _on_fire(self, job_id: str, scheduled_at: datetime | None = None) -> None:
        # The executor passes the fire time; APScheduler checks the signature without.
        self._fire(job_id, scheduled_at or datetime.now(UTC))

    def _add(self, job_id: str, job: JobSettings, service: ServiceSettings) -> None:
        self._scheduler.add_job(
            self._on_fire,
            trigger=build_trigger(job, service.zone),
            args=[job_id],
            id=job_id,
            name=job_id,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=service.misfire_grace_seconds,
        )


class _Firing:
    """A job as the executor's ``run_job`` uses it, told its fire time."""

    def __init__(self, job: Any, scheduled_at: datetime) -> None:
        self.id = job.id
        self._jobstore_alias = job._jobstore_alias
        self.misfire_grace_time = job.misfire_grace_time
        self.func = job.func
        self.args = job.args
        self.kwargs = {**job.kwargs, "scheduled_at": scheduled_at}

    def __str__(self) -> str:
        return str(self.id)


def _describe(job: JobSettings, service: ServiceSettings) -> str:
    if job.cron is not None:
        return f"{job.describe()} {service.timezone}"
    return job.describe()


def _latest_slots(store: StateStore | None) -> dict[str, dict[str, Any]]:
    if store is None:
        return {}
    return {
        job_id: {
            "scheduled_at": slot.scheduled_at,
            "status": slot.status,
            "replica": slot.replica,
            "run_id": slot.run_id,
        }
        for job_id, slot in SlotBook(store.engine).latest().items()
    }
