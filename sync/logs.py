"""Logging setup: structlog events, readable in a terminal, JSON lines in a service.

Every event passes two guards before it is rendered: values under sensitive key names
are masked (``connectors.redaction``), and the configured secrets themselves are masked
wherever they appear, so a token that slips into a message never reaches the output.
Standard-library loggers (APScheduler, urllib3, alembic) go through the same chain.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog

from connectors.redaction import MASK, redact_event

LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING,
          "error": logging.ERROR}


class SecretMasker:
    """A structlog processor that masks known secret values in every string field."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self.secrets = tuple(secret for secret in secrets if len(secret) >= 4)

    def __call__(
        self, logger: object, method_name: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        """Mask the secrets in the event's string values."""
        if not self.secrets:
            return event_dict
        for key, value in event_dict.items():
            if isinstance(value, str):
                event_dict[key] = self.mask(value)
        return event_dict

    def mask(self, text: str) -> str:
        """Return ``text`` with every secret replaced by the mask."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def configure_logging(
    *,
    level: str = "info",
    json: bool = False,
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> None:
    """Configure structlog and the standard library's logging for this process."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        redact_event,
        SecretMasker(secrets),
    ]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    if json:
        shared.append(structlog.processors.ExceptionRenderer(
            structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
        ))

    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                        renderer],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(LEVELS[level])
    for noisy in ("urllib3", "alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(max(LEVELS[level], logging.WARNING))

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(LEVELS[level]),
        cache_logger_on_first_use=False,
    )
