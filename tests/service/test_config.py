"""The ``service:`` settings: triggers, job names, timezone, runner."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from mappings.errors import ConfigError
from sync.service.config import JobSettings, ServiceSettings, parse_every
from sync.settings import load_settings


class TestParseEvery:
    def test_parse_every_reads_each_unit(self) -> None:
        """Seconds, minutes, hours and days are read as intervals."""
        assert parse_every("30s") == timedelta(seconds=30)
        assert parse_every("15m") == timedelta(minutes=15)
        assert parse_every("6h") == timedelta(hours=6)
        assert parse_every("1d") == timedelta(days=1)

    def test_parse_every_without_unit_is_refused(self) -> None:
        """A bare number is ambiguous, so it is refused with the accepted forms."""
        with pytest.raises(ValueError, match="must look like 30s, 15m"):
            parse_every("15")


class TestJobSettings:
    def test_job_with_both_triggers_is_refused(self) -> None:
        """A job takes exactly one of every and cron."""
        with pytest.raises(ValueError, match="exactly one of every"):
            JobSettings(every="15m", cron="0 2 * * *")

    def test_cron_with_numbered_weekday_is_refused(self) -> None:
        """Weekday numbers differ between cron dialects, so names are required."""
        with pytest.raises(ValueError, match="weekday as a name"):
            JobSettings(cron="0 2 * * 1")

    def test_cron_with_named_weekdays_is_accepted(self) -> None:
        """Named weekday ranges are read as written."""
        job = JobSettings(cron="0  6 * *  mon-fri")

        assert job.cron == "0 6 * * mon-fri"

    def test_source_outside_resync_is_refused(self) -> None:
        """Only a resync can be limited to one source."""
        with pytest.raises(ValueError, match="only to a job of kind resync"):
            JobSettings(kind="sync", every="15m", source="rdi_projects")


class TestServiceSettings:
    def test_defaults_schedule_sync_and_nightly_resync(self) -> None:
        """Without a service section, sync runs every 15 min and resync nightly."""
        service = ServiceSettings()

        assert service.host == "127.0.0.1"
        assert service.jobs["sync"].every == "15m"
        assert service.jobs["nightly_resync"].cron == "30 2 * * *"

    def test_unknown_timezone_is_refused(self) -> None:
        """A misspelt timezone is refused with an example of a valid one."""
        with pytest.raises(ValueError, match="Europe/Helsinki"):
            ServiceSettings(timezone="Europe/Helsinky")

    def test_job_name_with_capitals_is_refused(self) -> None:
        """Job names become metric labels and lock keys, so their form is fixed."""
        with pytest.raises(ValueError, match="lower-case letters"):
            ServiceSettings(jobs={"Nightly": JobSettings(every="1d")})


def test_bad_trigger_in_file_is_located(tmp_path: Path) -> None:
    """A bad interval in sidos.yaml is reported at its file and line."""
    path = tmp_path / "sidos.yaml"
    path.write_text(
        "service:\n  jobs:\n    sync:\n      kind: sync\n      every: 2 parsecs\n",
        encoding="utf-8",
    )

    with pytest.raises(ConfigError) as caught:
        load_settings(path)

    problem = caught.value.problems[0]
    assert (problem.path, problem.line) == (str(path), 5)


def test_environment_overrides_a_job_trigger(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIDOS_SERVICE__JOBS__<JOB>__EVERY replaces the interval written in the file."""
    path = tmp_path / "sidos.yaml"
    path.write_text(
        "service:\n  jobs:\n    sync:\n      every: 15m\n", encoding="utf-8"
    )
    monkeypatch.setenv("SIDOS_SERVICE__JOBS__SYNC__EVERY", "2s")

    settings = load_settings(path)

    assert settings.service.jobs["sync"].every == "2s"
