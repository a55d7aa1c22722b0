"""The service's HTTP endpoints: ``/healthz``, ``/readyz`` and ``/metrics``.

``/healthz`` answers 200 while the process runs. ``/readyz`` answers 200 when the
running config is valid, the scheduler runs and the state store answers, and 503 with
a one-line reason otherwise. ``/metrics`` is the Prometheus text format. The answers
carry no organisation or personal data.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from prometheus_client import CollectorRegistry
from prometheus_client.exposition import choose_encoder

TEXT = "text/plain; charset=utf-8"

# Returns (ready, reason); the reason is one short line for an admin.
Readiness = Callable[[], tuple[bool, str]]


class EndpointServer:
    """Serves the endpoints from a background thread."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        registry: CollectorRegistry,
        readiness: Readiness,
    ) -> None:
        handler = _handler_for(registry, readiness)
        self._httpd = ThreadingHTTPServer((host, port), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, name="sidos-http", daemon=True
        )

    @property
    def address(self) -> tuple[str, int]:
        """Return the host and port actually bound (a port of 0 picks one)."""
        host, port = self._httpd.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        """Return the base URL of the endpoints."""
        host, port = self.address
        return f"http://{host}:{port}"

    def start(self) -> None:
        """Start answering requests."""
        self._thread.start()

    def stop(self) -> None:
        """Stop answering and close the socket."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def _handler_for(
    registry: CollectorRegistry, readiness: Readiness
) -> type[BaseHTTPRequestHandler]:

    class Handler(BaseHTTPRequestHandler):
        """Answers the three endpoints; every other path is 404."""

        server_version = "sidos"
        sys_version = ""

        def do_GET(self) -> None:
            """Answer a GET with status, headers and body."""
            self._answer(include_body=True)

        def do_HEAD(self) -> None:
            """Answer a HEAD with the status and headers a GET would get."""
            self._answer(include_body=False)

        def log_message(self, format: str, *args: Any) -> None:
            """Say nothing per request: probes would drown the events that matter."""

        def _answer(self, *, include_body: bool) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/healthz":
                status, content_type, body = 200, TEXT, b"ok\n"
            elif path == "/readyz":
                status, content_type, body = _ready(readiness)
            elif path == "/metrics":
                encoder, content_type = choose_encoder(self.headers.get("Accept", ""))
                status, body = 200, encoder(registry)
            else:
                status, content_type = 404, TEXT
                body = b"not found: try /healthz, /readyz or /metrics\n"
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if include_body:
                self.wfile.write(body)

    return Handler


def _ready(readiness: Readiness) -> tuple[int, str, bytes]:
    ready, reason = readiness()
    text = f"ready: {reason}\n" if ready else f"not ready: {reason}\n"
    return (200 if ready else 503), TEXT, text.encode("utf-8")
