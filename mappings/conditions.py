"""Compile conditions once into fast predicates over facts.

Literal values are normalised as the facts are, lists become frozensets, prefixes a
tuple for one ``str.startswith`` call, and regular expressions are compiled once. A
predicate takes the facts of a record or a partner (see ``mappings.facts``) and says
whether the condition holds.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mappings.facts import COUNTED_FIELDS, Facts, fold_pattern, normalise_literal
from mappings.rules import Condition

Predicate = Callable[[Facts], bool]

_REFERS_TO_GROUP = re.compile(r"\\[1-9]|\(\?P=|\(\?\(")
_COMPARE: dict[str, Callable[[float, float], bool]] = {
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def always(facts: Facts) -> bool:
    """Hold for every record: the predicate of a rule without conditions."""
    return True


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled condition that keeps its shape, so it can be specialised.

    A ``leaf`` tests one field with its predicate; ``all``, ``any`` and ``not`` combine
    their parts.
    """

    kind: Literal["leaf", "all", "any", "not"]
    field: str = ""
    test: Predicate = always
    parts: tuple[Node, ...] = ()


def compile_conditions(
    conditions: Sequence[Condition], lists: Mapping[str, Sequence[str]]
) -> Node:
    """Compile conditions that must all hold into one node.

    Args:
        conditions: the rule's conditions; none means the rule always holds.
        lists: the named lists, by name, as written in the file.

    Returns:
        The node; ``predicate_of`` turns it into a predicate.

    Raises:
        KeyError: a condition names a list that ``lists`` lacks (the checks refuse
            such a file before it is compiled).
    """
    return Node("all", parts=tuple(compile_node(c, lists) for c in conditions))


def compile_node(condition: Condition, lists: Mapping[str, Sequence[str]]) -> Node:
    """Compile one condition.

    Raises:
        KeyError: the condition names an unknown list.
        ValueError: the condition tests nothing (validation refuses such a one).
    """
    if condition.all is not None:
        return Node("all", parts=tuple(compile_node(c, lists) for c in condition.all))
    if condition.any is not None:
        return Node("any", parts=tuple(compile_node(c, lists) for c in condition.any))
    if condition.not_ is not None:
        return Node("not", parts=(compile_node(condition.not_, lists),))
    if condition.role is not None:
        roles = frozenset(normalise_literal("roles", role) for role in condition.role)
        return Node("leaf", "roles", _member_of("roles", roles))
    if condition.field is None:
        raise ValueError("a condition needs a field, role, all, any or not")
    field = condition.field
    leaves = [
        Node("leaf", field, _compile_operator(condition, field, op, lists))
        for op in condition.operators()
    ]
    return leaves[0] if len(leaves) == 1 else Node("all", parts=tuple(leaves))


def predicate_of(node: Node) -> Predicate:
    """Return the predicate that evaluates a node over facts."""
    if node.kind == "leaf":
        return node.test
    parts = [predicate_of(part) for part in node.parts]
    if node.kind == "all":
        return _all_of(parts)
    if node.kind == "any":
        return _any_of(parts)
    inner = parts[0]
    return lambda facts: not inner(facts)


def specialise(node: Node, known: Facts) -> Node | bool:
    """Evaluate what ``known`` decides, and keep the rest of the node.

    Args:
        node: a compiled condition.
        known: the facts of some fields; leaves testing them are decided now.

    Returns:
        True or False when the known facts decide the node, else the node that is
        left to evaluate on the other fields.
    """
    if node.kind == "leaf":
        return node.test(known) if node.field in known else node
    parts = [specialise(part, known) for part in node.parts]
    if node.kind == "not":
        inner = parts[0]
        return (not inner) if isinstance(inner, bool) else Node("not", parts=(inner,))
    decisive = node.kind == "any"
    if decisive in parts:
        return decisive
    left = tuple(part for part in parts if not isinstance(part, bool))
    if not left:
        return not decisive
    return left[0] if len(left) == 1 else Node(node.kind, parts=left)


