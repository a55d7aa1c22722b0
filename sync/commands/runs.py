"""``sidos plan``, ``sidos sync`` and ``sidos resync``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from sync.commands.common import (
    ConfigOption,
    JsonOption,
    admin_errors,
    console,
    fail,
    settings_from,
)
from sync.commands.render import plan_as_json, render_run
from sync.run import RunReport, execute
from sync.service.jobs import RUNS_LOCK
from sync.service.locks import job_locks
from sync.settings import Settings
from sync.state import StateStore, open_store

LOCK_WAIT_SECONDS = 10.0

VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="List every operation, not the first.")
]


@admin_errors
def plan(
    config: ConfigOption = None,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Show the operations a sync would make in the CRM, and change nothing there.

    Pulls changes from every source into the local state, resolves partners and
    classifies them, then compares with the CRM. Each operation carries its reason and
    the old and new value of each property.
    """
    settings = settings_from(config)
    report = execute(settings, kind="plan")
    if as_json:
        typer.echo(json.dumps(plan_as_json(report.plan), ensure_ascii=False, indent=2))
        return
    render_run(console, report, verbose=verbose)


@admin_errors
def sync(
    config: ConfigOption = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full",
            help="Read every record instead of the changes since the last run.",
        ),
    ] = False,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Pull, resolve, classify and push partners to the CRM.

    Running it again right after a successful run makes no writes. A write the CRM
    refuses is kept as a dead letter (see `sidos status`) and the run goes on.
    """
    settings = settings_from(config)
    with exclusive_run(settings) as (store, lost):
        report = execute(settings, kind="sync", full=full, store=store, stop=lost)
    _print(report, as_json=as_json, verbose=verbose)


@admin_errors
def resync(
    config: ConfigOption = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source", help="Re-read only this source (its name in config/sidos.yaml)."
        ),
    ] = None,
    full: Annotated[
        bool, typer.Option("--full", help="Re-read every source from scratch.")
    ] = False,
    as_json: JsonOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Re-read everything (or one source) and reconcile, when you suspect drift.

    The snapshot of each re-read source is rebuilt: records deleted or merged away in
    the source disappear from sidos's state too. Then the CRM is brought up to date.
    """
    settings = settings_from(config)
    names = [settings.crm.name, *(s.name for s in settings.sources)]
    if source is not None and source not in names:
        raise typer.BadParameter(
            f"unknown source {source!r}; configured: {', '.join(names)}",
            param_hint="--source",
        )
    with exclusive_run(settings) as (store, lost):
        report = execute(
            settings,
            kind="resync",
            full=full,
            only_source=source,
            store=store,
            stop=lost,
        )
    _print(report, as_json=as_json, verbose=verbose)


@contextmanager
def exclusive_run(settings: Settings) -> Iterator[tuple[StateStore, threading.Event]]:
    """Hold the lock every run takes, so a manual run never overlaps a scheduled one.

    Yields the state store and an event that is set if the lock is lost (on
    PostgreSQL, when its connection drops); the run then stops after its batch.
    """
    store = open_store(settings.state.url)
    locks = job_locks(store.engine)
    lost = threading.Event()
    try:
        with locks.hold(RUNS_LOCK, lost=lost, wait_seconds=LOCK_WAIT_SECONDS) as held:
            if not held:
                fail(
                    "Another run holds the state store (a scheduled run of `sidos "
                    "serve`, or another admin's). Try again when it has finished; "
                    "`sidos status` shows the runs."
                )
            yield store, lost
    finally:
        locks.close()


def _print(report: RunReport, *, as_json: bool, verbose: bool) -> None:
    if as_json:
        payload = {
            "run_id": report.run_id,
            **report.stats(),
            **plan_as_json(report.plan),
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2, default=str))
        return
    render_run(console, report, verbose=verbose)
