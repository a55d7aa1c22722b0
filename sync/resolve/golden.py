"""The golden record of a partner, field by field from its best member.

Members are ranked per field by: a valid business id first (an officially
registered record knows its own details best), then the field's source order
(``MatchingSettings.field_priority``, else ``source_priority``; unlisted sources
after listed ones), then the most recently updated, then the most complete, then the
smallest ref. Each field takes the value of the best-ranked member that has one.

The name is also judged by how it is written: by default the best-written form that
most members use, with the rank only as the last tie-break (``golden_name``, whose
docstring gives the rules); with ``MatchingSettings.golden_name`` set to ``rank`` it
is chosen like every other field. Roles, units, staff and activities are the unions
of all members'.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mappings.identifiers import normalise_business_id
from mappings.model import Activity, Organisation, SourceRef
from sync.resolve.golden_name import choose_name
from sync.settings import MatchingSettings

__all__ = ["SCALAR_FIELDS", "build_golden", "golden_source"]

SCALAR_FIELDS: tuple[str, ...] = (
    "name",
    "business_id",
    "domain",
    "country",
    "municipality",
    "postcode",
    "address",
    "phone",
    "industry_code",
    "legal_form",
    "owner_id",
)
GOLDEN_SOURCE = "sidos"
_OLDEST = datetime.min.replace(tzinfo=UTC)


def golden_source(partner_id: str) -> SourceRef:
    """Return the ref of a partner's golden record."""
    return SourceRef(GOLDEN_SOURCE, partner_id)


def build_golden(
    partner_id: str,
    members: Sequence[Organisation],
    settings: MatchingSettings,
    *,
    business_ids: Sequence[str | None] | None = None,
) -> Organisation:
    """Build a partner's golden record from its members.

    Args:
        partner_id: the partner's id.
        members: the partner's records, at least one.
        settings: the matching settings holding the source orders.
        business_ids: the members' valid business ids, when already known;
            otherwise they are validated here.

    Returns:
        The golden organisation, with ref ``sidos:<partner_id>``.

    Raises:
        ValueError: when ``members`` is empty.
    """
    if not members:
        raise ValueError(f"partner {partner_id} has no members; pass at least one")
    if business_ids is None:
        business_ids = [_valid_id(member) for member in members]
    if len(members) == 1:
        return _single(partner_id, members[0], business_ids[0])
    facts = [
        _Facts.of(member, valid)
        for member, valid in zip(members, business_ids, strict=True)
    ]
    ranked = _ranked(facts, settings.source_priority)
    values: dict[str, Any] = {}
    for field in SCALAR_FIELDS:
        order = settings.field_priority.get(field)
        candidates = ranked if order is None else _ranked(facts, order)
        values[field] = _survivor(field, candidates, settings)

    return dataclasses.replace(
        Organisation(ref=golden_source(partner_id), name=""),
        **values,
        roles=frozenset().union(*(member.roles for member in members)),
        units=frozenset().union(*(member.units for member in members)),
        staff=frozenset().union(*(member.staff for member in members)),
        activities=_activities(members),
        updated_at=max((m.updated_at for m in members if m.updated_at), default=None),
        extra=_extra(ranked),
    )


@dataclass(frozen=True, slots=True)
class _Facts:
    """What ranking needs to know of one member, worked out once."""

    member: Organisation
    values: dict[str, Any]
    updated: float

    @classmethod
    def of(cls, member: Organisation, business_id: str | None) -> _Facts:
        """Work out the facts of one member with its valid business id."""
        values = {name: getattr(member, name) for name in SCALAR_FIELDS}
        values["business_id"] = business_id
        updated = member.updated_at or _OLDEST
        if updated.tzinfo is None:
            updated = updated.replace(tzinfo=UTC)
        return cls(member, values, updated.timestamp())


def _valid_id(member: Organisation) -> str | None:
    return member.business_id or normalise_business_id(member.business_id_raw)


def _single(
    partner_id: str, member: Organisation, business_id: str | None
) -> Organisation:
    return dataclasses.replace(
        member,
        ref=golden_source(partner_id),
        business_id=business_id,
        business_id_raw=None if business_id else member.business_id_raw,
    )


def _ranked(facts: list[_Facts], order: Sequence[str]) -> list[_Facts]:
    position = {source: index for index, source in enumerate(order)}

    def rank(fact: _Facts) -> tuple[Any, ...]:
        return (
            not fact.values["business_id"],
            position.get(fact.member.ref.source, len(order)),
            -fact.updated,
            -sum(1 for value in fact.values.values() if value),
            fact.member.ref,
        )

    return sorted(facts, key=rank)


def _survivor(field: str, candidates: list[_Facts], settings: MatchingSettings) -> Any:
    if field == "name" and settings.golden_name == "quality":
        return choose_name([fact.member.name for fact in candidates])
    return next((fact.values[field] for fact in candidates if fact.values[field]), None)


def _activities(members: Sequence[Organisation]) -> tuple[Activity, ...]:
    unique = {activity: None for m in members for activity in m.activities}
    return tuple(
        sorted(unique, key=lambda a: (a.kind, a.id, a.role or "", a.unit or ""))
    )


def _extra(ranked: list[_Facts]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for fact in reversed(ranked):
        extra = fact.member.extra
        merged.update({key: value for key, value in extra.items() if value})
    return dict(sorted(merged.items()))
