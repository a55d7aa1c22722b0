"""Safe reloads: a bad file never replaces the rules in force."""

from __future__ import annotations

import pytest

from mappings.errors import ConfigError
from mappings.reload import RulesHolder
from tests.mappings.conftest import WriteFile

GOOD = "rules:\n  - {name: all, category: customer}\n"


def test_reload_valid_change_puts_new_rules_in_force(write_file: WriteFile) -> None:
    """A valid edit is loaded and reported as loaded."""
    path = write_file("mappings.yaml", GOOD)
    holder = RulesHolder(path)
    path.write_text("rules:\n  - {name: all, category: funder}\n", encoding="utf-8")

    outcome = holder.try_reload()

    assert outcome.status == "loaded"
    assert holder.ruleset.rules[0].category == "funder"


def test_reload_invalid_change_keeps_last_good_rules(write_file: WriteFile) -> None:
    """A broken edit is refused with its problems; the old rules stay in force."""
    path = write_file("mappings.yaml", GOOD)
    holder = RulesHolder(path)
    before = holder.ruleset
    path.write_text("rules:\n  - {name: all, category: fundr}\n", encoding="utf-8")

    in_force = holder.reload()

    assert in_force is False
    assert holder.ruleset is before
    assert "unknown category 'fundr'" in holder.problems[0].message
    assert holder.last_outcome.status == "refused"


def test_reload_unchanged_files_are_not_read_again(write_file: WriteFile) -> None:
    """Reloading identical files changes nothing."""
    path = write_file("mappings.yaml", GOOD)
    holder = RulesHolder(path)
    before = holder.ruleset

    outcome = holder.try_reload()

    assert outcome.status == "unchanged"
    assert holder.ruleset is before


def test_reload_holder_with_invalid_first_file_refuses_to_start(
    write_file: WriteFile,
) -> None:
    """With no last good rules to keep, an invalid file stops the start."""
    path = write_file("mappings.yaml", "rules: []\n")

    with pytest.raises(ConfigError, match="rules: must not be empty"):
        RulesHolder(path)


def test_reload_deleted_overrides_file_is_refused(write_file: WriteFile) -> None:
    """Removing the overrides file is refused rather than dropping every pin."""
    rules = write_file("mappings.yaml", GOOD)
    overrides = write_file("overrides.yaml", "overrides: []\n")
    holder = RulesHolder(rules, overrides)
    overrides.unlink()

    outcome = holder.try_reload()

    assert outcome.status == "refused"
    assert "file not found" in outcome.problems[0].message
