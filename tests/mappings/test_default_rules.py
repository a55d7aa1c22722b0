"""The default rules in config/ classify realistic Finnish organisations sensibly."""

from __future__ import annotations

from typing import Any

import pytest
from stdnum.fi import ytunnus

from mappings.cases import run_cases
from mappings.classify import classify
from mappings.ruleset import RuleSet, check_files, read_rule_file
from tests.mappings.conftest import (
    DEFAULT_CASES,
    DEFAULT_OVERRIDES,
    DEFAULT_RULES,
    make_org,
)

ORGANISATIONS: list[tuple[str, dict[str, Any], str]] = [
    (
        "Tampereen kaupunki",
        {"business_id": "0211675-2", "industry_code": "84110"},
        "customer",
    ),
    ("Innovaatiorahoituskeskus Business Finland", {"industry_code": "84130"}, "funder"),
    ("Business Finland Oy", {"business_id": "2725690-3"}, "funder"),
    ("Suomen Akatemia", {"industry_code": "84130"}, "funder"),
    ("Research Council of Finland", {}, "funder"),
    (
        "Tampereen yliopisto",
        {"business_id": "2844561-8", "industry_code": "85420"},
        "education_research",
    ),
    ("Alma Media Oyj", {"industry_code": "58130"}, "informal_media"),
    ("Yleisradio Oy", {"industry_code": "60200"}, "informal_media"),
    ("Ammattiliitto Pro ry", {"industry_code": "94200"}, "informal_interest"),
    ("Koodiverstas Oy", {"industry_code": "62010"}, "customer"),
    ("Hervannan Asukasyhdistys ry", {}, "informal_interest"),
    ("Pirkanmaan liitto", {"industry_code": "84110"}, "funder"),
    ("Pirkanmaan ELY-keskus", {"industry_code": "84130"}, "funder"),
    ("Pirkanmaan elinvoimakeskus", {}, "funder"),
    ("Opetus- ja kulttuuriministeriö", {}, "funder"),
    ("Koulutuskuntayhtymä Tavastia", {}, "education_research"),
    ("Supercell Oy", {"industry_code": "58210"}, "customer"),
    ("Autokoulu Tampere Oy", {"industry_code": "85530"}, "customer"),
    ("Tampereen kauppakamari", {"industry_code": "94110"}, "intermediary"),
    ("Vasemmistoliitto r.p.", {"industry_code": "94920"}, "informal_politicians"),
]


@pytest.mark.parametrize(
    ("name", "fields", "expected"), ORGANISATIONS, ids=[o[0] for o in ORGANISATIONS]
)
def test_default_rules_realistic_organisation_gets_expected_category(
    default_ruleset: RuleSet, name: str, fields: dict[str, Any], expected: str
) -> None:
    """Each well-known kind of organisation lands in its Karvi category."""
    org = make_org(name, **fields)

    result = classify(org, default_ruleset)

    assert result.primary == expected, result


def test_default_rules_city_funding_a_project_keeps_funder_secondary(
    default_ruleset: RuleSet,
) -> None:
    """A city with a funder role is a customer, a strategic owner, and a funder too."""
    org = make_org(
        "Tampereen kaupunki",
        business_id="0211675-2",
        industry_code="84110",
        roles={"funder"},
    )

    result = classify(org, default_ruleset)

    assert (result.primary, result.secondary) == ("customer", ("funder",))
    assert "strategic" in result.flags


def test_default_rules_file_passes_every_check() -> None:
    """The shipped rules and overrides have no problems and no notes."""
    report = check_files(DEFAULT_RULES, DEFAULT_OVERRIDES)

    assert report.problems == ()
    assert report.notes == ()


def test_default_rules_business_ids_are_valid() -> None:
    """Every business id listed in the default rules passes the Y-tunnus check."""
    rule_file, _, _ = read_rule_file(DEFAULT_RULES)
    ids = [entry for entries in rule_file.lists.values() for entry in entries]

    invalid = [entry for entry in ids if not ytunnus.is_valid(entry)]

    assert ids
    assert invalid == []


def test_default_cases_all_pass(default_ruleset: RuleSet) -> None:
    """The admins' example cases in config/ pass against the default rules."""
    results = run_cases(DEFAULT_CASES, default_ruleset)

    failures = [(r.name, r.differences) for r in results if not r.passed]

    assert len(results) >= 30
    assert failures == []
