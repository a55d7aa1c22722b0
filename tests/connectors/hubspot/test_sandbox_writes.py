"""The sandbox's single and batch writes, unique values and 207 replies."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import COMPANIES, TOKEN, SandboxClient

PARTNER_ID = "sidos_partner_id"


@pytest.fixture
def server() -> Iterator[SandboxServer]:
    """Serve a fresh demo account for each test, since these tests write."""
    with SandboxServer(seed="demo", token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> SandboxClient:
    """Return a client of the sandbox, with the partner-id property created."""
    api = SandboxClient(server)
    reply = api.post(
        "/crm/v3/properties/companies",
        {
            "name": PARTNER_ID,
            "label": "sidos partner id",
            "type": "string",
            "fieldType": "text",
            "groupName": "companyinformation",
            "hasUniqueValue": True,
        },
    )
    assert reply.status_code == 201
    return api


def upsert_input(partner: str, name: str, trace: str = "") -> dict[str, object]:
    """Return one upsert input keyed by the unique partner id."""
    item: dict[str, object] = {
        "id": partner,
        "idProperty": PARTNER_ID,
        "properties": {"name": name},
    }
    if trace:
        item["objectWriteTraceId"] = trace
    return item


def test_create_company_returns_201_and_every_value_as_string(
    client: SandboxClient,
) -> None:
    """A created company echoes its values, all strings, under a string id."""
    body = client.create(name="Uusi Oy", numberofemployees="12")

    assert isinstance(body["id"], str)
    assert body["properties"]["name"] == "Uusi Oy"
    assert body["properties"]["numberofemployees"] == "12"


def test_writes_lastmodifieddate_strictly_increases(client: SandboxClient) -> None:
    """Two writes in a row never share an hs_lastmodifieddate."""
    first = client.create(name="A Oy")

    second = client.patch(f"{COMPANIES}/{first['id']}", {"properties": {"city": "X"}})

    before = int(first["properties"]["hs_lastmodifieddate"])
    after = int(second.json()["properties"]["hs_lastmodifieddate"])
    assert after > before


def test_patch_company_sets_given_and_clears_empty_properties(
    client: SandboxClient,
) -> None:
    """PATCH touches only the given properties; an empty string clears one."""
    company = client.create(name="B Oy", city="Tampere", zip="33100")

    client.patch(f"{COMPANIES}/{company['id']}", {"properties": {"city": ""}})

    body = client.get(f"{COMPANIES}/{company['id']}", properties="city,zip,name").json()
    assert body["properties"] == {
        **body["properties"],
        "city": None,
        "zip": "33100",
        "name": "B Oy",
    }


@pytest.mark.parametrize("field", ["no_such_property", "hs_object_id", "createdate"])
def test_patch_company_unknown_or_read_only_property_is_refused(
    client: SandboxClient, field: str
) -> None:
    """Unknown and read-only properties fail the whole write with 400."""
    company = client.create(name="C Oy")

    reply = client.patch(f"{COMPANIES}/{company['id']}", {"properties": {field: "1"}})

    assert reply.status_code == 400
    assert reply.json()["category"] == "VALIDATION_ERROR"
    assert field in reply.json()["message"]


def test_write_owner_user_id_instead_of_owner_id_is_refused(
    server: SandboxServer, client: SandboxClient
) -> None:
    """hubspot_owner_id takes the owner id; the user id fails, as at HubSpot."""
    owner = server.store.owners[0]

    wrong = client.post(
        COMPANIES, {"properties": {"hubspot_owner_id": str(owner.user_id)}}
    )
    right = client.post(COMPANIES, {"properties": {"hubspot_owner_id": owner.id}})

    assert wrong.status_code == 400
    assert right.status_code == 201


def test_delete_company_archives_it(client: SandboxClient) -> None:
    """DELETE moves a company to the recycle bin: 204, then 404 unless archived."""
    company = client.create(name="D Oy")

    reply = client.delete(f"{COMPANIES}/{company['id']}")

    assert reply.status_code == 204
    assert client.get(f"{COMPANIES}/{company['id']}").status_code == 404
    archived = client.get(f"{COMPANIES}/{company['id']}", archived="true").json()
    assert archived["archived"] is True


def test_batch_upsert_creates_then_updates(client: SandboxClient) -> None:
    """The first upsert of a partner id creates (new true), the second updates."""
    path = f"{COMPANIES}/batch/upsert"

    first = client.post(path, {"inputs": [upsert_input("p-1", "Kumppani Oy")]})
    second = client.post(path, {"inputs": [upsert_input("p-1", "Kumppani Oyj")]})

    created, updated = first.json()["results"][0], second.json()["results"][0]
    assert (first.status_code, created["new"]) == (200, True)
    assert (second.status_code, updated["new"]) == (200, False)
    assert created["id"] == updated["id"]
    assert updated["properties"]["name"] == "Kumppani Oyj"


def test_batch_upsert_bad_item_gives_207_with_its_trace_id(
    client: SandboxClient,
) -> None:
    """One invalid input fails alone: 207 with the good result and its error."""
    bad = upsert_input("p-2", "Huono Oy", trace="trace-bad")
    bad["properties"] = {"no_such_property": "x"}
    inputs = [upsert_input("p-3", "Hyvä Oy", trace="trace-good"), bad]

    reply = client.post(f"{COMPANIES}/batch/upsert", {"inputs": inputs})

    body = reply.json()
    assert reply.status_code == 207
    assert [r["properties"]["name"] for r in body["results"]] == ["Hyvä Oy"]
    assert body["numErrors"] == 1
    error = body["errors"][0]
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"]["objectWriteTraceId"] == ["trace-bad"]
    assert error["objectWriteTraceId"] == "trace-bad"


def test_batch_upsert_idproperty_without_unique_values_is_refused(
    client: SandboxClient,
) -> None:
    """Upserting on a property without unique values (name) fails that input."""
    item = {"id": "X Oy", "idProperty": "name", "properties": {"city": "Y"}}

    reply = client.post(f"{COMPANIES}/batch/upsert", {"inputs": [item]})

    assert reply.status_code == 207
    assert "hasUniqueValue" in reply.json()["errors"][0]["message"]


def test_batch_over_100_inputs_is_refused(client: SandboxClient) -> None:
    """A batch of 101 inputs is a 400, not a partial write."""
    inputs = [upsert_input(f"p-{n}", f"Yritys {n} Oy") for n in range(101)]

    reply = client.post(f"{COMPANIES}/batch/upsert", {"inputs": inputs})

    assert reply.status_code == 400


def test_unique_property_duplicate_value_is_a_conflict(client: SandboxClient) -> None:
    """A second company may not take a unique value another one holds."""
    client.create(name="E Oy", **{PARTNER_ID: "p-9"})

    single = client.post(COMPANIES, {"properties": {"name": "F", PARTNER_ID: "p-9"}})
    batch = client.post(
        f"{COMPANIES}/batch/create",
        {"inputs": [{"properties": {"name": "G", PARTNER_ID: "p-9"}}]},
    )

    assert single.status_code == 409
    assert single.json()["category"] == "CONFLICT"
    assert batch.status_code == 207
    assert batch.json()["errors"][0]["category"] == "CONFLICT"


def test_batch_create_items_share_one_lastmodifieddate(client: SandboxClient) -> None:
    """All writes of one batch carry the same hs_lastmodifieddate."""
    inputs = [{"properties": {"name": f"H{n} Oy"}} for n in range(3)]

    reply = client.post(f"{COMPANIES}/batch/create", {"inputs": inputs})

    stamps = {r["properties"]["hs_lastmodifieddate"] for r in reply.json()["results"]}
    assert reply.status_code == 201
    assert len(stamps) == 1


def test_batch_read_misses_come_back_as_207_not_found(
    server: SandboxServer, client: SandboxClient
) -> None:
    """Unknown ids in a batch read give one NOT_FOUND error naming them."""
    known = str(server.store.active()[0].id)
    inputs = [{"id": known}, {"id": "123"}]

    reply = client.post(f"{COMPANIES}/batch/read", {"inputs": inputs})

    body = reply.json()
    assert reply.status_code == 207
    assert [r["id"] for r in body["results"]] == [known]
    assert body["errors"][0]["category"] == "OBJECT_NOT_FOUND"
    assert body["errors"][0]["context"]["ids"] == ["123"]


def test_batch_update_duplicate_ids_are_refused(client: SandboxClient) -> None:
    """The same id twice in one batch update is a 400, as at HubSpot."""
    company = client.create(name="I Oy")
    item = {"id": company["id"], "properties": {"city": "Tampere"}}

    reply = client.post(f"{COMPANIES}/batch/update", {"inputs": [item, item]})

    assert reply.status_code == 400
    assert "Duplicate IDs" in reply.json()["message"]
