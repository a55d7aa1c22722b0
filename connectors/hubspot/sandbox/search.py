"""The CRM search API's filters, sorts and free-text query over the sandbox's companies.

A linear scan: fine for the 100k companies the sandbox is built for. Dates and ids
compare as numbers and accept epoch-ms strings, numbers or ISO-8601 text; other
properties compare as case-insensitive text, as HubSpot's search does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any

from connectors.hubspot.sandbox.errors import validation_error
from connectors.hubspot.sandbox.store import Company

NUMERIC_PROPERTIES = frozenset({"hs_lastmodifieddate", "createdate", "hs_object_id"})
QUERY_PROPERTIES = ("name", "domain", "website", "phone")
SYSTEM_NUMBERS: dict[str, Callable[[Company], int]] = {
    "hs_lastmodifieddate": attrgetter("updated_at"),
    "createdate": attrgetter("created_at"),
    "hs_object_id": attrgetter("id"),
}
MAX_GROUPS = 5
MAX_FILTERS = 18

Predicate = Callable[[Company], bool]


def build_predicate(
    filter_groups: Any, query: Any, numeric: frozenset[str] = NUMERIC_PROPERTIES
) -> Predicate:
    """Return a test that a company matches the groups (OR of ANDs) and the query.

    Raises:
        SandboxAPIError: 400 for a malformed group, filter, operator or value.
    """
    groups = _parse_groups(filter_groups, numeric)
    tokens = _query_tokens(query)

    def matches(company: Company) -> bool:
        if groups and not any(all(test(company) for test in g) for g in groups):
            return False
        return not tokens or _matches_query(company, tokens)

    return matches


def sort_key(
    sorts: Any, numeric: frozenset[str] = NUMERIC_PROPERTIES
) -> Callable[[Company], tuple[Any, ...]]:
    """Return a key that orders companies by the sorts, then by id.

    Raises:
        SandboxAPIError: 400 for a sort that names no property.
    """
    parsed = [_parse_sort(sort) for sort in (sorts or [])]

    def key(company: Company) -> tuple[Any, ...]:
        parts: list[Any] = []
        for name, descending in parsed:
            system = SYSTEM_NUMBERS.get(name)
            if system is not None:
                number = system(company)
                parts.append((0, -number if descending else number))
            else:
                value = company.value(name)
                parts.append(_sortable(value, name in numeric, descending))
        parts.append(company.id)
        return tuple(parts)

    return key


def _parse_sort(sort: Any) -> tuple[str, bool]:
    if isinstance(sort, str) and sort:
        return sort.lstrip("-"), sort.startswith("-")
    if isinstance(sort, Mapping) and isinstance(sort.get("propertyName"), str):
        direction = str(sort.get("direction", "ASCENDING")).upper()
        return sort["propertyName"], direction == "DESCENDING"
    raise validation_error(f"Invalid sort {sort!r}: use {{propertyName, direction}}")


def _sortable(value: str | None, is_numeric: bool, descending: bool) -> Any:
    # Missing values sort last in either direction.
    if value is None:
        return (1, 0)
    if is_numeric:
        number = _number(value)
        if number is None:
            return (1, 0)
        return (0, -number if descending else number)
    text = value.lower()
    if descending:
        return (0, (*(-ord(char) for char in text), 1))
    return (0, tuple(ord(char) for char in text))


def _parse_groups(filter_groups: Any, numeric: frozenset[str]) -> list[list[Predicate]]:
    if filter_groups in (None, []):
        return []
    if not isinstance(filter_groups, list) or len(filter_groups) > MAX_GROUPS:
        raise validation_error(f"filterGroups must be a list of at most {MAX_GROUPS}")
    groups = []
    for group in filter_groups:
        filters = group.get("filters") if isinstance(group, Mapping) else None
        if not isinstance(filters, list):
            raise validation_error("Each filter group needs a 'filters' list")
        groups.append([_parse_filter(f, numeric) for f in filters])
    if sum(len(group) for group in groups) > MAX_FILTERS:
        raise validation_error(f"A search takes at most {MAX_FILTERS} filters")
    return groups


def _parse_filter(spec: Any, numeric: frozenset[str]) -> Predicate:
    if not isinstance(spec, Mapping) or not isinstance(spec.get("propertyName"), str):
        raise validation_error("Each filter needs a 'propertyName' and an 'operator'")
    name, operator = spec["propertyName"], str(spec.get("operator", "EQ"))
    build = _OPERATORS.get(operator)
    if build is None:
        raise validation_error(f"Unknown filter operator {operator!r}")
    compare = _Comparer(name, name in numeric)
    return build(name, spec, compare)


class _Comparer:
    """Turn stored values and filter values into comparable numbers or text."""

    def __init__(self, name: str, is_numeric: bool) -> None:
        self.name = name
        self.is_numeric = is_numeric
        self._system = SYSTEM_NUMBERS.get(name)

    def read(self, company: Company) -> Any:
        if self._system is not None:
            return self._system(company)
        return self.stored(company.value(self.name))

    def coerce(self, value: Any) -> Any:
        if value is None:
            raise validation_error("A filter needs a 'value' for this operator")
        if self.is_numeric:
            number = _number(str(value))
            if number is None:
                raise validation_error(f"{value!r} is not a number or a date")
            return number
        return str(value).lower()

    def stored(self, value: str | None) -> Any:
        if value is None:
            return None
        return _number(value) if self.is_numeric else value.lower()


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.timestamp() * 1000


def _binary(test: Callable[[Any, Any], bool]) -> Callable[..., Predicate]:
    def build(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
        target = compare.coerce(spec.get("value"))

        def predicate(company: Company) -> bool:
            value = compare.read(company)
            return value is not None and test(value, target)

        return predicate

    return build


def _neq(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    target = compare.coerce(spec.get("value"))
    return lambda company: compare.read(company) != target


def _between(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    low, high = compare.coerce(spec.get("value")), compare.coerce(spec.get("highValue"))

    def predicate(company: Company) -> bool:
        value = compare.read(company)
        return value is not None and low <= value <= high

    return predicate


def _values(spec: Mapping[str, Any], compare: _Comparer) -> set[Any]:
    values = spec.get("values")
    if not isinstance(values, list):
        raise validation_error("IN and NOT_IN need a 'values' list")
    return {compare.coerce(value) for value in values}


def _in(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    wanted = _values(spec, compare)
    return lambda company: compare.read(company) in wanted


def _not_in(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    unwanted = _values(spec, compare)
    return lambda company: compare.read(company) not in unwanted


def _has(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    return lambda company: company.value(name) is not None


def _has_not(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    return lambda company: company.value(name) is None


def _token_pattern(spec: Mapping[str, Any]) -> re.Pattern[str]:
    token = str(spec.get("value", "")).lower()
    if not token:
        raise validation_error("CONTAINS_TOKEN needs a 'value'")
    wildcard = re.escape(token).replace(r"\*", ".*")
    return re.compile(rf"^{wildcard}$")


def _tokens(text: str) -> list[str]:
    return [token for token in re.split(r"[^\w*@.-]+", text.lower()) if token]


def _contains(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    pattern = _token_pattern(spec)
    return lambda company: any(
        pattern.match(token) for token in _tokens(company.value(name) or "")
    )


def _not_contains(name: str, spec: Mapping[str, Any], compare: _Comparer) -> Predicate:
    contains = _contains(name, spec, compare)
    return lambda company: not contains(company)


_OPERATORS: dict[str, Callable[[str, Mapping[str, Any], _Comparer], Predicate]] = {
    "EQ": _binary(lambda value, target: value == target),
    "NEQ": _neq,
    "LT": _binary(lambda value, target: value < target),
    "LTE": _binary(lambda value, target: value <= target),
    "GT": _binary(lambda value, target: value > target),
    "GTE": _binary(lambda value, target: value >= target),
    "BETWEEN": _between,
    "IN": _in,
    "NOT_IN": _not_in,
    "HAS_PROPERTY": _has,
    "NOT_HAS_PROPERTY": _has_not,
    "CONTAINS_TOKEN": _contains,
    "NOT_CONTAINS_TOKEN": _not_contains,
}


def _query_tokens(query: Any) -> list[str]:
    if query in (None, ""):
        return []
    if not isinstance(query, str) or len(query) > 3000:
        raise validation_error("query must be text of at most 3,000 characters")
    return _tokens(query)


def _matches_query(company: Company, tokens: Sequence[str]) -> bool:
    words = [
        word for name in QUERY_PROPERTIES for word in _tokens(company.value(name) or "")
    ]
    return all(any(word.startswith(token) for word in words) for token in tokens)
