"""Fixtures of the service tests: config files, state stores and serve processes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.service.postgres import fresh_database, unreachable_reason
from tests.service.processes import ServeProcess, start_serve

RUNNER = "tests.service.runners:record_run"

WriteConfig = Callable[..., Path]
StartServe = Callable[..., ServeProcess]


@pytest.fixture
def write_config(tmp_path: Path) -> WriteConfig:
    """Return a function that writes a settings file for a test service."""

    def write(
        state_url: str,
        jobs: dict[str, dict[str, Any]],
        *,
        path: Path | None = None,
        **service: Any,
    ) -> Path:
        settings = {
            "state": {"url": state_url},
            "logging": {"level": "info"},
            "service": {
                "port": 0,
                "reload_poll_seconds": 0,
                "runner": RUNNER,
                "jobs": jobs,
                **service,
            },
        }
        target = path or tmp_path / "sidos.yaml"
        target.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
        return target

    return write


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """Return the URL of a SQLite state store in the test's directory."""
    return f"sqlite:///{tmp_path / 'state.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """Yield the URL of a new PostgreSQL database, dropped after the test."""
    reason = unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    with fresh_database() as url:
        yield url


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[StartServe]:
    """Start ``sidos serve`` processes; any still running at the end is killed."""
    started: list[ServeProcess] = []

    def start(name: str, config: Path, **env: str) -> ServeProcess:
        process = start_serve(name, config, tmp_path, env)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.process.poll() is None:
            process.process.kill()
            process.process.wait(timeout=10)
