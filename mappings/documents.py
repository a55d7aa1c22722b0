"""Read the admin files of classification into YAML documents that know positions.

What an editor can get wrong before the YAML is even parsed is caught here, each with
the line and column to look at: bytes that are not UTF-8, control characters, tabs used
for indentation, nesting too deep to read, and aliases that expand without end.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from mappings.errors import ConfigError, ConfigProblem
from mappings.yamlfile import YamlDocument, parse_yaml

MAX_EXPANDED_NODES = 2_000_000
_FORBIDDEN = re.compile(
    "[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)
_ANCHOR = re.compile(r"(?:^|[\s\[{,:-])&[^\s\[\]{},]+")
_SAVE_AS_TEXT = "Save the file as plain UTF-8 text, for example from a code editor"


def load_document(path: Path) -> YamlDocument:
    """Read and parse one admin YAML file, keeping the position of every value.

    Args:
        path: the file to read.

    Returns:
        The parsed document; its ``data`` is None when the file is empty.

    Raises:
        ConfigError: the file is missing, unreadable, not UTF-8, or not valid YAML;
            each problem carries the line and column and what to do.
    """
    text = decode_text(read_bytes(path), str(path))
    _refuse_control_characters(text, str(path))
    if _ANCHOR.search(text):
        _refuse_alias_bombs(text, str(path))

    try:
        return parse_yaml(text, str(path))
    except ConfigError as exc:
        raise ConfigError([_with_tab_hint(p, text) for p in exc.problems]) from None
    except RecursionError:
        raise ConfigError.single(
            str(path),
            "the file nests too deeply to be read",
            hint="Flatten the nesting: combine conditions with one `all:` or `any:`",
        ) from None


def read_bytes(path: Path) -> bytes:
    """Return the bytes of a file, or raise a located problem saying why not.

    Raises:
        ConfigError: the file is missing, a directory, or not readable.
    """
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ConfigError.single(
            str(path),
            "file not found",
            hint="Check the path, or pass --config PATH to name the settings file",
        ) from None
    except IsADirectoryError:
        raise ConfigError.single(
            str(path), "this is a directory, not a file", hint="Name the YAML file"
        ) from None
    except OSError as exc:
        raise ConfigError.single(
            str(path),
            f"cannot read the file ({exc.strerror or type(exc).__name__})",
            hint="Make the file readable by the user that runs sidos",
        ) from None


def decode_text(raw: bytes, path: str) -> str:
    """Decode UTF-8 text (a byte order mark is allowed), locating the first bad byte.

    Raises:
        ConfigError: the bytes are not UTF-8.
    """
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ConfigError.single(
            path,
            f"byte 0x{raw[exc.start]:02x} is not UTF-8 text",
            hint=f"{_SAVE_AS_TEXT}; the file may have been saved as Latin-1 or "
            "Windows-1252",
            line=line,
            column=column,
        ) from None


def position_of(text: str, offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character offset in ``text``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _refuse_control_characters(text: str, path: str) -> None:
    found = _FORBIDDEN.search(text)
    if found is None:
        return
    line, column = position_of(text, found.start())
    raise ConfigError.single(
        path,
        f"the file holds the control character U+{ord(found.group()):04X}, "
        "which YAML does not allow",
        hint=f"Delete it. {_SAVE_AS_TEXT}",
        line=line,
        column=column,
    )


def _refuse_alias_bombs(text: str, path: str) -> None:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except (yaml.YAMLError, RecursionError):
        return
    try:
        size = 0 if root is None else _expanded_size(root, {})
    except RecursionError:
        raise ConfigError.single(
            path,
            "an alias in this file refers to itself",
            hint="Write the values out instead of using the alias (*name)",
        ) from None
    if size > MAX_EXPANDED_NODES:
        raise ConfigError.single(
            path,
            "the aliases in this file expand to more than "
            f"{MAX_EXPANDED_NODES:,} values",
            hint="Write the values out instead of nesting aliases (*name) in aliases",
        )


def _expanded_size(node: yaml.Node, sizes: dict[int, int]) -> int:
    known = sizes.get(id(node))
    if known is not None:
        return known
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(_expanded_size(item, sizes) for item in node.value)
    elif isinstance(node, yaml.MappingNode):
        size += sum(
            _expanded_size(key, sizes) + _expanded_size(value, sizes)
            for key, value in node.value
        )
    sizes[id(node)] = min(size, MAX_EXPANDED_NODES + 1)
    return sizes[id(node)]


def _with_tab_hint(problem: ConfigProblem, text: str) -> ConfigProblem:
    lines = text.splitlines()
    if not 1 <= problem.line <= len(lines):
        return problem
    line = lines[problem.line - 1]
    indent = line[: len(line) - len(line.lstrip())]
    if "\t" not in indent and "\t" not in line[problem.column - 1 : problem.column]:
        return problem
    return ConfigProblem(
        problem.path,
        problem.line,
        problem.column,
        f"{problem.message} (a tab character)",
        "Indent with spaces: YAML does not allow tabs for indentation",
    )
