"""Scheduled report jobs: their settings, and a fire writing the report once."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from structlog.testing import capture_logs

from mappings.errors import ConfigError
from sync.service.config import JobSettings, ServiceSettings
from sync.service.jobs import JobContext, JobRunner
from sync.service.locks import LocalLocks
from sync.service.metrics import ServiceMetrics
from sync.service.report_job import report_path
from sync.settings import Settings, load_settings
from sync.state import StateStore, open_store
from tests.report.partners import PARTNERS, STAFF, store_partners
from tests.service.test_jobs import counted, slots

# Monday 2 March 2026, 06:00 in Helsinki.
SLOT = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
NEXT_SLOT = datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
WEEKLY = {"kind": "report", "cron": "0 6 * * mon", "out": "reports/partners-{date}.csv"}


class TestReportJobSettings:
    def test_report_without_out_is_refused(self) -> None:
        """A report job must say which file to write."""
        with pytest.raises(ValueError, match="kind report needs out:"):
            JobSettings(kind="report", cron="0 6 * * mon")

    def test_out_outside_report_is_refused(self) -> None:
        """Only a report job writes a file."""
        with pytest.raises(ValueError, match="out: applies only to a job of kind"):
            JobSettings(kind="sync", every="15m", out="partners.csv")

    def test_full_report_is_refused(self) -> None:
        """A report reads what is stored; re-reading everything is for syncs."""
        with pytest.raises(ValueError, match="full: does not apply"):
            JobSettings(kind="report", every="1d", out="partners.csv", full=True)

    @pytest.mark.parametrize(
        "out", ["partners-{day}.csv", "partners-{date:%Y}.csv", "partners-{date.csv"]
    )
    def test_out_with_another_placeholder_is_refused(self, out: str) -> None:
        """{date} is the only placeholder, written as is."""
        with pytest.raises(ValueError, match="the only placeholder is"):
            JobSettings(kind="report", every="1d", out=out)

    def test_out_for_fills_in_the_date(self) -> None:
        """{date} becomes the ISO date; doubled braces stay literal."""
        job = JobSettings(kind="report", every="1d", out="r/{date}-{{x}}.json")

        assert job.out_for(date(2026, 3, 2)) == Path("r/2026-03-02-{x}.json")

    def test_report_without_out_in_file_is_located(self, tmp_path: Path) -> None:
        """The missing out: is reported at the job's line in sidos.yaml."""
        path = tmp_path / "sidos.yaml"
        path.write_text(
            "service:\n  jobs:\n    weekly_report:\n      kind: report\n"
            "      cron: 0 6 * * mon\n",
            encoding="utf-8",
        )

        with pytest.raises(ConfigError) as caught:
            load_settings(path)

        assert f"{path}:4" in str(caught.value)
        assert "needs out:" in str(caught.value)

    def test_relative_out_is_read_from_the_config_directory(
        self, tmp_path: Path
    ) -> None:
        """out: is relative to sidos.yaml, and {date} is the slot's Helsinki date."""
        path = tmp_path / "config" / "sidos.yaml"
        path.parent.mkdir()
        path.write_text(
            "service:\n  jobs:\n    weekly_report:\n      kind: report\n"
            "      cron: 0 6 * * mon\n      out: ../reports/partners-{date}.csv\n",
            encoding="utf-8",
        )
        settings = load_settings(path)
        job = settings.service.jobs["weekly_report"]
        # 23:30 UTC on Sunday is already Monday in Helsinki.
        late_sunday = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)

        assert report_path(settings, job, late_sunday) == (
            path.parent / "../reports/partners-2026-03-02.csv"
        )


@pytest.fixture
def store(sqlite_url: str) -> StateStore:
    return open_store(sqlite_url)


def report_runner(store: StateStore, config_dir: Path, **job: Any) -> JobRunner:
    """A job runner with one report job; the configured runner must not be called."""
    settings = Settings(
        config_dir=config_dir,
        service=ServiceSettings(
            jobs={"weekly_report": JobSettings(**{**WEEKLY, **job})}
        ),
    )
    return JobRunner(
        JobContext(settings, _no_runner),
        store=store,
        locks=LocalLocks(),
        metrics=ServiceMetrics("hubspot"),
        replica="test:1",
    )


class TestReportJobFires:
    def test_fire_writes_the_report_once_per_slot(
        self, store: StateStore, tmp_path: Path
    ) -> None:
        """The report is written, the run and slot recorded, a repeat skipped."""
        store_partners(store)
        jobs = report_runner(store, tmp_path)

        with capture_logs() as events:
            jobs.fire("weekly_report", SLOT)
            jobs.fire("weekly_report", SLOT)

        out = tmp_path / "reports" / "partners-2026-03-02.csv"
        assert len(out.read_text(encoding="utf-8").splitlines()) == len(PARTNERS) + 1
        [slot] = slots(store)
        run = store.last_runs(1)[0]
        assert (slot["status"], slot["run_id"]) == ("succeeded", run.run_id)
        assert (run.kind, run.status) == ("report", "succeeded")
        assert run.stats == {"partners": len(PARTNERS)}
        runs = counted(
            jobs, "sidos_runs_total", job="weekly_report", outcome="succeeded"
        )
        assert runs == 1
        skipped = [e for e in events if e["event"] == "service.job_skipped"]
        assert [e["reason"] for e in skipped] == ["already_ran"]
        [finished] = [e for e in events if e["event"] == "service.job_finished"]
        assert (finished["outcome"], finished["partners"]) == ("succeeded", 6)
        written = [e for e in events if e["event"] == "report.written"]
        assert written[0]["path"] == str(out)
        assert not any(email in json.dumps(events, default=str) for email in STAFF)

    def test_each_slot_writes_its_own_dated_file(
        self, store: StateStore, tmp_path: Path
    ) -> None:
        """A week later, the next slot writes a file of its own date."""
        store_partners(store)
        jobs = report_runner(store, tmp_path)

        jobs.fire("weekly_report", SLOT)
        jobs.fire("weekly_report", NEXT_SLOT)

        assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == [
            "partners-2026-03-02.csv",
            "partners-2026-03-09.csv",
        ]

    def test_json_suffix_writes_json(self, store: StateStore, tmp_path: Path) -> None:
        """An out: file ending in .json is written as JSON."""
        store_partners(store)
        jobs = report_runner(store, tmp_path, out="partners.json")

        jobs.fire("weekly_report", SLOT)

        records = json.loads((tmp_path / "partners.json").read_text(encoding="utf-8"))
        assert len(records) == len(PARTNERS)

    def test_report_before_any_sync_fails_and_writes_nothing(
        self, store: StateStore, tmp_path: Path
    ) -> None:
        """With no stored partners the run fails with a named error, file unwritten."""
        jobs = report_runner(store, tmp_path)

        jobs.fire("weekly_report", SLOT)

        [slot] = slots(store)
        assert (slot["status"], slot["error"]) == ("failed", "NoPartnersStored")
        run = store.last_runs(1)[0]
        assert (run.kind, run.status, run.error) == (
            "report",
            "failed",
            "NoPartnersStored",
        )
        assert not (tmp_path / "reports").exists()
        failed = counted(
            jobs, "sidos_runs_total", job="weekly_report", outcome="failed"
        )
        assert failed == 1


def _no_runner(settings: Settings, **options: Any) -> Any:
    raise AssertionError("a report job must not call the sync runner")
