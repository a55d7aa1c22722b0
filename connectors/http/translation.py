"""Turn HTTP answers and transport failures into sidos's error classes, in one place.

Retriable: 429 (except the daily quota), 423, 477, every 5xx (502–504, 521, 523 and
524 included), timeouts, dropped connections and a 2xx whose body is not JSON.
Fatal: every other 4xx. Messages carry the status, HubSpot's ``category`` and a short,
masked excerpt of its message; never the body, a query string or a token.
"""

from __future__ import annotations

import email.utils
import time
from dataclasses import dataclass
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from connectors.errors import APIError, FatalAPIError, RetriableAPIError
from connectors.redaction import shorten_message

RETRIABLE_STATUSES = frozenset({423, 429, 477})

# What to do about a fatal status, said in the error so the reader need not look it up.
_HINTS = {
    401: "Check SIDOS_CRM__TOKEN: the token is missing, expired or revoked.",
    403: "Give the app the scope this call needs (crm.objects.companies.read/write, "
    "crm.schemas.companies.write, crm.objects.owners.read).",
    414: "Ask for fewer properties in crm.fields.",
}


@dataclass(frozen=True, slots=True)
class Reply:
    """A successful answer: its status and its parsed JSON body (``None`` for 204)."""

    status: int
    body: Any


class RateLimitedError(RetriableAPIError):
    """Raised for a 429; ``policy`` names HubSpot's limit that was hit, if it said."""

    def __init__(
        self,
        message: str,
        *,
        policy: str = "",
        retry_after: float | None = None,
        correlation_id: str = "",
    ) -> None:
        self.policy = policy
        super().__init__(
            message,
            status=429,
            retry_after=retry_after,
            correlation_id=correlation_id,
            category="RATE_LIMITS",
        )


class NotSentError(RetriableAPIError):
    """Raised when the connection could not be opened, so the server saw nothing."""


def is_retriable_status(status: int) -> bool:
    """Tell whether an HTTP status is worth the same request again.

    Args:
        status: the HTTP status code.

    Returns:
        True for 423, 429, 477 and every 5xx.
    """
    return status in RETRIABLE_STATUSES or 500 <= status <= 599


def check_response(response: requests.Response, *, method: str, endpoint: str) -> Reply:
    """Return the parsed answer of a successful call, or raise what the caller must do.

    Args:
        response: the answer received.
        method: the HTTP method, for the message.
        endpoint: the URL path, without query, for the message.

    Returns:
        The status and parsed body of a 2xx answer.

    Raises:
        RetriableAPIError: a retriable status, or a 2xx body that is not JSON.
        FatalAPIError: any other status, or a 429 for the exhausted daily quota.
    """
    status = response.status_code
    if 200 <= status <= 299:
        return _parse_success(response, method=method, endpoint=endpoint)

    fields = _error_fields(response)
    where = f"{method} {endpoint}"
    if status == 429:
        raise _rate_limit_error(response, fields, where=where)
    if is_retriable_status(status):
        raise RetriableAPIError(
            f"{where} answered {status}; it will be tried again",
            status=status,
            retry_after=parse_retry_after(response.headers.get("Retry-After")),
            correlation_id=fields.correlation_id,
            category=fields.category,
        )
    raise _fatal_error(status, fields, where=where)


def translate_exception(
    exc: requests.RequestException, *, method: str, endpoint: str
) -> APIError:
    """Map a requests failure to a retriable or fatal error, without its URL.

    Args:
        exc: what requests raised.
        method: the HTTP method, for the message.
        endpoint: the URL path, without query, for the message.

    Returns:
        The error to raise ``from exc``.
    """
    where = f"{method} {endpoint}"
    kind = type(exc).__name__
    if isinstance(exc, requests.ConnectTimeout) or _is_refused(exc):
        return NotSentError(f"{where} could not connect ({kind}); it will be retried")
    if isinstance(exc, requests.Timeout | requests.ConnectionError):
        return RetriableAPIError(f"{where} failed in transit ({kind}); will retry")
    return FatalAPIError(
        f"{where} could not be sent ({kind}); check crm.base_url in the config"
    )


def parse_retry_after(value: str | None) -> float | None:
    """Read a ``Retry-After`` header given in seconds or as an HTTP date.

    Args:
        value: the header's value, if present.

    Returns:
        Seconds to wait, never negative, or ``None`` when absent or unreadable.
    """
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, moment.timestamp() - time.time())


@dataclass(frozen=True, slots=True)
class _ErrorFields:
    category: str = ""
    message: str = ""
    correlation_id: str = ""
    policy: str = ""


def _parse_success(response: requests.Response, *, method: str, endpoint: str) -> Reply:
    if response.status_code == 204:
        return Reply(204, None)
    try:
        return Reply(response.status_code, response.json())
    except ValueError:
        raise RetriableAPIError(
            f"{method} {endpoint} answered {response.status_code} with a body that "
            "is not JSON; it will be tried again",
            status=response.status_code,
        ) from None


def _error_fields(response: requests.Response) -> _ErrorFields:
    try:
        body = response.json()
    except ValueError:
        return _ErrorFields()
    if not isinstance(body, dict):
        return _ErrorFields()
    return _ErrorFields(
        category=str(body.get("category") or body.get("errorType") or ""),
        message=shorten_message(str(body.get("message") or "")),
        correlation_id=str(body.get("correlationId") or ""),
        policy=str(body.get("policyName") or ""),
    )


def _rate_limit_error(
    response: requests.Response, fields: _ErrorFields, *, where: str
) -> APIError:
    if fields.policy == "DAILY":
        return FatalAPIError(
            f"{where} answered 429: the account's daily API quota is used up. Run "
            "again after midnight in the HubSpot account's time zone",
            status=429,
            correlation_id=fields.correlation_id,
            category="RATE_LIMITS",
        )
    return RateLimitedError(
        f"{where} answered 429 ({fields.policy or 'rate limit'}); will wait and retry",
        policy=fields.policy,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
        correlation_id=fields.correlation_id,
    )


def _fatal_error(status: int, fields: _ErrorFields, *, where: str) -> FatalAPIError:
    text = f"{where} failed with {status}"
    if fields.category:
        text += f" {fields.category}"
    if fields.message:
        text += f": {fields.message}"
    hint = _HINTS.get(status)
    if hint:
        text += f". {hint}"
    return FatalAPIError(
        text,
        status=status,
        correlation_id=fields.correlation_id,
        category=fields.category,
    )


def _is_refused(exc: requests.RequestException) -> bool:
    # requests wraps urllib3's MaxRetryError, whose reason tells a refused or
    # unresolvable connection (nothing sent) from one dropped mid-answer.
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(
        reason, NewConnectionError
    )
