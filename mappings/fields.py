"""Map source records to the canonical ``Organisation``.

Each kind of source has one mapper. A mapper is pure: it reads the record's fields, the
configured field names and lookups it is given, and raises ``MappingError`` with the
reason when a record cannot become an organisation.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, Protocol

from mappings.errors import MappingError
from mappings.identifiers import normalise_business_id, normalise_domain
from mappings.model import Activity, Organisation, SourceRecord


class StaffMember(Protocol):
    """What the mapper needs to know of a CRM owner."""

    @property
    def email(self) -> str:
        """The owner's e-mail address."""
        ...

    @property
    def teams(self) -> tuple[str, ...]:
        """The owner's teams, which are the institution's units."""
        ...


def map_crm_company(
    record: SourceRecord,
    fields: Mapping[str, str],
    staff: Mapping[str, StaffMember],
) -> Organisation:
    """Map a CRM company to an organisation.

    Args:
        record: the company with its properties.
        fields: canonical field name → CRM property name.
        staff: CRM owner id → owner, whose teams give the units.

    Raises:
        MappingError: the company has no name.
    """
    values = {
        canonical: _text(record.fields.get(prop)) for canonical, prop in fields.items()
    }
    name = values.get("name")
    if not name:
        raise MappingError(str(record.ref), "the company has no name")

    owner = staff.get(values.get("owner_id") or "")
    business_id, business_id_raw = _business_id(values.get("business_id"))
    return Organisation(
        ref=record.ref,
        name=name,
        business_id=business_id,
        business_id_raw=business_id_raw,
        domain=normalise_domain(values.get("domain")),
        country=values.get("country"),
        municipality=values.get("municipality"),
        postcode=values.get("postcode"),
        address=values.get("address"),
        phone=values.get("phone"),
        industry_code=_industry(values.get("industry_code")),
        legal_form=values.get("legal_form"),
        roles=frozenset(),
        units=frozenset(owner.teams) if owner else frozenset(),
        staff=frozenset({owner.email}) if owner else frozenset(),
        owner_id=values.get("owner_id"),
        updated_at=record.modified_at,
        extra={
            key: str(value)
            for key, value in record.fields.items()
            if value not in (None, "")
        },
    )


def map_project_row(record: SourceRecord, roles: Mapping[str, str]) -> Organisation:
    """Map one row of a project export (a project and one organisation in it).

    Args:
        record: the row, its columns already renamed to canonical names.
        roles: the export's role values (lower case) → canonical roles.

    Raises:
        MappingError: the row names no organisation, or its role, dates or amount
            cannot be read.
    """
    row = record.fields
    name = _text(row.get("organisation"))
    if not name:
        raise MappingError(str(record.ref), "the row names no organisation")

    role = _role(record, row.get("role"), roles)
    unit = _text(row.get("unit"))
    staff = _text(row.get("staff"))
    activity = Activity(
        kind="project",
        id=_text(row.get("project_id")) or "",
        name=_text(row.get("project_name")) or "",
        role=role,
        unit=unit,
        start=_date(record, row.get("start")),
        end=_date(record, row.get("end")),
        amount=_amount(record, row.get("amount")),
    )
    business_id, business_id_raw = _business_id(_text(row.get("business_id")))
    return Organisation(
        ref=record.ref,
        name=name,
        business_id=business_id,
        business_id_raw=business_id_raw,
        domain=normalise_domain(_text(row.get("domain"))),
        municipality=_text(row.get("municipality")),
        industry_code=_industry(_text(row.get("industry_code"))),
        roles=frozenset({role}) if role else frozenset(),
        units=frozenset({unit}) if unit else frozenset(),
        staff=frozenset({staff.lower()}) if staff else frozenset(),
        activities=(activity,),
        updated_at=record.modified_at,
    )


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _business_id(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    valid = normalise_business_id(value)
    return (valid, None) if valid else (None, value)


def _industry(value: str | None) -> str | None:
    if not value:
        return None
    digits = "".join(char for char in value if char.isdigit())
    return digits or None


def _role(record: SourceRecord, value: Any, roles: Mapping[str, str]) -> str | None:
    text = _text(value)
    if text is None:
        return None
    role = roles.get(text.lower())
    if role is None:
        known = ", ".join(sorted(roles)) or "none configured"
        raise MappingError(
            str(record.ref),
            f"unknown role {text!r}; add it under the source's `roles:` "
            f"(known: {known})",
        )
    return role


def _date(record: SourceRecord, value: Any) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise MappingError(
            str(record.ref), f"date {text!r} is not of the form YYYY-MM-DD"
        ) from None


def _amount(record: SourceRecord, value: Any) -> float | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return float(text.replace(" ", "").replace(",", "."))
    except ValueError:
        raise MappingError(
            str(record.ref), f"amount {text!r} is not a number"
        ) from None
