"""Classify organisations and partners into the Karvi categories.

Rules are tried in file order and every rule that matches is kept as evidence. The
first matching rule that assigns a ``category`` decides the primary category; when no
such rule matches, the primary category is ``unclassified``, so every organisation has
exactly one. Secondary categories and flags are the union of those of all matching
rules (the primary category is never also secondary). An override, when one pins the
organisation, replaces the primary category and is reported if a rule disagrees.

A partner is classified from all its member records at once: each field holds every
distinct value of its members and roles are pooled, so the result does not depend on
the order of the members. Classification is pure: the same records give the same
result, in any order, on every run.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mappings.categories import CATEGORIES, UNCLASSIFIED
from mappings.facts import Facts, merge_facts
from mappings.model import Organisation
from mappings.overrides import Override
from mappings.ruleset import CompiledRule, RuleSet, load_ruleset

__all__ = [
    "NO_RULE",
    "Classification",
    "RuleSet",
    "classify",
    "classify_facts",
    "classify_partner",
    "load_ruleset",
]

NO_RULE = "(no rule matched)"
OVERRIDE_PREFIX = "override:"
MEMO_SIZE = 65_536
_ORDER = {category.id: position for position, category in enumerate(CATEGORIES)}


@dataclass(frozen=True, slots=True)
class Classification:
    """The categories of one organisation or partner, and why.

    ``rule`` is the rule that decided the primary category, ``override:<reason>`` when
    an override did, or ``(no rule matched)``; ``matched`` names every matching rule in
    file order; ``override_conflict`` says what the rules would decide when an override
    disagrees with them.
    """

    primary: str
    secondary: tuple[str, ...] = ()
    rule: str = NO_RULE
    matched: tuple[str, ...] = ()
    flags: frozenset[str] = frozenset()
    override_conflict: str | None = None

    @property
    def is_overridden(self) -> bool:
        """Return whether an override decided the primary category."""
        return self.rule.startswith(OVERRIDE_PREFIX)


def classify(org: Organisation, ruleset: RuleSet) -> Classification:
    """Classify one record.

    Args:
        org: the record, normalised.
        ruleset: the compiled rules and overrides.

    Returns:
        Its classification; an override by its business id wins over the rules.
    """
    result = classify_facts(ruleset.facts(org), ruleset)
    overrides = ruleset.overrides
    override = overrides.find((org.business_id,)) if overrides.by_business_id else None

    return apply_override(result, override) if override else result


def classify_partner(
    members: Sequence[Organisation], ruleset: RuleSet, *, partner_id: str | None = None
) -> Classification:
    """Classify a partner from the facts and roles of all its member records.

    Args:
        members: the partner's records, in any order.
        ruleset: the compiled rules and overrides.
        partner_id: the partner's stable id, for overrides that name it.

    Returns:
        The partner's classification; an override by partner id wins over one by a
        member's business id, and both win over the rules.

    Raises:
        ValueError: ``members`` is empty.
    """
    if not members:
        raise ValueError("a partner needs at least one member record to be classified")
    facts = merge_facts([ruleset.facts(member) for member in members])
    result = classify_facts(facts, ruleset)
    override = None
    if ruleset.overrides:
        business_ids = (member.business_id for member in members)
        override = ruleset.overrides.find(business_ids, partner_id)

    return apply_override(result, override) if override else result


def classify_facts(facts: Facts, ruleset: RuleSet) -> Classification:
    """Classify from facts by the rules alone (no overrides)."""
    plan = ruleset.planner.plan(facts)
    hits = [rule for rule, test in plan if test is None or test(facts)]
    key = tuple([rule.index for rule in hits])
    known = ruleset.memo.get(key)
    if known is not None:
        return known  # type: ignore[no-any-return]
    result = decide(hits)
    if len(ruleset.memo) < MEMO_SIZE:
        ruleset.memo[key] = result

    return result


def decide(matched: Sequence[CompiledRule]) -> Classification:
    """Combine the matching rules, in file order, into a classification."""
    deciding = next((rule for rule in matched if rule.category is not None), None)
    primary = deciding.category if deciding and deciding.category else UNCLASSIFIED
    secondary = {category for rule in matched for category in rule.secondary}

    return Classification(
        primary=primary,
        secondary=ordered(secondary - {primary}),
        rule=deciding.name if deciding else NO_RULE,
        matched=tuple(rule.name for rule in matched),
        flags=frozenset(flag for rule in matched for flag in rule.flags),
    )


def apply_override(result: Classification, override: Override) -> Classification:
    """Pin the primary category, keep the rules' evidence, and report a conflict."""
    conflict = None
    if result.rule != NO_RULE and result.primary != override.category:
        conflict = (
            f"rule {result.rule!r} gives {result.primary}, the override pins "
            f"{override.category}"
        )
    secondary = result.secondary if override.secondary is None else override.secondary

    return Classification(
        primary=override.category,
        secondary=ordered(set(secondary) - {override.category}),
        rule=f"{OVERRIDE_PREFIX}{override.reason}",
        matched=result.matched,
        flags=result.flags | override.flags,
        override_conflict=conflict,
    )


def ordered(categories: set[str] | frozenset[str]) -> tuple[str, ...]:
    """Return category ids in the order of ``mappings.categories``."""
    return tuple(sorted(categories, key=lambda category: _ORDER.get(category, 99)))
