"""The ``sidos sandbox`` command: its help, its checks, and a run stopped by SIGTERM."""

from __future__ import annotations

import re
import signal
import subprocess
import sys

import requests
import typer
from typer.testing import CliRunner

from sync.commands.sandbox import sandbox

RUN_APP = (
    "import typer; from sync.commands.sandbox import sandbox; "
    "app = typer.Typer(); app.command('sandbox')(sandbox); "
    "app.command('other')(lambda: None); app()"
)


def make_app() -> typer.Typer:
    """Return a Typer app with the command registered as the CLI does."""
    app = typer.Typer()
    app.command("sandbox")(sandbox)
    app.command("other")(lambda: None)
    return app


def test_sandbox_help_lists_every_option() -> None:
    """--help documents the options an admin needs."""
    result = CliRunner().invoke(
        make_app(), ["sandbox", "--help"], env={"COLUMNS": "200"}
    )

    assert result.exit_code == 0
    for option in (
        "--port",
        "--seed",
        "--token",
        "--rate-limit",
        "--search-rate",
        "--faults",
        "--fault-seed",
        "--host",
    ):
        assert option in result.output
    assert "HubSpot" in result.output


def test_sandbox_bad_rate_limit_is_refused() -> None:
    """A rate limit not of the form CALLS/SECONDS stops before serving."""
    result = CliRunner().invoke(make_app(), ["sandbox", "--rate-limit", "fast"])

    assert result.exit_code == 2
    assert "190/10s" in result.output


def test_sandbox_bad_seed_is_refused() -> None:
    """A seed that is neither demo nor a number stops before serving."""
    result = CliRunner().invoke(make_app(), ["sandbox", "--seed", "lots"])

    assert result.exit_code == 2


def test_sandbox_serves_until_sigterm() -> None:
    """The command prints its URL, serves, and exits cleanly on SIGTERM."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            RUN_APP,
            "sandbox",
            "--port",
            "0",
            "--seed",
            "5",
            "--token",
            "t",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = ""
        while "listening on" not in line:
            line = process.stdout.readline()
            assert line, "the command ended before it listened"
        url = re.search(r"http://[\d.]+:\d+", line)
        assert url is not None, line

        reply = requests.get(
            url[0] + "/crm/v3/objects/companies",
            headers={"Authorization": "Bearer t"},
            timeout=5,
        )

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        process.kill()
    assert len(reply.json()["results"]) == 5
