"""Logging setup: structlog events, readable in a terminal, JSON lines in a service.

Every event passes three guards before it is rendered: values under sensitive key names
are masked (``connectors.redaction``), the configured secrets themselves are masked
wherever they appear, so a token that slips into a message never reaches the output,
and e-mail addresses (personal data) are masked too. In JSON, an exception is turned
into data first, so the guards see its message as well.
Standard-library loggers (APScheduler, urllib3, alembic) go through the same chain.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Callable, Iterable, MutableMapping
from typing import Any, TextIO

import structlog

from connectors.redaction import MASK, redact_event

LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
}
EMAIL_MASK = "<e-mail>"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


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
            event_dict[key] = _map_strings(value, self.mask)
        return event_dict

    def mask(self, text: str) -> str:
        """Return ``text`` with every secret replaced by the mask."""
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        return text


def mask_emails(
    logger: object, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Mask e-mail addresses in the event's strings; use it as a processor."""
    for key, value in event_dict.items():
        event_dict[key] = _map_strings(value, lambda text: _EMAIL.sub(EMAIL_MASK, text))
    return event_dict


def _map_strings(value: Any, change: Callable[[str], str]) -> Any:
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {key: _map_strings(item, change) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_map_strings(item, change) for item in value]
    return value


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes each record to ``sys.stderr`` as it is when the record is emitted.

    Test runners and the service swap ``sys.stderr``; a handler bound to the stream
    of the moment it was made would write to a closed file.
    """

    def emit(self, record: logging.LogRecord) -> None:
        """Write the record to the current standard error."""
        self.stream = sys.stderr
        super().emit(record)


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
    ]
    if json:
        shared.append(
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            )
        )
    shared += [redact_event, SecretMasker(secrets), mask_emails]
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=False)
    )

    handler = logging.StreamHandler(stream) if stream else _StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                renderer,
            ],
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
