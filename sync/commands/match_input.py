"""Organisations read from any CSV file, its columns found by their headers.

Headers are recognised in Finnish and English ("nimi", "Company", "Site name",
"y-tunnus", "businessId", "www", "puhelin", "postinumero", "kunta", …) after case,
accents, spaces and punctuation are folded away; ``--column field=HEADER`` names a
column outright. The delimiter (comma, semicolon, tab or bar) is detected.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from mappings.identifiers import (
    domain_from_email,
    normalise_business_id,
    normalise_domain,
)
from mappings.model import Organisation, SourceRef
from mappings.names import fold

__all__ = ["FIELD_HEADERS", "InputError", "Table", "parse_column_options", "read_table"]

FIELD_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "nimi",
        "company",
        "companyname",
        "organisation",
        "organization",
        "organisaatio",
        "organisaationnimi",
        "yritys",
        "yrityksennimi",
        "sitename",
        "toiminimi",
        "accountname",
        "partner",
        "kumppani",
    ),
    "business_id": (
        "businessid",
        "ytunnus",
        "yritystunnus",
        "vatnumber",
        "vat",
        "alvnumero",
        "companyid",
        "registrationnumber",
    ),
    "domain": (
        "domain",
        "website",
        "www",
        "web",
        "url",
        "homepage",
        "kotisivu",
        "verkkosivu",
        "verkkosivut",
        "kotisivut",
    ),
    "email": ("email", "emailaddress", "sahkoposti", "sposti", "mail"),
    "phone": (
        "phone",
        "puhelin",
        "puh",
        "telephone",
        "tel",
        "phonenumber",
        "puhelinnumero",
    ),
    "address": (
        "address",
        "osoite",
        "katuosoite",
        "street",
        "streetaddress",
        "kayntiosoite",
        "postiosoite",
    ),
    "postcode": (
        "postcode",
        "zip",
        "zipcode",
        "postinumero",
        "postalcode",
        "postnumber",
    ),
    "municipality": (
        "city",
        "kunta",
        "kaupunki",
        "municipality",
        "town",
        "postitoimipaikka",
        "kotipaikka",
        "kotikunta",
    ),
    "country": ("country", "maa"),
    "industry_code": (
        "industrycode",
        "toimiala",
        "toimialakoodi",
        "tol",
        "mainbusinesslinetype",
    ),
}
_KEY = re.compile(r"[^a-z0-9]")
SOURCE = "csv"


class InputError(ValueError):
    """Raised when the input file or a column option cannot be used."""


ID_HEADERS = frozenset({"id", "record_id", "recordid"})


@dataclass(slots=True)
class Table:
    """The records of a file, with the id each row is known by."""

    ids: list[str]
    organisations: list[Organisation]
    columns: dict[str, str]
    id_column: str | None = None


def parse_column_options(options: Sequence[str]) -> dict[str, str]:
    """Read ``field=HEADER`` options into a mapping.

    Args:
        options: the ``--column`` values.

    Returns:
        Header by field.

    Raises:
        InputError: when an option has no ``=`` or names an unknown field.
    """
    columns = {}
    for option in options:
        field, equals, header = option.partition("=")
        if not equals or field.strip() not in FIELD_HEADERS:
            raise InputError(
                f"--column {option!r} must be FIELD=HEADER with FIELD one of "
                f"{', '.join(FIELD_HEADERS)}"
            )
        columns[field.strip()] = header.strip()
    return columns


def read_table(
    path: Path, *, columns: Mapping[str, str], id_column: str | None
) -> Table:
    """Read every row of a CSV file as an organisation.

    Args:
        path: the CSV file.
        columns: headers chosen by the user, by field; the rest are recognised.
        id_column: the header holding each record's id. When None, a header
            named ``id`` (or ``record_id``) whose values are unique and filled is
            used, else row numbers.

    Returns:
        The ids and organisations, in file order.

    Raises:
        InputError: when the file is unreadable, a named column is missing or no
            name column is found.
    """
    rows, headers = _read_rows(path)
    chosen = _choose_columns(headers, columns)
    if id_column is not None and id_column not in headers:
        raise InputError(
            f"--id-column {id_column!r} is not a header of {path}; "
            f"the headers are {', '.join(headers)}"
        )
    id_column = id_column or _recognised_id_column(rows, headers)
    ids = [
        row.get(id_column, "") if id_column else str(number)
        for number, row in enumerate(rows, start=1)
    ]
    organisations = [
        _organisation(f"{number:09d}", row, chosen) for number, row in enumerate(rows)
    ]
    return Table(ids, organisations, chosen, id_column)


def _recognised_id_column(rows: list[dict[str, str]], headers: list[str]) -> str | None:
    for header in headers:
        if header.strip().lower().replace(" ", "_") in ID_HEADERS:
            values = [row.get(header, "") for row in rows]
            if all(values) and len(set(values)) == len(values):
                return header
    return None


def _read_rows(path: Path) -> tuple[list[dict[str, str]], list[str]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}; pass a UTF-8 CSV file") from exc
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:4096], delimiters=",;\t|"
        )
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(text.splitlines(keepends=True), dialect=dialect)
    rows = [{key: value or "" for key, value in row.items() if key} for row in reader]
    return rows, list(reader.fieldnames or [])


def _choose_columns(headers: list[str], chosen: Mapping[str, str]) -> dict[str, str]:
    for field, header in chosen.items():
        if header not in headers:
            raise InputError(
                f"--column {field}={header}: no such header; the "
                f"headers are {', '.join(headers)}"
            )
    by_key = {_KEY.sub("", fold(header)): header for header in reversed(headers)}
    columns = dict(chosen)
    for field, keys in FIELD_HEADERS.items():
        if field not in columns:
            found = next((by_key[key] for key in keys if key in by_key), None)
            if found is not None:
                columns[field] = found
    if "name" not in columns:
        raise InputError("no name column found; name it with --column name=HEADER")
    return columns


def _organisation(
    row_id: str, row: Mapping[str, str], columns: Mapping[str, str]
) -> Organisation:
    def value(field: str) -> str | None:
        header = columns.get(field)
        text = " ".join(row.get(header, "").split()) if header else ""
        return text or None

    raw_id = value("business_id")
    return Organisation(
        ref=SourceRef(SOURCE, row_id),
        name=value("name") or "",
        business_id=normalise_business_id(raw_id),
        business_id_raw=raw_id,
        domain=normalise_domain(value("domain")) or domain_from_email(value("email")),
        country=value("country"),
        municipality=value("municipality"),
        postcode=value("postcode"),
        address=value("address"),
        phone=value("phone"),
        industry_code=value("industry_code"),
    )
