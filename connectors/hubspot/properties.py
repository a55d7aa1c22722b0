"""Make sure the company properties sidos writes exist, creating only what is missing.

The recipe: batch-read sidos's properties; when some are missing, create the group
(409 means it exists) and batch-create the missing ones (a 409 item means another
run created it meanwhile). An enumeration that lacks a category sidos now knows gets
the missing options added. When everything is in place, the read is the only call.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import structlog

from connectors.errors import FatalAPIError
from connectors.http import JSONClient
from connectors.hubspot.models import PropertyBatch, PropertyDefinition, parse
from connectors.hubspot.schema import (
    group_body,
    needs_new_options,
    property_definitions,
)

log = structlog.get_logger(__name__)

PROPERTIES_PATH = "/crm/v3/properties/companies"
KIND = "properties"


@dataclass
class SchemaChanges:
    """What ``ensure_schema`` changed."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)


def ensure_schema(api: JSONClient) -> SchemaChanges:
    """Create sidos's property group and properties where they are missing.

    Args:
        api: the client of the HubSpot account.

    Returns:
        The names of the properties created and of those given new options.

    Raises:
        FatalAPIError: a property could not be created, or the token lacks the
            ``crm.schemas.companies.write`` scope.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    wanted = property_definitions()
    existing = read_properties(api, [definition.name for definition in wanted])
    missing = [item for item in wanted if item.name not in existing]
    outdated = [
        item
        for item in wanted
        if item.name in existing and needs_new_options(existing[item.name], item)
    ]

    changes = SchemaChanges()
    if missing:
        create_group(api)
        changes.created = create_properties(api, missing)
    for definition in outdated:
        update_options(api, existing[definition.name], definition)
        changes.updated.append(definition.name)

    log.info("hubspot.schema_ensured", created=changes.created, updated=changes.updated)
    return changes


def read_properties(api: JSONClient, names: list[str]) -> dict[str, PropertyDefinition]:
    """Read company properties by name; missing ones are simply absent.

    Args:
        api: the client of the HubSpot account.
        names: the property names.

    Returns:
        The existing properties by name.

    Raises:
        FatalAPIError: the read was refused.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    body = {"inputs": [{"name": name} for name in names], "archived": False}
    try:
        reply = api.post(f"{PROPERTIES_PATH}/batch/read", body, kind=KIND)
    except FatalAPIError as exc:
        if exc.status == 404:
            return {}
        raise

    batch = parse(PropertyBatch, reply.body, endpoint=f"{PROPERTIES_PATH}/batch/read")
    return {definition.name: definition for definition in batch.results}


def create_group(api: JSONClient) -> None:
    """Create sidos's property group; an existing group is left as it is.

    Args:
        api: the client of the HubSpot account.

    Raises:
        FatalAPIError: the group could not be created for another reason.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    try:
        api.post(f"{PROPERTIES_PATH}/groups", group_body(), kind=KIND)
    except FatalAPIError as exc:
        if exc.status != 409:
            raise


def create_properties(
    api: JSONClient, definitions: list[PropertyDefinition]
) -> list[str]:
    """Batch-create properties; those that already exist count as done.

    Args:
        api: the client of the HubSpot account.
        definitions: the properties to create.

    Returns:
        The names of the properties now in place.

    Raises:
        FatalAPIError: a property could not be created for another reason than
            already existing; the message names it and why.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    path = f"{PROPERTIES_PATH}/batch/create"
    body = {"inputs": [definition.to_body() for definition in definitions]}
    try:
        reply = api.post(path, body, kind=KIND)
    except FatalAPIError as exc:
        if exc.status != 409:
            raise
        return [definition.name for definition in definitions]

    batch = parse(PropertyBatch, reply.body, endpoint=path)
    failures = [error for error in batch.errors if error.category != "CONFLICT"]
    if failures:
        reasons = "; ".join(error.reason() for error in failures)
        raise FatalAPIError(
            f"sidos could not create its HubSpot properties: {reasons}. Create them "
            "by hand in the 'sidos' group or fix the account, then run again",
            status=reply.status,
            category=failures[0].category,
        )
    return [definition.name for definition in definitions]


def update_options(
    api: JSONClient, existing: PropertyDefinition, wanted: PropertyDefinition
) -> None:
    """Add the options sidos writes to an enumeration, keeping those people added.

    Args:
        api: the client of the HubSpot account.
        existing: the property as HubSpot holds it.
        wanted: sidos's definition of it.

    Raises:
        FatalAPIError: the update was refused.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    known = existing.option_values()
    added = [option for option in wanted.options if option.value not in known]
    merged = existing.model_copy(update={"options": [*existing.options, *added]})
    api.request(
        "PATCH",
        f"{PROPERTIES_PATH}/{wanted.name}",
        kind=KIND,
        body={"options": merged.to_body()["options"]},
    )
