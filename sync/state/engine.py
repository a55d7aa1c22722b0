"""Engines for the state store and the migrations that shape it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect

from mappings.errors import ConfigError

MIGRATIONS = Path(__file__).with_name("migrations")


def create_state_engine(url: str) -> Engine:
    """Create an engine for ``url``: a SQLite file or a PostgreSQL database.

    Raises:
        ConfigError: the URL names neither SQLite nor PostgreSQL.
    """
    if url.startswith("sqlite"):
        return _sqlite_engine(url)
    if url.startswith(("postgresql", "postgres")):
        url = url.replace("postgres://", "postgresql://", 1)
        if url.startswith("postgresql://"):
            url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        return create_engine(url, pool_pre_ping=True, future=True)
    raise ConfigError.single(
        "state.url", f"unsupported state store URL scheme in {url.split(':')[0]!r}",
        hint="Use sqlite:///PATH or postgresql://USER@HOST/DB",
    )


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def schema_revision(engine: Engine) -> str | None:
    """Return the schema's current revision, or ``None`` for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        row = connection.exec_driver_sql("SELECT version_num FROM alembic_version")
        value = row.scalar()
    return str(value) if value is not None else None


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"check_same_thread": False}, future=True)

    @event.listens_for(engine, "connect")
    def _configure(connection: Any, _record: Any) -> None:
        # WAL lets `sidos status` read while a sync writes; the busy timeout makes a
        # second writer wait instead of failing at once.
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return engine
