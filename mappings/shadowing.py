"""Find rules whose category can never decide, because an earlier rule always wins.

Rule B is *shadowed* by an earlier rule A when both assign a primary category and
every organisation B matches is also matched by A. Proving that in general is
undecidable (regular expressions, negations), so this module proves only what it can:
each condition becomes a conjunction of *atoms*, and B implies A when every atom of A
is implied by some atom of B (``prefix: "855"`` implies ``prefix: "85"``, ``in: [a]``
implies ``in: [a, b]``, ``gt: 5`` implies ``gt: 3``, any test of a field implies
``exists: true``, …). A rule without conditions implies nothing but is implied by all.
A reported shadow is therefore always real; an unreported one may still exist.

Candidates are found through an index keyed on values and prefixes, so that a file of
tens of thousands of rules is checked in seconds; a budget bounds the proofs tried.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from mappings.facts import COUNTED_FIELDS, normalise_literal
from mappings.rules import Condition

Key = tuple[str, ...]
MAX_PROOFS = 400_000


@dataclass(frozen=True)
class Atom:
    """One test that a conjunction of conditions requires."""

    kind: str
    field: str = ""
    values: frozenset[str] = frozenset()
    op: str = ""
    bound: float = 0.0
    parts: tuple[tuple[Atom, ...], ...] = ()


@dataclass(frozen=True)
class ShadowReport:
    """Shadowed rules as (later index, earlier index), and whether all were tried."""

    pairs: tuple[tuple[int, int], ...]
    complete: bool


def atoms_of(
    conditions: Sequence[Condition], lists: Mapping[str, Sequence[str]]
) -> tuple[Atom, ...]:
    """Return the atoms a list of conditions requires together."""
    return tuple(atom for condition in conditions for atom in _atoms(condition, lists))


def find_shadowed(rules: Sequence[tuple[Sequence[Atom], bool] | None]) -> ShadowReport:
    """Find each categorised rule that an earlier categorised rule always beats.

    Args:
        rules: per rule in file order, its atoms and whether it assigns a category;
            None for a disabled rule.

    Returns:
        The shadowed rules, each with the first earlier rule that beats it.
    """
    index: dict[Key, list[int]] = defaultdict(list)
    conjunctions: dict[int, Sequence[Atom]] = {}
    always: int | None = None
    pairs: list[tuple[int, int]] = []
    budget = MAX_PROOFS
    for j, rule in enumerate(rules):
        if rule is None or not rule[1]:
            continue
        atoms = rule[0]
        winner = always
        if winner is None:
            candidates = sorted(
                {i for key in _lookup_keys(atoms) for i in index.get(key, ())}
            )
            for i in candidates:
                budget -= 1
                if budget >= 0 and all(implies(atoms, a) for a in conjunctions[i]):
                    winner = i
                    break
        if winner is not None:
            pairs.append((j, winner))
            continue
        conjunctions[j] = atoms
        if not atoms:
            always = j
        for key in _anchor_keys(atoms):
            index[key].append(j)

    return ShadowReport(tuple(pairs), complete=budget >= 0)


def implies(conjunction: Sequence[Atom], atom: Atom) -> bool:
    """Return whether every organisation meeting ``conjunction`` meets ``atom``."""
    if atom.kind == "any" and any(
        all(implies(conjunction, part) for part in alternative)
        for alternative in atom.parts
    ):
        return True
    for held in conjunction:
        if held.kind == "any" and all(implies(alt, atom) for alt in held.parts):
            return True
        if _atom_implies(held, atom):
            return True
    return False


def _atom_implies(held: Atom, atom: Atom) -> bool:
    if held == atom:
        return True
    if atom.kind == "not":
        return held.kind == "not" and all(
            implies(atom.parts[0], inner) for inner in held.parts[0]
        )
    if held.field != atom.field or held.kind in ("any", "not"):
        return False
    if atom.kind == "eq":
        return held.kind == "eq" and held.values <= atom.values
    if atom.kind == "prefix":
        return held.kind in ("eq", "prefix") and all(
            value.startswith(tuple(atom.values)) for value in held.values
        )
    if atom.kind == "regex":
        return held.kind == "regex" and held.values <= atom.values
    if atom.kind == "exists":
        return atom.op == held.op == "no" or (atom.op == "yes" and _needs_value(held))
    if atom.kind == "cmp" and held.kind == "cmp":
        return _bound_implies(held, atom)
    return False


def _needs_value(held: Atom) -> bool:
    if held.kind in ("eq", "prefix", "regex"):
        return True
    if held.kind == "exists":
        return held.op == "yes"
    if held.field not in COUNTED_FIELDS:
        return held.kind == "cmp"
    return (held.op == "gt" and held.bound >= 0) or (
        held.op == "gte" and held.bound > 0
    )


def _bound_implies(held: Atom, atom: Atom) -> bool:
    if held.op in ("gt", "gte") and atom.op in ("gt", "gte"):
        strict = held.op == "gte" and atom.op == "gt"
        return held.bound > atom.bound if strict else held.bound >= atom.bound
    if held.op in ("lt", "lte") and atom.op in ("lt", "lte"):
        strict = held.op == "lte" and atom.op == "lt"
        return held.bound < atom.bound if strict else held.bound <= atom.bound
    return False


def _atoms(condition: Condition, lists: Mapping[str, Sequence[str]]) -> Iterator[Atom]:
    if condition.all is not None:
        yield from atoms_of(condition.all, lists)
    elif condition.any is not None:
        yield Atom("any", parts=tuple(atoms_of([c], lists) for c in condition.any))
    elif condition.not_ is not None:
        yield Atom("not", parts=(atoms_of([condition.not_], lists),))
    elif condition.role is not None:
        yield Atom("eq", "roles", _normalised("roles", condition.role))
    elif condition.field is not None:
        yield from _field_atoms(condition, condition.field, lists)


def _field_atoms(
    condition: Condition, field: str, lists: Mapping[str, Sequence[str]]
) -> Iterator[Atom]:
    for op in condition.operators():
        value = condition.value_of(op)
        if op in ("equals", "in", "in_list"):
            written = (
                [value]
                if op == "equals"
                else lists.get(value, ())
                if op == "in_list"
                else value
            )
            yield Atom("eq", field, _normalised(field, written))
        elif op == "prefix":
            yield Atom("prefix", field, _normalised(field, value))
        elif op == "regex":
            yield Atom("regex", field, frozenset(value))
        elif op == "exists":
            yield Atom("exists", field, op="yes" if value else "no")
        else:
            yield Atom("cmp", field, op=op, bound=float(value))


def _normalised(field: str, values: Sequence[str]) -> frozenset[str]:
    return frozenset(normalise_literal(field, value) for value in values)


def _anchor_keys(atoms: Sequence[Atom]) -> list[Key]:
    if not atoms:
        return [("*",)]
    rank = {"eq": 0, "prefix": 1, "regex": 2, "exists": 3, "cmp": 3}
    anchor = min(atoms, key=lambda atom: rank.get(atom.kind, 9))
    if anchor.kind == "eq":
        return [("eq", anchor.field, value) for value in anchor.values]
    if anchor.kind == "prefix":
        return [("pre", anchor.field, value) for value in anchor.values]
    if anchor.kind == "regex":
        return [("re", anchor.field, value) for value in anchor.values]
    if anchor.kind in ("exists", "cmp"):
        return [("field", anchor.field)]
    return [("*",)]


def _lookup_keys(atoms: Sequence[Atom]) -> set[Key]:
    keys: set[Key] = {("*",)}
    for atom in atoms:
        if atom.kind == "any":
            for alternative in atom.parts:
                keys |= _lookup_keys(alternative)
            continue
        if atom.kind == "not":
            continue
        keys.add(("field", atom.field))
        if atom.kind in ("eq", "prefix"):
            for value in atom.values:
                keys.update(
                    ("pre", atom.field, value[:k]) for k in range(1, len(value) + 1)
                )
        if atom.kind == "eq":
            keys.update(("eq", atom.field, value) for value in atom.values)
        if atom.kind == "regex":
            keys.update(("re", atom.field, value) for value in atom.values)
    return keys
