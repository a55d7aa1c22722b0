"""Errors raised at the boundary to a CRM or a source system.

The sync loop decides by class: a ``RetriableAPIError`` is waited out and tried again,
a ``FatalAPIError`` stops the run with its message, and a per-record failure inside a
batch is reported in the batch result and set aside, never raised.
"""

from __future__ import annotations

from mappings.errors import SidosError


class APIError(SidosError):
    """Raised when a call to a CRM or source fails."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        correlation_id: str = "",
        category: str = "",
    ) -> None:
        self.status = status
        self.correlation_id = correlation_id
        self.category = category
        super().__init__(message)


class RetriableAPIError(APIError):
    """Raised for a call worth repeating: 429, 5xx, a timeout or a dropped connection.

    ``retry_after`` holds the seconds the server asked us to wait, when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        correlation_id: str = "",
        category: str = "",
    ) -> None:
        self.retry_after = retry_after
        super().__init__(
            message, status=status, correlation_id=correlation_id, category=category
        )


class FatalAPIError(APIError):
    """Raised for a call that fails again unchanged: a bad token, a scope, other 4xx."""
