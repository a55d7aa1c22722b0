"""The sandbox's gates: the bearer token, the rolling rate limit, faults and stats."""

from __future__ import annotations

import contextlib
import json

import pytest
import requests

from connectors.hubspot.sandbox import SandboxServer
from tests.connectors.hubspot.sandbox_client import COMPANIES, TOKEN, SandboxClient

PARTNER_ID = "sidos_partner_id"


def test_request_without_token_is_refused_with_invalid_authentication() -> None:
    """A missing or wrong bearer token answers 401 INVALID_AUTHENTICATION."""
    with SandboxServer(seed=0, token=TOKEN) as server:
        missing = SandboxClient(server, token=None).get(COMPANIES)
        wrong = SandboxClient(server, token="wrong").get(COMPANIES)
        right = SandboxClient(server).get(COMPANIES)

    body = missing.json()
    assert (missing.status_code, wrong.status_code, right.status_code) == (
        401,
        401,
        200,
    )
    assert body["category"] == "INVALID_AUTHENTICATION"
    assert body["message"].startswith("Authentication credentials not found")
    assert body["status"] == "error" and body["correlationId"]


def test_rate_limit_over_window_gets_429_ten_secondly_without_retry_after() -> None:
    """Past the rolling limit HubSpot's 429 body comes back, with no Retry-After."""
    with SandboxServer(seed=0, token=TOKEN, rate_limit=(3, 10.0)) as server:
        client = SandboxClient(server)

        replies = [client.get(COMPANIES) for _ in range(4)]
        stats = client.get("/_sandbox/stats").json()

    throttled = replies[3]
    assert [r.status_code for r in replies] == [200, 200, 200, 429]
    assert (
        throttled.json()["message"]
        == "You have reached your ten_secondly_rolling limit."
    )
    assert throttled.json()["policyName"] == "TEN_SECONDLY_ROLLING"
    assert throttled.json()["errorType"] == "RATE_LIMIT"
    assert "Retry-After" not in throttled.headers
    assert replies[0].headers["X-HubSpot-RateLimit-Max"] == "3"
    assert replies[0].headers["X-HubSpot-RateLimit-Remaining"] == "2"
    assert replies[0].headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    assert stats["throttled"] == {"TEN_SECONDLY_ROLLING": 1}


def test_rate_limit_counts_tokens_apart() -> None:
    """Each token has its own window."""
    with SandboxServer(seed=0, rate_limit=(1, 10.0)) as server:
        first = SandboxClient(server, token="a").get(COMPANIES)
        other = SandboxClient(server, token="b").get(COMPANIES)

    assert (first.status_code, other.status_code) == (200, 200)


def test_stats_endpoint_counts_calls_by_endpoint_and_skips_gates() -> None:
    """/_sandbox/stats needs no token and is never limited or faulted."""
    with SandboxServer(
        seed=0, token=TOKEN, rate_limit=(1, 10.0), faults=1.0, slow_seconds=0.01
    ) as server:
        for _ in range(3):
            with contextlib.suppress(requests.ConnectionError):
                SandboxClient(server).get(COMPANIES)

        reply = SandboxClient(server, token=None).get("/_sandbox/stats")

    stats = reply.json()
    assert reply.status_code == 200
    assert stats["calls"] == {"companies.list": 3}
    assert stats["faults_total"] == 3


def upsert_until_written(client: SandboxClient, partner: str, name: str) -> int:
    """Send one upsert until a well-formed reply says it worked; return tries."""
    item = {"id": partner, "idProperty": PARTNER_ID, "properties": {"name": name}}
    for attempt in range(1, 50):
        try:
            reply = client.post(f"{COMPANIES}/batch/upsert", {"inputs": [item]})
            if reply.status_code == 200 and reply.json()["results"]:
                return attempt
        except (requests.ConnectionError, json.JSONDecodeError):
            continue
    raise AssertionError(f"upsert of {partner} never succeeded")


@pytest.fixture
def faulty() -> SandboxServer:
    """Return a sandbox that misbehaves on a third of its calls, reproducibly."""
    server = SandboxServer(seed=0, faults=0.35, fault_seed=7, slow_seconds=0.01)
    server.store.registry.create(
        {
            "name": PARTNER_ID,
            "label": "Partner",
            "type": "string",
            "fieldType": "text",
            "groupName": "companyinformation",
            "hasUniqueValue": True,
        },
        0,
    )
    return server


def test_faults_at_a_seed_inject_every_kind_and_never_corrupt(
    faulty: SandboxServer,
) -> None:
    """Retried upserts through faults leave exactly one correct company each."""
    with faulty:
        client = SandboxClient(faulty)

        tries = [
            upsert_until_written(client, f"p-{n}", f"Yritys {n} Oy") for n in range(40)
        ]

    companies = faulty.store.active()
    names = {c.properties[PARTNER_ID]: c.properties["name"] for c in companies}
    assert len(companies) == 40
    assert names == {f"p-{n}": f"Yritys {n} Oy" for n in range(40)}
    assert sum(tries) > 40
    assert set(faulty.stats["faults"]) == {
        "storm",
        "server_error",
        "slow",
        "drop",
        "malformed",
    }


def test_faults_same_seed_inject_same_sequence() -> None:
    """Two sandboxes with one fault seed fail the same calls the same way."""
    runs = []
    for _ in range(2):
        with SandboxServer(
            seed=0, faults=0.5, fault_seed=3, slow_seconds=0.01
        ) as server:
            client = SandboxClient(server)
            statuses = []
            for _ in range(30):
                try:
                    statuses.append(client.get(COMPANIES).status_code)
                except requests.ConnectionError:
                    statuses.append(0)
            runs.append(statuses)

    assert runs[0] == runs[1]
    assert set(runs[0]) - {200}
