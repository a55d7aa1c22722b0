"""Classification: first match decides, every match is evidence, partners pool facts."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mappings.categories import CATEGORY_IDS
from mappings.classify import NO_RULE, classify, classify_facts, classify_partner
from mappings.facts import merge_facts
from mappings.model import Organisation
from mappings.ruleset import RuleSet
from tests.mappings.conftest import BuildRuleSet, make_org

RULES = """
rules:
  - name: funder-role
    when: {role: funder}
    secondary: [funder]
  - name: many-units
    when: {field: units, gte: 2}
    flags: [strategic]
  - name: education
    when: {field: industry_code, prefix: "85"}
    category: education_research
  - name: public
    when: {field: industry_code, prefix: "84"}
    category: customer
    flags: [public]
  - name: by-role
    when: {role: funder}
    category: funder
"""


@pytest.fixture
def ruleset(ruleset_from: BuildRuleSet) -> RuleSet:
    """The small rule set above."""
    return ruleset_from(RULES)


def test_classify_first_matching_rule_decides_primary(ruleset: RuleSet) -> None:
    """The first matching rule with a category decides; later ones are evidence."""
    org = make_org("Tampereen kaupunki", industry_code="84110", roles={"funder"})

    result = classify(org, ruleset)

    assert result.primary == "customer"
    assert result.rule == "public"
    assert result.matched == ("funder-role", "public", "by-role")


def test_classify_secondary_and_flags_add_up_from_all_matches(ruleset: RuleSet) -> None:
    """Secondary categories and flags come from every matching rule."""
    org = make_org(
        "Kaupunki", industry_code="84110", roles={"funder"}, units={"A", "B"}
    )

    result = classify(org, ruleset)

    assert result.secondary == ("funder",)
    assert result.flags == frozenset({"strategic", "public"})


def test_classify_primary_is_never_also_secondary(ruleset: RuleSet) -> None:
    """A funder decided by its role does not list funder as secondary too."""
    org = make_org("Säätiö", roles={"funder"})

    result = classify(org, ruleset)

    assert result.primary == "funder"
    assert result.secondary == ()


def test_classify_no_matching_rule_gives_unclassified(ruleset: RuleSet) -> None:
    """With no rule deciding, the organisation is unclassified."""
    org = make_org("Tuntematon")

    result = classify(org, ruleset)

    assert result.primary == "unclassified"
    assert result.rule == NO_RULE
    assert result.override_conflict is None


def test_classify_disabled_rule_is_skipped(ruleset_from: BuildRuleSet) -> None:
    """A rule with ``enabled: false`` neither decides nor counts as evidence."""
    ruleset = ruleset_from(
        """
        rules:
          - name: switched-off
            enabled: false
            category: funder
          - name: switched-on
            category: customer
        """
    )

    result = classify(make_org(), ruleset)

    assert (result.primary, result.matched) == ("customer", ("switched-on",))


def test_classify_partner_pools_roles_and_fields_of_members(ruleset: RuleSet) -> None:
    """A partner's code from one record and role from another are used together."""
    members = [
        make_org("Tampereen kaupunki", industry_code="84110"),
        make_org("Tampere", roles={"funder"}),
    ]

    result = classify_partner(members, ruleset)

    assert (result.primary, result.secondary) == ("customer", ("funder",))


def test_classify_partner_without_members_raises(ruleset: RuleSet) -> None:
    """A partner needs at least one record."""
    with pytest.raises(ValueError, match="at least one member"):
        classify_partner([], ruleset)


def test_classify_same_record_twice_returns_equal_results(ruleset: RuleSet) -> None:
    """Results are deterministic, also when served from the memo."""
    org = make_org("Koulu", industry_code="85310")

    first, second = classify(org, ruleset), classify(org, ruleset)

    assert first == second


CODES = st.sampled_from(
    [None, "84110", "85420", "85530", "62010", "94200", "94999", "60200", "70220"]
)
NAMES = st.sampled_from(
    [
        "Oy A",
        "B ry",
        "Tampereen kaupunki",
        "Business Finland",
        "Tehy ry",
        "Pirkanmaan liitto",
        "Koulutuskuntayhtymä Tavastia",
        "Alma Media Oyj",
        "Yleisradio",
        "Tampereen yliopisto",
        "Erkon säätiö",
        "Pirkanmaan ELY-keskus",
    ]
)
FORMS = st.sampled_from([None, "oy", "ry", "kuntayhtymä", "sr"])
ROLES = st.frozensets(st.sampled_from(["funder", "customer", "partner"]), max_size=2)
UNITS = st.frozensets(st.sampled_from(["A", "B", "C"]), max_size=3)


@st.composite
def records(draw: st.DrawFn) -> Organisation:
    """Draw a plausible record."""
    return make_org(
        draw(NAMES),
        industry_code=draw(CODES),
        legal_form=draw(FORMS),
        roles=draw(ROLES),
        units=draw(UNITS),
        business_id=draw(st.sampled_from([None, "0211675-2", "2725690-3"])),
    )


@settings(max_examples=200)
@given(members=st.lists(records(), min_size=1, max_size=5), rnd=st.randoms())
def test_classify_partner_any_member_order_gives_same_result(
    default_ruleset: RuleSet, members: list[Organisation], rnd: random.Random
) -> None:
    """The members' order never changes a partner's classification."""
    shuffled = list(members)
    rnd.shuffle(shuffled)

    first = classify_partner(members, default_ruleset, partner_id="p-1")
    second = classify_partner(shuffled, default_ruleset, partner_id="p-1")

    assert first == second


@settings(max_examples=200)
@given(org=records())
def test_classify_any_record_gets_exactly_one_known_primary(
    default_ruleset: RuleSet, org: Organisation
) -> None:
    """Every record gets one primary category, a known one, never also secondary."""
    result = classify(org, default_ruleset)

    assert result.primary in CATEGORY_IDS
    assert result.primary not in result.secondary
    assert set(result.secondary) <= CATEGORY_IDS


@settings(max_examples=300)
@given(members=st.lists(records(), min_size=1, max_size=3))
def test_classify_planned_rules_match_full_evaluation(
    default_ruleset: RuleSet, members: list[Organisation]
) -> None:
    """Testing only what a plan leaves finds the same rules as testing every rule."""
    facts = merge_facts([default_ruleset.facts(member) for member in members])
    everything = tuple(rule.name for rule in default_ruleset.rules if rule.test(facts))

    result = classify_facts(facts, default_ruleset)

    assert result.matched == everything


def test_classify_beyond_plan_limit_tests_rules_in_full(
    ruleset_from: BuildRuleSet, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the plans are full, new combinations are tested rule by rule, alike."""
    monkeypatch.setattr("mappings.plans.MAX_PLANS", 1)
    ruleset = ruleset_from(RULES)
    first = make_org("Kaupunki", industry_code="84110")
    second = make_org("Koulu", industry_code="85310", roles={"funder"})

    results = [classify(first, ruleset), classify(second, ruleset)]

    assert [r.rule for r in results] == ["public", "education"]
    assert results[1].secondary == ("funder",)
