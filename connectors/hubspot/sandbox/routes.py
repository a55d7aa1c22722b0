"""The table of endpoints the sandbox serves, most specific paths first."""

from __future__ import annotations

from connectors.hubspot.sandbox import batches, companies, metadata
from connectors.hubspot.sandbox.routing import COMPANIES, PROPERTIES, Route, route

OBJECT_ID = r"/(?P<id>[^/]+)"
NAME = r"/(?P<name>[^/]+)"

ROUTES: tuple[Route, ...] = (
    route(
        "POST",
        COMPANIES + "/search",
        companies.search_companies,
        "companies.search",
        is_search=True,
    ),
    route(
        "POST",
        COMPANIES + "/merge",
        companies.merge_companies,
        "companies.merge",
        is_write=True,
    ),
    route(
        "POST", COMPANIES + "/batch/read", batches.read_batch, "companies.batch_read"
    ),
    route(
        "POST",
        COMPANIES + "/batch/create",
        batches.create_batch,
        "companies.batch_create",
        is_write=True,
    ),
    route(
        "POST",
        COMPANIES + "/batch/update",
        batches.update_batch,
        "companies.batch_update",
        is_write=True,
    ),
    route(
        "POST",
        COMPANIES + "/batch/upsert",
        batches.upsert_batch,
        "companies.batch_upsert",
        is_write=True,
    ),
    route(
        "POST",
        COMPANIES + "/batch/archive",
        batches.archive_batch,
        "companies.batch_archive",
        is_write=True,
    ),
    route("GET", COMPANIES, companies.list_companies, "companies.list"),
    route(
        "POST", COMPANIES, companies.create_company, "companies.create", is_write=True
    ),
    route("GET", COMPANIES + OBJECT_ID, companies.get_company, "companies.get"),
    route(
        "PATCH",
        COMPANIES + OBJECT_ID,
        companies.update_company,
        "companies.update",
        is_write=True,
    ),
    route(
        "DELETE",
        COMPANIES + OBJECT_ID,
        companies.archive_company,
        "companies.archive",
        is_write=True,
    ),
    route("GET", "/crm/v3/owners", metadata.list_owners, "owners.list"),
    route("GET", PROPERTIES + "/groups", metadata.list_groups, "properties.groups"),
    route(
        "POST",
        PROPERTIES + "/groups",
        metadata.create_group,
        "properties.create_group",
        is_write=True,
    ),
    route(
        "GET", PROPERTIES + "/groups" + NAME, metadata.get_group, "properties.get_group"
    ),
    route(
        "POST",
        PROPERTIES + "/batch/read",
        metadata.read_properties,
        "properties.batch_read",
    ),
    route(
        "POST",
        PROPERTIES + "/batch/create",
        metadata.create_properties,
        "properties.batch_create",
        is_write=True,
    ),
    route("GET", PROPERTIES, metadata.list_properties, "properties.list"),
    route(
        "POST", PROPERTIES, metadata.create_property, "properties.create", is_write=True
    ),
    route("GET", PROPERTIES + NAME, metadata.get_property, "properties.get"),
    route(
        "PATCH",
        PROPERTIES + NAME,
        metadata.update_property,
        "properties.update",
        is_write=True,
    ),
)
