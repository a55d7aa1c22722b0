"""Read companies: the full listing, archived ones, and batch reads by id.

A batch read of an id that was merged away returns the surviving company under its
new id, with the old id in ``hs_merged_object_ids``; ``match_read`` ties each
requested id to what came back, so callers can remap their ids.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import structlog

from connectors.http import JSONClient
from connectors.hubspot.models import BatchReply, Company, CompanyPage, parse
from connectors.hubspot.paging import read_pages
from mappings.model import SourceRecord, SourceRef

log = structlog.get_logger(__name__)

COMPANIES_PATH = "/crm/v3/objects/companies"
BATCH_LIMIT = 100
MODIFIED_PROPERTY = "hs_lastmodifieddate"
SYSTEM_PROPERTIES = (MODIFIED_PROPERTY, "hs_merged_object_ids", "createdate")


def list_companies(
    api: JSONClient, properties: Sequence[str], *, archived: bool = False
) -> Iterator[Company]:
    """Yield every company, or every archived one, page by page.

    Args:
        api: the client of the HubSpot account.
        properties: the properties to read.
        archived: read the recycle bin instead of the live companies.

    Yields:
        Each company, in HubSpot's order.

    Raises:
        FatalAPIError: a page was refused or came in an unexpected shape.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    params = {"properties": list(properties), "archived": str(archived).lower()}
    pages = read_pages(
        api,
        COMPANIES_PATH,
        CompanyPage,
        kind="list",
        params=params,
        object_type="companies",
    )
    for page in pages:
        yield from page.results


def read_batch(
    api: JSONClient, ids: Sequence[str], properties: Sequence[str]
) -> dict[str, Company]:
    """Read up to 100 companies by id.

    Args:
        api: the client of the HubSpot account.
        ids: the company ids, at most 100.
        properties: the properties to read.

    Returns:
        The company found for each requested id; ids not found are absent.

    Raises:
        FatalAPIError: the read was refused.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    path = f"{COMPANIES_PATH}/batch/read"
    body = {"inputs": [{"id": item} for item in ids], "properties": list(properties)}
    reply = api.post(path, body, kind="batch_read")

    return match_read(ids, parse(BatchReply, reply.body, endpoint=path).results)


def read_batch_by(
    api: JSONClient, values: Sequence[str], id_property: str, properties: Sequence[str]
) -> dict[str, Company]:
    """Read up to 100 companies by the values of a unique property.

    Args:
        api: the client of the HubSpot account.
        values: the values sought, at most 100.
        id_property: a property created with unique values.
        properties: the properties to read; ``id_property`` is added.

    Returns:
        The company holding each value found; values no company holds are absent.

    Raises:
        FatalAPIError: the read was refused.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    path = f"{COMPANIES_PATH}/batch/read"
    body = {
        "idProperty": id_property,
        "inputs": [{"id": value} for value in values],
        "properties": list(dict.fromkeys([*properties, id_property])),
    }
    reply = api.post(path, body, kind="batch_read")

    results = parse(BatchReply, reply.body, endpoint=path).results
    held = {company.properties.get(id_property): company for company in results}
    return {value: held[value] for value in values if value in held}


def match_read(ids: Sequence[str], results: Sequence[Company]) -> dict[str, Company]:
    """Tie each requested id to the company returned for it, merges included.

    Args:
        ids: the ids asked for.
        results: the companies returned.

    Returns:
        The company of each requested id that came back, directly or merged.
    """
    by_id = {company.id: company for company in results}
    by_old_id = {old: company for company in results for old in company.merged_ids()}

    found: dict[str, Company] = {}
    for requested in ids:
        company = by_id.get(requested) or by_old_id.get(requested)
        if company is not None:
            found[requested] = company
    return found


def to_record(source: str, company: Company) -> SourceRecord:
    """Return a company as a source record of the CRM.

    Args:
        source: the CRM's configured name.
        company: the company read.

    Returns:
        The record, its fields being the properties read but the modification
        time, which is the record's ``modified_at``: kept apart, a company whose
        only change is sidos's own write read back compares equal to the snapshot
        that write was folded into, and keeps the time people last changed it.
    """
    fields = {k: v for k, v in company.properties.items() if k != MODIFIED_PROPERTY}
    return SourceRecord(
        ref=SourceRef(source, company.id),
        fields=fields,
        modified_at=company.modified_at(),
        archived=company.archived,
    )
