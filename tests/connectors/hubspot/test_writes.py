"""Batch writes: update by id, upsert by partner id, 207 errors, isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
import responses
from structlog.testing import capture_logs

from connectors.base import CompanyWrite
from connectors.errors import FatalAPIError
from tests.connectors.hubspot.support import (
    COMPANIES,
    company_json,
    make_connector,
    mock_api,
)

UPSERT = f"{COMPANIES}/batch/upsert"
UPDATE = f"{COMPANIES}/batch/update"


def upsert_echo(request: Any) -> tuple[int, dict[str, str], str]:
    """Answer an upsert: partner ids starting with ``new`` are created."""
    inputs = json.loads(request.body)["inputs"]
    results = []
    for number, item in enumerate(inputs):
        result = company_json(f"{7000 + number}", sidos_partner_id=item["id"])
        result["new"] = item["id"].startswith("new")
        result["objectWriteTraceId"] = item["objectWriteTraceId"]
        results.append(result)
    return 200, {}, json.dumps({"status": "COMPLETE", "results": results})


def test_write_upserts_by_partner_id_with_trace_ids() -> None:
    """A write without company id is upserted on the unique partner-id property."""
    writes = [
        CompanyWrite("p:new-1", {"name": "Uusi Oy"}, partner_id="new-1"),
        CompanyWrite("p:old-2", {"name": "Vanha Oy"}, partner_id="old-2"),
    ]
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(responses.POST, UPSERT, callback=upsert_echo)
        result = connector.write_companies(writes)
        sent = json.loads(mocked.calls[0].request.body)["inputs"]

    assert sent[0] == {
        "id": "new-1",
        "idProperty": "sidos_partner_id",
        "properties": {"name": "Uusi Oy", "sidos_partner_id": "new-1"},
        "objectWriteTraceId": "p:new-1",
    }
    assert result.written == {"p:new-1": "7000", "p:old-2": "7001"}
    assert result.created == {"p:new-1"}
    assert result.failed == {}


def test_write_batches_of_one_hundred() -> None:
    """Writes go 100 to a call, updates and upserts apart."""
    writes = [
        CompanyWrite(f"u{i}", {"name": "x"}, company_id=str(i)) for i in range(150)
    ]
    writes += [
        CompanyWrite(f"p{i}", {"name": "y"}, partner_id=f"new{i}") for i in range(50)
    ]
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(responses.POST, UPSERT, callback=upsert_echo)
        mocked.add_callback(responses.POST, UPDATE, callback=update_with_errors(set()))
        result = connector.write_companies(writes)

    assert connector.stats.snapshot()["by_kind"] == {
        "batch_update": 2,
        "batch_upsert": 1,
    }
    assert len(result.written) == 200


def update_with_errors(bad: set[str]) -> Any:
    """Return an update callback that fails the inputs whose ids are in ``bad``."""

    def answer(request: Any) -> tuple[int, dict[str, str], str]:
        inputs = json.loads(request.body)["inputs"]
        results, errors = [], []
        for item in inputs:
            if item["id"] in bad:
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": "Property values were not valid: jane@example.com",
                        "context": {"objectWriteTraceId": [item["objectWriteTraceId"]]},
                    }
                )
            else:
                results.append(company_json(item["id"]))
        status = 207 if errors else 200
        return status, {}, json.dumps({"results": results, "errors": errors})

    return answer


def test_write_207_item_errors_map_back_to_keys() -> None:
    """Per-item errors of a 207 fail only their own keys, with category and text."""
    writes = [CompanyWrite(f"k{i}", {"name": "n"}, company_id=str(i)) for i in range(5)]
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(responses.POST, UPDATE, callback=update_with_errors({"3"}))
        result = connector.write_companies(writes)

    assert set(result.written) == {"k0", "k1", "k2", "k4"}
    assert result.written["k1"] == "1"
    assert list(result.failed) == ["k3"]
    assert result.failed["k3"].startswith("VALIDATION_ERROR: Property values")
    assert "jane@example.com" not in result.failed["k3"]


def test_write_whole_batch_400_is_isolated_to_the_bad_item() -> None:
    """A batch refused as a whole is split until the one bad input fails alone."""
    writes = [CompanyWrite(f"k{i}", {"name": "n"}, company_id=str(i)) for i in range(8)]

    def refuse_batches_with_five(request: Any) -> tuple[int, dict[str, str], str]:
        inputs = json.loads(request.body)["inputs"]
        if any(item["id"] == "5" for item in inputs):
            body = {"status": "error", "category": "VALIDATION_ERROR", "message": "bad"}
            return 400, {}, json.dumps(body)
        results = [company_json(item["id"]) for item in inputs]
        return 200, {}, json.dumps({"results": results})

    connector, _ = make_connector()

    with mock_api() as mocked, capture_logs() as events:
        mocked.add_callback(responses.POST, UPDATE, callback=refuse_batches_with_five)
        result = connector.write_companies(writes)

    assert set(result.written) == {f"k{i}" for i in range(8)} - {"k5"}
    assert list(result.failed) == ["k5"]
    assert "VALIDATION_ERROR" in result.failed["k5"]
    assert any(event["event"] == "hubspot.batch_isolating" for event in events)


def test_write_unauthorised_batch_is_raised_not_isolated() -> None:
    """A 401 is the account's problem, not an item's: it is raised at once."""
    writes = [CompanyWrite(f"k{i}", {}, company_id=str(i)) for i in range(4)]
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.post(UPDATE, status=401, json={"category": "INVALID_AUTHENTICATION"})

        with pytest.raises(FatalAPIError, match="401"):
            connector.write_companies(writes)

        assert len(mocked.calls) == 1


def test_write_exhausted_retries_fail_the_batch_items() -> None:
    """A batch that stays unavailable is reported failed item by item, not lost."""
    writes = [
        CompanyWrite("a", {}, company_id="1"),
        CompanyWrite("b", {}, company_id="2"),
    ]
    connector, sleeps = make_connector()

    with mock_api() as mocked:
        mocked.post(UPDATE, status=503)
        result = connector.write_companies(writes)

    assert set(result.failed) == {"a", "b"}
    assert len(sleeps) == connector.settings.max_retries


def test_write_without_any_id_fails_that_item() -> None:
    """A write naming neither company nor partner is failed, not sent."""
    connector, _ = make_connector()

    with mock_api():
        result = connector.write_companies([CompanyWrite("orphan", {"name": "x"})])

    assert "orphan" in result.failed
    assert connector.stats.total == 0


def test_write_same_company_twice_goes_in_separate_batches() -> None:
    """Two writes to one company never share a batch, which HubSpot would refuse."""
    writes = [
        CompanyWrite("a", {}, company_id="1"),
        CompanyWrite("b", {}, company_id="1"),
    ]
    connector, _ = make_connector()

    with mock_api() as mocked:
        mocked.add_callback(responses.POST, UPDATE, callback=update_with_errors(set()))
        result = connector.write_companies(writes)

    assert result.written == {"a": "1", "b": "1"}
    assert connector.stats.total == 2
