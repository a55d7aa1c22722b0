"""Read admin-edited YAML into pydantic models, with errors that point at file:line.

PyYAML's composer keeps the position of every node; the loader keeps a map from each
value's path (keys and list indexes) to its line and column, so that a pydantic error
about ``rules.3.when.prefix`` can be reported where the admin wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel

from mappings.errors import ConfigError, ConfigProblem

ModelT = TypeVar("ModelT", bound=BaseModel)
Location = tuple[int, int]
PathKey = tuple[str | int, ...]
# libyaml's composer, when PyYAML was built with it, reads large files several times
# faster; the nodes and error marks it gives are the same.
_COMPOSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass
class YamlDocument:
    """Parsed YAML with the position of every value, keyed by its path."""

    path: str
    data: Any
    positions: dict[PathKey, Location] = field(default_factory=dict)
    key_positions: dict[PathKey, Location] = field(default_factory=dict)
    """Where each mapping key is written, keyed by the path of its value."""
    duplicates: list[ConfigProblem] = field(default_factory=list)

    def locate(self, loc: Sequence[str | int]) -> Location:
        """Return the line and column of the deepest known prefix of ``loc``."""
        key = tuple(loc)
        while key:
            if key in self.positions:
                return self.positions[key]
            key = key[:-1]
        return self.positions.get((), (1, 1))


def parse_yaml(text: str, path: str) -> YamlDocument:
    """Parse YAML text, keeping positions; raise ``ConfigError`` on bad syntax."""
    try:
        node = yaml.compose(text, Loader=_COMPOSER)
    except yaml.YAMLError as exc:
        raise ConfigError([_syntax_problem(exc, path)]) from exc

    document = YamlDocument(path=path, data=None)
    if node is None:
        return document
    document.data = _build(node, (), document, yaml.SafeLoader(""))
    return document


def read_yaml(path: Path) -> YamlDocument:
    """Read and parse one YAML file; a missing or unreadable file is a config error."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError.single(
            str(path), "file not found", hint="Check the path, or pass --config PATH"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError.single(
            str(path),
            f"cannot read the file ({type(exc).__name__})",
            hint="Save it as UTF-8 text readable by the sidos user",
        ) from exc

    return parse_yaml(text, str(path))


def _build(
    node: yaml.Node, path: PathKey, document: YamlDocument, loader: yaml.SafeLoader
) -> Any:
    document.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        return _build_mapping(node, path, document, loader)
    if isinstance(node, yaml.SequenceNode):
        return [
            _build(item, (*path, i), document, loader)
            for i, item in enumerate(node.value)
        ]
    return loader.construct_object(node, deep=True)


def _build_mapping(
    node: yaml.MappingNode,
    path: PathKey,
    document: YamlDocument,
    loader: yaml.SafeLoader,
) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = _build(key_node, (*path, "<key>"), document, loader)
        if key in result:
            document.duplicates.append(
                ConfigProblem(
                    document.path,
                    key_node.start_mark.line + 1,
                    key_node.start_mark.column + 1,
                    f"duplicate key {key!r}",
                    "Keep one of them: YAML would silently use the last",
                )
            )
        key_text = key if isinstance(key, str | int) else str(key)
        document.key_positions[(*path, key_text)] = (
            key_node.start_mark.line + 1,
            key_node.start_mark.column + 1,
        )
        result[key] = _build(value_node, (*path, key_text), document, loader)
    document.positions.pop((*path, "<key>"), None)
    return result


def _syntax_problem(exc: yaml.YAMLError, path: str) -> ConfigProblem:
    mark = getattr(exc, "problem_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    problem = getattr(exc, "problem", None) or "invalid YAML"
    return ConfigProblem(
        path,
        line,
        column,
        f"YAML syntax error: {problem}",
        "Check indentation and quoting near this position",
    )


def as_mapping(value: Any) -> Mapping[str, Any]:
    """Return ``value`` when it is a mapping, else an empty one."""
    return value if isinstance(value, Mapping) else {}
