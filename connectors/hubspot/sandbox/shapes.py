"""JSON shapes of HubSpot CRM v3 replies: records, owners, pages and batch results.

Ids are strings, every property value is a string (or ``null`` for a requested
property the record lacks), and times are ISO-8601 UTC with milliseconds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from connectors.hubspot.sandbox.errors import ItemError
from connectors.hubspot.sandbox.properties import PropertyDef, PropertyGroup
from connectors.hubspot.sandbox.store import Company, Owner

DEFAULT_PROPERTIES = ("name", "domain")
SYSTEM_PROPERTIES = ("createdate", "hs_lastmodifieddate", "hs_object_id")


def iso(epoch_ms: int) -> str:
    """Return epoch ms the way HubSpot writes times: ``2024-05-01T10:00:00.000Z``."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def company_body(
    company: Company, properties: Sequence[str] | None = None
) -> dict[str, Any]:
    """Return a company as HubSpot shows it, with the properties asked for.

    Without ``properties`` only ``name`` and ``domain`` come back, plus the system
    properties HubSpot always adds.
    """
    names = list(properties) if properties else list(DEFAULT_PROPERTIES)
    values = {name: company.value(name) for name in (*names, *SYSTEM_PROPERTIES)}
    body: dict[str, Any] = {
        "id": str(company.id),
        "properties": values,
        "createdAt": iso(company.created_at),
        "updatedAt": iso(company.updated_at),
        "archived": company.archived,
    }
    if company.archived_at is not None:
        body["archivedAt"] = iso(company.archived_at)
    return body


def written_body(company: Company) -> dict[str, Any]:
    """Return a company after a write: every value it holds, as HubSpot echoes."""
    return company_body(company, sorted(company.properties))


def owner_body(owner: Owner) -> dict[str, Any]:
    """Return an owner as ``/crm/v3/owners`` shows it."""
    return {
        "id": owner.id,
        "email": owner.email,
        "type": "PERSON",
        "firstName": owner.first_name,
        "lastName": owner.last_name,
        "userId": owner.user_id,
        "userIdIncludingInactive": owner.user_id,
        "createdAt": iso(owner.created_at),
        "updatedAt": iso(owner.updated_at),
        "archived": owner.archived,
        "teams": owner.teams,
    }


def page_body(results: list[dict[str, Any]], after: str | None) -> dict[str, Any]:
    """Return a page of a listing, with ``paging.next.after`` while more remain."""
    body: dict[str, Any] = {"results": results}
    if after is not None:
        body["paging"] = {"next": {"after": after}}
    return body


def batch_body(
    results: list[dict[str, Any]],
    errors: Iterable[ItemError],
    started_at: int,
    completed_at: int,
) -> tuple[int, dict[str, Any]]:
    """Return the status and body of a batch reply: 207 when any input failed."""
    error_bodies = [error.to_body() for error in errors]
    body: dict[str, Any] = {
        "status": "COMPLETE",
        "results": results,
        "startedAt": iso(started_at),
        "completedAt": iso(completed_at),
    }
    if not error_bodies:
        return 200, body
    body["numErrors"] = len(error_bodies)
    body["errors"] = error_bodies
    return 207, body


def property_body(definition: PropertyDef) -> dict[str, Any]:
    """Return a property as the properties API shows it."""
    body: dict[str, Any] = {
        "name": definition.name,
        "label": definition.label,
        "type": definition.type,
        "fieldType": definition.field_type,
        "description": definition.description,
        "groupName": definition.group_name,
        "options": definition.options,
        "displayOrder": definition.display_order,
        "calculated": False,
        "externalOptions": definition.external_options,
        "hasUniqueValue": definition.has_unique_value,
        "hidden": False,
        "hubspotDefined": definition.hubspot_defined,
        "modificationMetadata": {
            "archivable": not definition.hubspot_defined,
            "readOnlyDefinition": definition.hubspot_defined,
            "readOnlyValue": definition.read_only,
        },
        "formField": not definition.read_only,
        "createdAt": iso(definition.created_at),
        "updatedAt": iso(definition.updated_at),
        "archived": False,
    }
    if definition.referenced_object_type:
        body["referencedObjectType"] = definition.referenced_object_type
    return body


def group_body(group: PropertyGroup) -> dict[str, Any]:
    """Return a property group as the groups API shows it."""
    return {
        "name": group.name,
        "label": group.label,
        "displayOrder": group.display_order,
        "archived": False,
    }
