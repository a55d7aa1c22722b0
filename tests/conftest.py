"""What every test shares: clean logging, and no secret in any log output.

Every line the suite's logging renders, and everything a test leaves on standard
output or error, is checked for the secrets the tests configure (each test module's
``*TOKEN*`` constants and the token in ``SIDOS_CRM__TOKEN``). A test whose output
holds one fails, naming the secret's origin but not its value.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from typing import Any

import pytest
import structlog
from structlog.stdlib import ProcessorFormatter

pytest_plugins = ["pytester"]

SHORTEST_SECRET = 12
_rendered: list[str] = []


@pytest.fixture(autouse=True)
def fresh_logging() -> Iterator[None]:
    """Undo any structlog configuration a test (or a command it ran) made.

    Commands configure logging for their run, e.g. at warning level, which would
    otherwise hide the events later tests capture.
    """
    yield
    structlog.reset_defaults()
    structlog.contextvars.clear_contextvars()


@pytest.fixture(autouse=True, scope="session")
def rendered_log_lines() -> Iterator[list[str]]:
    """Keep every line sidos's logging renders, for the secret check."""
    original = ProcessorFormatter.format

    def keeping(self: ProcessorFormatter, record: Any) -> str:
        line = original(self, record)
        _rendered.append(line)
        return line

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ProcessorFormatter, "format", keeping)
        yield _rendered


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: Any
) -> Generator[None, Any, None]:
    """Fail a test phase whose log output or captured output holds a secret."""
    outcome = yield
    report = outcome.get_result()
    own = [text for title, text in report.sections if title.endswith(report.when)]
    output = [*own, *_rendered]
    _rendered.clear()
    leaked = [
        origin
        for origin, secret in _secrets(item).items()
        if any(secret in text for text in output)
    ]
    if leaked and report.outcome != "failed":
        report.outcome = "failed"
        report.longrepr = (
            f"log output of {report.when} holds configured secrets: "
            f"{', '.join(sorted(leaked))}"
        )


def _secrets(item: pytest.Item) -> dict[str, str]:
    module = getattr(item, "module", None)
    found = (
        {
            f"{module.__name__}.{name}": value
            for name, value in vars(module).items()
            if "TOKEN" in name and isinstance(value, str)
        }
        if module is not None
        else {}
    )
    token = os.environ.get("SIDOS_CRM__TOKEN")
    if token:
        found["SIDOS_CRM__TOKEN"] = token
    return {
        origin: value
        for origin, value in found.items()
        if len(value) >= SHORTEST_SECRET
    }
