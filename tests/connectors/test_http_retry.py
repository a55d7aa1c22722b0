"""The JSON client's retry policy, error translation and call accounting."""

from __future__ import annotations

import json

import pytest
import requests
import responses
from responses.registries import OrderedRegistry
from structlog.testing import capture_logs

from connectors.errors import FatalAPIError, RetriableAPIError
from connectors.http import (
    JSONClient,
    RetryPolicy,
    RollingWindowLimiter,
    Window,
    build_session,
)

BASE_URL = "https://api.example.test"
URL = f"{BASE_URL}/crm/v3/objects/companies"
PERSONAL = "Contact jane.doe@example.com at Kuusitie 5 already exists"


def make_client(max_retries: int = 6) -> tuple[JSONClient, list[float]]:
    """Return a client whose sleeps are recorded, with a limiter that never waits."""
    sleeps: list[float] = []
    client = JSONClient(
        BASE_URL,
        build_session(),
        limiter=RollingWindowLimiter(Window(10_000, 1.0)),
        retry=RetryPolicy(max_retries=max_retries, max_wait=60.0, window_seconds=10.0),
        timeout=5.0,
        sleep=sleeps.append,
    )
    return client, sleeps


def rate_limited(policy: str, **headers: str) -> responses.Response:
    """Return a 429 answer shaped like HubSpot's."""
    body = {
        "status": "error",
        "message": f"You have reached your {policy.lower()} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": "c0ffee",
        "policyName": policy,
    }
    return responses.Response("GET", URL, json=body, status=429, headers=headers)


@responses.activate(registry=OrderedRegistry)
def test_request_429_then_503_then_200_succeeds_with_call_counts() -> None:
    """A 429 and a 503 are waited out, and every attempt is counted."""
    responses.add(rate_limited("TEN_SECONDLY_ROLLING", **{"Retry-After": "1"}))
    responses.add("GET", URL, status=503)
    responses.add("GET", URL, json={"results": []}, status=200)
    client, sleeps = make_client()

    reply = client.get("/crm/v3/objects/companies", kind="list")

    assert reply.body == {"results": []}
    assert len(responses.calls) == 3
    assert len(sleeps) == 2
    assert client.stats.snapshot()["by_kind"] == {"list": 3}
    assert client.stats.rate_limited == 1
    assert client.stats.retries == 2


@responses.activate(registry=OrderedRegistry)
def test_request_429_with_retry_after_waits_that_long() -> None:
    """A 429 with ``Retry-After`` waits exactly the seconds the server gave."""
    responses.add(rate_limited("TEN_SECONDLY_ROLLING", **{"Retry-After": "7"}))
    responses.add("GET", URL, json={}, status=200)
    client, sleeps = make_client()

    client.get("/crm/v3/objects/companies", kind="list")

    assert sleeps == [7.0]


@pytest.mark.parametrize(
    ("policy", "expected"),
    [("TEN_SECONDLY_ROLLING", [10.0, 20.0]), ("SECONDLY", [1.0, 2.0])],
)
def test_request_429_without_retry_after_waits_by_policy(
    policy: str, expected: list[float]
) -> None:
    """Without ``Retry-After`` a 429 waits its policy's window times the attempt."""
    with responses.RequestsMock(registry=OrderedRegistry) as mocked:
        mocked.add(rate_limited(policy))
        mocked.add(rate_limited(policy))
        mocked.add("GET", URL, json={}, status=200)
        client, sleeps = make_client()

        client.get("/crm/v3/objects/companies", kind="list")

    assert sleeps == expected


@responses.activate(registry=OrderedRegistry)
def test_request_retry_after_above_cap_waits_the_cap() -> None:
    """A ``Retry-After`` longer than the cap waits only the cap."""
    responses.add(rate_limited("TEN_SECONDLY_ROLLING", **{"Retry-After": "3600"}))
    responses.add("GET", URL, json={}, status=200)
    client, sleeps = make_client()

    client.get("/crm/v3/objects/companies", kind="list")

    assert sleeps == [60.0]


