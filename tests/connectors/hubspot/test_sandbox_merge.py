"""The sandbox's merge: a new id, old ids redirecting, values from the primary."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import COMPANIES, TOKEN, SandboxClient


@pytest.fixture
def client() -> Iterator[SandboxClient]:
    """Return a client of a fresh, empty sandbox."""
    with SandboxServer(seed=0, token=TOKEN) as server:
        yield SandboxClient(server)


def test_merge_companies_gives_new_id_and_old_ids_resolve_to_it(
    client: SandboxClient,
) -> None:
    """Both merged ids read back as the survivor, which has a new id."""
    primary = client.create(name="Yritys Oy", city="Tampere")
    other = client.create(name="YRITYS OY", city="Nokia", phone="+358 3 123 4567")

    reply = client.post(
        f"{COMPANIES}/merge",
        {"primaryObjectId": primary["id"], "objectIdToMerge": other["id"]},
    )

    merged = reply.json()
    assert reply.status_code == 200
    assert merged["id"] not in (primary["id"], other["id"])
    for old in (primary["id"], other["id"]):
        assert client.get(f"{COMPANIES}/{old}").json()["id"] == merged["id"]
    assert merged["properties"]["hs_merged_object_ids"] == (
        f"{primary['id']};{other['id']}"
    )


def test_merge_companies_values_from_primary_blanks_from_other(
    client: SandboxClient,
) -> None:
    """The primary's values win; its empty ones are filled from the other."""
    primary = client.create(name="Yritys Oy", city="Tampere")
    other = client.create(name="YRITYS OY", city="Nokia", phone="+358 3 123 4567")

    merged = client.post(
        f"{COMPANIES}/merge",
        {"primaryObjectId": primary["id"], "objectIdToMerge": other["id"]},
    ).json()

    assert merged["properties"]["name"] == "Yritys Oy"
    assert merged["properties"]["city"] == "Tampere"
    assert merged["properties"]["phone"] == "+358 3 123 4567"


def test_merge_companies_listing_holds_only_the_survivor(
    client: SandboxClient,
) -> None:
    """After a merge the listing shows one company where there were two."""
    primary = client.create(name="A Oy")
    other = client.create(name="A OY")

    merged = client.post(
        f"{COMPANIES}/merge",
        {"primaryObjectId": primary["id"], "objectIdToMerge": other["id"]},
    ).json()

    assert [company["id"] for company in client.all_companies()] == [merged["id"]]


def test_merge_companies_chained_merges_resolve_to_the_last_survivor(
    client: SandboxClient,
) -> None:
    """An id merged twice over still reads back as the final survivor."""
    first, second, third = (client.create(name=f"B{n} Oy") for n in range(3))
    survivor = client.post(
        f"{COMPANIES}/merge",
        {"primaryObjectId": first["id"], "objectIdToMerge": second["id"]},
    ).json()

    final = client.post(
        f"{COMPANIES}/merge",
        {"primaryObjectId": survivor["id"], "objectIdToMerge": third["id"]},
    ).json()

    assert client.get(f"{COMPANIES}/{first['id']}").json()["id"] == final["id"]
    merged_ids = final["properties"]["hs_merged_object_ids"].split(";")
    assert {first["id"], second["id"], third["id"], survivor["id"]} == set(merged_ids)


def test_merge_company_into_itself_is_refused(client: SandboxClient) -> None:
    """Merging an id with itself is a 400."""
    company = client.create(name="C Oy")

    reply = client.post(
        f"{COMPANIES}/merge",
        {"primaryObjectId": company["id"], "objectIdToMerge": company["id"]},
    )

    assert reply.status_code == 400
