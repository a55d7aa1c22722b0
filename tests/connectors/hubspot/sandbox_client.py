"""A thin HTTP client for the sandbox tests: real requests over loopback."""

from __future__ import annotations

from typing import Any

import requests

from connectors.hubspot.sandbox import SandboxServer

TOKEN = "sandbox-test-token"
COMPANIES = "/crm/v3/objects/companies"


class SandboxClient:
    """Send calls to a running sandbox with the test token."""

    def __init__(self, server: SandboxServer, token: str | None = TOKEN) -> None:
        self.base = server.url
        self.session = requests.Session()
        if token is not None:
            self.session.headers["Authorization"] = f"Bearer {token}"

    def get(self, path: str, **params: Any) -> requests.Response:
        """Send a GET with query parameters."""
        return self.session.get(self.base + path, params=params, timeout=10)

    def post(self, path: str, body: Any) -> requests.Response:
        """Send a POST with a JSON body."""
        return self.session.post(self.base + path, json=body, timeout=10)

    def patch(self, path: str, body: Any) -> requests.Response:
        """Send a PATCH with a JSON body."""
        return self.session.patch(self.base + path, json=body, timeout=10)

    def delete(self, path: str) -> requests.Response:
        """Send a DELETE."""
        return self.session.delete(self.base + path, timeout=10)

    def all_companies(self, **params: Any) -> list[dict[str, Any]]:
        """Page through the company listing to its end."""
        results: list[dict[str, Any]] = []
        after: str | None = None
        while True:
            page = self.get(COMPANIES, limit=100, after=after, **params).json()
            results.extend(page["results"])
            after = page.get("paging", {}).get("next", {}).get("after")
            if after is None:
                return results

    def create(self, **properties: str) -> dict[str, Any]:
        """Create one company and return it."""
        reply = self.post(COMPANIES, {"properties": properties})
        assert reply.status_code == 201, reply.text
        body: dict[str, Any] = reply.json()
        return body
