"""``sidos demo``: a full sync of the built-in sandbox CRM and the sample export."""

from __future__ import annotations

import secrets
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer
from pydantic import SecretStr

import connectors
from connectors.hubspot.sandbox import SandboxServer
from sync.commands.common import ConfigOption, admin_errors, console, settings_from
from sync.commands.render import render_run
from sync.run import execute
from sync.settings import Settings

SAMPLE_EXPORT = Path(connectors.__file__).parent / "samples" / "rdi_projects.csv"


@admin_errors
def demo(
    config: ConfigOption = None,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            help="SQLite file to keep the demo's state in. Default: a "
            "temporary file, removed afterwards.",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose",
            "-v",
            help="List every operation and every strategic partner without a KAM "
            "of the first sync.",
        ),
    ] = False,
) -> None:
    """Run a complete sync against the built-in sandbox CRM and sample project data.

    Starts the HubSpot-compatible sandbox on a free loopback port, seeded with a
    university's organisations as its units entered them (duplicates included), and
    syncs it with the sample RDI project export: pulls, resolves duplicates, classifies
    partners into the Karvi categories, and writes the result to the sandbox. Then it
    syncs again to show that an unchanged CRM gets no writes. Nothing outside the
    sandbox and the state file is touched.
    """
    token = "demo-" + secrets.token_hex(8)
    settings = settings_from(config, level="warning")
    with tempfile.TemporaryDirectory(prefix="sidos-demo-") as scratch:
        state_file = state or Path(scratch) / "state.db"
        with SandboxServer(
            seed="demo", token=token, rate_limit=(190, 10.0), search_per_second=5
        ) as sandbox:
            settings = demo_settings(settings, sandbox.url, token, state_file)
            console.print(f"Sandbox CRM at {sandbox.url}, state in {state_file}\n")
            _run_twice(settings, verbose=verbose)


def demo_settings(
    settings: Settings, url: str, token: str, state_file: Path
) -> Settings:
    """Point settings at the sandbox, the sample export and a state file.

    Args:
        settings: the loaded settings.
        url: the sandbox's base URL.
        token: the sandbox's token.
        state_file: the SQLite file to keep the state in.

    Returns:
        The settings with the CRM, the first project source and the state replaced.
    """
    crm = settings.crm.model_copy(update={"base_url": url, "token": SecretStr(token)})
    sources = [
        source.model_copy(update={"path": SAMPLE_EXPORT})
        for source in settings.sources[:1]
    ]
    state = settings.state.model_copy(update={"url": f"sqlite:///{state_file}"})
    return settings.model_copy(update={"crm": crm, "sources": sources, "state": state})


def _run_twice(settings: Settings, *, verbose: bool) -> None:
    started = time.perf_counter()
    first = execute(settings, kind="sync")
    render_run(console, first, verbose=verbose)
    console.print(f"\nFirst sync finished in {time.perf_counter() - started:.1f} s.\n")

    second = execute(settings, kind="sync")
    console.print("[bold]Second sync, right after the first:[/]")
    render_run(console, second)
    writes = second.applied.writes if second.applied else 0
    console.print(f"\nDemo complete: the second sync made {writes} writes.")
