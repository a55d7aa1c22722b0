"""The canonical model every source record is mapped into.

These are plain slotted dataclasses rather than pydantic models: classification and
matching handle millions of them, and they are built only by code that has already
validated its input (the connectors' pydantic models and the field mapper).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    """How the institution relates to an organisation in one record."""

    FUNDER = "funder"
    PARTNER = "partner"
    CUSTOMER = "customer"
    COMMISSIONER = "commissioner"
    RESEARCH_PARTNER = "research_partner"
    EDUCATION_PARTNER = "education_partner"
    INTERMEDIARY = "intermediary"


@dataclass(frozen=True, slots=True, order=True)
class SourceRef:
    """Where a record comes from: the configured source's name and its id there."""

    source: str
    id: str

    def __str__(self) -> str:
        return f"{self.source}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> SourceRef:
        """Read the ``source:id`` form that ``str`` writes."""
        source, _, record_id = text.partition(":")
        return cls(source, record_id)


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """A record as a source holds it, before mapping: its fields by source name."""

    ref: SourceRef
    fields: Mapping[str, Any]
    modified_at: datetime | None = None
    archived: bool = False


@dataclass(frozen=True, slots=True)
class Activity:
    """One project or assignment in which the organisation took part."""

    kind: str
    id: str
    name: str
    role: str | None = None
    unit: str | None = None
    start: date | None = None
    end: date | None = None
    amount: float | None = None


@dataclass(slots=True)
class Organisation:
    """A record normalised to the canonical model.

    ``business_id`` holds a valid Y-tunnus in ``NNNNNNN-N`` form or nothing; what a
    source wrote when it was not valid stays in ``business_id_raw``.
    """

    ref: SourceRef
    name: str
    business_id: str | None = None
    business_id_raw: str | None = None
    domain: str | None = None
    country: str | None = None
    municipality: str | None = None
    postcode: str | None = None
    address: str | None = None
    phone: str | None = None
    industry_code: str | None = None
    legal_form: str | None = None
    roles: frozenset[str] = frozenset()
    units: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()
    owner_id: str | None = None
    activities: tuple[Activity, ...] = ()
    updated_at: datetime | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def value(self, field_name: str) -> Any:
        """Return a canonical field by name, or an ``extra`` value under that name."""
        if field_name in CANONICAL_FIELDS:
            return getattr(self, field_name)
        return self.extra.get(field_name)


CANONICAL_FIELDS: frozenset[str] = frozenset(
    name for name in Organisation.__dataclass_fields__ if name not in {"ref", "extra"}
)
