"""``sidos status``: the last runs, cursors, counts, dead letters, reviews, partners."""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.table import Table

from mappings.categories import category
from sync.commands.common import (
    ConfigOption,
    JsonOption,
    admin_errors,
    console,
    settings_from,
)
from sync.service.scheduler import schedule_summary
from sync.state import StateStore, open_store
from sync.state.partners import PartnerRow


@admin_errors
def status(
    config: ConfigOption = None,
    partner: Annotated[
        str | None,
        typer.Option(
            "--partner",
            help="Show one partner (part of a name, a business id or a partner "
            "id): its category, members, and the units and staff who work with it.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Show what sidos knows: last runs, cursors, counts, dead letters and reviews."""
    settings = settings_from(config)
    store = open_store(settings.state.url)
    if partner is not None:
        _show_partners(store, partner, as_json=as_json)
        return

    summary = {**_summary(store), "schedule": schedule_summary(settings, store)}
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2, default=str))
        return
    _print_summary(summary)


def _summary(store: StateStore) -> dict[str, Any]:
    return {
        "runs": [
            {
                "run_id": run.run_id,
                "kind": run.kind,
                "status": run.status,
                "started_at": run.started_at,
                "finished_at": run.finished_at,
                "stats": run.stats,
                "error": run.error,
            }
            for run in store.last_runs(10)
        ],
        "cursors": store.cursors(),
        "records": store.record_counts(),
        "set_aside": len(store.set_aside()),
        "partners": store.partners.category_counts(),
        "dead_letters": store.ledger.dead_letter_count(),
        "pending_reviews": len(store.pending_reviews()),
    }


def _print_summary(summary: dict[str, Any]) -> None:
    runs = Table(title="Last runs", title_justify="left")
    for column in ("run", "kind", "status", "started", "partners", "writes", "failed"):
        runs.add_column(column)
    for run in summary["runs"]:
        stats = run["stats"] or {}
        runs.add_row(
            run["run_id"],
            run["kind"],
            run["status"],
            f"{run['started_at']:%Y-%m-%d %H:%M:%S}",
            str(stats.get("partners", "")),
            str(stats.get("writes", "")),
            str(stats.get("failed", "")),
        )
    console.print(runs)
    console.print(
        "Cursors: "
        + (
            ", ".join(
                f"{source}={cursor[:16]}"
                for source, cursor in summary["cursors"].items()
            )
            or "none yet"
        )
    )
    console.print(
        "Records: "
        + (
            ", ".join(
                f"{source} {count}" for source, count in summary["records"].items()
            )
            or "none yet"
        )
        + f"; set aside: {summary['set_aside']}"
    )
    console.print(
        "Partners: "
        + (
            ", ".join(
                f"{category(cid).en} {count}"
                for cid, count in sorted(
                    summary["partners"].items(), key=lambda item: -item[1]
                )
            )
            or "none yet"
        )
    )
    for job in summary["schedule"]:
        console.print(f"Schedule: {_describe_job(job)}")
    console.print(
        f"Dead letters: {summary['dead_letters']} (retry with `sidos retry`); "
        f"pending reviews: {summary['pending_reviews']} (see `sidos review list`)"
    )


def _describe_job(job: dict[str, Any]) -> str:
    when = "disabled"
    if job["enabled"] and job["next_run"] is not None:
        when = f"next at {job['next_run']:%Y-%m-%d %H:%M %Z}"
    return f"{job['job']} ({job['kind']}, {job['trigger']}): {when}"


def _show_partners(store: StateStore, text: str, *, as_json: bool) -> None:
    found = store.partners.find(text)
    if as_json:
        typer.echo(
            json.dumps(
                [_partner_json(row) for row in found], ensure_ascii=False, indent=2
            )
        )
        return
    if not found:
        console.print(f"No partner matches {text!r}. Try part of the name.")
        raise typer.Exit(1)
    for row in found:
        _print_partner(row)


def _partner_json(row: PartnerRow) -> dict[str, Any]:
    return {
        "partner_id": row.partner_id,
        "name": row.name,
        "business_id": row.business_id,
        "category": row.category,
        "rule": row.rule,
        "secondary": list(row.secondary),
        "units": list(row.units),
        "staff_count": row.staff_count,
        "company_id": row.company_id,
        "kam_email": row.kam_email,
        "members": [str(ref) for ref in row.member_refs],
    }


def _print_partner(row: PartnerRow) -> None:
    console.print(f"[bold]{row.name}[/] ({row.partner_id})")
    console.print(
        f"  business id: {row.business_id or '—'}; CRM company: "
        f"{row.company_id or '—'}; KAM: {row.kam_email or '—'}"
    )
    secondary = ", ".join(category(c).en for c in row.secondary) or "—"
    console.print(
        f"  category: {category(row.category).en} (rule: {row.rule}); also: {secondary}"
    )
    console.print(
        f"  units working with it: {', '.join(row.units) or '—'}; "
        f"staff: {row.staff_count}"
    )
    console.print("  records: " + ", ".join(str(ref) for ref in row.member_refs))
