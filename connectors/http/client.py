"""A JSON client for one API: every call limited, retried, translated and counted."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence

import requests
import structlog

from connectors.http.limiter import Limiter
from connectors.http.retry import RetryPolicy, call_with_retries
from connectors.http.stats import CallStats
from connectors.http.translation import Reply, check_response, translate_exception

log = structlog.get_logger(__name__)

Params = Mapping[str, str | int | Sequence[str]]


class JSONClient:
    """Send JSON requests to one base URL through a shared limiter and retry policy."""

    def __init__(
        self,
        base_url: str,
        session: requests.Session,
        *,
        limiter: Limiter,
        retry: RetryPolicy,
        timeout: float,
        stats: CallStats | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.limiter = limiter
        self.retry = retry
        self.timeout = timeout
        self.stats = stats if stats is not None else CallStats()
        self._sleep = sleep

    def get(self, path: str, *, kind: str, params: Params | None = None) -> Reply:
        """Send a GET and return its parsed answer.

        Args:
            path: the URL path under the base URL.
            kind: the kind of call, for accounting.
            params: query parameters; a sequence value repeats the key.

        Returns:
            The answer's status and body.

        Raises:
            RetriableAPIError: the call still failed when retries ran out.
            FatalAPIError: the call was refused.
        """
        return self.request("GET", path, kind=kind, params=params)

    def post(
        self,
        path: str,
        body: object,
        *,
        kind: str,
        search: bool = False,
        idempotent: bool = True,
    ) -> Reply:
        """Send a POST with a JSON body and return its parsed answer.

        Args:
            path: the URL path under the base URL.
            body: the JSON body.
            kind: the kind of call, for accounting.
            search: whether the call counts against the search rate.
            idempotent: whether the call may be repeated after a server-side failure.

        Returns:
            The answer's status and body.

        Raises:
            RetriableAPIError: the call still failed when retries ran out.
            FatalAPIError: the call was refused.
        """
        return self.request(
            "POST", path, kind=kind, body=body, search=search, idempotent=idempotent
        )

    def request(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        params: Params | None = None,
        body: object = None,
        search: bool = False,
        idempotent: bool = True,
    ) -> Reply:
        """Send one request, retrying it under the policy.

        Args:
            method: the HTTP method.
            path: the URL path under the base URL, without a query string.
            kind: the kind of call, for accounting.
            params: query parameters.
            body: the JSON body, if any.
            search: whether the call counts against the search rate.
            idempotent: whether the call may be repeated after a server-side failure.

        Returns:
            The answer's status and body.

        Raises:
            RetriableAPIError: the call still failed when retries ran out.
            FatalAPIError: the call was refused.
        """

        def attempt() -> Reply:
            return self._send(
                method, path, kind=kind, params=params, body=body, search=search
            )

        return call_with_retries(
            attempt,
            policy=self.retry,
            method=method,
            endpoint=path,
            idempotent=idempotent,
            sleep=self._sleep,
            stats=self.stats,
        )

    def _send(
        self,
        method: str,
        path: str,
        *,
        kind: str,
        params: Params | None,
        body: object,
        search: bool,
    ) -> Reply:
        self.stats.record_throttled(self.limiter.acquire(search=search))
        self.stats.record_call(kind)

        started = time.perf_counter()
        try:
            response = self.session.request(
                method,
                self.base_url + path,
                params=params,
                json=body,
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            raise translate_exception(exc, method=method, endpoint=path) from exc

        self._note_response(response.status_code, method, path, kind, started)
        return check_response(response, method=method, endpoint=path)

    def _note_response(
        self, status: int, method: str, path: str, kind: str, started: float
    ) -> None:
        if status == 429:
            self.stats.record_rate_limited()
        log.debug(
            "http.request_completed",
            method=method,
            endpoint=path,
            kind=kind,
            status=status,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
