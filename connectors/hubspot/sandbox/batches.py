"""Handlers of the company batch endpoints: read, create, update, upsert, archive.

Each takes at most 100 inputs. One bad input fails alone: the reply is then 207 with
the good results and one error per bad input, carrying its ``objectWriteTraceId``.
All writes of one batch share one ``hs_lastmodifieddate``.
"""

from __future__ import annotations

from collections.abc import Callable
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
    body_properties,
    property_list,
    query_bool,
)
from connectors.hubspot.sandbox.shapes import batch_body, company_body, written_body
from connectors.hubspot.sandbox.store import Company, CompanyStore, wall_clock_ms

BATCH_LIMIT = 100

Write = Callable[[CompanyStore, dict[str, Any], int], dict[str, Any]]


def read_batch(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/batch/read``; misses come back as one 207 error."""
    started = wall_clock_ms()
    body = body_object(request)
    inputs = body_list(body, "inputs", maximum=BATCH_LIMIT)
    id_property = str(body.get("idProperty") or "hs_object_id")
    archived = query_bool(request, "archived")
    properties = property_list(body.get("properties"))

    found, missing = _read(store, inputs, id_property, archived)

    results = [company_body(company, properties) for company in found]
    errors = []
    if missing:
        errors.append(
            ItemError(
                OBJECT_NOT_FOUND,
                "Could not get some COMPANY objects, they may be deleted or not "
                "exist. Check that ids are valid.",
                {"ids": missing},
            )
        )
    status, reply = batch_body(results, errors, started, wall_clock_ms())
    return Reply(status, reply)


def _read(
    store: CompanyStore, inputs: list[Any], id_property: str, archived: bool
) -> tuple[list[Company], list[str]]:
    found: dict[int, Company] = {}
    missing: list[str] = []
    with store.lock:
        for item in inputs:
            object_id = str(item.get("id", "")) if isinstance(item, dict) else ""
            company = _lookup(store, object_id, id_property)
            if company is None or company.archived != archived:
                missing.append(object_id)
            else:
                found.setdefault(company.id, company)
    return list(found.values()), missing


def _lookup(store: CompanyStore, object_id: str, id_property: str) -> Company | None:
    if id_property == "hs_object_id":
        return store.resolve(object_id)
    return store.find_unique(id_property, object_id)


def create_batch(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/batch/create``: 201, or 207 with the failures."""
    reply = _write_each(store, request, _create_one)

    return Reply(201, reply.body) if reply.status == 200 else reply


def update_batch(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/batch/update``: set the given properties of each."""
    return _write_each(store, request, _update_one, unique_key=lambda i: i.get("id"))


def upsert_batch(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/batch/upsert``: update by unique value or create."""
    return _write_each(
        store,
        request,
        _upsert_one,
        unique_key=lambda item: (item.get("idProperty"), item.get("id")),
    )


def archive_batch(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/batch/archive``: 204, even for unknown ids."""
    inputs = body_list(body_object(request), "inputs", maximum=BATCH_LIMIT)

    with store.lock:
        now = store.tick()
        for item in inputs:
            if isinstance(item, dict) and item.get("id") is not None:
                store.archive(str(item["id"]), now)

    return Reply(204)


def _write_each(
    store: CompanyStore,
    request: Request,
    write: Write,
    *,
    unique_key: Callable[[dict[str, Any]], Any] | None = None,
) -> Reply:
    started = wall_clock_ms()
    inputs = body_list(body_object(request), "inputs", maximum=BATCH_LIMIT)
    _check_inputs(inputs, unique_key)

    results, errors = [], []
    with store.lock:
        now = store.tick()
        for item in inputs:
            try:
                results.append(write(store, item, now))
            except SandboxAPIError as error:
                errors.append(ItemError.from_error(error, _trace_id(item)))

    status, body = batch_body(results, errors, started, wall_clock_ms())
    return Reply(status, body)


def _check_inputs(
    inputs: list[Any], unique_key: Callable[[dict[str, Any]], Any] | None
) -> None:
    if not all(isinstance(item, dict) for item in inputs):
        raise validation_error("Each input must be a JSON object")
    if unique_key is None:
        return
    keys = [repr(unique_key(item)) for item in inputs]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise validation_error(
            f"Duplicate IDs found in batch input: {', '.join(repeated)}; send each "
            "record once per batch"
        )


def _trace_id(item: dict[str, Any]) -> str | None:
    trace = item.get("objectWriteTraceId")
    return None if trace is None else str(trace)


def _create_one(store: CompanyStore, item: dict[str, Any], now: int) -> dict[str, Any]:
    company = store.create(body_properties(item), now)
    return _with_trace(written_body(company), item)


def _update_one(store: CompanyStore, item: dict[str, Any], now: int) -> dict[str, Any]:
    object_id = str(item.get("id", ""))
    id_property = str(item.get("idProperty") or "hs_object_id")
    company = _lookup(store, object_id, id_property)
    if company is None or company.archived:
        raise _missing(object_id)
    updated = store.update(str(company.id), body_properties(item), now)
    return _with_trace(written_body(updated), item)


def _upsert_one(store: CompanyStore, item: dict[str, Any], now: int) -> dict[str, Any]:
    object_id = str(item.get("id", ""))
    id_property = item.get("idProperty")
    values = body_properties(item)
    if id_property != "hs_object_id" and (
        id_property not in store.registry.unique_names
    ):
        raise validation_error(
            f"idProperty {id_property!r} cannot identify records: use hs_object_id "
            "or a property created with hasUniqueValue: true"
        )
    existing = _lookup(store, object_id, str(id_property))
    if existing is not None and not existing.archived:
        company = store.update(str(existing.id), values, now)
        return _with_trace({**written_body(company), "new": False}, item)
    if id_property == "hs_object_id":
        raise _missing(object_id)
    company = store.create({**values, str(id_property): object_id}, now)
    return _with_trace({**written_body(company), "new": True}, item)


def _missing(object_id: str) -> SandboxAPIError:
    return SandboxAPIError(
        404,
        OBJECT_NOT_FOUND,
        f"Object not found. objectId are usually numeric. ({object_id})",
        context={"ids": [object_id]},
    )


def _with_trace(result: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    trace = _trace_id(item)
    if trace is not None:
        result["objectWriteTraceId"] = trace
    return result
