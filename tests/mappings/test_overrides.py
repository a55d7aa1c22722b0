"""Overrides: they always win, live apart from the rules, and report disagreement."""

from __future__ import annotations

import pytest

from mappings.classify import classify, classify_partner
from mappings.errors import ConfigError
from mappings.overrides import load_overrides
from tests.mappings.conftest import BuildRuleSet, WriteFile, make_org

RULES = """
rules:
  - name: public
    when: {field: industry_code, prefix: "84"}
    category: customer
  - name: funder-role
    when: {role: funder}
    secondary: [funder]
"""


def test_override_by_business_id_wins_and_reports_the_rule(
    ruleset_from: BuildRuleSet,
) -> None:
    """An override pins the category; the disagreeing rule is named."""
    ruleset = ruleset_from(
        RULES,
        """
        overrides:
          - business_id: "0211675-2"
            category: funder
            reason: Main funder of the campus project
        """,
    )
    org = make_org("Tampereen kaupunki", business_id="0211675-2", industry_code="84110")

    result = classify(org, ruleset)

    assert result.primary == "funder"
    assert result.rule == "override:Main funder of the campus project"
    assert result.matched == ("public",)
    assert result.override_conflict == (
        "rule 'public' gives customer, the override pins funder"
    )


def test_override_agreeing_with_rules_reports_no_conflict(
    ruleset_from: BuildRuleSet,
) -> None:
    """An override that the rules would confirm is not a disagreement."""
    ruleset = ruleset_from(
        RULES,
        """
        overrides:
          - {business_id: "0211675-2", category: customer, reason: Owner}
        """,
    )
    org = make_org("Tampereen kaupunki", business_id="0211675-2", industry_code="84110")

    result = classify(org, ruleset)

    assert result.is_overridden
    assert result.override_conflict is None


def test_override_by_partner_id_wins_over_business_id(
    ruleset_from: BuildRuleSet,
) -> None:
    """A partner id names the partner more precisely than a member's business id."""
    ruleset = ruleset_from(
        RULES,
        """
        overrides:
          - {business_id: "0211675-2", category: funder, reason: by id}
          - {partner_id: p-42, category: intermediary, reason: by partner}
        """,
    )
    members = [make_org("Tampereen kaupunki", business_id="0211675-2")]

    result = classify_partner(members, ruleset, partner_id="p-42")

    assert (result.primary, result.rule) == ("intermediary", "override:by partner")


def test_override_secondary_replaces_and_flags_add(ruleset_from: BuildRuleSet) -> None:
    """An override's secondary list replaces the rules'; its flags are added."""
    ruleset = ruleset_from(
        RULES,
        """
        overrides:
          - business_id: "0211675-2"
            category: customer
            secondary: [education_research]
            flags: [strategic]
            reason: Owner
        """,
    )
    org = make_org("Kaupunki", business_id="0211675-2", roles={"funder"})

    result = classify(org, ruleset)

    assert result.secondary == ("education_research",)
    assert result.flags == frozenset({"strategic"})


def test_load_overrides_same_business_id_twice_is_refused(
    write_file: WriteFile,
) -> None:
    """One organisation pinned twice is a mistake, located at the second pin."""
    path = write_file(
        "overrides.yaml",
        """
        overrides:
          - {business_id: "0211675-2", category: customer, reason: a}
          - {business_id: "FI02116752", category: funder, reason: b}
        """,
    )

    with pytest.raises(
        ConfigError, match=r"overrides.yaml:3:5: 0211675-2 is pinned twice"
    ):
        load_overrides(path)


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            '{business_id: "0211675-3", category: customer, reason: a}',
            "'0211675-3' is not a valid business id",
        ),
        ("{category: customer, reason: a}", "needs exactly one of business_id"),
        (
            '{business_id: "0211675-2", category: custmer, reason: a}',
            "unknown category 'custmer'",
        ),
        ('{business_id: "0211675-2", category: customer}', "needs `reason`"),
    ],
)
def test_load_overrides_invalid_entry_is_refused_with_location(
    write_file: WriteFile, entry: str, message: str
) -> None:
    """Each kind of mistake in an override is named and located."""
    path = write_file("overrides.yaml", f"overrides:\n  - {entry}\n")

    with pytest.raises(ConfigError, match=r"overrides.yaml:2:\d+: ") as caught:
        load_overrides(path)

    assert message in str(caught.value)


def test_load_overrides_empty_file_holds_no_overrides(write_file: WriteFile) -> None:
    """An empty overrides file is valid: nothing is pinned."""
    path = write_file("overrides.yaml", "# nothing pinned yet\n")

    overrides = load_overrides(path)

    assert len(overrides) == 0
