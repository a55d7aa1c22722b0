"""The facts that classification rules test, read from organisations.

A rule never looks at an ``Organisation`` directly. It tests *facts*: for each field a
rule names, the tuple of normalised values the field holds. A record holds at most one
value in a text field; a partner holds every distinct value of its member records, so
the same rules classify a record and a partner, and a condition on a field matches when
any of its values satisfies it.

Values are normalised once, when the facts are read, and a rule's literal values are
normalised the same way when the rule is compiled: text ignores case, the marks on
ä, ö and å, and repeated spaces; industry codes keep their digits only; business ids
are written ``NNNNNNN-N``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import attrgetter
from typing import Literal

from stdnum.fi import ytunnus

from mappings.model import CANONICAL_FIELDS, Organisation

FieldKind = Literal["text", "code", "id", "set", "date"]
Facts = dict[str, tuple[str, ...]]
Extractor = Callable[[Organisation], tuple[str, ...]]

EXTRA_PREFIX = "extra."
_SPECIAL_KINDS: dict[str, FieldKind] = {
    "industry_code": "code",
    "business_id": "id",
    "roles": "set",
    "units": "set",
    "staff": "set",
    "activities": "set",
    "updated_at": "date",
}
FIELD_KINDS: Mapping[str, FieldKind] = {
    name: _SPECIAL_KINDS.get(name, "text") for name in CANONICAL_FIELDS
}
"""The kind of every canonical field; text unless it holds codes, ids, sets or dates."""
COUNTED_FIELDS = frozenset({"roles", "units", "staff", "activities"})
"""Fields whose numeric comparisons compare how many values they hold."""
NUMERIC_FIELDS = COUNTED_FIELDS | {"industry_code", "postcode"}
"""Fields that numeric comparisons (gt, gte, lt, lte) may test, with ``extra.*``."""

_MARKS = (("ä", "a"), ("ö", "o"), ("å", "a"), ("é", "e"), ("ü", "u"))
_FOLD = str.maketrans(dict(_MARKS))
_FOLD_UPPER = str.maketrans({marked.upper(): plain for marked, plain in _MARKS})


def field_kind(field: str) -> FieldKind | None:
    """Return the kind of a field a rule may name, or None for an unknown field."""
    if field in FIELD_KINDS:
        return FIELD_KINDS[field]
    if field.startswith(EXTRA_PREFIX) and len(field) > len(EXTRA_PREFIX):
        return "text"
    return None


def is_numeric_field(field: str) -> bool:
    """Return whether gt, gte, lt and lte may test this field."""
    return field in NUMERIC_FIELDS or field.startswith(EXTRA_PREFIX)


def fold_text(value: str) -> str:
    """Return text without case, marks on ä/ö/å, or repeated spaces."""
    folded = value.casefold()
    if not folded.isascii():
        # A chain of replace() is several times faster than str.translate here.
        for marked, plain in _MARKS:
            folded = folded.replace(marked, plain)
    return " ".join(folded.split())


def fold_pattern(pattern: str) -> str:
    """Return a regular expression that matches folded text as ``pattern`` matches text.

    Only the letters with marks are replaced; case is left to ``re.IGNORECASE``, so
    escapes such as ``\\S`` keep their meaning.
    """
    return pattern.translate(_FOLD).translate(_FOLD_UPPER)


def normalise_code(value: str) -> str:
    """Return the digits of an industry code ("85.42" and "8542" are equal)."""
    return value if value.isdigit() else "".join(ch for ch in value if ch.isdigit())


def normalise_business_id(value: str) -> str | None:
    """Return a valid Y-tunnus as ``NNNNNNN-N``, or None when it is not valid."""
    try:
        return str(ytunnus.format(ytunnus.validate(value.strip())))
    except ValueError:
        return None


def normalise_literal(field: str, value: str) -> str:
    """Normalise a value written in a rule as the facts of ``field`` are normalised."""
    kind = field_kind(field)
    if kind == "code":
        return normalise_code(value)
    if kind == "id":
        return normalise_business_id(value) or value.strip().upper()
    if kind == "date":
        return value.strip()
    return fold_text(value)


def build_extractors(fields: Iterable[str]) -> tuple[tuple[str, Extractor], ...]:
    """Return, in a stable order, the extractor of each field the rules name."""
    return tuple((field, _extractor(field)) for field in sorted(set(fields)))


def read_facts(org: Organisation, extractors: Sequence[tuple[str, Extractor]]) -> Facts:
    """Read the facts of one record."""
    return {field: extract(org) for field, extract in extractors}


def merge_facts(many: Sequence[Facts]) -> Facts:
    """Merge the facts of several records: each field holds every distinct value.

    Every record's values are sorted, and so are merged ones, so the merged facts do
    not depend on the records' order.
    """
    first, rest = many[0], many[1:]
    if not rest:
        return first
    merged: Facts = {}
    for field, values in first.items():
        if all(other[field] == values for other in rest):
            merged[field] = values
        else:
            merged[field] = tuple(sorted({v for facts in many for v in facts[field]}))
    return merged


def _extractor(field: str) -> Extractor:
    kind = field_kind(field)
    if field.startswith(EXTRA_PREFIX):
        return _extra_extractor(field.removeprefix(EXTRA_PREFIX))
    if field == "roles":
        return _roles
    if field == "activities":
        return _activities
    get = attrgetter(field)
    if kind == "set":
        return lambda org: (
            tuple(sorted(map(fold_text, values))) if (values := get(org)) else ()
        )
    if kind == "code":
        return lambda org: (normalise_code(code),) if (code := get(org)) else ()
    if kind == "id":
        return lambda org: (value.strip(),) if (value := get(org)) else ()
    if kind == "date":
        return lambda org: (value.isoformat(),) if (value := get(org)) else ()
    return lambda org: (fold_text(value),) if (value := get(org)) else ()


def _extra_extractor(key: str) -> Extractor:
    def extract(org: Organisation) -> tuple[str, ...]:
        value = org.extra.get(key)
        return (fold_text(value),) if value else ()

    return extract


def _roles(org: Organisation) -> tuple[str, ...]:
    if not org.roles and not org.activities:
        return ()
    roles = {fold_text(role) for role in org.roles}
    roles.update(fold_text(a.role) for a in org.activities if a.role)
    return tuple(sorted(roles))


def _activities(org: Organisation) -> tuple[str, ...]:
    if not org.activities:
        return ()
    return tuple(sorted({fold_text(f"{a.kind}:{a.id}") for a in org.activities}))
