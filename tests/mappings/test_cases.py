"""Admins' test cases: expectations compared, failures described field by field."""

from __future__ import annotations

import pytest

from mappings.cases import run_cases
from mappings.errors import ConfigError
from tests.mappings.conftest import BuildRuleSet, WriteFile

RULES = """
rules:
  - name: funder-role
    when: {role: funder}
    secondary: [funder]
  - name: education
    when: {field: industry_code, prefix: "85"}
    category: education_research
"""


def test_run_cases_met_expectation_passes(
    ruleset_from: BuildRuleSet, write_file: WriteFile
) -> None:
    """A case whose expectations hold passes."""
    ruleset = ruleset_from(RULES)
    cases = write_file(
        "cases.yaml",
        """
        cases:
          - name: university
            record: {name: Tampereen yliopisto, industry_code: "85420", roles: [funder]}
            expect: {primary: education_research, secondary: [funder], rule: education}
        """,
    )

    results = run_cases(cases, ruleset)

    assert [result.passed for result in results] == [True]


def test_run_cases_unmet_expectation_lists_each_difference(
    ruleset_from: BuildRuleSet, write_file: WriteFile
) -> None:
    """A failing case says what was expected and what the rules gave."""
    ruleset = ruleset_from(RULES)
    cases = write_file(
        "cases.yaml",
        """
        cases:
          - name: city
            record: {name: Tampereen kaupunki, roles: [funder]}
            expect: {primary: customer, flags: [strategic]}
        """,
    )

    (result,) = run_cases(cases, ruleset)

    assert result.line == 2
    assert [(d.what, d.expected, d.got) for d in result.differences] == [
        ("primary", "customer", "unclassified"),
        ("flags", "[strategic]", "[]"),
    ]


def test_run_cases_partner_records_are_classified_together(
    ruleset_from: BuildRuleSet, write_file: WriteFile
) -> None:
    """``records:`` classifies the records of one partner as one."""
    ruleset = ruleset_from(RULES)
    cases = write_file(
        "cases.yaml",
        """
        cases:
          - name: partner
            records:
              - {name: TAMK, industry_code: "85420"}
              - {name: Tampereen ammattikorkeakoulu, roles: [funder]}
            expect: {primary: education_research, secondary: [funder]}
        """,
    )

    results = run_cases(cases, ruleset)

    assert results[0].passed


def test_run_cases_case_without_record_is_refused(
    ruleset_from: BuildRuleSet, write_file: WriteFile
) -> None:
    """A case must describe a record or a partner's records."""
    ruleset = ruleset_from(RULES)
    cases = write_file(
        "cases.yaml",
        """
        cases:
          - name: nothing
            expect: {primary: customer}
        """,
    )

    with pytest.raises(ConfigError, match=r"cases\.yaml:2:5: case 'nothing' needs"):
        run_cases(cases, ruleset)
