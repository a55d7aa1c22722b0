"""Batch reads with merged ids, owners, merges and the events they leave."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from responses import matchers
from structlog.testing import capture_logs

from connectors.base import CompanyWrite, Owner
from connectors.errors import RetriableAPIError
from tests.connectors.hubspot.support import (
    BASE_URL,
    COMPANIES,
    TOKEN,
    company_json,
    make_connector,
    mock_api,
    page_json,
)

OWNERS = f"{BASE_URL}/crm/v3/owners"


def read_with_merge(request: Any) -> tuple[int, dict[str, str], str]:
    """Answer a batch read in which id 2 was merged into the new company 99."""
    ids = [item["id"] for item in json.loads(request.body)["inputs"]]
    results = [company_json(i) for i in ids if i not in {"2", "404"}]
    if "2" in ids:
        results.append(company_json("99", hs_merged_object_ids="2;3"))
    errors = [{"category": "OBJECT_NOT_FOUND", "context": {"ids": ["404"]}}]
    return 207, {}, json.dumps({"results": results, "errors": errors})


def test_fetch_companies_resolves_merged_ids() -> None:
    """A merged-away id comes back as the survivor, and the remap is remembered."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(
            responses.POST, f"{COMPANIES}/batch/read", callback=read_with_merge
        )
        found = connector.fetch_companies(["1", "2", "404"])

    assert {key: record.ref.id for key, record in found.items()} == {
        "1": "1",
        "2": "99",
    }
    assert connector.merged_ids == {"2": "99"}
    assert found["2"].fields["hs_merged_object_ids"] == "2;3"


def test_fetch_companies_reads_one_hundred_per_call() -> None:
    """Ids are read in batches of 100."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(
            responses.POST, f"{COMPANIES}/batch/read", callback=read_with_merge
        )
        connector.fetch_companies([str(i) for i in range(1000, 1250)])

    assert connector.stats.snapshot()["by_kind"] == {"batch_read": 3}


def owner_json(owner_id: str, *, archived: bool) -> dict[str, Any]:
    """Return an owner as HubSpot lists it."""
    return {
        "id": owner_id,
        "email": f"kam{owner_id}@uas.example",
        "firstName": "Kaija",
        "lastName": "Koo",
        "userId": 1,
        "teams": [{"id": "1", "name": "Tekniikka", "primary": True}],
        "archived": archived,
    }


def test_pull_owners_reads_active_then_archived_pages() -> None:
    """Owners are paged, active ones first, then the deactivated ones."""
    connector, _ = make_connector()
    active = matchers.query_param_matcher({"archived": "false"}, strict_match=False)
    second = matchers.query_param_matcher({"after": "a2"}, strict_match=False)
    gone = matchers.query_param_matcher({"archived": "true"}, strict_match=False)

    with mock_api() as mocked:
        mocked.get(
            OWNERS, json=page_json([owner_json("2", archived=False)]), match=[second]
        )
        mocked.get(
            OWNERS,
            json=page_json([owner_json("1", archived=False)], "a2"),
            match=[active],
        )
        mocked.get(
            OWNERS, json=page_json([owner_json("3", archived=True)]), match=[gone]
        )
        owners = connector.pull_owners()

    assert [owner.id for owner in owners] == ["1", "2", "3"]
    assert owners[0] == Owner(
        "1", "kam1@uas.example", "Kaija", "Koo", ("Tekniikka",), False
    )
    assert owners[2].archived is True


def test_merge_companies_returns_the_new_id() -> None:
    """A merge answers the merged company under its new id."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(f"{COMPANIES}/merge", json=company_json("555"))
        new_id = connector.merge_companies("1", "2")
        sent = json.loads(mocked.calls[0].request.body)

    assert new_id == "555"
    assert sent == {"primaryObjectId": "1", "objectIdToMerge": "2"}
    assert connector.merged_ids == {"1": "555", "2": "555"}


def test_merge_companies_is_not_repeated_after_a_server_error() -> None:
    """A merge the server may have done is never sent twice."""
    connector, sleeps = make_connector()

    with mock_api() as mocked:
        mocked.post(f"{COMPANIES}/merge", status=500)

        with pytest.raises(RetriableAPIError):
            connector.merge_companies("1", "2")

    assert connector.stats.snapshot()["by_kind"] == {"merge": 1}
    assert sleeps == []


def test_events_never_contain_the_token() -> None:
    """No event of a pull, a write and a failed call carries the token."""
    connector, _ = make_connector()

    with mock_api() as mocked, capture_logs() as events:
        mocked.get(COMPANIES, json=page_json([company_json("1")]))
        mocked.post(f"{COMPANIES}/batch/upsert", status=503)
        list(connector.pull())
        connector.write_companies([CompanyWrite("k", {}, partner_id="p")])
        headers = mocked.calls[0].request.headers["Authorization"]

    assert headers == f"Bearer {TOKEN}"
    assert events
    assert TOKEN not in json.dumps(events, default=str)
    assert "pat-na1" not in json.dumps(events, default=str)
