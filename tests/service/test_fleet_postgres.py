"""A fleet: two ``sidos serve`` replicas on one PostgreSQL run each slot once.

The figures of the exactly-once test are printed (run pytest with ``-s`` to see
them): slots scheduled, runs executed, duplicates. ``SIDOS_TEST_FLEET_SECONDS`` sets
how long the two replicas run together (default 12).
"""

from __future__ import annotations

import itertools
import os
import signal
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sync.state import open_store, schema
from tests.service.conftest import StartServe, WriteConfig
from tests.service.processes import Event, ServeProcess, read_run_log

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

# How long the replicas run together; raise it for a longer soak.
FLEET_SECONDS = float(os.environ.get("SIDOS_TEST_FLEET_SECONDS", "12"))


def slots_fired(replicas: list[ServeProcess]) -> set[tuple[str, str]]:
    """Return every (job, slot) a replica started or skipped."""
    names = ("service.job_started", "service.job_skipped")
    return {
        (event["job"], event["slot"])
        for replica in replicas
        for event in replica.events()
        if event["event"] in names
    }


def slots_left_for_shutdown(replicas: list[ServeProcess]) -> set[tuple[str, str]]:
    """Return the slots a replica gave up because it was shutting down."""
    return {
        (event["job"], event["slot"])
        for replica in replicas
        for event in replica.events("service.job_skipped")
        if event["reason"] == "stopping"
    }


def overlapping(runs: list[Event]) -> list[tuple[Any, Any]]:
    """Return pairs of runs whose start-to-end spans overlap."""
    spans = _spans(runs)
    ordered = sorted(spans.values())
    return [
        (earlier, later)
        for earlier, later in itertools.pairwise(ordered)
        if later[0] < earlier[1]
    ]


def test_two_replicas_run_each_scheduled_slot_exactly_once(
    serve: StartServe, write_config: WriteConfig, postgres_url: str, tmp_path: Path
) -> None:
    """Over several cycles of two jobs, every slot runs once, never twice."""
    run_log = tmp_path / "runs.jsonl"
    config = write_config(
        postgres_url, {"alpha": {"every": "2s"}, "beta": {"every": "3s"}}
    )
    env = {
        "SIDOS_TEST_RUN_LOG": str(run_log),
        "SIDOS_TEST_BATCHES": "2",
        "SIDOS_TEST_BATCH_SECONDS": "0.1",
    }
    replicas = [serve("replica_a", config, **env), serve("replica_b", config, **env)]
    for replica in replicas:
        replica.url()

    time.sleep(FLEET_SECONDS)
    for replica in replicas:
        replica.send(signal.SIGTERM)
    codes = [replica.wait(timeout=20) for replica in replicas]

    started = [line for line in read_run_log(run_log) if line["event"] == "started"]
    executed = Counter((line["job"], line["slot"]) for line in started)
    scheduled = slots_fired(replicas)
    left = slots_left_for_shutdown(replicas)
    duplicates = sum(count - 1 for count in executed.values())
    by_replica = Counter(line["pid"] for line in started)
    skips = Counter(
        event["reason"]
        for replica in replicas
        for event in replica.events("service.job_skipped")
    )
    print(
        f"\nfleet of 2 replicas over {FLEET_SECONDS:.0f} s, jobs every 2 s and 3 s: "
        f"slots scheduled={len(scheduled)} runs executed={len(started)} "
        f"duplicates={duplicates}; runs per replica={sorted(by_replica.values())}; "
        f"fires skipped by reason={dict(sorted(skips.items()))}"
    )
    print(f"slots not run because SIGTERM came first: {len(left)}")
    assert codes == [0, 0]
    assert duplicates == 0
    assert set(executed) == scheduled - left
    assert len(scheduled) >= 8
    assert overlapping(read_run_log(run_log)) == []


def test_killed_replica_releases_the_job_to_the_other(
    serve: StartServe, write_config: WriteConfig, postgres_url: str, tmp_path: Path
) -> None:
    """SIGKILL of the replica running a job frees its lock; the other runs next."""
    run_log = tmp_path / "runs.jsonl"
    config = write_config(postgres_url, {"long": {"every": "2s"}})
    env = {
        "SIDOS_TEST_RUN_LOG": str(run_log),
        "SIDOS_TEST_BATCHES": "30",
        "SIDOS_TEST_BATCH_SECONDS": "0.1",
    }
    started = [serve("replica_a", config, **env), serve("replica_b", config, **env)]
    replicas = {process.pid: process for process in started}
    first = _wait_for_run(run_log, lambda line: True, started)
    victim = replicas.pop(first["pid"])
    [survivor] = replicas.values()

    victim.process.kill()
    victim.wait(timeout=5)
    taken = _wait_for_run(run_log, lambda line: line["pid"] == survivor.pid, started)
    survivor.wait_for_event("service.runs_recovered", timeout=5)
    survivor.send(signal.SIGTERM)
    code = survivor.wait(timeout=20)

    assert code == 0
    assert taken["slot"] > first["slot"]
    statuses = _statuses(postgres_url)
    assert statuses["slots"][first["run_id"]] == "abandoned"
    assert statuses["runs"][first["run_id"]] == "interrupted"
    assert statuses["runs"][taken["run_id"]] == "interrupted"
    assert "running" not in statuses["runs"].values()


def _wait_for_run(
    path: Path, where: Any, replicas: list[ServeProcess], timeout: float = 30.0
) -> Event:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in read_run_log(path):
            if line["event"] == "started" and where(line):
                return line
        time.sleep(0.05)
    outputs = "\n".join(f"{r.name}:\n{r.output()[-3000:]}" for r in replicas)
    raise AssertionError(f"no matching run started within {timeout}s\n{outputs}")


def _statuses(url: str) -> dict[str, dict[str, str]]:
    store = open_store(url)
    try:
        with store.engine.connect() as db:
            slots = db.execute(
                select(schema.job_runs.c.run_id, schema.job_runs.c.status)
            )
            runs = db.execute(select(schema.runs.c.run_id, schema.runs.c.status))
            return {"slots": dict(slots.all()), "runs": dict(runs.all())}
    finally:
        store.close()


def _spans(runs: list[Event]) -> dict[str, tuple[float, float]]:
    starts = {line["run_id"]: line["at"] for line in runs if line["event"] == "started"}
    ends = {
        line["run_id"]: line["at"]
        for line in runs
        if line["event"] in ("finished", "interrupted")
    }
    return {
        run_id: (start, ends.get(run_id, float("inf")))
        for run_id, start in starts.items()
    }
