"""``sidos retry``: send the writes the CRM refused once more."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.table import Table

from connectors.hubspot import HubSpotConnector
from sync.commands.common import (
    ConfigOption,
    JsonOption,
    admin_errors,
    console,
    settings_from,
)
from sync.retry import dead_letter_write, retry_dead_letters
from sync.run import plan_policy
from sync.state import open_store
from sync.state.ledger import DeadLetter


@admin_errors
def retry(
    config: ConfigOption = None,
    preview: Annotated[
        bool,
        typer.Option(
            "--preview",
            help="List the refused writes as they were refused, and send nothing; "
            "a retry reads each company first and may send less.",
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Re-attempt the writes the CRM refused (dead letters), after you fixed the cause.

    Each refused write is kept with the CRM's reason (see `sidos status`). Before it
    is sent again, its company is read back: a change the field policies no longer
    allow (a fill field a person has filled since) or whose value the CRM holds
    already is dropped, and a write left with no change is resolved as no longer
    needed. A write that succeeds now is resolved; one that fails again stays, with
    its attempt count.
    """
    settings = settings_from(config)
    store = open_store(settings.state.url)
    letters = store.ledger.dead_letters()
    if preview or not letters:
        _show(letters, as_json=as_json)
        return

    crm = HubSpotConnector(settings.crm)
    run_id = store.start_run("retry")
    policies = plan_policy(settings).policies
    result = retry_dead_letters(store, crm, run_id, letters, policies)
    store.finish_run(
        run_id,
        "succeeded",
        {
            "writes": len(result.done),
            "failed": len(result.failed),
            "unneeded": len(result.unneeded),
        },
    )
    if as_json:
        payload = {
            "done": result.done,
            "failed": result.failed,
            "unneeded": result.unneeded,
        }
        typer.echo(json.dumps(payload))
        return
    console.print(
        f"Retried {len(letters)}: {len(result.done)} written, "
        f"{len(result.failed)} refused again, "
        f"{len(result.unneeded)} no longer needed."
    )
    for key, error in result.failed.items():
        console.print(f"  {key}: {error}")


def _show(letters: list[DeadLetter], *, as_json: bool) -> None:
    if as_json:
        payload = [
            {
                "key": d.key,
                "kind": d.kind,
                "partner_id": d.partner_id,
                "company_id": d.company_id,
                "error": d.error,
                "attempts": d.attempts,
                "properties": dict(dead_letter_write(d).properties),
            }
            for d in letters
        ]
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    if not letters:
        console.print("No dead letters: every write the CRM was sent has landed.")
        return
    table = Table(title="Dead letters (writes the CRM refused)", title_justify="left")
    for column in ("key", "kind", "partner", "company", "attempts", "error"):
        table.add_column(column, overflow="fold")
    for letter in letters:
        table.add_row(
            letter.key[:12],
            letter.kind,
            letter.partner_id or "",
            letter.company_id or "",
            str(letter.attempts),
            letter.error,
        )
    console.print(table)
