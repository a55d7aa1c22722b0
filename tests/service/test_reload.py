"""Reloads: a bad config is refused and the last good one kept; a good one applies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from sync.service.lifecycle import Service
from sync.service.reload import validate_config
from tests.service.conftest import WriteConfig

TOKEN = "pat-na1-0f3c2b1a-9d8e-4c7b-a6f5-e4d3c2b1a0f9"


@pytest.fixture
def config(write_config: WriteConfig, sqlite_url: str) -> Path:
    return write_config(sqlite_url, {"sync": {"every": "1h"}})


@pytest.fixture
def service(config: Path) -> Iterator[Service]:
    service = Service(config, validate_config(config))
    service.start()
    yield service
    service.shutdown("test over")


def refused_value(service: Service) -> float | None:
    return service.metrics.registry.get_sample_value("sidos_config_reload_refused")


class TestRefused:
    def test_invalid_value_is_refused_with_its_location(
        self, service: Service, config: Path
    ) -> None:
        """A bad interval is refused; the event names how many problems and where."""
        text = config.read_text(encoding="utf-8").replace("every: 1h", "every: soon")
        config.write_text(text, encoding="utf-8")
        line = 1 + text.splitlines().index("      every: soon")

        with capture_logs() as events:
            applied = service.reload("test")

        assert not applied
        [refused] = [e for e in events if e["event"] == "service.reload_refused"]
        assert refused["problems"] == 1
        assert refused["first"] == f"{config}:{line}"
        assert refused["log_level"] == "error"

    def test_service_keeps_its_last_good_config(
        self, service: Service, config: Path
    ) -> None:
        """After a refusal the old schedule stays and readiness says why."""
        config.write_text("service: [not, a, mapping\n", encoding="utf-8")

        service.reload("test")

        assert service.settings.service.jobs["sync"].every == "1h"
        assert set(service.schedule.next_runs()) == {"sync"}
        ready, reason = service.readiness()
        assert ready
        assert "last good config" in reason
        assert refused_value(service) == 1

    def test_secret_written_in_the_file_is_refused_without_showing_it(
        self, service: Service, config: Path
    ) -> None:
        """A token put in the YAML is refused, and its value is in no event."""
        text = config.read_text(encoding="utf-8")
        config.write_text(text + f"crm:\n  token: {TOKEN}\n", encoding="utf-8")

        with capture_logs() as events:
            applied = service.reload("test")

        assert not applied
        assert TOKEN not in repr(events)


class TestApplied:
    def test_valid_change_reschedules(
        self, service: Service, config: Path, write_config: WriteConfig, sqlite_url: str
    ) -> None:
        """A new interval and a new job take effect; the refusal flag clears."""
        write_config(
            sqlite_url,
            {
                "sync": {"every": "30m"},
                "weekly_plan": {"kind": "plan", "cron": "0 6 * * mon"},
            },
            path=config,
        )

        with capture_logs() as events:
            applied = service.reload("test")

        assert applied
        [reloaded] = [e for e in events if e["event"] == "service.reloaded"]
        assert (reloaded["added"], reloaded["changed"]) == (["weekly_plan"], ["sync"])
        assert set(service.schedule.next_runs()) == {"sync", "weekly_plan"}
        assert refused_value(service) == 0

    def test_change_needing_a_restart_is_named(
        self, service: Service, config: Path, write_config: WriteConfig, tmp_path: Path
    ) -> None:
        """A new state store URL is not switched live; the event says to restart."""
        write_config(
            f"sqlite:///{tmp_path / 'other.db'}", {"sync": {"every": "1h"}}, path=config
        )

        with capture_logs() as events:
            service.reload("test")

        [restart] = [e for e in events if e["event"] == "service.reload_needs_restart"]
        assert restart["settings"] == ["state.url"]


def test_file_change_is_noticed_by_polling(
    write_config: WriteConfig, sqlite_url: str
) -> None:
    """With polling on, saving the file asks the service for a reload."""
    path = write_config(sqlite_url, {"sync": {"every": "1h"}}, reload_poll_seconds=0.1)
    service = Service(path, validate_config(path))
    service.start()
    try:
        write_config(
            sqlite_url, {"sync": {"every": "2h"}}, path=path, reload_poll_seconds=0.1
        )

        action, trigger = service._requests.get(timeout=5)
    finally:
        service.shutdown("test over")

    assert (action, trigger) == ("reload", "file_changed")


def test_runner_that_cannot_be_imported_is_refused(
    service: Service, config: Path, write_config: WriteConfig, sqlite_url: str
) -> None:
    """A runner named in the config must import before the config is used."""
    write_config(
        sqlite_url, {"sync": {"every": "1h"}}, path=config, runner="tests.nowhere:run"
    )

    with capture_logs() as events:
        applied = service.reload("test")

    assert not applied
    [refused] = [e for e in events if e["event"] == "service.reload_refused"]
    assert refused["first"].startswith("service.runner")
