"""What ``sidos mappings`` prints: problems, test failures, explanations, CSV.

For ``explain --csv`` the input's columns are recognised by common header names
(``mappings.explain``); the output repeats every input column and adds the sidos_*
columns. The delimiter (comma, semicolon, tab) is detected; Excel's Windows encoding
is read with ``--encoding cp1252``.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from pathlib import Path
from typing import NoReturn, TextIO

import typer

from mappings.cases import CaseResult
from mappings.explain import (
    Explanation,
    Language,
    explain_organisation,
    explanation_columns,
    organisation_from_row,
    recognise_columns,
)
from mappings.facts import normalise_business_id
from mappings.model import Organisation, SourceRef
from mappings.ruleset import FilesCheck, RuleSet

EXIT_USAGE = 2


def explain_csv(
    path: Path,
    out: Path | None,
    ruleset: RuleSet,
    *,
    encoding: str,
    lang: Language,
    json_output: bool,
) -> None:
    """Classify every row of a CSV and write the rows back with the sidos columns.

    Raises:
        typer.Exit: the file cannot be read, or no column holds names.
    """
    headers, rows = _read(path, encoding)
    columns = recognise_columns(headers)
    if "name" not in columns:
        refuse(
            f"{path}: no column holds organisation names; the headers are "
            f"{', '.join(headers) or '(none)'}. Name the column `name` or `nimi`."
        )
    explanations = [
        explain_organisation(
            organisation_from_row(row, columns, SourceRef(path.name, str(number))),
            ruleset,
        )
        for number, row in enumerate(rows, start=2)
    ]
    if json_output:
        data = [explanation.to_dict(lang) for explanation in explanations]
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    added = [explanation_columns(e, lang) for e in explanations]
    if out is None:
        _write(sys.stdout, headers, rows, added)
        return
    with out.open("w", encoding="utf-8", newline="") as stream:
        _write(stream, headers, rows, added)
    typer.echo(f"{len(rows)} organisations classified into {out}", err=True)


def with_valid_business_id(org: Organisation) -> Organisation:
    """Keep a business id given on the command line only when it is valid."""
    if org.business_id is None:
        return org
    valid = normalise_business_id(org.business_id)
    raw = org.business_id if valid is None else None
    return dataclasses.replace(org, business_id=valid, business_id_raw=raw)


def refuse(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """Print why the command cannot go on, and exit with ``code``.

    Raises:
        typer.Exit: always.
    """
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _read(path: Path, encoding: str) -> tuple[list[str], list[dict[str, str | None]]]:
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError:
        refuse(
            f"{path}: the file is not {encoding} text. If it was saved by Excel, "
            "try --encoding cp1252."
        )
    except (OSError, LookupError) as exc:
        refuse(f"{path}: cannot read the file ({exc}).")
    reader = csv.DictReader(io.StringIO(text), dialect=_dialect(text))
    rows = list(reader)
    return list(reader.fieldnames or []), rows


def _dialect(text: str) -> type[csv.Dialect]:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=",;\t|")
    except csv.Error:
        return csv.excel


def _write(
    stream: TextIO,
    headers: list[str],
    rows: list[dict[str, str | None]],
    added: list[dict[str, str]],
) -> None:
    extra = list(added[0]) if added else []
    writer = csv.DictWriter(
        stream, fieldnames=[*headers, *extra], extrasaction="ignore"
    )
    writer.writeheader()
    for row, columns in zip(rows, added, strict=True):
        writer.writerow({**row, **columns})


def print_explanation(explanation: Explanation, lang: Language, as_json: bool) -> None:
    """Print one explanation, as text lines or as JSON."""
    if as_json:
        typer.echo(json.dumps(explanation.to_dict(lang), ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(explanation.lines(lang)))


def check_summary(rules: Path, overrides: Path | None, report: FilesCheck) -> str:
    """Return the last line of ``check``: the problem count, or what was checked."""
    if report.problems:
        count = len(report.problems)
        return f"{count} problem{'s' if count != 1 else ''} found."
    text = (
        f"{rules}: {report.rules} rules ({report.disabled} disabled), "
        f"{report.lists} lists"
    )
    if overrides is not None:
        text += f"; {overrides}: {report.overrides} overrides"
    return f"{text}. No problems found."


def check_json(report: FilesCheck) -> dict[str, object]:
    """Return the result of ``check`` as plain data."""
    return {**dataclasses.asdict(report), "ok": not report.problems}


def case_lines(result: CaseResult, cases: Path | None, ruleset: RuleSet) -> list[str]:
    """Return the lines of one case: ok, or FAIL with expected (-) and got (+)."""
    where = f"{cases}:{result.line}" if cases else f"line {result.line}"
    if result.passed:
        return [f"ok   {where}: {result.name}"]
    lines = [f"FAIL {where}: {result.name}"]
    for difference in result.differences:
        lines.append(f"  - {difference.what}: {difference.expected}")
        lines.append(f"  + {difference.what}: {difference.got}")
    deciding = ruleset.rule(result.got.rule)
    at = f" ({ruleset.source}:{deciding.line})" if deciding else ""
    lines.append(f"    decided by: {result.got.rule}{at}")
    lines.append(f"    matched: {', '.join(result.got.matched) or '-'}")
    return lines


def case_json(result: CaseResult) -> dict[str, object]:
    """Return the outcome of one case as plain data."""
    return {
        "name": result.name,
        "line": result.line,
        "passed": result.passed,
        "differences": [d.__dict__ for d in result.differences],
        "got": {
            "primary": result.got.primary,
            "secondary": list(result.got.secondary),
            "flags": sorted(result.got.flags),
            "rule": result.got.rule,
            "matched": list(result.got.matched),
        },
    }
