"""Reload the rules safely while the service runs.

``RulesHolder`` keeps the rule set in force. ``reload()`` reads the files again and
puts the new rules in force only when they pass every check; when they do not, the last
good rules stay in force and the problems are returned for the service to log. Nothing
here logs: the outcome says what happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from mappings.errors import ConfigError, ConfigProblem
from mappings.ruleset import RuleSet, file_digest, load_ruleset

ReloadStatus = Literal["loaded", "unchanged", "refused"]


@dataclass(frozen=True)
class ReloadOutcome:
    """What one reload did: ``loaded`` new rules, found them ``unchanged``, or
    ``refused`` them (with the problems) and kept the last good rules."""

    status: ReloadStatus
    digest: str
    problems: tuple[ConfigProblem, ...] = ()


class RulesHolder:
    """The rule set in force, reloaded from its files only when they are valid."""

    def __init__(self, rules_path: Path, overrides_path: Path | None = None) -> None:
        """Load the rules for the first time.

        Raises:
            ConfigError: the files are invalid; with no last good rules to keep, the
                service must not start.
        """
        self.rules_path = rules_path
        self.overrides_path = overrides_path
        self._ruleset = load_ruleset(rules_path, overrides_path)
        self.last_outcome = ReloadOutcome("loaded", self._ruleset.digest)

    @property
    def ruleset(self) -> RuleSet:
        """Return the rule set in force."""
        return self._ruleset

    @property
    def problems(self) -> tuple[ConfigProblem, ...]:
        """Return why the last reload was refused, or nothing."""
        return self.last_outcome.problems

    def reload(self) -> bool:
        """Reload the files; return whether their current content is now in force.

        False means the files are invalid and the last good rules stay in force; the
        reasons are in ``problems`` and ``last_outcome``.
        """
        return self.try_reload().status != "refused"

    def try_reload(self) -> ReloadOutcome:
        """Reload the files and say what happened.

        Returns:
            ``unchanged`` when the files hold what is in force, ``loaded`` when new
            rules are now in force, ``refused`` (with the problems) otherwise.
        """
        digest = file_digest(self.rules_path, self.overrides_path)
        if digest == self._ruleset.digest:
            outcome = ReloadOutcome("unchanged", digest)
        else:
            outcome = self._load(digest)
        self.last_outcome = outcome

        return outcome

    def _load(self, digest: str) -> ReloadOutcome:
        try:
            ruleset = load_ruleset(self.rules_path, self.overrides_path)
        except ConfigError as exc:
            return ReloadOutcome("refused", digest, tuple(exc.problems))
        self._ruleset = ruleset

        return ReloadOutcome("loaded", ruleset.digest)
