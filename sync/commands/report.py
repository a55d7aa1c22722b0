"""``sidos report``: what the last sync stored, summed up for the institution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from sync.commands.common import (
    ConfigOption,
    JsonOption,
    admin_errors,
    console,
    fail,
    settings_from,
)
from sync.report import (
    FileFormat,
    NoPartnersStored,
    PartnerReport,
    category_label,
    format_of,
    load_report,
    summary_as_json,
    write_partner_file,
)
from sync.state import open_store
from sync.state.partners import PartnerRow

DEFAULT_TOP = 10


@admin_errors
def report(
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write one row per partner to this file, replacing it "
            "atomically. Staff appear only as counts.",
            show_default=False,
        ),
    ] = None,
    file_format: Annotated[
        FileFormat | None,
        typer.Option(
            "--format",
            help="Format of the --out file: csv (with a header row) or json (a list "
            "of objects). Default: json for a .json file, else csv.",
            show_default=False,
        ),
    ] = None,
    top: Annotated[
        int,
        typer.Option("--top", min=1, help="How many shared partners to list."),
    ] = DEFAULT_TOP,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sum up the partners of the last sync: categories, units, shared, strategic.

    Shows the partners per Karvi category, how many partners each unit works with in
    each category, the partners several units share (the cross-unit view), and the
    strategic partners that have no KAM. Reads only what the last successful sync or
    resync stored: it makes no CRM calls, so run `sidos sync` first for fresh figures.
    Units and KAMs are named; staff are personal data and appear only as counts.
    """
    settings = settings_from(config)
    store = open_store(settings.state.url)
    try:
        figures = load_report(store)
    except NoPartnersStored as exc:
        fail(str(exc))
        return
    if out is not None:
        chosen = format_of(out, file_format)
        try:
            write_partner_file(out, figures, chosen)
        except OSError as exc:
            fail(f"Cannot write {out}: {exc.strerror or type(exc).__name__}")
            return
    if as_json:
        summary = summary_as_json(figures, top=top)
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
        return
    _print_report(figures, top=top)
    if out is not None:
        console.print(
            f"\nWrote {len(figures.partners)} partners to {out} "
            f"({chosen.value.upper()})."
        )


def _print_report(figures: PartnerReport, *, top: int) -> None:
    run = figures.run
    source = "the stored partners"
    if run is not None and run.finished_at is not None:
        source = (
            f"{run.kind} run {run.run_id}, finished {run.finished_at:%Y-%m-%d %H:%M}"
        )
    console.print(
        f"[bold]Partner report[/]: {len(figures.partners)} partners, from {source}\n"
    )
    console.print(_category_table(figures))
    console.print(_matrix_table(figures))
    _print_shared(figures, top=top)
    _print_strategic(figures.strategic_without_kam)


def _category_table(figures: PartnerReport) -> Table:
    table = Table(title="Partners per Karvi category", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("category")
    table.add_column("Karvi-luokka")
    table.add_column("partners", justify="right")
    for number, (category_id, count) in enumerate(figures.categories.items(), 1):
        table.add_row(
            str(number),
            category_label(category_id, "en"),
            category_label(category_id, "fi"),
            str(count),
        )
    table.add_row("", "[bold]all[/]", "", f"[bold]{len(figures.partners)}[/]")
    return table


def _matrix_table(figures: PartnerReport) -> Table:
    numbers = {cid: str(n) for n, cid in enumerate(figures.categories, 1)}
    table = Table(
        title="Partners each unit works with, per category",
        title_justify="left",
        caption="Columns are the categories numbered above. A partner of several "
        "units counts once in each.",
        caption_justify="left",
    )
    table.add_column("unit", overflow="fold")
    for category_id in figures.matrix:
        table.add_column(numbers[category_id], justify="right")
    table.add_column("all", justify="right")
    for unit in figures.units:
        table.add_row(
            unit,
            *(str(cells[unit]) for cells in figures.matrix.values()),
            f"[bold]{figures.unit_totals[unit]}[/]",
        )
    return table


def _print_shared(figures: PartnerReport, *, top: int) -> None:
    shared = figures.shared
    if not shared:
        console.print("Partners several units share: none")
        return
    title = f"Partners several units share: {len(shared)}"
    if len(shared) > top:
        title += f" (the {top} with the most units; --top N lists more)"
    table = Table(title=title, title_justify="left")
    for column in ("partner", "category", "units", "staff", "KAM"):
        table.add_column(column, overflow="fold")
    for row in shared[:top]:
        table.add_row(
            row.name,
            category_label(row.category),
            f"{len(row.units)}: {', '.join(row.units)}",
            str(row.staff_count),
            row.kam_email or "—",
        )
    console.print(table)


def _print_strategic(rows: tuple[PartnerRow, ...]) -> None:
    if not rows:
        console.print("Strategic partners without a KAM: none")
        return
    table = Table(
        title=f"Strategic partners without a KAM: {len(rows)} "
        "(name one in config/kam.yaml)",
        title_justify="left",
    )
    for column in ("partner", "partner id", "category", "units"):
        table.add_column(column)
    for row in rows:
        table.add_row(
            row.name,
            row.partner_id,
            category_label(row.category),
            ", ".join(row.units) or "—",
        )
    console.print(table)
