"""The sandbox's HTTP server: a HubSpot-compatible CRM API on loopback.

Each call passes the same gates as at HubSpot, in order: the bearer token, injected
faults, the rate limits, then the endpoint. ``GET /_sandbox/stats`` is the sandbox's
own (it is not part of HubSpot's API) and skips every gate.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

import structlog

from connectors.hubspot.sandbox.errors import (
    INVALID_AUTHENTICATION,
    SandboxAPIError,
    new_correlation_id,
    validation_error,
)
from connectors.hubspot.sandbox.faults import Fault, FaultInjector, FaultKind
from connectors.hubspot.sandbox.limits import (
    SECONDLY,
    TEN_SECONDLY,
    RollingWindowLimit,
)
from connectors.hubspot.sandbox.routes import ROUTES
from connectors.hubspot.sandbox.routing import (
    Reply,
    Request,
    Route,
    find_route,
    path_params,
)
from connectors.hubspot.sandbox.seed import load_seed
from connectors.hubspot.sandbox.stats import SandboxStats
from connectors.hubspot.sandbox.store import CompanyStore

log = structlog.get_logger(__name__)

STATS_PATH = "/_sandbox/stats"
POLL_SECONDS = 0.05
AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 "
    "authentication and you can find more details at "
    "https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)


class _Dropped(Exception):
    """Raised inside a call to close its connection without an answer."""


class SandboxServer:
    """A HubSpot-compatible CRM API served from a background thread.

    Args:
        host: The address to bind; keep it on loopback.
        port: The port; ``0`` picks a free one (see ``url``).
        seed: ``"demo"`` for the committed demo account, or a number of companies
            to generate.
        token: The bearer token every call must present; ``None`` accepts any.
        rate_limit: ``(calls, seconds)`` of HubSpot's rolling window per token, or
            ``None`` for no limit.
        search_per_second: Search calls allowed per second, or ``None``.
        faults: Probability of an injected fault per call.
        fault_seed: Seed of the fault generator, for reproducible runs.
        slow_seconds: How long a ``slow`` fault holds its answer.
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        seed: str | int = "demo",
        token: str | None = None,
        rate_limit: tuple[int, float] | None = None,
        search_per_second: int | None = None,
        faults: float = 0.0,
        fault_seed: int = 0,
        *,
        slow_seconds: float = 1.0,
    ) -> None:
        self.store = CompanyStore()
        load_seed(self.store, seed)
        self.token = token
        self.seed = seed
        self.limit = None if rate_limit is None else RollingWindowLimit(*rate_limit)
        self.search_limit = (
            None
            if search_per_second is None
            else RollingWindowLimit(search_per_second, 1.0)
        )
        self.faults = FaultInjector(faults, fault_seed, slow_seconds=slow_seconds)
        self._stats = SandboxStats()
        self._httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Return the base URL to point a HubSpot client at."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def stats(self) -> dict[str, Any]:
        """Return calls by endpoint, statuses, 429s served and faults injected."""
        return {**self._stats.snapshot(), "companies": self.store.size}

    def start(self) -> SandboxServer:
        """Serve from a background thread; return ``self``."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": POLL_SECONDS},
            name="sidos-sandbox",
            daemon=True,
        )
        self._thread.start()
        log.info("sandbox.started", url=self.url, companies=self.store.size)
        return self

    def stop(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._httpd.server_close()
        snapshot = self._stats.snapshot()
        log.info(
            "sandbox.stopped",
            url=self.url,
            calls=snapshot["calls_total"],
            throttled=snapshot["throttled_total"],
            faults=snapshot["faults_total"],
        )

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def answer(self, method: str, target: str, headers: Any, body: bytes) -> Reply:
        """Answer one call, passing the token, fault and rate-limit gates.

        Raises:
            _Dropped: when a fault closes the connection without an answer.
        """
        try:
            reply = self._answer(method, target, headers, body)
        except _Dropped:
            self._stats.count_status(0)
            raise
        self._stats.count_status(reply.status)
        return reply

    def _answer(self, method: str, target: str, headers: Any, body: bytes) -> Reply:
        split = urlsplit(target)
        if method == "GET" and split.path.rstrip("/") == STATS_PATH:
            return Reply(200, self.stats)
        try:
            found = find_route(ROUTES, method, split.path)
        except SandboxAPIError as error:
            return _error_reply(error)
        self._stats.count_call(found.name)
        request = Request(method, split.path, parse_qs(split.query, True))
        request.params = path_params(found, split.path)
        return self._gated(found, request, headers.get("Authorization", ""), body)

    def _gated(
        self, found: Route, request: Request, authorization: str, body: bytes
    ) -> Reply:
        presented = _bearer(authorization)
        if self.token is not None and presented != self.token:
            return _error_reply(
                SandboxAPIError(401, INVALID_AUTHENTICATION, AUTH_MESSAGE)
            )
        fault = self.faults.draw(is_write=found.is_write)
        if fault is not None:
            self._stats.count_fault(fault.kind)
            log.info(
                "sandbox.fault_injected",
                endpoint=found.name,
                kind=str(fault.kind),
                after_write=fault.after_write,
            )
            early = self._early_fault(fault, found.is_write)
            if early is not None:
                return early
        throttled, rate_headers = self._check_limits(presented or "", found.is_search)
        if throttled is not None:
            return throttled
        reply = self._dispatch(found, request, body)
        reply.headers.update(rate_headers)
        if fault is not None and _is_late(fault, found.is_write):
            return self._late_fault(fault, reply)
        return reply

    def _early_fault(self, fault: Fault, is_write: bool) -> Reply | None:
        if fault.kind is FaultKind.STORM:
            self._stats.count_throttled("fault_storm")
            return _throttled(TEN_SECONDLY, {"Retry-After": "1"})
        if fault.kind is FaultKind.SERVER_ERROR:
            return Reply(fault.status, _server_error_body(fault.status))
        if fault.kind is FaultKind.SLOW:
            time.sleep(fault.delay_seconds)
            return None
        if fault.after_write or (fault.kind is FaultKind.MALFORMED and not is_write):
            return None
        if fault.kind is FaultKind.DROP:
            raise _Dropped
        return Reply(200, _Truncated(b'{"status":"COMPLETE","results":[{"id":"'))

    def _late_fault(self, fault: Fault, reply: Reply) -> Reply:
        if fault.kind is FaultKind.DROP:
            raise _Dropped
        return Reply(200, _Truncated(_encode(reply.body)[: max(1, _size(reply) // 2)]))

    def _check_limits(
        self, key: str, is_search: bool
    ) -> tuple[Reply | None, dict[str, str]]:
        if is_search:
            if self.search_limit and not self.search_limit.acquire(key).allowed:
                self._stats.count_throttled(SECONDLY)
                return _throttled(SECONDLY, {}), {}
            return None, {}
        if self.limit is None:
            return None, {}
        verdict = self.limit.acquire(key)
        headers = {
            "X-HubSpot-RateLimit-Max": str(verdict.maximum),
            "X-HubSpot-RateLimit-Remaining": str(verdict.remaining),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(verdict.interval_ms),
        }
        if verdict.allowed:
            return None, headers
        self._stats.count_throttled(TEN_SECONDLY)
        return _throttled(TEN_SECONDLY, headers), headers

    def _dispatch(self, found: Route, request: Request, body: bytes) -> Reply:
        try:
            request.body = _parse_body(body)
            return found.handler(self.store, request)
        except SandboxAPIError as error:
            return _error_reply(error)


def _is_late(fault: Fault, is_write: bool) -> bool:
    # A read's malformed answer is its real reply cut short.
    return fault.after_write or (fault.kind is FaultKind.MALFORMED and not is_write)


class _Truncated(bytes):
    """A reply body sent as is: deliberately broken JSON."""


def _encode(body: Any) -> bytes:
    return body if isinstance(body, bytes) else json.dumps(body).encode()


def _size(reply: Reply) -> int:
    return len(_encode(reply.body)) if reply.body is not None else 2


def _bearer(header: str) -> str | None:
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def _parse_body(body: bytes) -> Any:
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        raise validation_error(
            "Invalid input JSON: the body could not be parsed"
        ) from None


def _error_reply(error: SandboxAPIError) -> Reply:
    return Reply(error.status, error.to_body())


def _server_error_body(status: int) -> dict[str, Any]:
    return {
        "status": "error",
        "message": "internal error" if status == 500 else "Service unavailable",
        "correlationId": new_correlation_id(),
        "category": "INTERNAL_ERROR" if status == 500 else "SERVICE_UNAVAILABLE",
    }


def _throttled(policy: str, headers: dict[str, str]) -> Reply:
    window = "ten_secondly_rolling" if policy == TEN_SECONDLY else "secondly"
    body = {
        "status": "error",
        "message": f"You have reached your {window} limit.",
        "errorType": "RATE_LIMIT",
        "correlationId": new_correlation_id(),
        "policyName": policy,
    }
    return Reply(429, body, dict(headers))


def _handler_for(server: SandboxServer) -> type[BaseHTTPRequestHandler]:
    class Handler(_SandboxHandler):
        sandbox = server

    return Handler


class _SandboxHandler(BaseHTTPRequestHandler):
    """Turn HTTP requests into ``SandboxServer.answer`` calls and back."""

    protocol_version = "HTTP/1.1"
    server_version = "sidos-sandbox"
    # Headers and body leave in one segment: without this, delayed ACKs add 40 ms.
    wbufsize = 64 * 1024
    disable_nagle_algorithm = True
    sandbox: SandboxServer

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        started = time.perf_counter()
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        try:
            reply = self.sandbox.answer(method, self.path, self.headers, body)
        except _Dropped:
            self._drop()
            return
        self._send(reply)
        log.debug(
            "sandbox.request",
            method=method,
            path=urlsplit(self.path).path,
            status=reply.status,
            duration_ms=round((time.perf_counter() - started) * 1000, 2),
        )

    def _send(self, reply: Reply) -> None:
        payload = b"" if reply.body is None else _encode(reply.body)
        self.send_response(reply.status)
        if reply.body is not None:
            self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Keep the stdlib's access log quiet; ``sandbox.request`` replaces it."""
