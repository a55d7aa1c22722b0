"""The partner report: what the last sync stored, summed up for the institution.

The report reads only the partners the last successful sync or resync stored in the
state store; it makes no CRM calls. It counts partners per Karvi category, shows how
many partners each unit works with in each category, lists the partners several units
share and the strategic partners without a KAM, and can be written as one row per
partner (CSV or JSON). Staff are personal data: the report counts them and never
names them. KAMs are CRM users and are named by e-mail.
"""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Literal

import structlog

from mappings.categories import CATEGORIES, category
from mappings.errors import SidosError
from sync.kam import STRATEGIC_FLAG
from sync.state import StateStore
from sync.state.partners import PartnerRow
from sync.state.store import RunRow

log = structlog.get_logger()

Language = Literal["fi", "sv", "en"]

# The column of partners that no unit was recorded for.
NO_UNIT = "(no unit)"
LIST_SEPARATOR = "; "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FILE_COLUMNS = (
    "partner_id",
    "name",
    "business_id",
    "category",
    "category_fi",
    "category_en",
    "secondary",
    "strategic",
    "flags",
    "units",
    "unit_count",
    "staff_count",
    "records",
    "company_id",
    "kam_email",
)


class FileFormat(StrEnum):
    """The formats the report's partner file can be written in."""

    CSV = "csv"
    JSON = "json"


class NoPartnersStored(SidosError):
    """The state store holds no partners yet: no sync or resync has finished."""

    def __init__(self, *, has_runs: bool) -> None:
        if has_runs:
            message = (
                "No partners are stored yet: no sync or resync has finished with "
                "partners (plans store none). Run `sidos sync` (or wait for the "
                "service's next scheduled sync), then `sidos report` again."
            )
        else:
            message = (
                "The state store has no runs yet, so there are no partners to report. "
                "Run `sidos sync` (or wait for the service's first scheduled sync), "
                "then `sidos report` again."
            )
        super().__init__(message)


@dataclass(frozen=True)
class PartnerReport:
    """The figures of the report, computed from the stored partners.

    Attributes:
        partners: every stored partner, by name.
        run: the run that stored them, when the store still has it.
        categories: the number of partners per Karvi category id, for every
            category in the Karvi order, zeros included.
        units: the units that work with any partner, by name; ``NO_UNIT`` last
            when some partner has no unit.
        matrix: per category id with partners, the number of partners each unit
            works with in that category.
        unit_totals: the number of partners each unit works with.
        shared: the partners two or more units work with, those with the most
            units (then the most staff) first.
        strategic_without_kam: strategic partners with no KAM, by name.
    """

    partners: tuple[PartnerRow, ...]
    run: RunRow | None
    categories: dict[str, int]
    units: tuple[str, ...]
    matrix: dict[str, dict[str, int]]
    unit_totals: dict[str, int]
    shared: tuple[PartnerRow, ...]
    strategic_without_kam: tuple[PartnerRow, ...]


def load_report(store: StateStore) -> PartnerReport:
    """Build the report from the partners the last sync or resync stored.

    Args:
        store: the state store.

    Returns:
        The report's figures.

    Raises:
        NoPartnersStored: no run has stored partners yet.
    """
    run_id = store.partners.stored_by()
    partners = store.partners.all()
    if not partners:
        raise NoPartnersStored(has_runs=bool(store.last_runs(1)))
    return build_report(partners, store.run(run_id) if run_id else None)


def build_report(
    partners: Sequence[PartnerRow], run: RunRow | None = None
) -> PartnerReport:
    """Compute the report's figures from stored partners.

    Args:
        partners: the stored partners.
        run: the run that stored them, if known.

    Returns:
        The report's figures.
    """
    ordered = tuple(sorted(partners, key=lambda row: (row.name, row.partner_id)))
    categories = {entry.id: 0 for entry in CATEGORIES}
    matrix: dict[str, dict[str, int]] = {}
    unit_totals: dict[str, int] = {}
    for row in ordered:
        categories[row.category] = categories.get(row.category, 0) + 1
        cells = matrix.setdefault(row.category, {})
        for unit in _units_of(row):
            cells[unit] = cells.get(unit, 0) + 1
            unit_totals[unit] = unit_totals.get(unit, 0) + 1
    units = tuple(sorted(unit for unit in unit_totals if unit != NO_UNIT))
    if NO_UNIT in unit_totals:
        units += (NO_UNIT,)
    shared = sorted(
        (row for row in ordered if len(row.units) > 1),
        key=lambda row: (-len(row.units), -row.staff_count, row.name),
    )
    return PartnerReport(
        partners=ordered,
        run=run,
        categories=categories,
        units=units,
        matrix={
            cid: {unit: matrix[cid].get(unit, 0) for unit in units}
            for cid in categories
            if cid in matrix
        },
        unit_totals={unit: unit_totals[unit] for unit in units},
        shared=tuple(shared),
        strategic_without_kam=tuple(
            row for row in ordered if STRATEGIC_FLAG in row.flags and not row.kam_email
        ),
    )