@responses.activate
def test_request_5xx_exhausted_raises_retriable() -> None:
    """A server error that never clears is raised once the retries are used up."""
    responses.add("GET", URL, status=502)
    client, sleeps = make_client(max_retries=2)

    with pytest.raises(RetriableAPIError, match="answered 502") as caught:
        client.get("/crm/v3/objects/companies", kind="list")

    assert caught.value.status == 502
    assert len(responses.calls) == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize(
    "failure",
    [
        requests.exceptions.ReadTimeout("read timed out"),
        requests.exceptions.ConnectTimeout("connect timed out"),
        requests.exceptions.ConnectionError("connection reset by peer"),
    ],
)
def test_request_transport_failure_is_retried(failure: Exception) -> None:
    """Timeouts and dropped connections are retried, then the call succeeds."""
    with responses.RequestsMock(registry=OrderedRegistry) as mocked:
        mocked.add("GET", URL, body=failure)
        mocked.add("GET", URL, json={"ok": True}, status=200)
        client, sleeps = make_client()

        reply = client.get("/crm/v3/objects/companies", kind="list")

    assert reply.body == {"ok": True}
    assert len(sleeps) == 1


@responses.activate(registry=OrderedRegistry)
def test_request_malformed_200_is_retried() -> None:
    """A 200 whose body is not JSON is treated as a transient failure."""
    responses.add("GET", URL, body="<html>upstream hiccup", status=200)
    responses.add("GET", URL, json={"results": []}, status=200)
    client, sleeps = make_client()

    reply = client.get("/crm/v3/objects/companies", kind="list")

    assert reply.body == {"results": []}
    assert len(sleeps) == 1


@pytest.mark.parametrize(
    ("status", "category", "hint"),
    [
        (401, "INVALID_AUTHENTICATION", "SIDOS_CRM__TOKEN"),
        (403, "MISSING_SCOPES", "scope"),
        (400, "VALIDATION_ERROR", "VALIDATION_ERROR"),
    ],
)
def test_request_client_error_raises_fatal_without_body(
    status: int, category: str, hint: str
) -> None:
    """A 4xx is fatal at once, names status and category, and hides personal data."""
    body = {"status": "error", "category": category, "message": PERSONAL}
    with responses.RequestsMock() as mocked:
        mocked.add("GET", URL, json=body, status=status)
        client, sleeps = make_client()

        with pytest.raises(FatalAPIError, match=hint) as caught:
            client.get("/crm/v3/objects/companies", kind="list")

    assert caught.value.status == status
    assert caught.value.category == category
    assert "jane.doe@example.com" not in str(caught.value)
    assert sleeps == []


@responses.activate
def test_request_daily_quota_429_is_fatal() -> None:
    """A 429 for the daily quota is not retried: it lasts until midnight."""
    responses.add(rate_limited("DAILY"))
    client, sleeps = make_client()

    with pytest.raises(FatalAPIError, match="daily API quota"):
        client.get("/crm/v3/objects/companies", kind="list")

    assert sleeps == []


@responses.activate
def test_request_not_idempotent_is_not_repeated_after_503() -> None:
    """A call that must not run twice is not repeated after a server error."""
    responses.add("POST", f"{URL}/merge", status=503)
    client, sleeps = make_client()

    with pytest.raises(RetriableAPIError):
        client.post(
            "/crm/v3/objects/companies/merge", {}, kind="merge", idempotent=False
        )

    assert len(responses.calls) == 1
    assert sleeps == []


@responses.activate(registry=OrderedRegistry)
def test_request_not_idempotent_is_repeated_after_429() -> None:
    """A 429 means the server did nothing, so even a merge is tried again."""
    responses.add(
        "POST", f"{URL}/merge", status=429, json={"policyName": "TEN_SECONDLY_ROLLING"}
    )
    responses.add("POST", f"{URL}/merge", status=200, json={"id": "9"})
    client, _ = make_client()

    reply = client.post(
        "/crm/v3/objects/companies/merge", {}, kind="merge", idempotent=False
    )

    assert reply.body == {"id": "9"}


@responses.activate(registry=OrderedRegistry)
def test_retry_event_carries_attempt_status_wait_and_path_only() -> None:
    """Each scheduled retry emits one warning with the endpoint path and no query."""
    responses.add("GET", URL, status=504)
    responses.add("GET", URL, json={}, status=200)
    client, _ = make_client()

    with capture_logs() as events:
        client.get(
            "/crm/v3/objects/companies", kind="list", params={"after": "secret-ish"}
        )

    retries = [event for event in events if event["event"] == "http.retry_scheduled"]
    assert len(retries) == 1
    assert retries[0]["log_level"] == "warning"
    assert retries[0]["attempt"] == 1
    assert retries[0]["status"] == 504
    assert retries[0]["endpoint"] == "/crm/v3/objects/companies"
    assert retries[0]["wait_s"] > 0
    assert "secret-ish" not in json.dumps(events, default=str)
