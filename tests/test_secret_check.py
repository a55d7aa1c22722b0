"""The suite's check that no configured secret reaches any log output."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFTEST = Path(__file__).with_name("conftest.py")

LEAKY = """
import structlog
from sync.logs import configure_logging

TOKEN = "pat-na1-leaky-test-token"


def test_masked_by_sidos_logging():
    configure_logging(level="info", json=True, secrets=[TOKEN])
    structlog.get_logger().info("crm.connected", header="Bearer " + TOKEN)


def test_printed_unmasked():
    print("Authorization: Bearer " + TOKEN)


def test_clean():
    structlog.get_logger().info("crm.connected", partners=3)
"""


def test_secret_check_fails_only_the_test_whose_output_holds_the_token(
    pytester: pytest.Pytester,
) -> None:
    """Masked output passes; a token left in plain output fails that test."""
    pytester.makeconftest(CONFTEST.read_text(encoding="utf-8"))
    pytester.makepyfile(test_leaky=LEAKY)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        ["*test_printed_unmasked*", "*holds configured secrets: test_leaky.TOKEN*"]
    )
    assert "pat-na1-leaky-test-token" not in result.stdout.str().split("FAILURES")[0]
