"""Stand-ins for ``sync.run.execute`` that the service tests schedule.

``record_run`` records its run in the state store as ``execute`` does, works in
batches, stops between batches when asked, and appends one JSON line per event to the
file named by ``SIDOS_TEST_RUN_LOG``, so that a test can count the runs of several
processes. Its pace comes from the environment: ``SIDOS_TEST_BATCHES`` (default 3)
batches of ``SIDOS_TEST_BATCH_SECONDS`` (default 0.1).
"""

from __future__ import annotations

import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog

from sync.apply import RunStopped
from sync.settings import Settings
from sync.state import StateStore

log = structlog.get_logger()

KNOWN_EMAIL = "maija.meikalainen@example.fi"


@dataclass
class FakeReport:
    """The parts of ``RunReport`` the service reads."""

    run_id: str
    api_calls: dict[str, int] = field(default_factory=dict)

    def stats(self) -> dict[str, Any]:
        """Return figures shaped like ``RunReport.stats()``."""
        return {
            "pulled": {"hubspot": 3, "rdi_projects": 2},
            "records": 5,
            "partners": 4,
            "writes": 2,
            "failed": 1,
            "api_calls": dict(self.api_calls),
        }


def record_run(
    settings: Settings,
    *,
    kind: str,
    full: bool,
    only_source: str | None,
    store: StateStore,
    stop: threading.Event,
) -> FakeReport:
    """Run like ``execute``: record the run, work in batches, honour ``stop``.

    Raises:
        RunStopped: ``stop`` was set between batches.
    """
    run_id = store.start_run(kind)
    slot = structlog.contextvars.get_contextvars().get("slot")
    job = structlog.contextvars.get_contextvars().get("job")
    _note("started", job=job, slot=slot, run_id=run_id)
    structlog.contextvars.bind_contextvars(run_id=run_id, job=kind)
    try:
        _work(settings, stop)
    except RunStopped:
        store.finish_run(run_id, "interrupted", {}, error="RunStopped")
        _note("interrupted", job=job, slot=slot, run_id=run_id)
        raise
    finally:
        structlog.contextvars.unbind_contextvars("run_id", "job")
    report = FakeReport(run_id, {"total": 7, "rate_limited": 1})
    store.finish_run(run_id, "succeeded", report.stats())
    _note("finished", job=job, slot=slot, run_id=run_id)
    return report


def fail_run(
    settings: Settings,
    *,
    kind: str,
    full: bool,
    only_source: str | None,
    store: StateStore,
    stop: threading.Event,
) -> FakeReport:
    """Fail as a run does when the CRM stays unavailable.

    Raises:
        RuntimeError: always.
    """
    raise RuntimeError("the CRM stayed unavailable")


def _work(settings: Settings, stop: threading.Event) -> None:
    batches = int(os.environ.get("SIDOS_TEST_BATCHES", "3"))
    pause = float(os.environ.get("SIDOS_TEST_BATCH_SECONDS", "0.1"))
    for batch in range(batches):
        if stop.is_set():
            raise RunStopped("the run was asked to stop; applied batches are recorded")
        time.sleep(pause)
        log.info("sync.batch_applied", batch=batch)
        if os.environ.get("SIDOS_TEST_LEAK") and settings.crm.token is not None:
            token = settings.crm.token.get_secret_value()
            log.warning("test.careless_event", note=f"used {token}", who=KNOWN_EMAIL)


def _note(event: str, **values: Any) -> None:
    path = os.environ.get("SIDOS_TEST_RUN_LOG")
    if not path:
        return
    line = {"event": event, "pid": os.getpid(), "at": time.time(), **values}
    with Path(path).open("a", encoding="utf-8") as file:
        file.write(json.dumps(line) + "\n")
