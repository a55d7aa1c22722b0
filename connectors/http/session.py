"""Build requests sessions: pooled connections and a bearer token kept out of sight."""

from __future__ import annotations

import requests
from pydantic import SecretStr
from requests.adapters import HTTPAdapter

USER_AGENT = "sidos/0.1"


class BearerTokenAuth(requests.auth.AuthBase):
    """Add ``Authorization: Bearer …`` to each request; the token never prints."""

    def __init__(self, token: SecretStr) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        """Set the header on one outgoing request.

        Args:
            request: the request about to be sent.

        Returns:
            The same request, authorised.
        """
        request.headers["Authorization"] = f"Bearer {self._token.get_secret_value()}"
        return request

    def __repr__(self) -> str:
        return "BearerTokenAuth(token='**********')"


def build_session(*, pool_size: int = 10) -> requests.Session:
    """Return a session that keeps up to ``pool_size`` connections per host open.

    Retries are left to the retry policy, so the adapter itself never repeats a call.

    Args:
        pool_size: connections kept per host, enough for the threads that share it.

    Returns:
        A new session asking for JSON.
    """
    session = requests.Session()
    adapter = HTTPAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})

    return session


def authorise_session(session: requests.Session, token: SecretStr) -> requests.Session:
    """Make ``session`` send the bearer token with every request.

    Args:
        session: a session built here or handed in by a caller.
        token: the API token.

    Returns:
        The same session.
    """
    session.auth = BearerTokenAuth(token)

    return session
