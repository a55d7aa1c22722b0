"""Keep secrets and personal data out of log events and error messages.

Three tools, used by the HTTP plumbing and the logging setup alike: a set of key names
whose values are never shown, a URL sanitiser that keeps only scheme, host and path,
and a message shortener that masks e-mail addresses and bearer tokens before cutting
a server's text to a few words.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit

MASK = "***"

SENSITIVE_KEYS: frozenset[str] = frozenset(
    {
        "authorization",
        "proxy_authorization",
        "access_token",
        "refresh_token",
        "id_token",
        "token",
        "client_secret",
        "secret",
        "api_key",
        "apikey",
        "hapikey",
        "x_api_key",
        "private_app",
        "password",
        "cookie",
        "set_cookie",
    }
)

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_BEARER = re.compile(r"(?i)\bbearer\s+\S+")
_HUBSPOT_TOKEN = re.compile(r"\bpat-[a-z0-9]+-[\w-]+")
_URL = re.compile(r"https?://\S+")


def is_sensitive(key: str) -> bool:
    """Tell whether a key names a secret, whatever its case or separators.

    Args:
        key: a header, parameter or log field name.

    Returns:
        True when values under this key must never be shown.
    """
    normalised = key.strip().lower().replace("-", "_")
    return normalised in SENSITIVE_KEYS or normalised.endswith(("_token", "_secret"))


def sanitise_url(url: str) -> str:
    """Return the URL without credentials, query string or fragment.

    Args:
        url: any absolute or relative URL.

    Returns:
        ``scheme://host[:port]/path``, or just the path for a relative URL.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"

    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def endpoint_of(url: str) -> str:
    """Return the path of a URL, the form in which endpoints appear in events.

    Args:
        url: an absolute or relative URL.

    Returns:
        The path alone, ``/`` when the URL has none.
    """
    return urlsplit(url).path or "/"


def redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy with sensitive values masked, nested mappings included.

    Args:
        data: headers, parameters or a log event.

    Returns:
        A new dict in which the value of every sensitive key is ``***``.
    """
    return {key: _redact_value(key, value) for key, value in data.items()}


def shorten_message(text: str, *, limit: int = 160) -> str:
    """Make a server's message safe and short enough for a log or an error.

    Args:
        text: the message as the server wrote it.
        limit: the most characters to keep.

    Returns:
        One line with e-mail addresses, tokens and URLs masked, cut at ``limit``.
    """
    text = _BEARER.sub(f"Bearer {MASK}", text)
    text = _HUBSPOT_TOKEN.sub(MASK, text)
    text = _URL.sub(lambda match: sanitise_url(match.group(0)), text)
    text = _EMAIL.sub("<e-mail>", text)
    text = " ".join(text.split())

    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def redact_event(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Mask sensitive values in a structlog event; use it as a processor.

    Args:
        logger: the wrapped logger (unused).
        method_name: the log method called (unused).
        event_dict: the event being built.

    Returns:
        The same event with sensitive values masked.
    """
    for key, value in list(event_dict.items()):
        event_dict[key] = _redact_value(key, value)

    return event_dict


def _redact_value(key: str, value: Any) -> Any:
    if is_sensitive(key):
        return MASK
    if isinstance(value, Mapping):
        return redact_mapping(value)
    if isinstance(value, str) and ("bearer" in value.lower() or "pat-" in value):
        return _HUBSPOT_TOKEN.sub(MASK, _BEARER.sub(f"Bearer {MASK}", value))
    return value
