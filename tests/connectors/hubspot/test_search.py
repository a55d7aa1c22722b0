"""Incremental pulls by search: the window, the 10,000 cap, pinned timestamps."""

from __future__ import annotations

import json
from typing import Any

import responses
from structlog.testing import capture_logs

from connectors.hubspot.search import SEARCH_CAP
from tests.connectors.hubspot.support import (
    COMPANIES,
    NOW_MS,
    company_json,
    make_connector,
    mock_api,
    page_json,
)

SEARCH = f"{COMPANIES}/search"


class SearchSimulator:
    """Answer searches over (id, modified) rows as HubSpot does, 10,000 cap included.

    A search without filters counts the account: ``live`` companies, by default far
    more than the rows changed, so that searching stays the quicker read.
    """

    def __init__(self, rows: list[tuple[int, int]], live: int = 1_000_000) -> None:
        self.rows = rows
        self.live = live
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: Any) -> tuple[int, dict[str, str], str]:
        body = json.loads(request.body)
        self.bodies.append(body)
        if not body["filterGroups"]:
            return 200, {}, json.dumps({"total": self.live, "results": []})
        found = [row for row in self.rows if self._matches(row, body)]
        sort = body["sorts"][0]["propertyName"]
        found.sort(
            key=(lambda row: row[0]) if sort == "hs_object_id" else lambda r: r[1]
        )
        offset = int(body.get("after") or 0)
        if offset >= SEARCH_CAP:
            return 400, {}, json.dumps({"category": "VALIDATION_ERROR"})

        page = found[offset : offset + body["limit"]]
        reply: dict[str, Any] = {
            "total": len(found),
            "results": [company_json(str(i), modified_ms=ms) for i, ms in page],
        }
        if offset + body["limit"] < len(found):
            reply["paging"] = {"next": {"after": str(offset + body["limit"])}}
        return 200, {}, json.dumps(reply)

    @staticmethod
    def _matches(row: tuple[int, int], body: dict[str, Any]) -> bool:
        values = {"hs_object_id": row[0], "hs_lastmodifieddate": row[1]}
        for item in body["filterGroups"][0]["filters"]:
            value, bound = values[item["propertyName"]], int(item["value"])
            operator = item["operator"]
            if operator == "GTE" and not value >= bound:
                return False
            if operator == "LTE" and not value <= bound:
                return False
            if operator == "EQ" and value != bound:
                return False
            if operator == "GT" and not value > bound:
                return False
        return True


def live_only(companies: list[dict[str, Any]]) -> Any:
    """Answer listings with ``companies``, and the recycle bin with none."""

    def reply(request: Any) -> tuple[int, dict[str, str], str]:
        archived = "archived=true" in request.url
        return 200, {}, json.dumps(page_json([] if archived else companies))

    return reply


def run_incremental(
    rows: list[tuple[int, int]], cursor: int, **settings: Any
) -> tuple[list[str], SearchSimulator, list[dict[str, Any]], str | None]:
    """Pull incrementally over simulated rows; return ids, simulator, events, cursor."""
    from tests.connectors.hubspot.support import make_settings

    simulator = SearchSimulator(rows)
    connector, _ = make_connector(make_settings(**settings), now_ms=NOW_MS)
    with mock_api() as mocked, capture_logs() as events:
        mocked.add_callback(responses.POST, SEARCH, callback=simulator)
        mocked.get(COMPANIES, json=page_json([]))
        ids = [record.ref.id for record in connector.pull(str(cursor))]
    return ids, simulator, events, connector.next_cursor()


def test_incremental_window_runs_from_lookback_to_horizon() -> None:
    """The search covers the cursor minus lookback up to now minus the horizon."""
    cursor = NOW_MS - 3_600_000
    rows = [
        (1, cursor - 1_000),
        (2, cursor + 10),
        (3, NOW_MS - 60_000),
        (4, NOW_MS - 10_000),
    ]

    ids, simulator, _, next_cursor = run_incremental(
        rows, cursor, search_lookback_seconds=300, search_horizon_seconds=30
    )

    assert ids == ["1", "2", "3"]
    filters = simulator.bodies[0]["filterGroups"][0]["filters"]
    assert {f["operator"]: int(f["value"]) for f in filters} == {
        "GTE": cursor - 300_000,
        "LTE": NOW_MS - 30_000,
    }
    assert simulator.bodies[0]["sorts"] == [
        {"propertyName": "hs_lastmodifieddate", "direction": "ASCENDING"}
    ]
    assert simulator.bodies[0]["limit"] == 200
    assert next_cursor == str(NOW_MS - 30_000)


