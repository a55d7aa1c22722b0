"""What every test shares: a logging set-up that no other test has changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import structlog


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """Undo any structlog configuration a test (or a command it ran) made.

    Commands configure logging for their run, e.g. at warning level, which would
    otherwise hide the events later tests capture.
    """
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()
