"""Engines for the state store and the migrations that shape it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect

from mappings.errors import ConfigError

MIGRATIONS = Path(__file__).with_name("migrations")
# PostgreSQL advisory lock key held while the schema is upgraded (51D05: "sidos").
MIGRATION_LOCK = 0x51D05_0001


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
        # A bounded connect keeps `/readyz` and startup from hanging on a dead server.
        connect_args = {} if "connect_timeout" in url else {"connect_timeout": 10}
        return create_engine(
            url, pool_pre_ping=True, connect_args=connect_args, future=True
        )
    raise ConfigError.single(
        "state.url",
        f"unsupported state store URL scheme in {url.split(':')[0]!r}",
        hint="Use sqlite:///PATH or postgresql://USER@HOST/DB",
    )


def upgrade_schema(engine: Engine) -> None:
    """Bring the schema to the newest revision; a no-op when it is already there.

    On PostgreSQL the upgrade holds a transaction-level advisory lock, so replicas
    starting together upgrade one after another: the first migrates, the others then
    find the schema current.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            lock = f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"
            connection.exec_driver_sql(lock)
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
