"""``sidos match``: deduplicate any CSV of organisations into partners.

Writes each record's id with its ``partner_id``; ``--explain`` adds, per record,
the strongest link that put it in its partner: the deciding rule, the score, the
record it was linked to and the per-field evidence in one line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer

from mappings.model import SourceRef
from sync.commands.common import ConfigOption, JsonOption, console, fail
from sync.commands.match_input import (
    InputError,
    Table,
    parse_column_options,
    read_table,
)
from sync.model import Link
from sync.resolve import Resolution, resolve
from sync.resolve.explain import format_link
from sync.settings import MatchingSettings, config_path, load_settings

__all__ = ["match", "matching_settings"]

BASE_COLUMNS = ["id", "partner_id"]
EXPLAIN_COLUMNS = ["rule", "score", "linked_to", "evidence"]


def matching_settings(path: Path | None) -> MatchingSettings:
    """Return the matching settings of the config file, or defaults without one.

    Args:
        path: the ``--config`` value, if given.

    Returns:
        The ``matching:`` section.

    Raises:
        ConfigError: when the config file exists but is invalid.
    """
    chosen = config_path(path)
    if path is None and not chosen.exists():
        return MatchingSettings()
    return load_settings(chosen).matching


def match(
    input_file: Annotated[Path, typer.Argument(help="CSV file of organisations.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="CSV file to write.")],
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="FIELD=HEADER, e.g. name=Asiakas. Repeatable."),
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option(
            "--id-column",
            help="Header of the record id. Default: a unique 'id' column, else "
            "the row number.",
        ),
    ] = None,
    explain: Annotated[
        bool, typer.Option("--explain", help="Add the evidence of each record's link.")
    ] = False,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find which rows of a CSV file are the same organisation."""
    settings = matching_settings(config)
    try:
        table = read_table(
            input_file, columns=parse_column_options(column or []), id_column=id_column
        )
    except InputError as exc:
        fail(str(exc))
        return
    resolution = resolve(table.organisations, settings=settings)
    _write(out, table, resolution, explain=explain)
    _print_summary(table, resolution, out, as_json=as_json)


def _write(path: Path, table: Table, resolution: Resolution, *, explain: bool) -> None:
    strongest = _strongest_links(resolution.links) if explain else {}
    id_of = {
        org.ref: record_id
        for org, record_id in zip(table.organisations, table.ids, strict=True)
    }
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(BASE_COLUMNS + (EXPLAIN_COLUMNS if explain else []))
        for org, record_id in zip(table.organisations, table.ids, strict=True):
            row = [record_id, resolution.partner_of[org.ref]]
            if explain:
                row += _explanation(strongest.get(org.ref), org.ref, id_of)
            writer.writerow(row)


def _strongest_links(links: list[Link]) -> dict[SourceRef, Link]:
    strongest: dict[SourceRef, Link] = {}
    for link in links:
        if link.decision != "match":
            continue
        for ref in (link.left, link.right):
            current = strongest.get(ref)
            if current is None or link.score > current.score:
                strongest[ref] = link
    return strongest


def _explanation(
    link: Link | None, ref: SourceRef, id_of: dict[SourceRef, str]
) -> list[str]:
    if link is None:
        return ["", "", "", ""]
    other = link.right if link.left == ref else link.left
    return [link.rule, f"{link.score:.4f}", id_of[other], format_link(link)]


def _print_summary(
    table: Table, resolution: Resolution, out: Path, *, as_json: bool
) -> None:
    summary = {
        "records": len(table.organisations),
        "partners": len(resolution.partners),
        "duplicates": len(table.organisations) - len(resolution.partners),
        "review_pairs": len(resolution.reviews),
        "columns": table.columns,
        "out": str(out),
    }
    if as_json:
        console.print_json(json.dumps(summary))
        return
    console.print(
        f"{summary['records']} records → {summary['partners']} partners "
        f"({summary['duplicates']} duplicates); {summary['review_pairs']} pairs "
        f"for review. Written to {out}."
    )
    used = ", ".join(f"{field}={header!r}" for field, header in table.columns.items())
    console.print(f"Columns used: {used}", highlight=False)
    source = repr(table.id_column) if table.id_column else "row numbers"
    console.print(f"Record ids: {source}", highlight=False)
