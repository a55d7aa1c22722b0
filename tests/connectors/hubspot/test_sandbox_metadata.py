"""The sandbox's owners API and its company properties and groups API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import TOKEN, SandboxClient

OWNERS = "/crm/v3/owners"
PROPERTIES = "/crm/v3/properties/companies"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """Serve a fresh demo account."""
    with SandboxServer(seed="demo", token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> SandboxClient:
    """Return a client of the sandbox."""
    return SandboxClient(server)


def new_property(name: str, *, unique: bool = False) -> dict[str, object]:
    """Return a property-create body."""
    return {
        "name": name,
        "label": name.title(),
        "type": "string",
        "fieldType": "text",
        "groupName": "companyinformation",
        "hasUniqueValue": unique,
    }


def test_list_owners_paged_returns_every_active_owner_once(
    server: SandboxServer, client: SandboxClient
) -> None:
    """Paging owners five at a time visits every active owner exactly once."""
    seen: list[str] = []
    after = None

    while True:
        page = client.get(OWNERS, limit=5, after=after).json()
        seen.extend(owner["id"] for owner in page["results"])
        after = page.get("paging", {}).get("next", {}).get("after")
        if after is None:
            break

    active = [owner.id for owner in server.store.owners if not owner.archived]
    assert sorted(seen) == sorted(active)
    assert len(seen) == 20


def test_list_owners_shape_has_teams_and_person_type(client: SandboxClient) -> None:
    """An owner carries its id, e-mail, user id, teams and type PERSON."""
    owner = client.get(f"{OWNERS}/", limit=1).json()["results"][0]

    assert owner["type"] == "PERSON"
    assert isinstance(owner["id"], str) and isinstance(owner["userId"], int)
    assert owner["teams"][0]["primary"] is True
    assert owner["teams"][0]["name"]
    assert owner["userIdIncludingInactive"] == owner["userId"]


def test_list_owners_by_email_and_archived(
    server: SandboxServer, client: SandboxClient
) -> None:
    """email finds one owner regardless of case; archived lists deactivated ones."""
    wanted = server.store.owners[3]

    by_email = client.get(OWNERS, email=wanted.email.upper()).json()["results"]
    archived = client.get(OWNERS, archived="true").json()["results"]

    assert [owner["id"] for owner in by_email] == [wanted.id]
    assert archived and all(owner["archived"] for owner in archived)


def test_create_property_with_unique_values_then_again_is_a_conflict(
    client: SandboxClient,
) -> None:
    """A new property is 201 and reported unique; creating it again is 409."""
    first = client.post(PROPERTIES, new_property("sidos_partner_id", unique=True))

    again = client.post(PROPERTIES, new_property("sidos_partner_id", unique=True))

    assert first.status_code == 201
    assert first.json()["hasUniqueValue"] is True
    assert again.status_code == 409
    assert again.json()["category"] == "CONFLICT"
    fetched = client.get(f"{PROPERTIES}/sidos_partner_id").json()
    assert fetched["hasUniqueValue"] is True


def test_get_property_missing_is_not_found(client: SandboxClient) -> None:
    """Reading a property that does not exist answers 404."""
    reply = client.get(f"{PROPERTIES}/sidos_category")

    assert reply.status_code == 404


def test_list_properties_holds_standard_and_institution_properties(
    client: SandboxClient,
) -> None:
    """The standard company properties and y_tunnus, toimialakoodi are there."""
    names = {p["name"] for p in client.get(PROPERTIES).json()["results"]}

    assert {"name", "domain", "hubspot_owner_id", "hs_merged_object_ids"} <= names
    assert {"y_tunnus", "toimialakoodi"} <= names


def test_create_property_in_a_missing_group_is_refused_until_created(
    client: SandboxClient,
) -> None:
    """A property needs its group; creating the group first makes it work."""
    body = {**new_property("sidos_category"), "groupName": "sidos"}

    refused = client.post(PROPERTIES, body)
    group = client.post(f"{PROPERTIES}/groups", {"name": "sidos", "label": "sidos"})
    created = client.post(PROPERTIES, body)

    assert refused.status_code == 400
    assert group.status_code == 201
    assert created.status_code == 201
    assert (
        client.post(f"{PROPERTIES}/groups", {"name": "sidos", "label": "x"}).status_code
        == 409
    )


def test_properties_batch_read_and_create_report_each_item(
    client: SandboxClient,
) -> None:
    """Batch read names its misses; batch create reports an existing name."""
    read = client.post(
        f"{PROPERTIES}/batch/read", {"inputs": [{"name": "name"}, {"name": "nope"}]}
    )
    created = client.post(
        f"{PROPERTIES}/batch/create",
        {"inputs": [new_property("sidos_a"), new_property("name")]},
    )

    assert read.status_code == 207
    assert [p["name"] for p in read.json()["results"]] == ["name"]
    assert created.status_code == 207
    assert created.json()["errors"][0]["category"] == "CONFLICT"
