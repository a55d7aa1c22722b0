"""Alembic environment: runs sidos's migrations on the connection it is given."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from sync.state.schema import metadata


def run_migrations() -> None:
    """Upgrade on the caller's connection, or on a new one from the configured URL."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return

    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as new_connection:
        _run(new_connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=metadata,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
