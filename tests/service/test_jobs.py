"""Fires becoming runs: once per slot, one at a time, recorded, stoppable."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select
from structlog.testing import capture_logs

from sync.service.config import JobSettings, ServiceSettings
from sync.service.jobs import JobContext, JobRunner, Runner
from sync.service.locks import LocalLocks
from sync.service.metrics import ServiceMetrics
from sync.settings import Settings
from sync.state import StateStore, open_store, schema
from tests.service.runners import fail_run, record_run

SLOT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
NEXT_SLOT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _quick_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIDOS_TEST_BATCHES", "2")
    monkeypatch.setenv("SIDOS_TEST_BATCH_SECONDS", "0.01")


@pytest.fixture
def store(sqlite_url: str) -> StateStore:
    return open_store(sqlite_url)


def make_runner(store: StateStore, runner: Runner = record_run) -> JobRunner:
    settings = Settings(
        service=ServiceSettings(jobs={"sync": JobSettings(every="15m")})
    )
    return JobRunner(
        JobContext(settings, runner),
        store=store,
        locks=LocalLocks(),
        metrics=ServiceMetrics("hubspot"),
        replica="test:1",
    )


def slots(store: StateStore) -> list[dict[str, Any]]:
    with store.engine.connect() as db:
        return [dict(row) for row in db.execute(select(schema.job_runs)).mappings()]


def counted(jobs: JobRunner, metric: str, **labels: str) -> float:
    value = jobs.metrics.registry.get_sample_value(metric, labels)
    return value or 0.0


class TestFire:
    def test_fire_runs_the_job_and_records_its_slot(self, store: StateStore) -> None:
        """A fire claims its slot, runs, and records the run id and outcome."""
        jobs = make_runner(store)

        jobs.fire("sync", SLOT)

        [slot] = slots(store)
        assert slot["status"] == "succeeded"
        assert slot["run_id"] == store.last_runs(1)[0].run_id
        assert counted(jobs, "sidos_runs_total", job="sync", outcome="succeeded") == 1
        assert counted(jobs, "sidos_api_calls_total", crm="hubspot") == 7
        assert counted(jobs, "sidos_api_rate_limited_total", crm="hubspot") == 1

    def test_second_fire_of_the_same_slot_is_skipped(self, store: StateStore) -> None:
        """A slot already run is not run again, even after the first run ended."""
        jobs = make_runner(store)
        jobs.fire("sync", SLOT)

        with capture_logs() as events:
            jobs.fire("sync", SLOT)

        assert len(store.last_runs(10)) == 1
        skipped = [e for e in events if e["event"] == "service.job_skipped"]
        assert skipped[0]["reason"] == "already_ran"

    def test_next_slot_runs_again(self, store: StateStore) -> None:
        """Each new fire time is a new run."""
        jobs = make_runner(store)

        jobs.fire("sync", SLOT)
        jobs.fire("sync", NEXT_SLOT)

        assert len(store.last_runs(10)) == 2

    def test_fire_while_the_job_runs_is_skipped(self, store: StateStore) -> None:
        """A job whose run is in progress is not started a second time."""
        entered, release = threading.Event(), threading.Event()

        def blocking_run(settings: Settings, **options: Any) -> Any:
            entered.set()
            release.wait(5)
            return record_run(settings, **options)

        jobs = make_runner(store, blocking_run)
        first = threading.Thread(target=jobs.fire, args=("sync", SLOT))
        first.start()
        assert entered.wait(5)

        jobs.fire("sync", NEXT_SLOT)
        release.set()
        first.join(5)

        assert (
            counted(
                jobs, "sidos_job_skips_total", job="sync", reason="running_elsewhere"
            )
            == 1
        )
        assert [slot["status"] for slot in slots(store)] == ["succeeded"]

    def test_failing_run_is_recorded_as_failed(self, store: StateStore) -> None:
        """A run that raises is recorded as failed with the error's type only."""
        jobs = make_runner(store, fail_run)

        with capture_logs() as events:
            jobs.fire("sync", SLOT)

        [slot] = slots(store)
        assert (slot["status"], slot["error"]) == ("failed", "RuntimeError")
        finished = [e for e in events if e["event"] == "service.job_finished"]
        assert finished[0]["outcome"] == "failed"
        assert counted(jobs, "sidos_runs_total", job="sync", outcome="failed") == 1

    def test_unknown_or_disabled_job_does_nothing(self, store: StateStore) -> None:
        """A fire for a job no longer in the settings runs nothing."""
        jobs = make_runner(store)

        jobs.fire("removed_job", SLOT)

        assert slots(store) == []


class TestStop:
    def test_stop_all_interrupts_the_run_after_its_batch(
        self, store: StateStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Stopping ends the run between batches; run and slot say interrupted."""
        monkeypatch.setenv("SIDOS_TEST_BATCHES", "200")
        jobs = make_runner(store)
        runner = threading.Thread(target=jobs.fire, args=("sync", SLOT))
        runner.start()
        _wait_until(lambda: bool(store.last_runs(1)))

        jobs.stop_all()
        idle = jobs.wait_idle(5)
        runner.join(5)

        assert idle
        assert store.last_runs(1)[0].status == "interrupted"
        assert slots(store)[0]["status"] == "interrupted"

    def test_no_run_starts_once_stopping(self, store: StateStore) -> None:
        """After a stop request, fires are ignored."""
        jobs = make_runner(store)
        jobs.stop_all()

        jobs.fire("sync", SLOT)

        assert slots(store) == []


def test_recover_marks_abandoned_slot_and_run_interrupted(store: StateStore) -> None:
    """A slot left running by a dead replica is closed, and its run interrupted."""
    jobs = make_runner(store)
    run_id = store.start_run("sync")
    assert jobs.slots.claim("sync", SLOT, "dead-host:99")
    jobs.slots.started("sync", SLOT, run_id)

    with capture_logs() as events:
        jobs.recover(["sync"])

    assert slots(store)[0]["status"] == "abandoned"
    assert store.last_runs(1)[0].status == "interrupted"
    recovered = [e for e in events if e["event"] == "service.runs_recovered"]
    assert recovered[0]["run_ids"] == [run_id]


def _wait_until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    event = threading.Event()
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        event.wait(0.02)
    raise AssertionError("condition not met in time")
