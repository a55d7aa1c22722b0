"""Loading a rule set: valid files compile, invalid ones raise located problems."""

from __future__ import annotations

import pytest

from mappings.classify import load_ruleset
from mappings.errors import ConfigError
from mappings.model import CANONICAL_FIELDS
from mappings.rules import Condition
from tests.mappings.conftest import WriteFile


def test_load_ruleset_valid_file_compiles_enabled_rules(write_file: WriteFile) -> None:
    """Enabled rules are compiled in order, with the line of each name."""
    path = write_file(
        "mappings.yaml",
        """
        rules:
          - name: first
            category: customer
          - name: second
            enabled: false
            category: funder
        """,
    )

    ruleset = load_ruleset(path)

    assert [(rule.name, rule.line) for rule in ruleset.rules] == [("first", 2)]
    assert ruleset.digest


def test_load_ruleset_unknown_field_raises_with_suggestion(
    write_file: WriteFile,
) -> None:
    """A misspelt field is located and the nearest field suggested."""
    path = write_file(
        "mappings.yaml",
        """
        rules:
          - name: education
            when: {field: industy_code, prefix: "85"}
            category: education_research
        """,
    )

    with pytest.raises(
        ConfigError, match=r"mappings.yaml:3:19: unknown field"
    ) as caught:
        load_ruleset(path)

    assert "did you mean 'industry_code'?" in str(caught.value)


def test_load_ruleset_shadowed_rule_is_refused(write_file: WriteFile) -> None:
    """A rule set that ``check`` would refuse never comes into force."""
    path = write_file(
        "mappings.yaml",
        """
        rules:
          - name: everything
            category: customer
          - name: never
            category: funder
        """,
    )

    with pytest.raises(ConfigError, match="rule 'never' can never decide"):
        load_ruleset(path)


def test_load_ruleset_missing_overrides_file_is_refused(write_file: WriteFile) -> None:
    """A named overrides file that does not exist is a mistake, not an empty file."""
    rules = write_file("mappings.yaml", "rules:\n  - {name: a, category: customer}\n")

    with pytest.raises(ConfigError, match=r"overrides\.yaml:1:1: file not found"):
        load_ruleset(rules, rules.parent / "overrides.yaml")


def test_load_ruleset_number_where_text_is_needed_asks_for_quotes(
    write_file: WriteFile,
) -> None:
    """An unquoted TOL code is refused, because YAML would drop its leading zero."""
    path = write_file(
        "mappings.yaml",
        """
        rules:
          - name: farming
            when: {field: industry_code, prefix: 01}
            category: customer
        """,
    )

    with pytest.raises(ConfigError, match="Write it in quotes"):
        load_ruleset(path)


def test_condition_fields_cover_every_canonical_field() -> None:
    """Rules may test every field of the canonical model."""
    known = {name for name in CANONICAL_FIELDS if Condition(field=name, exists=True)}

    assert known == set(CANONICAL_FIELDS)
