"""Redaction of secrets and personal data in URLs, messages and log events."""

from __future__ import annotations

import email.utils
import time

import pytest

from connectors.http.translation import is_retriable_status, parse_retry_after
from connectors.redaction import (
    endpoint_of,
    is_sensitive,
    redact_event,
    redact_mapping,
    sanitise_url,
    shorten_message,
)


@pytest.mark.parametrize(
    "key", ["Authorization", "access_token", "client-secret", "API_KEY", "hapikey"]
)
def test_is_sensitive_secret_names_are_recognised(key: str) -> None:
    """Secret key names are recognised whatever their case or separator."""
    assert is_sensitive(key)


def test_is_sensitive_ordinary_names_pass() -> None:
    """Ordinary field names are not masked."""
    assert not is_sensitive("name")
    assert not is_sensitive("endpoint")


def test_sanitise_url_drops_credentials_query_and_fragment() -> None:
    """Only scheme, host, port and path survive."""
    url = "https://user:pw@api.hubapi.com:443/crm/v3/owners?hapikey=abc&after=9#x"

    assert sanitise_url(url) == "https://api.hubapi.com:443/crm/v3/owners"
    assert endpoint_of(url) == "/crm/v3/owners"


def test_shorten_message_masks_people_and_tokens() -> None:
    """E-mail addresses, bearer tokens and URL queries are masked, then cut."""
    text = (
        "Contact jane.doe@example.com exists; sent Bearer pat-na1-abc-123 to "
        "https://api.hubapi.com/x?token=zzz " + "padding " * 40
    )

    short = shorten_message(text, limit=120)

    assert "jane.doe" not in short
    assert "pat-na1" not in short
    assert "token=zzz" not in short
    assert len(short) <= 120


def test_redact_mapping_masks_nested_secrets() -> None:
    """Sensitive values are masked at any depth, others kept."""
    data = {"headers": {"Authorization": "Bearer x"}, "status": 200}

    assert redact_mapping(data) == {"headers": {"Authorization": "***"}, "status": 200}


def test_redact_event_masks_a_token_inside_a_value() -> None:
    """A bearer token pasted into any event value is masked."""
    event = {"event": "x", "detail": "header was Bearer pat-na1-abc-def"}

    redacted = redact_event(None, "info", event)

    assert "pat-na1-abc-def" not in str(redacted)


def test_parse_retry_after_reads_seconds_and_dates() -> None:
    """Both forms of ``Retry-After`` are read; nonsense is ignored."""
    in_a_minute = email.utils.formatdate(time.time() + 60, usegmt=True)

    assert parse_retry_after("3") == 3.0
    assert 55 <= (parse_retry_after(in_a_minute) or 0) <= 61
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


@pytest.mark.parametrize("status", [423, 429, 477, 500, 502, 503, 504, 521, 523, 524])
def test_is_retriable_status_transient_statuses(status: int) -> None:
    """HubSpot's transient statuses are retried."""
    assert is_retriable_status(status)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 414])
def test_is_retriable_status_client_errors_are_not(status: int) -> None:
    """Client errors are not retried."""
    assert not is_retriable_status(status)
