"""Real ``sidos serve`` processes: graceful stop, resume, reloads, clean logs."""

from __future__ import annotations

import re
import signal
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from sync.state import open_store, schema
from tests.service.conftest import StartServe, WriteConfig
from tests.service.processes import ServeProcess
from tests.service.runners import KNOWN_EMAIL

pytestmark = pytest.mark.slow

TOKEN = "pat-eu1-5b0e7c1d-2f3a-4b5c-8d9e-0a1b2c3d4e5f"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
SHUTDOWN_BOUND = 8.0


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def state_url(request: pytest.FixtureRequest) -> str:
    """The state store: a SQLite file, or a new PostgreSQL database."""
    return str(request.getfixturevalue(f"{request.param}_url"))


def slot_statuses(url: str) -> list[str]:
    store = open_store(url)
    try:
        with store.engine.connect() as db:
            query = select(schema.job_runs.c.status).order_by(
                schema.job_runs.c.scheduled_at
            )
            return list(db.execute(query).scalars())
    finally:
        store.close()


def stop(process: ServeProcess) -> tuple[int, float]:
    started = time.monotonic()
    process.send(signal.SIGTERM)
    code = process.wait(timeout=SHUTDOWN_BOUND + 10)
    return code, time.monotonic() - started


def test_sigterm_mid_run_exits_zero_and_next_start_resumes(
    serve: StartServe, write_config: WriteConfig, state_url: str, tmp_path: Path
) -> None:
    """SIGTERM stops the run after its batch, records it, exits 0; a restart runs."""
    config = write_config(
        state_url, {"sync": {"every": "1s"}}, shutdown_seconds=SHUTDOWN_BOUND
    )
    first = serve("first", config, SIDOS_TEST_BATCHES="200")
    first.wait_for_event("service.job_started", timeout=30)
    time.sleep(0.3)

    code, seconds = stop(first)

    assert code == 0
    assert seconds < SHUTDOWN_BOUND
    assert open_store(state_url).last_runs(1)[0].status == "interrupted"
    assert slot_statuses(state_url) == ["interrupted"]
    first.wait_for_event("service.stopped", timeout=1)

    second = serve("second", config, SIDOS_TEST_BATCHES="1")
    second.wait_for_event(
        "service.job_finished", timeout=30, where=lambda e: e["outcome"] == "succeeded"
    )
    code, _ = stop(second)

    assert code == 0
    statuses = [run.status for run in open_store(state_url).last_runs(10)]
    assert "running" not in statuses
    assert statuses[-1] == "interrupted"
    assert "succeeded" in statuses


def test_sighup_with_bad_config_is_refused_and_service_goes_on(
    serve: StartServe, write_config: WriteConfig, sqlite_url: str
) -> None:
    """A bad config on SIGHUP is refused; runs go on; a good one is then applied."""
    config = write_config(sqlite_url, {"sync": {"every": "1s"}})
    process = serve("replica", config, SIDOS_TEST_BATCHES="1")
    url = process.url()
    good = config.read_text(encoding="utf-8")
    config.write_text(good.replace("every: 1s", "every: 1 fortnight"), encoding="utf-8")
    line = 1 + good.splitlines().index("      every: 1s")

    process.send(signal.SIGHUP)
    refused = process.wait_for_event("service.reload_refused", timeout=20)
    process.wait_for_event(
        "service.job_finished",
        timeout=20,
        where=lambda e: e["timestamp"] > refused["timestamp"],
    )
    with urllib.request.urlopen(url + "/readyz", timeout=5) as answer:
        ready = answer.read().decode()
    config.write_text(good.replace("every: 1s", "every: 2s"), encoding="utf-8")
    process.send(signal.SIGHUP)
    reloaded = process.wait_for_event("service.reloaded", timeout=20)

    assert (refused["problems"], refused["first"]) == (1, f"{config}:{line}")
    assert "last good config" in ready
    assert reloaded["changed"] == ["sync"]
    assert stop(process)[0] == 0


def test_logs_are_json_with_context_and_hold_no_token_or_email(
    serve: StartServe, write_config: WriteConfig, sqlite_url: str
) -> None:
    """Every line is JSON; run events carry run_id, job and source; no secrets."""
    config = write_config(sqlite_url, {"sync": {"every": "1s"}})
    process = serve(
        "replica",
        config,
        SIDOS_CRM__TOKEN=TOKEN,
        SIDOS_TEST_LEAK="1",
        SIDOS_TEST_BATCHES="2",
    )
    process.wait_for_event("service.job_finished", timeout=30)
    assert stop(process)[0] == 0

    output = process.output()
    events = process.events()
    assert TOKEN not in output
    assert KNOWN_EMAIL not in output
    assert EMAIL.findall(output) == []
    assert len(events) == len(output.splitlines())
    inside = [
        e for e in events if e["event"] in ("sync.batch_applied", "test.careless_event")
    ]
    assert inside
    assert all({"run_id", "job", "source"} <= set(e) for e in inside)
    finished = process.events("service.job_finished")
    assert all({"run_id", "job", "source", "slot"} <= set(e) for e in finished)
