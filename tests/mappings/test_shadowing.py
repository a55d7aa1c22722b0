"""Shadowed rules: reported when provable, never when an organisation reaches them."""

from __future__ import annotations

from pathlib import Path

import pytest

from mappings.ruleset import check_files
from tests.mappings.conftest import WriteFile


def shadow_messages(write_file: WriteFile, earlier: str, later: str) -> list[str]:
    """Return the shadowing problems of a file with two categorised rules."""
    path: Path = write_file(
        "mappings.yaml",
        f"""
        rules:
          - name: earlier
            when: {earlier}
            category: customer
          - name: later
            when: {later}
            category: funder
        """,
    )
    report = check_files(path)
    return [p.message for p in report.problems if "can never decide" in p.message]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (
            '{field: industry_code, prefix: "85"}',
            '{field: industry_code, prefix: "855"}',
        ),
        (
            '{field: industry_code, prefix: "85"}',
            '{field: industry_code, equals: "85420"}',
        ),
        ("{field: legal_form, in: [oy, ab]}", "{field: legal_form, equals: oy}"),
        ("{field: units, gt: 2}", "{field: units, gte: 5}"),
        ("{field: units, lt: 5}", "{field: units, lte: 3}"),
        ("{field: name, exists: true}", "{field: name, regex: 'oy$'}"),
        ("{role: [funder, customer]}", "[{role: funder}, {field: name, exists: true}]"),
        ("{field: name, regex: 'oy$'}", "{field: name, regex: 'oy$'}"),
        (
            '{any: [{field: industry_code, prefix: "84"}, {role: funder}]}',
            '{field: industry_code, prefix: "841"}',
        ),
        (
            '{field: industry_code, prefix: "94"}',
            '{any: [{field: industry_code, equals: "94110"}, '
            '{field: industry_code, equals: "94200"}]}',
        ),
        (
            '{not: {field: industry_code, prefix: "85"}}',
            '{not: {field: industry_code, prefix: "8"}}',
        ),
    ],
)
def test_check_later_rule_implying_earlier_is_reported(
    write_file: WriteFile, earlier: str, later: str
) -> None:
    """A later rule whose matches all match an earlier rule can never decide."""
    messages = shadow_messages(write_file, earlier, later)

    assert messages == [
        "rule 'later' can never decide the category: the earlier rule 'earlier' "
        "(line 2) matches every organisation it matches"
    ]


@pytest.mark.parametrize(
    ("earlier", "later"),
    [
        (
            '{field: industry_code, prefix: "855"}',
            '{field: industry_code, prefix: "85"}',
        ),
        ('{field: industry_code, prefix: "85"}', '{field: municipality, prefix: "85"}'),
        ("{field: legal_form, equals: oy}", "{field: legal_form, in: [oy, ab]}"),
        ("{field: units, gte: 5}", "{field: units, gt: 2}"),
        ("{field: name, regex: 'oy$'}", "{field: name, regex: 'ab$'}"),
        ("[{role: funder}, {field: name, exists: true}]", "{role: funder}"),
        ("{field: units, exists: true}", "{field: units, lt: 3}"),
        (
            '{not: {field: industry_code, prefix: "8"}}',
            '{not: {field: industry_code, prefix: "85"}}',
        ),
    ],
)
def test_check_later_rule_reaching_new_organisations_is_not_reported(
    write_file: WriteFile, earlier: str, later: str
) -> None:
    """A later rule that can match an organisation the earlier one misses is kept."""
    messages = shadow_messages(write_file, earlier, later)

    assert messages == []


def test_check_rule_without_category_neither_shadows_nor_is_shadowed(
    write_file: WriteFile,
) -> None:
    """Rules that only add secondary categories or flags decide nothing."""
    path = write_file(
        "mappings.yaml",
        """
        rules:
          - name: everyone
            flags: [seen]
          - name: funders
            when: {role: funder}
            secondary: [funder]
          - name: by-role
            when: {role: funder}
            category: funder
        """,
    )

    report = check_files(path)

    assert report.problems == ()


def test_check_shadowing_of_twenty_thousand_rules_finishes(
    write_file: WriteFile,
) -> None:
    """The shadow search stays near-linear on a large generated file."""
    rules = "".join(
        f'  - {{name: r{i}, when: {{field: industry_code, equals: "{i:05d}"}}, '
        "category: customer}\n"
        for i in range(20_000)
    )
    path = write_file("mappings.yaml", "rules:\n" + rules)

    report = check_files(path)

    assert report.problems == ()
    assert report.rules == 20_000
