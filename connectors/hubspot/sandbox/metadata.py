"""Handlers of the owners API and the company properties and groups API."""

from __future__ import annotations

from typing import Any

from connectors.hubspot.sandbox.errors import (
    OBJECT_NOT_FOUND,
    ItemError,
    SandboxAPIError,
    validation_error,
)
from connectors.hubspot.sandbox.routing import (
    Reply,
    Request,
    body_list,
    body_object,
    query_bool,
    query_int,
)
from connectors.hubspot.sandbox.shapes import (
    batch_body,
    group_body,
    owner_body,
    page_body,
    property_body,
)
from connectors.hubspot.sandbox.store import CompanyStore, wall_clock_ms

OWNER_LIMIT = 500


def list_owners(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET /crm/v3/owners``, filtered by ``email`` and ``archived``."""
    limit = query_int(request, "limit", default=100, maximum=OWNER_LIMIT)
    archived = query_bool(request, "archived")
    email = (request.query.get("email") or [""])[-1].lower()
    offset = _offset(request.query.get("after"))

    with store.lock:
        owners = [
            owner
            for owner in store.owners
            if owner.archived == archived
            and (not email or owner.email.lower() == email)
        ]

    page = owners[offset : offset + limit]
    after = str(offset + limit) if offset + limit < len(owners) else None
    return Reply(200, page_body([owner_body(owner) for owner in page], after))


def _offset(values: list[str] | None) -> int:
    if not values:
        return 0
    if not values[-1].isdigit():
        raise validation_error(f"after={values[-1]!r} is not a cursor this API gave")
    return int(values[-1])


def list_properties(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET /crm/v3/properties/companies``."""
    with store.lock:
        results = [property_body(p) for p in store.registry.properties.values()]

    return Reply(200, {"results": results})


def get_property(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET /crm/v3/properties/companies/{name}``; 404 when missing."""
    with store.lock:
        definition = store.registry.get(request.params["name"])

    return Reply(200, property_body(definition))


def create_property(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST /crm/v3/properties/companies``: 201, or 409 when it exists."""
    body = body_object(request)

    with store.lock:
        definition = store.registry.create(body, store.tick())

    return Reply(201, property_body(definition))


def update_property(store: CompanyStore, request: Request) -> Reply:
    """Answer ``PATCH /crm/v3/properties/companies/{name}``: the changed property."""
    body = body_object(request)

    with store.lock:
        definition = store.registry.update(request.params["name"], body, store.tick())

    return Reply(200, property_body(definition))


def read_properties(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/properties/companies/batch/read``; misses give a 207."""
    started = wall_clock_ms()
    inputs = body_list(body_object(request), "inputs", maximum=1000)
    names = [str(item.get("name", "")) for item in inputs if isinstance(item, dict)]

    with store.lock:
        known = store.registry.properties
        results = [property_body(known[name]) for name in names if name in known]
        missing = [name for name in names if name not in known]

    errors = [_missing_property(name) for name in missing]
    status, body = batch_body(results, errors, started, wall_clock_ms())
    return Reply(status, body)


def _missing_property(name: str) -> ItemError:
    return ItemError(
        OBJECT_NOT_FOUND,
        f"Unable to find property {name} for company",
        {"name": [name]},
    )


def create_properties(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/properties/companies/batch/create``: 201, or 207."""
    started = wall_clock_ms()
    inputs = body_list(body_object(request), "inputs", maximum=100)

    results: list[dict[str, Any]] = []
    errors: list[ItemError] = []
    with store.lock:
        now = store.tick()
        for item in inputs:
            try:
                definition = store.registry.create(_mapping(item), now)
                results.append(property_body(definition))
            except SandboxAPIError as error:
                errors.append(ItemError.from_error(error, None))

    status, body = batch_body(results, errors, started, wall_clock_ms())
    return Reply(201 if status == 200 else status, body)


def _mapping(item: Any) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise validation_error("Each input must be a JSON object")
    return item


def list_groups(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET /crm/v3/properties/companies/groups``."""
    with store.lock:
        results = [group_body(group) for group in store.registry.groups.values()]

    return Reply(200, {"results": results})


def get_group(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET …/properties/companies/groups/{name}``; 404 when missing."""
    name = request.params["name"]
    with store.lock:
        group = store.registry.groups.get(name)

    if group is None:
        raise SandboxAPIError(404, OBJECT_NOT_FOUND, f"Property group {name} not found")
    return Reply(200, group_body(group))


def create_group(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/properties/companies/groups``: 201, or 409 when it exists."""
    body = body_object(request)

    with store.lock:
        group = store.registry.create_group(body)

    return Reply(201, group_body(group))