def test_incremental_pages_past_one_page_each_company_once() -> None:
    """A window of many pages is read to its end, each company yielded once."""
    cursor = NOW_MS - 3_600_000
    rows = [(i, cursor + i // 3) for i in range(1, 1_001)]

    ids, simulator, _, _ = run_incremental(rows, cursor)

    assert sorted(map(int, ids)) == list(range(1, 1_001))
    assert len(ids) == len(set(ids))
    assert len(simulator.bodies) <= 6


def test_incremental_lists_the_account_when_most_of_it_changed() -> None:
    """After a bulk edit of most companies, a listing replaces the searches."""
    cursor = NOW_MS - 3_600_000
    rows = [(i, cursor + i) for i in range(1, 3_001)]
    simulator = SearchSimulator(rows, live=3_200)
    listed = [company_json(str(i), modified_ms=cursor + i) for i in range(1, 3_201)]
    connector, _ = make_connector()

    with mock_api() as mocked, capture_logs() as events:
        mocked.add_callback(responses.POST, SEARCH, callback=simulator)
        mocked.add_callback(responses.GET, COMPANIES, callback=live_only(listed))
        ids = [record.ref.id for record in connector.pull(str(cursor))]

    assert len(ids) == len(set(ids)) == 3_200
    assert connector.is_complete()
    assert len(simulator.bodies) == 2
    [planned] = [e for e in events if e["event"] == "hubspot.incremental_read_planned"]
    assert (planned["changed"], planned["live"], planned["read"]) == (
        3_000,
        3_200,
        "listing",
    )


def test_incremental_searches_when_few_of_many_companies_changed() -> None:
    """A change of a few thousand among a million companies is searched."""
    cursor = NOW_MS - 3_600_000
    rows = [(i, cursor + i) for i in range(1, 3_001)]

    ids, simulator, events, _ = run_incremental(rows, cursor)

    assert len(ids) == 3_000
    [planned] = [e for e in events if e["event"] == "hubspot.incremental_read_planned"]
    assert planned["read"] == "search"
    assert len(simulator.bodies) == 2 + 3_000 // 200


def test_incremental_window_over_cap_is_split_and_pinned() -> None:
    """A window over 10,000 matches is halved; a bulk-edited instant is pinned."""
    cursor = NOW_MS - 3_600_000
    bulk_edit = cursor + 1_000
    spread = [(i, cursor + 10 * i) for i in range(1, 9_001)]
    pinned = [(i, bulk_edit) for i in range(20_001, 30_501)]
    rows = spread + pinned

    ids, simulator, events, _ = run_incremental(rows, cursor)

    assert sorted(map(int, ids)) == sorted(row[0] for row in rows)
    assert len(ids) == len(set(ids))
    names = [event["event"] for event in events]
    assert "hubspot.search_window_split" in names
    assert "hubspot.search_timestamp_pinned" in names
    assert all(int(body.get("after") or 0) < SEARCH_CAP for body in simulator.bodies)
    pinned_bodies = [
        body
        for body in simulator.bodies
        if body.get("sorts", [{}])[0].get("propertyName") == "hs_object_id"
    ]
    assert len(pinned_bodies) >= 10_500 // 200


def test_incremental_counts_searches_apart() -> None:
    """Search calls are counted under their own kind."""
    cursor = NOW_MS - 60_000
    simulator = SearchSimulator([(1, cursor)])
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(responses.POST, SEARCH, callback=simulator)
        mocked.get(COMPANIES, json=page_json([]))
        list(connector.pull(str(cursor)))

    assert connector.stats.snapshot()["by_kind"] == {"list": 1, "search": 1}


def test_incremental_yields_recent_archived_companies_only() -> None:
    """Companies archived since the window's start are yielded as archived."""
    cursor = NOW_MS - 60_000
    old = company_json("5", archived=True, modified_ms=cursor - 3_600_000)
    recent = company_json("6", archived=True, modified_ms=cursor + 1)
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(responses.POST, SEARCH, callback=SearchSimulator([]))
        mocked.get(COMPANIES, json=page_json([old, recent]))
        records = list(connector.pull(str(cursor)))

    assert [(record.ref.id, record.archived) for record in records] == [("6", True)]
