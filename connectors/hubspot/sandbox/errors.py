"""Errors the sandbox answers with, shaped like HubSpot's error bodies.

A handler raises ``SandboxAPIError``; the server turns it into the JSON body HubSpot
sends (``status``, ``message``, ``correlationId``, ``category`` and, where useful,
``context``). Per-item failures inside a batch become ``ItemError`` entries of a 207
reply instead, so that one bad input does not fail its neighbours.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

VALIDATION_ERROR = "VALIDATION_ERROR"
OBJECT_NOT_FOUND = "OBJECT_NOT_FOUND"
CONFLICT = "CONFLICT"
INVALID_AUTHENTICATION = "INVALID_AUTHENTICATION"
RATE_LIMITS = "RATE_LIMITS"


def new_correlation_id() -> str:
    """Return a fresh correlation id, as HubSpot puts in every error body."""
    return str(uuid.uuid4())


class SandboxAPIError(Exception):
    """Raised by a handler to answer with a HubSpot error body and status."""

    def __init__(
        self,
        status: int,
        category: str,
        message: str,
        *,
        context: dict[str, list[str]] | None = None,
        sub_category: str = "",
    ) -> None:
        self.status = status
        self.category = category
        self.message = message
        self.context = context or {}
        self.sub_category = sub_category
        super().__init__(message)

    def to_body(self) -> dict[str, Any]:
        """Return the JSON body HubSpot sends for this error."""
        body: dict[str, Any] = {
            "status": "error",
            "message": self.message,
            "correlationId": new_correlation_id(),
            "category": self.category,
        }
        if self.sub_category:
            body["subCategory"] = self.sub_category
        if self.context:
            body["context"] = self.context
        return body


def validation_error(message: str) -> SandboxAPIError:
    """Build the 400 ``VALIDATION_ERROR`` HubSpot answers a malformed request with."""
    return SandboxAPIError(400, VALIDATION_ERROR, message)


def not_found(object_id: str) -> SandboxAPIError:
    """Build the 404 HubSpot answers for a company id that does not exist."""
    return SandboxAPIError(
        404,
        OBJECT_NOT_FOUND,
        f"resource not found: company {object_id} does not exist",
        context={"id": [object_id]},
    )


@dataclass
class ItemError:
    """One failed input of a batch, reported in the ``errors`` of a 207 reply."""

    category: str
    message: str
    context: dict[str, list[str]] = field(default_factory=dict)
    trace_id: str | None = None

    def to_body(self) -> dict[str, Any]:
        """Return the ``StandardError`` HubSpot's batch replies carry."""
        context = dict(self.context)
        if self.trace_id is not None:
            context["objectWriteTraceId"] = [self.trace_id]
        body: dict[str, Any] = {
            "status": "error",
            "category": self.category,
            "message": self.message,
            "context": context,
            "errors": [],
            "links": {},
        }
        if self.trace_id is not None:
            body["objectWriteTraceId"] = self.trace_id
        return body

    @classmethod
    def from_error(cls, error: SandboxAPIError, trace_id: str | None) -> ItemError:
        """Turn a raised error into the batch item error of the input it concerns."""
        return cls(error.category, error.message, dict(error.context), trace_id)
