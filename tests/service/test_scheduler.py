"""The scheduler: triggers shared by replicas, the summary, fire times, changes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sync.service.config import JobSettings, ServiceSettings
from sync.service.scheduler import Schedule, build_trigger, schedule_summary
from sync.settings import Settings
from sync.state import open_store

HELSINKI = ZoneInfo("Europe/Helsinki")


class TestBuildTrigger:
    def test_interval_fires_on_the_same_times_whenever_built(self) -> None:
        """Replicas started at different moments compute the same fire times."""
        job = JobSettings(every="15m")
        early = datetime(2026, 3, 2, 9, 1, 13, tzinfo=UTC)
        late = early + timedelta(minutes=7, seconds=41)

        first = build_trigger(job, HELSINKI).get_next_fire_time(None, early)
        second = build_trigger(job, HELSINKI).get_next_fire_time(None, late)

        assert first == second == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)

    def test_cron_is_read_in_the_service_timezone(self) -> None:
        """A nightly cron line at 02:30 means 02:30 in Helsinki."""
        job = JobSettings(cron="30 2 * * *")
        now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

        fire = build_trigger(job, HELSINKI).get_next_fire_time(None, now)

        assert fire is not None
        assert fire.astimezone(HELSINKI).replace(tzinfo=None) == datetime(
            2026, 6, 2, 2, 30
        )


def test_schedule_summary_lists_jobs_with_next_runs(sqlite_url: str) -> None:
    """The summary names each job, its trigger, its next run and its last slot."""
    settings = Settings(
        service=ServiceSettings(
            jobs={
                "sync": JobSettings(every="15m"),
                "nightly_resync": JobSettings(kind="resync", cron="30 2 * * *"),
                "paused": JobSettings(every="1h", enabled=False),
            }
        )
    )
    store = open_store(sqlite_url)
    now = datetime(2026, 3, 2, 9, 1, tzinfo=UTC)

    summary = schedule_summary(settings, store, now=now)

    assert [entry["job"] for entry in summary] == ["nightly_resync", "paused", "sync"]
    by_job = {entry["job"]: entry for entry in summary}
    assert by_job["sync"]["trigger"] == "every 15m"
    assert by_job["sync"]["next_run"] == datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
    assert by_job["nightly_resync"]["trigger"] == "cron 30 2 * * * Europe/Helsinki"
    assert by_job["paused"]["next_run"] is None
    assert by_job["sync"]["last_run"] is None


class TestSchedule:
    def test_job_is_told_the_fire_time_it_runs_for(self) -> None:
        """The fire time reaches the job, on the interval's whole seconds."""
        fired: list[tuple[str, datetime]] = []
        done = threading.Event()

        def fire(job_id: str, scheduled_at: datetime) -> None:
            fired.append((job_id, scheduled_at))
            done.set()

        service = ServiceSettings(jobs={"tick": JobSettings(every="1s")})
        schedule = Schedule(fire, service)
        schedule.start(service)
        try:
            assert done.wait(5)
        finally:
            schedule.shutdown()

        job_id, scheduled_at = fired[0]
        assert job_id == "tick"
        assert scheduled_at.microsecond == 0
        assert abs(datetime.now(UTC) - scheduled_at) < timedelta(seconds=3)

    def test_apply_adds_changes_and_removes_jobs(self) -> None:
        """Applying new settings touches only the jobs that differ."""
        before = ServiceSettings(
            jobs={
                "sync": JobSettings(every="15m"),
                "report": JobSettings(kind="plan", cron="0 6 * * mon"),
                "old": JobSettings(every="1h"),
            }
        )
        after = ServiceSettings(
            jobs={
                "sync": JobSettings(every="5m"),
                "report": JobSettings(kind="plan", cron="0 6 * * mon"),
                "new": JobSettings(every="1d"),
            }
        )
        schedule = Schedule(lambda job_id, at: None, before)
        schedule.start(before)

        try:
            changes = schedule.apply(after)
            jobs = set(schedule.next_runs())
        finally:
            schedule.shutdown()

        assert changes == {"added": ["new"], "changed": ["sync"], "removed": ["old"]}
        assert jobs == {"sync", "report", "new"}
