"""Shared helpers for the tests of the classification rules."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mappings.classify import load_ruleset
from mappings.model import Organisation, SourceRef
from mappings.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_RULES = ROOT / "config" / "mappings.yaml"
DEFAULT_OVERRIDES = ROOT / "config" / "overrides.yaml"
DEFAULT_CASES = ROOT / "config" / "mappings_tests.yaml"

WriteFile = Callable[[str, str], Path]
BuildRuleSet = Callable[..., RuleSet]


def make_org(name: str = "Esimerkki Oy", **fields: Any) -> Organisation:
    """Build a record with a throw-away source reference."""
    for key in ("roles", "units", "staff"):
        if key in fields:
            fields[key] = frozenset(fields[key])
    return Organisation(ref=SourceRef("test", name), name=name, **fields)


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write dedented text to a file in the test's directory and return its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def ruleset_from(write_file: WriteFile) -> BuildRuleSet:
    """Compile rules (and optionally overrides) written inline in a test."""

    def build(rules: str, overrides: str | None = None) -> RuleSet:
        rules_path = write_file("mappings.yaml", rules)
        overrides_path = write_file("overrides.yaml", overrides) if overrides else None
        return load_ruleset(rules_path, overrides_path)

    return build


@pytest.fixture(scope="session")
def default_ruleset() -> RuleSet:
    """The default rules shipped in config/, with the default overrides."""
    return load_ruleset(DEFAULT_RULES, DEFAULT_OVERRIDES)
