"""Helpers shared by the HubSpot connector tests: settings, a connector, JSON."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import responses
from pydantic import SecretStr
from responses.registries import OrderedRegistry

from connectors.http import RollingWindowLimiter, Window
from connectors.hubspot import HubSpotConnector
from sync.settings import CRMSettings

BASE_URL = "https://api.hubapi.test"
TOKEN = "pat-na1-0000-test-secret-token"
COMPANIES = f"{BASE_URL}/crm/v3/objects/companies"
NOW_MS = 1_750_000_000_000


def make_settings(**overrides: Any) -> CRMSettings:
    """Return CRM settings pointing at the mocked API, with a token."""
    values: dict[str, Any] = {"base_url": BASE_URL, "token": SecretStr(TOKEN)}
    return CRMSettings(**{**values, **overrides})


def roomy_limiter() -> RollingWindowLimiter:
    """Return a limiter that never makes a test wait."""
    return RollingWindowLimiter(Window(100_000, 1.0), search=Window(100_000, 1.0))


def make_connector(
    settings: CRMSettings | None = None, *, now_ms: int = NOW_MS
) -> tuple[HubSpotConnector, list[float]]:
    """Return a connector whose sleeps are recorded instead of slept."""
    sleeps: list[float] = []
    connector = HubSpotConnector(
        settings or make_settings(),
        limiter=roomy_limiter(),
        sleep=sleeps.append,
        clock=lambda: now_ms / 1000,
    )
    return connector, sleeps


def mock_api(*, ordered: bool = False) -> responses.RequestsMock:
    """Return a responses mock, ordered where the sequence of answers matters."""
    if ordered:
        return responses.RequestsMock(registry=OrderedRegistry)
    return responses.RequestsMock(assert_all_requests_are_fired=False)


def iso(epoch_ms: int) -> str:
    """Return epoch milliseconds as HubSpot writes times."""
    moment = datetime.fromtimestamp(epoch_ms / 1000, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{epoch_ms % 1000:03d}Z"


def company_json(
    company_id: str, *, modified_ms: int = NOW_MS, archived: bool = False, **props: str
) -> dict[str, Any]:
    """Return a company as HubSpot answers it."""
    body: dict[str, Any] = {
        "id": company_id,
        "properties": {
            "hs_object_id": company_id,
            "hs_lastmodifieddate": iso(modified_ms),
            **props,
        },
        "createdAt": iso(modified_ms),
        "updatedAt": iso(modified_ms),
        "archived": archived,
    }
    if archived:
        body["archivedAt"] = iso(modified_ms)
    return body


def page_json(
    results: list[dict[str, Any]], after: str | None = None
) -> dict[str, Any]:
    """Return a page of a listing."""
    body: dict[str, Any] = {"results": results}
    if after is not None:
        body["paging"] = {"next": {"after": after, "link": "?after=" + after}}
    return body


def query_of(call: Any) -> dict[str, list[str]]:
    """Return the query parameters a recorded call sent."""
    from urllib.parse import parse_qs, urlsplit

    return parse_qs(urlsplit(call.request.url).query)


JSONCallback = Callable[[Any], tuple[int, dict[str, str], str]]