def _compile_operator(
    condition: Condition, field: str, op: str, lists: Mapping[str, Sequence[str]]
) -> Predicate:
    value = condition.value_of(op)
    if op in ("equals", "in", "in_list"):
        written = (
            [value] if op == "equals" else lists[value] if op == "in_list" else value
        )
        return _member_of(
            field, frozenset(normalise_literal(field, v) for v in written)
        )
    if op == "prefix":
        return _starts_with(field, tuple(normalise_literal(field, v) for v in value))
    if op == "regex":
        return _searches(field, compile_patterns(value))
    if op == "exists":
        return _has_value(field) if value else _has_no_value(field)
    if field in COUNTED_FIELDS:
        return _count_compares(field, _COMPARE[op], float(value))
    return _number_compares(field, _COMPARE[op], float(value))


def compile_patterns(patterns: Sequence[str]) -> re.Pattern[str]:
    """Compile regular expressions into one that matches where any of them matches.

    Patterns that refer to their own groups (``\\1``, ``(?P=name)``, ``(?(1)…)``) are
    kept apart in groups of one's own, so that joining them changes no meaning.
    """
    folded = [fold_pattern(pattern) for pattern in patterns]
    if len(folded) == 1:
        return re.compile(folded[0], re.IGNORECASE)
    if any(_REFERS_TO_GROUP.search(pattern) for pattern in folded):
        return _Alternatives(
            tuple(re.compile(pattern, re.IGNORECASE) for pattern in folded)
        )  # type: ignore[return-value]
    return re.compile("|".join(f"(?:{pattern})" for pattern in folded), re.IGNORECASE)


class _Alternatives:
    """Patterns that cannot be joined, searched one after the other."""

    def __init__(self, patterns: tuple[re.Pattern[str], ...]) -> None:
        self.patterns = patterns

    def search(self, text: str) -> bool:
        """Return whether any of the patterns matches somewhere in ``text``."""
        return any(pattern.search(text) for pattern in self.patterns)


def _all_of(predicates: Sequence[Predicate]) -> Predicate:
    if not predicates:
        return always
    if len(predicates) == 1:
        return predicates[0]
    if len(predicates) == 2:
        first, second = predicates
        return lambda facts: first(facts) and second(facts)

    def test(facts: Facts) -> bool:
        for predicate in predicates:  # noqa: SIM110 - a loop is faster than all() here
            if not predicate(facts):
                return False
        return True

    return test


def _any_of(predicates: Sequence[Predicate]) -> Predicate:
    if len(predicates) == 1:
        return predicates[0]

    def test(facts: Facts) -> bool:
        for predicate in predicates:  # noqa: SIM110 - a loop is faster than any() here
            if predicate(facts):
                return True
        return False

    return test


def _member_of(field: str, values: frozenset[str]) -> Predicate:
    isdisjoint = values.isdisjoint
    return lambda facts: not isdisjoint(facts[field])


def _has_value(field: str) -> Predicate:
    return lambda facts: bool(facts[field])


def _has_no_value(field: str) -> Predicate:
    return lambda facts: not facts[field]


def _starts_with(field: str, prefixes: tuple[str, ...]) -> Predicate:
    def test(facts: Facts) -> bool:
        for value in facts[field]:  # noqa: SIM110 - a loop is faster than any() here
            if value.startswith(prefixes):
                return True
        return False

    return test


def _searches(field: str, pattern: re.Pattern[str]) -> Predicate:
    search = pattern.search

    def test(facts: Facts) -> bool:
        for value in facts[field]:  # noqa: SIM110 - a loop is faster than any() here
            if search(value):
                return True
        return False

    return test


def _count_compares(
    field: str, compare: Callable[[float, float], bool], bound: float
) -> Predicate:
    return lambda facts: compare(len(facts[field]), bound)


def _number_compares(
    field: str, compare: Callable[[float, float], bool], bound: float
) -> Predicate:
    def test(facts: Facts) -> bool:
        for value in facts[field]:
            try:
                if compare(float(value), bound):
                    return True
            except ValueError:
                continue
        return False

    return test
