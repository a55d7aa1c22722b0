"""The operators of the rule language, tested one by one."""

from __future__ import annotations

from typing import Any

import pytest

from mappings.classify import classify
from mappings.conditions import Node, compile_node, specialise
from mappings.model import Activity
from mappings.rules import Condition
from tests.mappings.conftest import BuildRuleSet, make_org


def matches(ruleset_from: BuildRuleSet, when: str, **fields: Any) -> bool:
    """Return whether a rule with this ``when`` matches a record with these fields."""
    ruleset = ruleset_from(
        f"rules:\n  - name: probe\n    when: {when}\n    flags: [hit]\n"
    )
    return "hit" in classify(make_org(**fields), ruleset).flags


@pytest.mark.parametrize(
    ("when", "fields", "expected"),
    [
        ('{field: legal_form, equals: "Oy"}', {"legal_form": "OY"}, True),
        ('{field: legal_form, equals: "oy"}', {"legal_form": "ry"}, False),
        (
            '{field: municipality, equals: "Hämeenlinna"}',
            {"municipality": "HAMEENLINNA"},
            True,
        ),
        (
            '{field: industry_code, in: ["94120", "94200"]}',
            {"industry_code": "94200"},
            True,
        ),
        (
            '{field: industry_code, in: ["94120", "94200"]}',
            {"industry_code": "94110"},
            False,
        ),
        ('{field: industry_code, prefix: "855"}', {"industry_code": "85530"}, True),
        ('{field: industry_code, prefix: "85.5"}', {"industry_code": "85530"}, True),
        (
            '{field: industry_code, prefix: ["58110", "59"]}',
            {"industry_code": "58210"},
            False,
        ),
        ("{field: name, regex: '\\bry$'}", {"name": "Tehy RY"}, True),
        ("{field: name, regex: 'säätiö'}", {"name": "Erkon Saatio"}, True),
        ("{field: name, regex: ['^x', 'ltd$']}", {"name": "Acme Ltd"}, True),
        ("{field: business_id, exists: true}", {"business_id": "2725690-3"}, True),
        ("{field: business_id, exists: false}", {}, True),
        (
            "{field: business_id, equals: 'FI27256903'}",
            {"business_id": "2725690-3"},
            True,
        ),
        ("{field: postcode, gte: 33000, lt: 34000}", {"postcode": "33100"}, True),
        ("{field: postcode, gt: 33000}", {"postcode": "not a number"}, False),
        ("{field: units, gte: 2}", {"units": {"A", "B"}}, True),
        ("{field: units, gt: 2}", {"units": {"A", "B"}}, False),
        ("{role: funder}", {"roles": {"funder"}}, True),
        ("{role: [customer, commissioner]}", {"roles": {"partner"}}, False),
        (
            "{field: extra.hanketyyppi, equals: EAKR}",
            {"extra": {"hanketyyppi": "eakr"}},
            True,
        ),
    ],
)
def test_condition_operator_on_record_gives_expected_match(
    ruleset_from: BuildRuleSet, when: str, fields: dict[str, Any], expected: bool
) -> None:
    """Each operator matches exactly the records its documentation promises."""
    result = matches(ruleset_from, when, **fields)

    assert result is expected


def test_condition_all_with_one_failing_part_does_not_match(
    ruleset_from: BuildRuleSet,
) -> None:
    """``all`` holds only when every part holds."""
    when = '{all: [{field: industry_code, prefix: "85"}, {role: funder}]}'

    result = matches(ruleset_from, when, industry_code="85420")

    assert result is False


def test_condition_any_with_one_holding_part_matches(
    ruleset_from: BuildRuleSet,
) -> None:
    """``any`` holds when one part holds."""
    when = '{any: [{field: legal_form, equals: ry}, {field: name, regex: " ry$"}]}'

    result = matches(ruleset_from, when, name="Tehy ry")

    assert result is True


def test_condition_not_of_a_match_does_not_match(ruleset_from: BuildRuleSet) -> None:
    """``not`` inverts its condition."""
    when = '{not: {field: industry_code, prefix: "94"}}'

    result = matches(ruleset_from, when, industry_code="94999")

    assert result is False


def test_condition_list_under_when_requires_every_condition(
    ruleset_from: BuildRuleSet,
) -> None:
    """A list under ``when`` is read as ``all``."""
    when = '[{field: industry_code, exists: true}, {field: name, regex: "oy$"}]'

    result = matches(ruleset_from, when, name="Koodi Oy")

    assert result is False


def test_condition_role_from_an_activity_matches(ruleset_from: BuildRuleSet) -> None:
    """The role written on a project counts as a role of the record."""
    activity = Activity(kind="project", id="P1", name="Hanke", role="funder")

    result = matches(ruleset_from, "{role: funder}", activities=(activity,))

    assert result is True


def test_condition_activities_count_compares_distinct_projects(
    ruleset_from: BuildRuleSet,
) -> None:
    """Numeric comparisons on activities count the projects."""
    projects = tuple(Activity(kind="project", id=str(i), name="H") for i in range(3))

    result = matches(ruleset_from, "{field: activities, gte: 3}", activities=projects)

    assert result is True


def test_specialise_known_field_decides_not_and_any() -> None:
    """Leaves on known fields are decided; the rest of the node is kept."""
    condition = Condition.model_validate(
        {
            "all": [
                {"not": {"field": "industry_code", "prefix": "94"}},
                {
                    "any": [
                        {"field": "industry_code", "exists": False},
                        {"field": "name", "regex": "kehitysyhtiö"},
                    ]
                },
            ]
        }
    )
    node = compile_node(condition, {})

    left = specialise(node, {"industry_code": ("70220",)})

    assert isinstance(left, Node)
    assert (left.kind, left.field) == ("leaf", "name")
    assert specialise(node, {"industry_code": ("94999",)}) is False
    assert specialise(node, {"industry_code": ()}) is True
