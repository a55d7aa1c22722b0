"""The sandbox's company listing and single reads, over real HTTP."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import COMPANIES, TOKEN, SandboxClient

ISO_MS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    """Serve the demo account once for every read-only test here."""
    with SandboxServer(seed="demo", token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> SandboxClient:
    """Return a client of the shared sandbox."""
    return SandboxClient(server)


def test_list_companies_paged_to_exhaustion_returns_every_company_once(
    server: SandboxServer, client: SandboxClient
) -> None:
    """Following paging.next.after visits each active company exactly once."""
    expected = {str(company.id) for company in server.store.active()}

    results = client.all_companies()

    ids = [company["id"] for company in results]
    assert len(ids) == len(set(ids))
    assert set(ids) == expected


def test_list_companies_without_properties_returns_name_domain_and_system_fields(
    client: SandboxClient,
) -> None:
    """A record carries only name, domain and the system properties by default."""
    page = client.get(COMPANIES, limit=3).json()

    record = page["results"][0]

    assert set(record["properties"]) == {
        "name",
        "domain",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    }
    assert record["properties"]["hs_object_id"] == record["id"]
    assert ISO_MS.match(record["createdAt"]) and ISO_MS.match(record["updatedAt"])
    assert record["archived"] is False
    assert page["paging"]["next"]["after"]


def test_list_companies_properties_repeated_and_comma_separated_are_both_read(
    client: SandboxClient,
) -> None:
    """properties=a&properties=b,c asks for a, b and c."""
    reply = client.get(COMPANIES, limit=5, properties=["y_tunnus", "city,zip"])

    names = set(reply.json()["results"][0]["properties"])

    assert {"y_tunnus", "city", "zip", "hs_object_id"} <= names
    assert "name" not in names


def test_list_companies_limit_over_100_is_a_validation_error(
    client: SandboxClient,
) -> None:
    """limit=101 is refused with HubSpot's error body."""
    reply = client.get(COMPANIES, limit=101)

    body = reply.json()
    assert reply.status_code == 400
    assert body["status"] == "error"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["correlationId"]


@pytest.mark.parametrize("flag", ["true", "True"])
def test_list_companies_archived_true_lists_only_archived(
    server: SandboxServer, client: SandboxClient, flag: str
) -> None:
    """archived=true (any case) lists the recycle bin and nothing else."""
    results = client.all_companies(archived=flag)

    assert results
    assert all(company["archived"] and company["archivedAt"] for company in results)
    assert len(results) == server.store.size - len(server.store.active())


def test_list_companies_archived_false_capitalised_is_accepted(
    client: SandboxClient,
) -> None:
    """The official client's archived=False is read as false."""
    reply = client.get(COMPANIES, limit=2, archived="False")

    assert reply.status_code == 200
    assert not any(company["archived"] for company in reply.json()["results"])


def test_get_company_by_id_returns_requested_properties(
    server: SandboxServer, client: SandboxClient
) -> None:
    """GET by id returns the record with the properties asked for as strings."""
    company = server.store.active()[0]

    reply = client.get(f"{COMPANIES}/{company.id}", properties="name,hubspot_owner_id")

    body = reply.json()
    assert body["id"] == str(company.id)
    assert body["properties"]["name"] == company.properties["name"]
    assert isinstance(body["properties"]["hubspot_owner_id"], str)


def test_get_company_unknown_id_is_not_found(client: SandboxClient) -> None:
    """An id that never existed answers 404 OBJECT_NOT_FOUND."""
    reply = client.get(f"{COMPANIES}/1")

    assert reply.status_code == 404
    assert reply.json()["category"] == "OBJECT_NOT_FOUND"


def test_list_companies_unknown_cursor_is_a_validation_error(
    client: SandboxClient,
) -> None:
    """A cursor the API never gave is refused."""
    reply = client.get(COMPANIES, after="not-a-cursor")

    assert reply.status_code == 400
