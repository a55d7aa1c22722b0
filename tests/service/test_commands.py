"""``sidos serve`` start-up failures and ``sidos db upgrade`` / ``current``."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sync.commands import db
from sync.commands.serve import secrets_of, serve
from sync.settings import load_settings
from tests.service.conftest import WriteConfig

runner = CliRunner()


@pytest.fixture
def serve_app() -> typer.Typer:
    app = typer.Typer()
    app.command()(serve)
    return app


@pytest.fixture
def busy_port() -> Iterator[int]:
    """A port on loopback that something already listens on."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    yield int(listener.getsockname()[1])
    listener.close()


class TestServe:
    def test_invalid_config_exits_2_with_its_location(
        self, serve_app: typer.Typer, tmp_path: Path
    ) -> None:
        """A bad setting stops the start with exit code 2 and the file's line."""
        path = tmp_path / "sidos.yaml"
        path.write_text("service:\n  port: many\n", encoding="utf-8")

        result = runner.invoke(serve_app, ["--config", str(path)])

        assert result.exit_code == 2
        assert f"{path}:2" in result.output

    def test_unreachable_store_exits_1_without_its_password(
        self, serve_app: typer.Typer, write_config: WriteConfig
    ) -> None:
        """A database that does not answer is named, its password hidden."""
        path = write_config(
            "postgresql://sidos:hunter2-secret@127.0.0.1:1/sidos",
            {"sync": {"every": "1h"}},
        )

        result = runner.invoke(serve_app, ["--config", str(path)])

        assert result.exit_code == 1
        assert "cannot be used" in result.output
        assert "hunter2-secret" not in result.output

    def test_busy_port_exits_1_naming_the_option(
        self,
        serve_app: typer.Typer,
        write_config: WriteConfig,
        sqlite_url: str,
        busy_port: int,
    ) -> None:
        """An address in use is refused with a pointer to --port."""
        path = write_config(sqlite_url, {"sync": {"every": "1h"}})

        result = runner.invoke(
            serve_app, ["--config", str(path), "--port", str(busy_port)]
        )

        assert result.exit_code == 1
        assert "--port" in result.output


def test_secrets_include_the_token_and_the_database_password(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both the CRM token and the password in the state URL are masked in logs."""
    path = tmp_path / "sidos.yaml"
    path.write_text("state:\n  url: postgresql://sidos:pw-1234@db/sidos\n", "utf-8")
    monkeypatch.setenv("SIDOS_CRM__TOKEN", "pat-na1-abcd")

    secrets = secrets_of(load_settings(path))

    assert secrets == ["pat-na1-abcd", "pw-1234"]


class TestDb:
    def test_upgrade_then_current_reports_the_newest_revision(
        self, write_config: WriteConfig, sqlite_url: str
    ) -> None:
        """Upgrading an empty store reaches the newest revision; again is a no-op."""
        path = write_config(sqlite_url, {"sync": {"every": "1h"}})

        first = runner.invoke(db.app, ["upgrade", "--config", str(path), "--json"])
        second = runner.invoke(db.app, ["upgrade", "--config", str(path)])
        current = runner.invoke(db.app, ["current", "--config", str(path), "--json"])

        assert first.exit_code == 0, first.output
        assert json.loads(first.output) == {
            "before": None,
            "after": db.head(),
            "head": db.head(),
        }
        assert "nothing to do" in second.output
        assert current.exit_code == 0
        assert json.loads(current.output)["current"] == db.head()

    def test_current_on_an_empty_store_exits_1_and_says_what_to_run(
        self, write_config: WriteConfig, sqlite_url: str
    ) -> None:
        """A store behind the code is reported, with the command that fixes it."""
        path = write_config(sqlite_url, {"sync": {"every": "1h"}})

        result = runner.invoke(db.app, ["current", "--config", str(path)])

        assert result.exit_code == 1
        assert "sidos db upgrade" in " ".join(result.output.split())

    @pytest.mark.postgres
    def test_upgrade_on_postgres(
        self, write_config: WriteConfig, postgres_url: str
    ) -> None:
        """The same command upgrades a PostgreSQL store."""
        path = write_config(postgres_url, {"sync": {"every": "1h"}})

        result = runner.invoke(db.app, ["upgrade", "--config", str(path), "--json"])

        assert result.exit_code == 0, result.output
        assert json.loads(result.output)["after"] == db.head()
