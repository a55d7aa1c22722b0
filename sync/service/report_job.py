"""The scheduled report job: write the partner report file of one slot.

A job of kind ``report`` makes no CRM calls: it reads the partners the last sync
stored and writes them to the job's ``out`` file, with ``{date}`` filled in with the
slot's date in the service's timezone. The job is recorded as a run of kind
``report``, so its slot, log events and metrics are those of any other run.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog

from sync.apply import RunStopped, check_stop
from sync.report import format_of, load_report, write_partner_file
from sync.service.config import JobSettings
from sync.settings import Settings
from sync.state import StateStore

RUN_KIND = "report"


@dataclass(frozen=True)
class ReportRun:
    """What a report job did, in the shape the service records for every run."""

    run_id: str
    partners: int
    api_calls: Mapping[str, int] = field(default_factory=dict)

    def stats(self) -> dict[str, Any]:
        """Return the run's figures as plain data: the partners written."""
        return {"partners": self.partners}


def report_path(settings: Settings, job: JobSettings, slot: datetime) -> Path:
    """Return the file a report job writes for a slot.

    Args:
        settings: the settings; a relative path is read from the config's directory.
        job: the report job.
        slot: the fire time the run belongs to.

    Returns:
        The job's ``out`` file, ``{date}`` filled with the slot's date in
        ``service.timezone``.
    """
    day = slot.astimezone(settings.service.zone).date()
    return settings.resolve(job.out_for(day))


def run_report_job(
    settings: Settings,
    job: JobSettings,
    *,
    slot: datetime,
    store: StateStore,
    stop: threading.Event,
) -> ReportRun:
    """Write the report file of a ``kind: report`` job and record the run.

    The file's directory is created when missing; the file is replaced atomically.

    Args:
        settings: validated settings.
        job: the report job.
        slot: the fire time the run belongs to; its date fills ``{date}``.
        store: the state store to read partners from and record the run in.
        stop: when set before the file is written, the run ends without writing.

    Raises:
        NoPartnersStored: no sync has stored partners yet.
        RunStopped: ``stop`` was set.
        OSError: the file could not be written.
    """
    path = report_path(settings, job, slot)
    run_id = store.start_run(RUN_KIND)
    structlog.contextvars.bind_contextvars(run_id=run_id)
    try:
        check_stop(stop)
        report = load_report(store)
        path.parent.mkdir(parents=True, exist_ok=True)
        write_partner_file(path, report, format_of(path))
    except BaseException as exc:
        stopped = isinstance(exc, KeyboardInterrupt | RunStopped)
        status = "interrupted" if stopped else "failed"
        store.finish_run(run_id, status, {}, error=type(exc).__name__)
        raise
    finally:
        structlog.contextvars.unbind_contextvars("run_id")
    result = ReportRun(run_id, len(report.partners))
    store.finish_run(run_id, "succeeded", result.stats())
    return result
