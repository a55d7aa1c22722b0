"""Requests, replies and routes of the sandbox, and the query-string rules they share.

A route is a method, a path pattern and a handler that turns a ``Request`` into a
``Reply`` against the store. Its ``name`` is stable: the statistics count calls by it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from connectors.hubspot.sandbox.errors import SandboxAPIError, validation_error
from connectors.hubspot.sandbox.store import CompanyStore

COMPANIES = r"/crm/v3/objects/(?:companies|0-2)"
PROPERTIES = r"/crm/v3/properties/(?:companies|0-2)"


@dataclass
class Request:
    """One parsed API call."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any = None
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Reply:
    """What to answer: a status, a JSON body (``None`` for no body) and headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[CompanyStore, Request], Reply]


@dataclass(frozen=True)
class Route:
    """One endpoint of the API."""

    method: str
    pattern: re.Pattern[str]
    handler: Handler
    name: str
    is_write: bool = False
    is_search: bool = False


def route(
    method: str,
    path: str,
    handler: Handler,
    name: str,
    *,
    is_write: bool = False,
    is_search: bool = False,
) -> Route:
    """Build a route from a path regex whose named groups become ``params``."""
    return Route(method, re.compile(path + "/?"), handler, name, is_write, is_search)


def find_route(routes: Sequence[Route], method: str, path: str) -> Route:
    """Return the route for a call and fill nothing else.

    Raises:
        SandboxAPIError: 404 when no route has that path, 405 when none that method.
    """
    matching = [r for r in routes if r.pattern.fullmatch(path)]
    for candidate in matching:
        if candidate.method == method:
            return candidate
    if matching:
        raise SandboxAPIError(405, "VALIDATION_ERROR", f"{method} is not allowed here")
    raise SandboxAPIError(404, "OBJECT_NOT_FOUND", f"Unable to route {method} {path}")


def path_params(found: Route, path: str) -> dict[str, str]:
    """Return the named parts of ``path`` that ``found`` captures."""
    match = found.pattern.fullmatch(path)
    return {} if match is None else {k: v for k, v in match.groupdict().items() if v}


def query_bool(request: Request, name: str) -> bool:
    """Read a boolean query parameter; ``true``/``false`` in any case.

    Raises:
        SandboxAPIError: 400 for any other value.
    """
    values = request.query.get(name)
    if not values:
        return False
    text = values[-1].lower()
    if text not in ("true", "false"):
        raise validation_error(f"{name}={values[-1]!r} must be true or false")
    return text == "true"


def query_int(request: Request, name: str, *, default: int, maximum: int) -> int:
    """Read a positive integer query parameter of at most ``maximum``.

    Raises:
        SandboxAPIError: 400 for a value that is not a number in range.
    """
    values = request.query.get(name)
    if not values:
        return default
    return check_limit(values[-1], maximum, name)


def check_limit(value: Any, maximum: int, name: str = "limit") -> int:
    """Return ``value`` as an int from 1 to ``maximum``.

    Raises:
        SandboxAPIError: 400 for anything else.
    """
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise validation_error(f"{name}={value!r} is not a number") from None
    if not 1 <= number <= maximum:
        raise validation_error(f"{name}={number} must be between 1 and {maximum}")
    return number


def query_properties(request: Request) -> list[str] | None:
    """Read ``properties``, given as repeated keys, comma-separated, or both."""
    values = request.query.get("properties")
    if not values:
        return None
    names = [name.strip() for value in values for name in value.split(",")]
    return [name for name in names if name] or None


def body_object(request: Request) -> dict[str, Any]:
    """Return the JSON object a POST or PATCH carries.

    Raises:
        SandboxAPIError: 400 when the body is missing or not an object.
    """
    if not isinstance(request.body, dict):
        raise validation_error("The request body must be a JSON object")
    return request.body


def body_list(body: dict[str, Any], key: str, *, maximum: int) -> list[Any]:
    """Return the list under ``key`` of a body, of at most ``maximum`` items.

    Raises:
        SandboxAPIError: 400 when it is missing, not a list, or too long.
    """
    items = body.get(key)
    if not isinstance(items, list):
        raise validation_error(f"The body needs a list '{key}'")
    if len(items) > maximum:
        raise validation_error(
            f"'{key}' holds {len(items)} items; send at most {maximum} per call"
        )
    return items


def body_properties(body: dict[str, Any]) -> dict[str, Any]:
    """Return the ``properties`` object of a create or update input.

    Raises:
        SandboxAPIError: 400 when it is missing or not an object.
    """
    properties = body.get("properties")
    if not isinstance(properties, dict):
        raise validation_error("Each input needs a 'properties' object")
    return properties


def property_list(value: Any) -> list[str] | None:
    """Return a body's ``properties`` list (names), or ``None`` when not given."""
    if isinstance(value, list) and value:
        return [str(name) for name in value]
    return None
