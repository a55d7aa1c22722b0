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
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from operator import attrgetter
from typing import Any, NamedTuple

from mappings.identifiers import normalise_business_id
from mappings.model import Activity, Organisation, SourceRef
from mappings.written import WrittenName
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
_scalars = attrgetter(*SCALAR_FIELDS)
_ID = SCALAR_FIELDS.index("business_id")
_every_field = attrgetter(*(field.name for field in dataclasses.fields(Organisation)))
_OLDEST = datetime.min.replace(tzinfo=UTC)
_EMPTY: frozenset[str] = frozenset()


def golden_source(partner_id: str) -> SourceRef:
    """Return the ref of a partner's golden record."""
    return SourceRef(GOLDEN_SOURCE, partner_id)


def build_golden(
    partner_id: str,
    members: Sequence[Organisation],
    settings: MatchingSettings,
    *,
    business_ids: Sequence[str | None] | None = None,
    readings: Mapping[str, WrittenName] | None = None,
) -> Organisation:
    """Build a partner's golden record from its members.

    Args:
        partner_id: the partner's id.
        members: the partner's records, at least one.
        settings: the matching settings holding the source orders.
        business_ids: the members' valid business ids, when already known;
            otherwise they are validated here.
        readings: how some of the members' names are written, read before
            (``mappings.written.read_names``); the others are read here.

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
    return Organisation(
        ref=golden_source(partner_id),
        **_survivors(facts, ranked, settings, readings),
        roles=_union([member.roles for member in members]),
        units=_union([member.units for member in members]),
        staff=_union([member.staff for member in members]),
        activities=_activities(members),
        updated_at=max((m.updated_at for m in members if m.updated_at), default=None),
        extra=_extra(ranked),
    )


class _Facts(NamedTuple):
    """What ranking needs to know of one member, worked out once."""

    member: Organisation
    values: tuple[Any, ...]
    updated: float
    filled: int

    @classmethod
    def of(cls, member: Organisation, business_id: str | None) -> _Facts:
        """Work out the facts of one member with its valid business id."""
        values = _scalars(member)
        values = (*values[:_ID], business_id, *values[_ID + 1 :])
        updated = member.updated_at or _OLDEST
        if updated.tzinfo is None:
            updated = updated.replace(tzinfo=UTC)
        filled = sum(map(bool, values))
        return cls(member, values, updated.timestamp(), filled)


def _valid_id(member: Organisation) -> str | None:
    return member.business_id or normalise_business_id(member.business_id_raw)


def _single(
    partner_id: str, member: Organisation, business_id: str | None
) -> Organisation:
    # The member's copy, built directly: ``dataclasses.replace`` costs several
    # times as much, and most partners of a large run have a single member.
    golden = Organisation(*_every_field(member))
    golden.ref = golden_source(partner_id)
    golden.business_id = business_id
    golden.business_id_raw = None if business_id else member.business_id_raw
    return golden


def _ranked(facts: list[_Facts], order: Sequence[str]) -> list[_Facts]:
    position = {source: index for index, source in enumerate(order)}

    def rank(fact: _Facts) -> tuple[Any, ...]:
        return (
            not fact.values[_ID],
            position.get(fact.member.ref.source, len(order)),
            -fact.updated,
            -fact.filled,
            fact.member.ref,
        )

    return sorted(facts, key=rank)


def _survivors(
    facts: list[_Facts],
    ranked: list[_Facts],
    settings: MatchingSettings,
    readings: Mapping[str, WrittenName] | None,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for position, field in enumerate(SCALAR_FIELDS):
        order = settings.field_priority.get(field)
        candidates = ranked if order is None else _ranked(facts, order)
        if field == "name" and settings.golden_name == "quality":
            values[field] = choose_name(
                [fact.member.name for fact in candidates], readings=readings
            )
            continue
        values[field] = None
        for fact in candidates:
            if value := fact.values[position]:
                values[field] = value
                break
    return values


def _union(sets: list[frozenset[str]]) -> frozenset[str]:
    # A union of empty sets would be a new empty set of a few hundred bytes for
    # every golden record; a member's own set is as good when it is the only one.
    filled = [values for values in sets if values]
    if len(filled) <= 1:
        return filled[0] if filled else _EMPTY
    return frozenset().union(*filled)


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
