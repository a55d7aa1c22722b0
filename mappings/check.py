"""Static checks of a rule file: what needs the whole file to be judged.

Values are checked where they are written (``mappings.rules``). This module checks
references and order: duplicate rule names, conditions naming lists that do not exist,
business-id lists holding invalid ids, and rules whose category can never decide because
an earlier rule always wins (``mappings.shadowing``). Each problem is located at the
line and column of the value it is about.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from mappings.errors import ConfigProblem
from mappings.facts import normalise_business_id
from mappings.problems import suggest
from mappings.rules import Condition, Rule, RuleFile
from mappings.shadowing import atoms_of, find_shadowed
from mappings.yamlfile import PathKey, YamlDocument


@dataclass(frozen=True)
class RuleFileCheck:
    """The problems of a rule file, and notes that do not stop it from running."""

    problems: tuple[ConfigProblem, ...]
    notes: tuple[str, ...]


def check_rule_file(rule_file: RuleFile, document: YamlDocument) -> RuleFileCheck:
    """Check the references and the order of a validated rule file.

    Args:
        rule_file: the file as validated by its model.
        document: the parsed file, for the positions of values.

    Returns:
        The problems (each located) and notes such as unused lists.
    """
    problems = [
        *_duplicate_names(rule_file, document),
        *_unknown_lists(rule_file, document),
        *_invalid_business_ids(rule_file, document),
    ]
    notes = _unused_lists(rule_file)
    if not problems:
        shadowed, complete = _shadowed(rule_file, document)
        problems.extend(shadowed)
        if not complete:
            notes.append(
                "the file is too large to look for every shadowed rule; "
                "the rules reported are certain, others may exist"
            )

    return RuleFileCheck(tuple(problems), tuple(notes))


def walk_conditions(index: int, rule: Rule) -> Iterator[tuple[PathKey, Condition]]:
    """Yield every condition of a rule, nested ones too, with its path in the file."""
    base: PathKey = ("rules", index, "when")
    if isinstance(rule.when, list):
        for position, condition in enumerate(rule.when):
            yield from _walk(condition, (*base, position))
    elif rule.when is not None:
        yield from _walk(rule.when, base)


def _walk(condition: Condition, path: PathKey) -> Iterator[tuple[PathKey, Condition]]:
    yield path, condition
    for key, children in (("all", condition.all), ("any", condition.any)):
        for position, child in enumerate(children or ()):
            yield from _walk(child, (*path, key, position))
    if condition.not_ is not None:
        yield from _walk(condition.not_, (*path, "not"))


def _problem(
    document: YamlDocument, path: PathKey, message: str, hint: str
) -> ConfigProblem:
    line, column = document.locate(path)
    return ConfigProblem(document.path, line, column, message, hint)


def _duplicate_names(
    rule_file: RuleFile, document: YamlDocument
) -> Iterator[ConfigProblem]:
    first: dict[str, int] = {}
    for index, rule in enumerate(rule_file.rules):
        if rule.name not in first:
            first[rule.name] = index
            continue
        line, _ = document.locate(("rules", first[rule.name], "name"))
        yield _problem(
            document,
            ("rules", index, "name"),
            f"rule name {rule.name!r} is already used by the rule at line {line}",
            "Give each rule its own name: explanations and overrides refer to it",
        )


def _unknown_lists(
    rule_file: RuleFile, document: YamlDocument
) -> Iterator[ConfigProblem]:
    names = sorted(rule_file.lists)
    for index, rule in enumerate(rule_file.rules):
        for path, condition in walk_conditions(index, rule):
            name = condition.in_list
            if name is None or name in rule_file.lists:
                continue
            known = f"one of: {', '.join(names)}" if names else "none is defined yet"
            yield _problem(
                document,
                (*path, "in_list"),
                f"unknown list {name!r}",
                f"Define it under `lists:` ({known}){suggest(name, names)}",
            )


def _invalid_business_ids(
    rule_file: RuleFile, document: YamlDocument
) -> Iterator[ConfigProblem]:
    id_lists = {
        condition.in_list
        for index, rule in enumerate(rule_file.rules)
        for _, condition in walk_conditions(index, rule)
        if condition.field == "business_id" and condition.in_list in rule_file.lists
    }
    for name in sorted(name for name in id_lists if name is not None):
        for position, entry in enumerate(rule_file.lists[name]):
            if normalise_business_id(entry) is None:
                yield _problem(
                    document,
                    ("lists", name, position),
                    f"{entry!r} in list {name!r} is not a valid business id",
                    "The list is matched against business_id: write a Y-tunnus such "
                    "as 2725690-3 and check it in YTJ",
                )


def _unused_lists(rule_file: RuleFile) -> list[str]:
    used = {
        condition.in_list
        for index, rule in enumerate(rule_file.rules)
        for _, condition in walk_conditions(index, rule)
    }
    return [
        f"list {name!r} is not used by any rule"
        for name in rule_file.lists
        if name not in used
    ]


def _shadowed(
    rule_file: RuleFile, document: YamlDocument
) -> tuple[list[ConfigProblem], bool]:
    shapes = [
        (atoms_of(rule.conditions, rule_file.lists), rule.category is not None)
        if rule.enabled
        else None
        for rule in rule_file.rules
    ]
    report = find_shadowed(shapes)
    problems = []
    for later, earlier in report.pairs:
        late, early = rule_file.rules[later].name, rule_file.rules[earlier].name
        line, _ = document.locate(("rules", earlier, "name"))
        problems.append(
            _problem(
                document,
                ("rules", later, "name"),
                f"rule {late!r} can never decide the category: the earlier rule "
                f"{early!r} (line {line}) matches every organisation it matches",
                f"Move {late!r} above {early!r}, narrow {early!r}, or remove "
                f"`category:` from {late!r}",
            )
        )

    return problems, report.complete
