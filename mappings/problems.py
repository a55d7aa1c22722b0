"""Validate admin documents against pydantic models, with problems an admin can act on.

pydantic says *what* failed at which path; an admin also needs *where* in the file and
*what to do*. Each error becomes a ``ConfigProblem`` at the line and column of the value
it is about, with a message naming the value and a hint: the keys allowed at that place
(and the nearest one to a misspelt key), quoting for numbers that must stay text, and so
on. Validators raise ``PydanticCustomError`` with a ``hint`` in the context to supply
their own.
"""

from __future__ import annotations

import difflib
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from mappings.errors import ConfigError, ConfigProblem
from mappings.yamlfile import YamlDocument

ModelT = TypeVar("ModelT", bound=BaseModel)
Loc = tuple[str | int, ...]

_QUOTE_HINT = (
    'Write it in quotes, e.g. "01110": YAML reads unquoted digits as a number and '
    "drops leading zeros"
)
_TYPE_TEXT: dict[str, tuple[str, str]] = {
    "string_type": ("expected text", "Write it as text"),
    "model_type": (
        "expected a mapping of `key: value` lines",
        "Indent `key: value` lines under it",
    ),
    "dict_type": (
        "expected a mapping of `key: value` lines",
        "Indent `key: value` lines under it",
    ),
    "list_type": ("expected a list", "Write one `- item` line per entry, or [a, b]"),
    "bool_type": ("expected true or false", "Write true or false"),
    "bool_parsing": ("expected true or false", "Write true or false"),
    "float_type": ("expected a number", "Write a number such as 3 or 2.5"),
    "float_parsing": ("expected a number", "Write a number such as 3 or 2.5"),
    "too_short": ("must not be empty", "Add at least one entry, or remove the key"),
    "string_too_short": ("must not be empty", "Write a value, or remove the key"),
}
_NAME_HINT = "Use lower-case letters, digits and _, starting with a letter"


def validate_model(
    document: YamlDocument, model: type[ModelT], *, empty_hint: str
) -> ModelT:
    """Validate a parsed document, turning every error into a located problem.

    Args:
        document: the parsed file.
        model: the model its top level must satisfy.
        empty_hint: what to write when the file is empty.

    Returns:
        The validated model.

    Raises:
        ConfigError: the file is empty, repeats a key, or breaks the model.
    """
    if document.data is None:
        raise ConfigError.single(document.path, "the file is empty", hint=empty_hint)
    try:
        result = model.model_validate(document.data)
    except ValidationError as exc:
        problems = [describe(error, document, model) for error in exc.errors()]
        raise ConfigError(document.duplicates + problems) from None
    if document.duplicates:
        raise ConfigError(list(document.duplicates))

    return result


def describe(
    error: ErrorDetails, document: YamlDocument, model: type[BaseModel]
) -> ConfigProblem:
    """Turn one pydantic error into a problem at the position of its value."""
    loc, owner = _walk(model, tuple(error["loc"]))
    if loc and isinstance(loc[-1], int) and loc not in document.positions:
        loc = loc[:-1]
    where = ".".join(str(part) for part in loc) or "the top level"
    kind = error["type"]
    context = error.get("ctx") or {}

    if "hint" in context:
        message, hint = error["msg"], str(context["hint"])
    elif kind == "extra_forbidden":
        message, hint = _unknown_key(loc, owner)
    elif kind == "missing":
        parent = ".".join(str(part) for part in loc[:-1]) or "the top level"
        message, hint = f"{parent} needs `{loc[-1]}`", "Add it"
    elif kind == "string_type" and isinstance(error["input"], bool):
        message = f"{where}: expected text, got {str(error['input']).lower()}"
        hint = (
            "YAML reads yes, no, on and off as true or false: write it in quotes, "
            'e.g. "on"'
        )
    elif kind == "string_type" and isinstance(error["input"], int | float):
        message, hint = (
            f"{where}: expected text, got the number {error['input']}",
            _QUOTE_HINT,
        )
    elif kind == "string_pattern_mismatch":
        message, hint = (
            f"{where}: {_shown(error['input'])} is not a valid name",
            _NAME_HINT,
        )
    elif kind == "literal_error":
        message = f"{where}: expected {context.get('expected')}, got {error['input']!r}"
        hint = "Use the value shown"
    elif kind in ("too_short", "string_too_short"):
        message, hint = f"{where}: must not be empty", _TYPE_TEXT[kind][1]
    elif kind in _TYPE_TEXT:
        text, hint = _TYPE_TEXT[kind]
        message = f"{where}: {text}, got {_shown(error['input'])}"
    else:
        message, hint = f"{where}: {error['msg']}", "Correct the value"
    # An unknown key is best shown where the key is written, not where its value is.
    known_key = document.key_positions.get(loc) if kind == "extra_forbidden" else None
    line, column = known_key or document.locate(loc)

    return ConfigProblem(document.path, line, column, message, hint)


def suggest(word: str, choices: Sequence[str]) -> str:
    """Return "; did you mean 'x'?" for the nearest choice, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _unknown_key(loc: Loc, owner: type[BaseModel] | None) -> tuple[str, str]:
    key = str(loc[-1])
    parent = ".".join(str(part) for part in loc[:-1])
    message = f"unknown key {key!r}" + (f" in {parent}" if parent else "")
    if owner is None:
        return message, "Remove it or check its spelling"
    allowed = [info.alias or name for name, info in owner.model_fields.items()]
    return message, f"Use one of: {', '.join(allowed)}{suggest(key, allowed)}"


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _walk(model: type[BaseModel], loc: Loc) -> tuple[Loc, type[BaseModel] | None]:
    """Follow ``loc`` through the model, dropping union tags and key markers.

    Returns the path as the admin wrote it, and the model in which its last key was
    looked up (for the keys allowed there).
    """
    kept: list[str | int] = []
    current: Any = model
    owner: type[BaseModel] | None = None
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, _Tagged):
            if isinstance(part, str) and part in current.members:
                current = current.members[part]
                continue
            current = None
        if part == "[key]":
            continue
        kept.append(part)
        owner = current if _is_model(current) else None
        current = _child(current, part)
    return tuple(kept), owner


@dataclass(frozen=True)
class _Tagged:
    members: dict[str, Any]


def _unwrap(annotation: Any) -> Any:
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        members = [m for m in typing.get_args(annotation) if m is not type(None)]
        if len(members) == 1:
            return _unwrap(members[0])
        return _Tagged(
            {
                meta.tag: typing.get_args(member)[0]
                for member in members
                for meta in getattr(member, "__metadata__", ())
                if isinstance(getattr(meta, "tag", None), str)
            }
        )
    return annotation


def _child(annotation: Any, part: str | int) -> Any:
    if _is_model(annotation):
        for name, info in annotation.model_fields.items():
            if part in (name, info.alias):
                return info.annotation
        return None
    if typing.get_origin(annotation) in (list, tuple, dict):
        return typing.get_args(annotation)[-1]
    return None


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and issubclass(annotation, BaseModel)