def category_label(category_id: str, language: Language = "en") -> str:
    """Return a category's label in ``fi``, ``sv`` or ``en``; an unknown id as is."""
    try:
        labels = category(category_id)
    except KeyError:
        return category_id
    return {"fi": labels.fi, "sv": labels.sv, "en": labels.en}[language]


def summary_as_json(report: PartnerReport, *, top: int) -> dict[str, Any]:
    """Return the report's summary as plain data, for ``sidos report --json``.

    Args:
        report: the report's figures.
        top: how many of the shared partners to list.

    Returns:
        The run, the partner count, the counts per category, the category × unit
        matrix, the shared partners (their count and the top ones) and the strategic
        partners without a KAM.
    """
    run = report.run
    return {
        "run": None
        if run is None
        else {
            "run_id": run.run_id,
            "kind": run.kind,
            "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        },
        "partners": len(report.partners),
        "categories": [
            {
                "category": cid,
                "fi": category_label(cid, "fi"),
                "en": category_label(cid, "en"),
                "partners": count,
            }
            for cid, count in report.categories.items()
        ],
        "units": report.unit_totals,
        "matrix": report.matrix,
        "shared": {
            "partners": len(report.shared),
            "top": [
                {
                    **_brief(row),
                    "staff_count": row.staff_count,
                    "kam_email": row.kam_email,
                }
                for row in report.shared[:top]
            ],
        },
        "strategic_without_kam": [_brief(row) for row in report.strategic_without_kam],
    }


def partner_records(partners: Iterable[PartnerRow]) -> list[dict[str, Any]]:
    """Return one record per partner, with the columns of ``FILE_COLUMNS``.

    Staff appear only as a count; list-valued columns are lists.
    """
    return [
        {
            "partner_id": row.partner_id,
            "name": row.name,
            "business_id": row.business_id,
            "category": row.category,
            "category_fi": category_label(row.category, "fi"),
            "category_en": category_label(row.category, "en"),
            "secondary": list(row.secondary),
            "strategic": STRATEGIC_FLAG in row.flags,
            "flags": list(row.flags),
            "units": list(row.units),
            "unit_count": len(row.units),
            "staff_count": row.staff_count,
            "records": row.members,
            "company_id": row.company_id,
            "kam_email": row.kam_email,
        }
        for row in partners
    ]


def format_of(path: Path, chosen: FileFormat | None = None) -> FileFormat:
    """Return the format to write ``path`` in: the chosen one, else by its suffix.

    A ``.json`` file is written as JSON and any other as CSV.
    """
    if chosen is not None:
        return chosen
    return FileFormat.JSON if path.suffix.lower() == ".json" else FileFormat.CSV


def write_partner_file(
    path: Path, report: PartnerReport, file_format: FileFormat
) -> None:
    """Write one row per partner to ``path``, replacing it atomically.

    The file is written next to ``path`` under a temporary name and then renamed, so
    a reader sees the old file or the new one, never half of one. It is created
    readable by its owner only.

    Args:
        path: the file to write; its directory must exist.
        report: the report whose partners to write.
        file_format: CSV with a header row, or a JSON list of objects.

    Raises:
        OSError: the file could not be written.
    """
    records = partner_records(report.partners)
    if file_format is FileFormat.JSON:
        text = json.dumps(records, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _csv_text(records)
    _replace_file(path, text)
    log.info(
        "report.written",
        path=str(path),
        format=file_format.value,
        partners=len(records),
    )


def _units_of(row: PartnerRow) -> tuple[str, ...]:
    return row.units or (NO_UNIT,)


def _brief(row: PartnerRow) -> dict[str, Any]:
    return {
        "partner_id": row.partner_id,
        "name": row.name,
        "category": row.category,
        "units": list(row.units),
    }


def _csv_text(records: Sequence[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FILE_COLUMNS)
    writer.writeheader()
    for record in records:
        writer.writerow({key: _csv_value(value) for key, value in record.items()})
    return buffer.getvalue()


def _csv_value(value: Any) -> Any:
    if isinstance(value, list):
        return _inert(LIST_SEPARATOR.join(str(item) for item in value))
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return _inert(value)
    return value


def _inert(text: str) -> str:
    # A name typed into the CRM as "=HYPERLINK(...)" must stay text when a
    # spreadsheet opens the file: a leading apostrophe keeps it from being a formula.
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _replace_file(path: Path, text: str) -> None:
    handle, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
