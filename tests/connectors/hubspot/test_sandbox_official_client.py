"""The sandbox driven by HubSpot's official Python client, which checks its shapes.

The client deserialises every reply into its generated models and refuses a reply
that lacks a field HubSpot always sends, so these tests keep the sandbox faithful.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hubspot import HubSpot
from hubspot.crm.companies import (
    BatchInputSimplePublicObjectBatchInputUpsert,
    PublicMergeInput,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInputUpsert,
)

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import TOKEN, SandboxClient

PARTNER_ID = "sidos_partner_id"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """Serve a fresh demo account with a partner-id property."""
    with SandboxServer(seed="demo", token=TOKEN) as running:
        SandboxClient(running).post(
            "/crm/v3/properties/companies",
            {
                "name": PARTNER_ID,
                "label": "Partner id",
                "type": "string",
                "fieldType": "text",
                "groupName": "companyinformation",
                "hasUniqueValue": True,
            },
        )
        yield running


@pytest.fixture
def hubspot(server: SandboxServer) -> HubSpot:
    """Return the official client pointed at the sandbox."""
    return HubSpot(access_token=TOKEN, host=server.url)


def test_official_client_get_page_reads_properties_and_cursor(
    server: SandboxServer, hubspot: HubSpot
) -> None:
    """basic_api.get_page returns typed records with the asked properties."""
    first = server.store.active()[0]

    page = hubspot.crm.companies.basic_api.get_page(
        limit=5, properties=["name", "y_tunnus"], archived=False
    )

    assert page.results[0].id == str(first.id)
    assert page.results[0].properties["name"] == first.properties["name"]
    assert page.paging.next.after


def test_official_client_get_all_returns_every_active_company(
    server: SandboxServer, hubspot: HubSpot
) -> None:
    """get_all pages to the end and sees each active company once."""
    companies = hubspot.crm.companies.get_all(properties=["name"])

    assert sorted(c.id for c in companies) == sorted(
        str(c.id) for c in server.store.active()
    )


def test_official_client_do_search_filters_and_totals(hubspot: HubSpot) -> None:
    """search_api.do_search deserialises total, results and paging."""
    request = PublicObjectSearchRequest(
        filter_groups=[
            {
                "filters": [
                    {"propertyName": "city", "operator": "EQ", "value": "Tampere"}
                ]
            }
        ],
        sorts=["hs_object_id"],
        properties=["name", "city"],
        limit=20,
    )

    found = hubspot.crm.companies.search_api.do_search(
        public_object_search_request=request
    )

    assert found.total > 20
    assert all(r.properties["city"] == "Tampere" for r in found.results)
    assert found.paging.next.after == "20"


def test_official_client_batch_upsert_creates_then_updates(hubspot: HubSpot) -> None:
    """batch_api.upsert reports new true, then new false for the same partner."""

    def upsert(name: str) -> Any:
        batch = BatchInputSimplePublicObjectBatchInputUpsert(
            inputs=[
                SimplePublicObjectBatchInputUpsert(
                    id="partner-1", id_property=PARTNER_ID, properties={"name": name}
                )
            ]
        )
        return hubspot.crm.companies.batch_api.upsert(
            batch_input_simple_public_object_batch_input_upsert=batch
        )

    created = upsert("Kumppani Oy")
    updated = upsert("Kumppani Oyj")

    assert created.results[0].new is True
    assert updated.results[0].new is False
    assert updated.results[0].id == created.results[0].id
    assert updated.results[0].properties["name"] == "Kumppani Oyj"


def test_official_client_merge_returns_the_survivor_under_a_new_id(
    server: SandboxServer, hubspot: HubSpot
) -> None:
    """basic_api.merge returns a record whose id is new; old ids read as it."""
    primary, other = server.store.active()[:2]

    merged = hubspot.crm.companies.basic_api.merge(
        public_merge_input=PublicMergeInput(
            primary_object_id=str(primary.id), object_id_to_merge=str(other.id)
        )
    )

    again = hubspot.crm.companies.basic_api.get_by_id(company_id=str(other.id))
    assert merged.id not in (str(primary.id), str(other.id))
    assert again.id == merged.id
    assert merged.properties["name"] == primary.properties["name"]


def test_official_client_owners_get_page_reads_owners_and_teams(
    server: SandboxServer, hubspot: HubSpot
) -> None:
    """owners_api.get_page (which adds a trailing slash) returns typed owners."""
    page = hubspot.crm.owners.owners_api.get_page(limit=100)

    emails = {owner.email for owner in page.results}
    assert emails == {o.email for o in server.store.owners if not o.archived}
    assert page.results[0].teams[0].name
    assert page.results[0].type == "PERSON"
