"""Load a rule file and its overrides into a compiled, immutable ``RuleSet``.

Loading refuses any file that ``sidos mappings check`` would refuse, so a rule set in
force has passed every check. Compiling happens once: each rule becomes a predicate
over facts (``mappings.conditions``), and only the fields the rules name are read
from each organisation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mappings.check import RuleFileCheck, check_rule_file
from mappings.conditions import Node, Predicate, compile_conditions, predicate_of
from mappings.documents import load_document
from mappings.errors import ConfigError, ConfigProblem
from mappings.facts import Extractor, Facts, build_extractors, read_facts
from mappings.model import Organisation
from mappings.overrides import NO_OVERRIDES, Overrides, load_overrides
from mappings.plans import Planner
from mappings.problems import validate_model
from mappings.rules import Condition, RuleFile
from mappings.yamlfile import YamlDocument

MAX_DEPTH = 64
EMPTY_FILE_HINT = (
    "Write `rules:` with at least one rule; see docs/mappings.md for the language"
)


@dataclass(frozen=True, slots=True)
class CompiledRule:
    """One enabled rule, ready to test facts."""

    index: int
    name: str
    node: Node
    test: Predicate
    category: str | None
    secondary: tuple[str, ...]
    flags: frozenset[str]
    line: int
    description: str = ""


@dataclass(frozen=True)
class RuleSet:
    """The compiled rules in file order, the fields they read, and the overrides."""

    rules: tuple[CompiledRule, ...]
    extractors: tuple[tuple[str, Extractor], ...]
    planner: Planner[CompiledRule]
    overrides: Overrides = NO_OVERRIDES
    source: str = ""
    digest: str = ""
    notes: tuple[str, ...] = ()
    memo: dict[tuple[int, ...], Any] = field(
        default_factory=dict, compare=False, repr=False
    )

    def facts(self, org: Organisation) -> Facts:
        """Read the facts the rules need from one record."""
        return read_facts(org, self.extractors)

    def rule(self, name: str) -> CompiledRule | None:
        """Return the rule with this name, or None."""
        return next((rule for rule in self.rules if rule.name == name), None)


def read_rule_file(path: Path) -> tuple[RuleFile, YamlDocument, RuleFileCheck]:
    """Read, validate and check a rule file.

    Args:
        path: the rule file.

    Returns:
        The validated file, its parsed document, and the result of its checks.

    Raises:
        ConfigError: the file cannot be read, is not valid YAML, or breaks the rule
            language (each problem located); problems found by the checks are in the
            returned check, not raised.
    """
    document = load_document(path)
    _refuse_deep_nesting(document)
    rule_file = validate_model(document, RuleFile, empty_hint=EMPTY_FILE_HINT)

    return rule_file, document, check_rule_file(rule_file, document)


def load_ruleset(rules_path: Path, overrides_path: Path | None = None) -> RuleSet:
    """Load and compile the rules and, when given, the overrides.

    Args:
        rules_path: the rule file (``config/mappings.yaml``).
        overrides_path: the overrides file, or None for no overrides.

    Returns:
        The compiled rule set.

    Raises:
        ConfigError: either file is missing or invalid; every problem found in the
            rule file is listed, each with its file, line and column.
    """
    digest = file_digest(rules_path, overrides_path)
    rule_file, document, check = read_rule_file(rules_path)
    if check.problems:
        raise ConfigError(list(check.problems))
    overrides = (
        load_overrides(overrides_path) if overrides_path is not None else NO_OVERRIDES
    )

    return compile_rules(
        rule_file, document, overrides=overrides, notes=check.notes, digest=digest
    )


def compile_rules(
    rule_file: RuleFile,
    document: YamlDocument | None = None,
    *,
    overrides: Overrides = NO_OVERRIDES,
    notes: tuple[str, ...] = (),
    digest: str = "",
) -> RuleSet:
    """Compile a checked rule file into a rule set.

    Raises:
        KeyError: a condition names an unknown list (the checks refuse such a file).
    """
    compiled = []
    for index, rule in enumerate(rule_file.rules):
        if not rule.enabled:
            continue
        line = document.locate(("rules", index, "name"))[0] if document else 0
        node = compile_conditions(rule.conditions, rule_file.lists)
        compiled.append(
            CompiledRule(
                index=index,
                name=rule.name,
                node=node,
                test=predicate_of(node),
                category=rule.category,
                secondary=tuple(rule.secondary),
                flags=frozenset(rule.flags),
                line=line,
                description=rule.description,
            )
        )
    fields = {
        name
        for rule in rule_file.rules
        if rule.enabled
        for condition in rule.conditions
        for name in _fields(condition)
    }

    return RuleSet(
        rules=tuple(compiled),
        extractors=build_extractors(fields),
        planner=Planner([(rule, rule.node) for rule in compiled], sorted(fields)),
        overrides=overrides,
        source=document.path if document else "",
        digest=digest,
        notes=notes,
    )


def _refuse_deep_nesting(document: YamlDocument) -> None:
    deepest = max(document.positions, key=len, default=())
    if len(deepest) <= MAX_DEPTH:
        return
    line, column = document.positions[deepest]
    raise ConfigError.single(
        document.path,
        f"the conditions nest more than {MAX_DEPTH} levels deep",
        hint="Flatten them: one `all:` or `any:` can hold many conditions",
        line=line,
        column=column,
    )


def _fields(condition: Condition) -> set[str]:
    found = {condition.field} if condition.field else set()
    if condition.role is not None:
        found.add("roles")
    for child in [*(condition.all or ()), *(condition.any or ())]:
        found |= _fields(child)
    if condition.not_ is not None:
        found |= _fields(condition.not_)
    return found


def file_digest(*paths: Path | None) -> str:
    """Return a short fingerprint of the files' contents (a missing file counts)."""
    hasher = hashlib.sha256()
    for path in paths:
        if path is None:
            continue
        try:
            hasher.update(path.read_bytes())
        except OSError:
            hasher.update(b"\0missing")
    return hasher.hexdigest()[:16]


@dataclass(frozen=True)
class FilesCheck:
    """Everything ``sidos mappings check`` reports about a rule file and overrides."""

    problems: tuple[ConfigProblem, ...]
    notes: tuple[str, ...] = ()
    rules: int = 0
    disabled: int = 0
    lists: int = 0
    overrides: int | None = None


def check_files(rules_path: Path, overrides_path: Path | None = None) -> FilesCheck:
    """Check a rule file and, when given, an overrides file, collecting every problem.

    Unlike ``load_ruleset`` this never raises for a bad file: the problems of both
    files are returned together, each located.
    """
    problems: list[ConfigProblem] = []
    notes: tuple[str, ...] = ()
    counts = {"rules": 0, "disabled": 0, "lists": 0}
    try:
        rule_file, _, check = read_rule_file(rules_path)
    except ConfigError as exc:
        problems.extend(exc.problems)
    else:
        problems.extend(check.problems)
        notes = check.notes
        counts = {
            "rules": len(rule_file.rules),
            "disabled": sum(not rule.enabled for rule in rule_file.rules),
            "lists": len(rule_file.lists),
        }
    overrides = None
    if overrides_path is not None:
        try:
            overrides = len(load_overrides(overrides_path))
        except ConfigError as exc:
            problems.extend(exc.problems)

    return FilesCheck(tuple(problems), notes, overrides=overrides, **counts)
