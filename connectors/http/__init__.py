"""The HTTP plumbing every API connector shares.

Sessions with pooled connections (``session``), a client-side rate limiter shared by
all clients of one account (``limiter``), a tenacity retry policy honouring
``Retry-After`` (``retry``), error translation at the transport boundary
(``translation``), call accounting (``stats``) and a JSON client tying them together
(``client``).

Log events (structlog, key-value fields only):

- ``http.request_completed`` (DEBUG): method, endpoint, kind, status, duration_ms.
- ``http.retry_scheduled`` (WARNING): method, endpoint, attempt, max_attempts,
  status, error, wait_s.

Endpoints are URL paths: never a query string, a body or a header.
"""

from __future__ import annotations

from connectors.http.client import JSONClient
from connectors.http.limiter import (
    Limiter,
    RollingWindowLimiter,
    Window,
    account_key,
    shared_limiter,
)
from connectors.http.retry import RetryPolicy, call_with_retries
from connectors.http.session import BearerTokenAuth, authorise_session, build_session
from connectors.http.stats import CallStats
from connectors.http.translation import (
    NotSentError,
    RateLimitedError,
    Reply,
    check_response,
    translate_exception,
)

__all__ = [
    "BearerTokenAuth",
    "CallStats",
    "JSONClient",
    "Limiter",
    "NotSentError",
    "RateLimitedError",
    "Reply",
    "RetryPolicy",
    "RollingWindowLimiter",
    "Window",
    "account_key",
    "authorise_session",
    "build_session",
    "call_with_retries",
    "check_response",
    "shared_limiter",
    "translate_exception",
]
