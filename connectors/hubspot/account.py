"""The account a HubSpot connector talks to: its token, limiter and retry policy."""

from __future__ import annotations

from pydantic import SecretStr

from connectors.errors import FatalAPIError
from connectors.http import Limiter, RetryPolicy, Window, account_key, shared_limiter
from sync.settings import CRMSettings


def require_token(settings: CRMSettings) -> SecretStr:
    """Return the CRM token, or say how to provide it.

    Args:
        settings: the CRM settings.

    Returns:
        The token.

    Raises:
        FatalAPIError: no token is configured.
    """
    if settings.token is None or not settings.token.get_secret_value().strip():
        raise FatalAPIError(
            f"No HubSpot token is configured for CRM {settings.name!r}. Set the "
            "environment variable SIDOS_CRM__TOKEN to the private app or service "
            "key token (never in the YAML file)"
        )
    return settings.token


def retry_policy(settings: CRMSettings) -> RetryPolicy:
    """Return the retry policy the settings ask for.

    Args:
        settings: the CRM settings.

    Returns:
        The policy: retries, cap on one wait, and the rate-limit window.
    """
    return RetryPolicy(
        max_retries=settings.max_retries,
        max_wait=settings.retry_max_wait_seconds,
        window_seconds=settings.rate_limit.seconds,
    )


def account_limiter(settings: CRMSettings, token: SecretStr) -> Limiter:
    """Return the process-wide limiter of the account the settings point at.

    Args:
        settings: the CRM settings.
        token: the account's token, which names the account with the base URL.

    Returns:
        The limiter shared by every connector of this account in this process.
    """
    limit = settings.rate_limit
    window = Window.with_margin(limit.requests, limit.seconds, settings.rate_margin)
    return shared_limiter(
        account_key(settings.base_url, token.get_secret_value()),
        window,
        search=Window.per_second(settings.search_per_second),
    )
