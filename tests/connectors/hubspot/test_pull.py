"""Full pulls: paging to the end, archived companies, the cursor, the properties."""

from __future__ import annotations

from typing import Any

import pytest
import responses
from responses import matchers
from structlog.testing import capture_logs

from connectors.errors import FatalAPIError
from connectors.hubspot import HubSpotConnector
from connectors.hubspot.schema import OWN_PROPERTIES
from sync.settings import CRMSettings
from tests.connectors.hubspot.support import (
    COMPANIES,
    NOW_MS,
    company_json,
    make_connector,
    mock_api,
    page_json,
    query_of,
)


def add_listing(
    mocked: responses.RequestsMock, pages: list[list[dict[str, Any]]], *, archived: bool
) -> None:
    """Register the pages of a listing, each answering its own ``after``."""
    for number, results in enumerate(pages):
        params = {"archived": str(archived).lower()}
        if number:
            params["after"] = str(number)
        after = str(number + 1) if number + 1 < len(pages) else None
        mocked.get(
            COMPANIES,
            json=page_json(results, after),
            match=[matchers.query_param_matcher(params, strict_match=False)],
        )


def test_pull_all_pages_to_exhaustion_then_archived() -> None:
    """Every page is read, then the recycle bin, each company yielded once."""
    live = [
        [company_json(str(i)) for i in range(p * 100, p * 100 + 100)] for p in range(3)
    ]
    archived = [[company_json("900", archived=True, modified_ms=NOW_MS - 5)]]
    connector, _ = make_connector()

    with mock_api() as mocked:
        add_listing(mocked, live, archived=False)
        add_listing(mocked, archived, archived=True)
        records = list(connector.pull())

    assert len(records) == 301
    assert [record.archived for record in records].count(True) == 1
    assert records[-1].ref.id == "900"
    assert records[0].ref.source == "hubspot"
    assert connector.stats.snapshot()["by_kind"] == {"list": 4}


def test_pull_all_asks_for_mapped_own_and_system_properties() -> None:
    """The listing asks for the configured fields, own properties and system ones."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        add_listing(mocked, [[company_json("1")]], archived=False)
        add_listing(mocked, [[]], archived=True)
        list(connector.pull())
        asked = query_of(mocked.calls[0])

    assert asked["limit"] == ["100"]
    assert {"name", "y_tunnus", "hubspot_owner_id"} <= set(asked["properties"])
    assert set(OWN_PROPERTIES) <= set(asked["properties"])
    assert {"hs_lastmodifieddate", "hs_merged_object_ids", "createdate"} <= set(
        asked["properties"]
    )


def test_pull_all_sets_cursor_to_newest_change_once_exhausted() -> None:
    """The cursor is the newest change seen, set only after the last record."""
    companies = [company_json("1", modified_ms=NOW_MS - 9_000), company_json("2")]
    connector, _ = make_connector(now_ms=NOW_MS + 60_000)

    with mock_api() as mocked:
        add_listing(mocked, [companies], archived=False)
        add_listing(mocked, [[]], archived=True)
        pulled = connector.pull()
        next(pulled)
        cursor_midway = connector.next_cursor()
        list(pulled)

    assert cursor_midway is None
    assert connector.next_cursor() == str(NOW_MS)


def test_pull_record_holds_properties_and_modified_time() -> None:
    """A record's fields are the company's properties; its time is the last change."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        add_listing(mocked, [[company_json("7", name="Kuusi Oy")]], archived=False)
        add_listing(mocked, [[]], archived=True)
        record = next(iter(connector.pull()))

    assert record.fields["name"] == "Kuusi Oy"
    assert record.modified_at is not None
    assert int(record.modified_at.timestamp() * 1000) == NOW_MS


def test_pull_events_report_each_page() -> None:
    """Each page read emits one ``hubspot.page_read`` with its size and timing."""
    connector, _ = make_connector()

    with mock_api() as mocked, capture_logs() as events:
        add_listing(mocked, [[company_json("1")], [company_json("2")]], archived=False)
        add_listing(mocked, [[]], archived=True)
        list(connector.pull())

    pages = [event for event in events if event["event"] == "hubspot.page_read"]
    assert [(event["page"], event["records"]) for event in pages] == [
        (1, 1),
        (2, 1),
        (1, 0),
    ]
    assert all("duration_ms" in event for event in pages)


def test_connector_without_token_says_which_variable_to_set() -> None:
    """A missing token is refused with the environment variable to set."""
    settings = CRMSettings(base_url="https://api.hubapi.test")

    with pytest.raises(FatalAPIError, match="SIDOS_CRM__TOKEN"):
        HubSpotConnector(settings)
