"""ensure_schema: create only the missing group and properties, once."""

from __future__ import annotations

import json
from typing import Any

import responses

from connectors.hubspot.schema import (
    CATEGORY,
    OWN_PROPERTIES,
    PARTNER_ID,
    property_definitions,
)
from mappings.categories import CATEGORIES
from tests.connectors.hubspot.support import BASE_URL, make_connector, mock_api

PROPERTIES = f"{BASE_URL}/crm/v3/properties/companies"


def existing(names: set[str]) -> list[dict[str, Any]]:
    """Return sidos's definitions of ``names`` as HubSpot would read them back."""
    return [
        definition.to_body()
        for definition in property_definitions()
        if definition.name in names
    ]


def test_ensure_schema_on_empty_account_creates_group_and_all_properties() -> None:
    """An account without sidos's properties gets the group and all seven."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(f"{PROPERTIES}/batch/read", json={"results": []})
        mocked.post(f"{PROPERTIES}/groups", status=201, json={"name": "sidos"})
        mocked.post(f"{PROPERTIES}/batch/create", status=201, json={"results": []})
        connector.ensure_schema()
        created = json.loads(mocked.calls[2].request.body)["inputs"]
        group = json.loads(mocked.calls[1].request.body)

    assert group["name"] == "sidos"
    assert group["label"] == "sidos partners"
    assert [item["name"] for item in created] == list(OWN_PROPERTIES)
    partner_id = created[0]
    assert partner_id["name"] == PARTNER_ID
    assert partner_id["hasUniqueValue"] is True
    category = next(item for item in created if item["name"] == CATEGORY)
    assert category["fieldType"] == "select"
    assert [o["value"] for o in category["options"]] == [c.id for c in CATEGORIES]
    assert category["options"][0]["label"] == f"{CATEGORIES[0].fi} / {CATEGORIES[0].en}"


def test_ensure_schema_when_complete_only_reads() -> None:
    """A second run finds everything in place and makes only the read."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(
            f"{PROPERTIES}/batch/read", json={"results": existing(set(OWN_PROPERTIES))}
        )
        connector.ensure_schema()

    assert connector.stats.snapshot()["by_kind"] == {"properties": 1}


def test_ensure_schema_creates_only_missing_and_accepts_existing_group() -> None:
    """Only the missing properties are created; a 409 on the group means it exists."""
    present = set(OWN_PROPERTIES) - {"sidos_units", "sidos_strategic"}
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(
            f"{PROPERTIES}/batch/read",
            status=207,
            json={
                "results": existing(present),
                "errors": [{"category": "OBJECT_NOT_FOUND", "message": "missing"}],
            },
        )
        mocked.post(f"{PROPERTIES}/groups", status=409, json={"category": "CONFLICT"})
        mocked.post(f"{PROPERTIES}/batch/create", status=201, json={"results": []})
        connector.ensure_schema()
        created = json.loads(mocked.calls[2].request.body)["inputs"]

    assert [item["name"] for item in created] == ["sidos_units", "sidos_strategic"]


def test_ensure_schema_adds_missing_category_options_keeping_others() -> None:
    """An enumeration lacking a category gets it added; options people made stay."""
    definitions = existing(set(OWN_PROPERTIES))
    category = next(item for item in definitions if item["name"] == CATEGORY)
    category["options"] = [{"label": "Oma", "value": "own_option"}]
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(f"{PROPERTIES}/batch/read", json={"results": definitions})
        mocked.patch(f"{PROPERTIES}/{CATEGORY}", json=category)
        connector.ensure_schema()
        patched = json.loads(mocked.calls[1].request.body)["options"]

    values = [option["value"] for option in patched]
    assert values[0] == "own_option"
    assert set(values) == {"own_option"} | {c.id for c in CATEGORIES}


def test_ensure_schema_create_conflict_items_count_as_done() -> None:
    """Properties another run created meanwhile (409 items) are not an error."""
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(f"{PROPERTIES}/batch/read", json={"results": []})
        mocked.post(f"{PROPERTIES}/groups", status=201, json={})
        mocked.add(
            responses.POST,
            f"{PROPERTIES}/batch/create",
            status=207,
            json={"results": [], "errors": [{"category": "CONFLICT", "message": "x"}]},
        )
        connector.ensure_schema()

    assert connector.stats.total == 3
