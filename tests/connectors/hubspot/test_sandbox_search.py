"""The sandbox's search API: filters, sorts, totals, the 10k cap and its rate."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import COMPANIES, TOKEN, SandboxClient

SEARCH = f"{COMPANIES}/search"


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    """Serve the demo account once for the read-only searches here."""
    with SandboxServer(seed="demo", token=TOKEN) as running:
        yield running


@pytest.fixture
def client(server: SandboxServer) -> SandboxClient:
    """Return a client of the shared sandbox."""
    return SandboxClient(server)


def search(client: SandboxClient, *filters: dict[str, Any], **body: Any) -> Any:
    """Run one search with the filters in a single group; return its JSON."""
    if filters:
        body["filterGroups"] = [{"filters": list(filters)}]
    reply = client.post(SEARCH, body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_search_eq_is_case_insensitive_and_total_counts_matches(
    server: SandboxServer, client: SandboxClient
) -> None:
    """EQ on a text property ignores case; total counts every match."""
    expected = [c for c in server.store.active() if c.value("city") == "Tampere"]

    found = search(
        client, {"propertyName": "city", "operator": "EQ", "value": "TAMPERE"}
    )

    assert found["total"] == len(expected)
    assert len(found["results"]) == 10


def test_search_groups_are_or_and_filters_are_and(client: SandboxClient) -> None:
    """Two groups widen the result; two filters in a group narrow it."""
    helsinki = {"propertyName": "city", "operator": "EQ", "value": "Helsinki"}
    espoo = {"propertyName": "city", "operator": "EQ", "value": "Espoo"}
    has_id = {"propertyName": "y_tunnus", "operator": "HAS_PROPERTY"}

    either = client.post(
        SEARCH, {"filterGroups": [{"filters": [helsinki]}, {"filters": [espoo]}]}
    ).json()["total"]
    both = search(client, helsinki, has_id)["total"]

    assert either == search(client, helsinki)["total"] + search(client, espoo)["total"]
    assert both < search(client, helsinki)["total"]


def test_search_between_lastmodifieddate_takes_epoch_ms_and_sorts_ascending(
    server: SandboxServer, client: SandboxClient
) -> None:
    """A time window on hs_lastmodifieddate, sorted ascending, as sync reads it."""
    stamps = sorted(company.updated_at for company in server.store.active())
    low, high = stamps[50], stamps[150]
    window = {
        "propertyName": "hs_lastmodifieddate",
        "operator": "BETWEEN",
        "value": str(low),
        "highValue": high,
    }
    sorts = [{"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}]

    found = search(client, window, sorts=sorts, limit=200)

    got = [int(r["properties"]["hs_lastmodifieddate"]) for r in found["results"]]
    assert got == sorted(got)
    assert found["total"] == sum(1 for stamp in stamps if low <= stamp <= high)


def test_search_in_contains_token_and_descending_string_sort(
    client: SandboxClient,
) -> None:
    """IN, CONTAINS_TOKEN with a wildcard, and a sort given as a string."""
    cities = {"propertyName": "city", "operator": "IN", "values": ["Espoo", "Helsinki"]}
    token = {"propertyName": "name", "operator": "CONTAINS_TOKEN", "value": "tampere*"}

    in_cities = search(client, cities, limit=100)
    named = search(client, token, sorts=["-name"], properties=["name"], limit=100)

    assert {r["properties"]["name"] for r in in_cities["results"]}
    names = [r["properties"]["name"].lower() for r in named["results"]]
    assert names and all("tampere" in name for name in names)
    assert names == sorted(names, reverse=True)


def test_search_never_returns_archived_companies(
    server: SandboxServer, client: SandboxClient
) -> None:
    """Archived companies are invisible to search."""
    archived = {str(c.id) for c in server.store.page(None, 100, archived=True)[0]}

    found = search(client, limit=200)
    rest = search(client, limit=200, after=found["paging"]["next"]["after"])

    seen = {r["id"] for r in found["results"] + rest["results"]}
    assert archived and not archived & seen
    assert found["total"] == len(server.store.active())


def test_search_unknown_operator_is_a_validation_error(client: SandboxClient) -> None:
    """An operator HubSpot does not know is refused."""
    bad = {"propertyName": "name", "operator": "LIKE", "value": "x"}

    reply = client.post(SEARCH, {"filterGroups": [{"filters": [bad]}]})

    assert reply.status_code == 400


def test_search_paging_past_10000_results_is_refused() -> None:
    """Search stops at 10,000 results: the page after them is a 400."""
    with SandboxServer(seed=10_050) as server:
        client = SandboxClient(server)

        last = client.post(SEARCH, {"limit": 200, "after": "9800"}).json()
        beyond = client.post(SEARCH, {"limit": 200, "after": "10000"})

    assert last["total"] == 10_050
    assert last["paging"]["next"]["after"] == "10000"
    assert beyond.status_code == 400
    assert beyond.json()["category"] == "VALIDATION_ERROR"


def test_search_over_its_rate_gets_429_secondly() -> None:
    """More searches in a second than allowed get HubSpot's SECONDLY 429."""
    with SandboxServer(seed=0, search_per_second=2) as server:
        client = SandboxClient(server)

        replies = [client.post(SEARCH, {}) for _ in range(3)]

    body = replies[2].json()
    assert [r.status_code for r in replies] == [200, 200, 429]
    assert body["policyName"] == "SECONDLY"
    assert body["errorType"] == "RATE_LIMIT"
    assert "X-HubSpot-RateLimit-Max" not in replies[0].headers
