"""Handlers of the single-record company endpoints: list, read, write, merge, search.

See https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm for
the search limits copied here: 200 results a page and no paging past 10,000.
"""

from __future__ import annotations

from typing import Any

from connectors.hubspot.sandbox.errors import not_found, validation_error
from connectors.hubspot.sandbox.routing import (
    Reply,
    Request,
    body_object,
    body_properties,
    check_limit,
    property_list,
    query_bool,
    query_int,
    query_properties,
)
from connectors.hubspot.sandbox.search import build_predicate, sort_key
from connectors.hubspot.sandbox.shapes import company_body, page_body, written_body
from connectors.hubspot.sandbox.store import Company, CompanyStore

LIST_LIMIT = 100
SEARCH_LIMIT = 200
SEARCH_WINDOW = 10_000


def list_companies(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET /crm/v3/objects/companies``: one page from the cursor on."""
    limit = query_int(request, "limit", default=10, maximum=LIST_LIMIT)
    archived = query_bool(request, "archived")
    after = _cursor(request.query.get("after"))
    properties = query_properties(request)

    companies, next_id = store.page(after, limit, archived=archived)

    results = [company_body(company, properties) for company in companies]
    return Reply(200, page_body(results, None if next_id is None else str(next_id)))


def _cursor(values: list[str] | None) -> int | None:
    if not values:
        return None
    if not values[-1].isdigit():
        raise validation_error(f"after={values[-1]!r} is not a cursor this API gave")
    return int(values[-1])


def get_company(store: CompanyStore, request: Request) -> Reply:
    """Answer ``GET …/companies/{id}``; a merged-away id returns the survivor."""
    company = _find(store, request, archived=query_bool(request, "archived"))

    return Reply(200, company_body(company, query_properties(request)))


def _find(store: CompanyStore, request: Request, *, archived: bool = False) -> Company:
    object_id = request.params["id"]
    id_property = (request.query.get("idProperty") or ["hs_object_id"])[-1]
    if id_property == "hs_object_id":
        return store.get(object_id, archived=archived)
    if id_property not in store.registry.unique_names:
        raise validation_error(f"idProperty {id_property!r} has no unique values")
    company = store.find_unique(id_property, object_id)
    if company is None or archived:
        raise not_found(object_id)
    return company


def create_company(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies``: create one company, 201."""
    values = body_properties(body_object(request))

    company = store.create(values, store.tick())

    return Reply(201, written_body(company))


def update_company(store: CompanyStore, request: Request) -> Reply:
    """Answer ``PATCH …/companies/{id}``: set only the given properties."""
    values = body_properties(body_object(request))

    with store.lock:
        company = _find(store, request)
        company = store.update(str(company.id), values, store.tick())

    return Reply(200, written_body(company))


def archive_company(store: CompanyStore, request: Request) -> Reply:
    """Answer ``DELETE …/companies/{id}``: move it to the recycle bin, 204."""
    store.archive(request.params["id"], store.tick())

    return Reply(204)


def merge_companies(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/merge``: the merged company under a new id."""
    body = body_object(request)
    primary, other = body.get("primaryObjectId"), body.get("objectIdToMerge")
    if not primary or not other:
        raise validation_error("A merge needs 'primaryObjectId' and 'objectIdToMerge'")

    merged = store.merge(str(primary), str(other), store.tick())

    return Reply(200, written_body(merged))


def search_companies(store: CompanyStore, request: Request) -> Reply:
    """Answer ``POST …/companies/search``; archived companies never match."""
    body = body_object(request)
    limit = check_limit(body.get("limit", 10), SEARCH_LIMIT)
    offset = _search_offset(body.get("after"))
    matches = build_predicate(body.get("filterGroups"), body.get("query"))
    key = sort_key(body.get("sorts"))

    found = sorted((c for c in store.active() if matches(c)), key=key)

    properties = property_list(body.get("properties"))
    page = found[offset : offset + limit]
    results = [company_body(company, properties) for company in page]
    more = offset + limit < len(found)
    reply: dict[str, Any] = {"total": len(found), "results": results}
    if more:
        reply["paging"] = {"next": {"after": str(offset + limit)}}
    return Reply(200, reply)


def _search_offset(after: Any) -> int:
    if after in (None, ""):
        return 0
    text = str(after)
    if not text.isdigit():
        raise validation_error(f"after={text!r} is not a cursor this API gave")
    offset = int(text)
    if offset >= SEARCH_WINDOW:
        raise validation_error(
            f"Search results stop at {SEARCH_WINDOW:,}; narrow the filters (for "
            "example by hs_lastmodifieddate) instead of paging further"
        )
    return offset
