"""A fresh PostgreSQL database for tests, created and dropped around them.

The server is named by ``SIDOS_TEST_POSTGRES_URL`` (default: the local server, user
postgres). When it cannot be reached, tests that need it skip and say so.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def server_url() -> str:
    """Return the URL of the test server's maintenance database."""
    return os.environ.get("SIDOS_TEST_POSTGRES_URL", DEFAULT_URL)


def unreachable_reason(url: str | None = None) -> str | None:
    """Return why the test server cannot be used, or None when it answers."""
    target = _driver_url(url or server_url())
    engine = create_engine(
        target, poolclass=NullPool, connect_args={"connect_timeout": 3}
    )
    try:
        with engine.connect() as db:
            db.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as exc:
        shown = target.render_as_string(hide_password=True)
        return (
            f"PostgreSQL at {shown} is unreachable ({type(exc).__name__}); start it "
            "or point SIDOS_TEST_POSTGRES_URL at a server"
        )
    finally:
        engine.dispose()
    return None


@contextmanager
def fresh_database(url: str | None = None) -> Iterator[str]:
    """Create an empty database for the test, yield its URL, and drop it after."""
    server = _driver_url(url or server_url())
    name = f"sidos_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(drivername="postgresql", database=name).render_as_string(
            hide_password=False
        )
    finally:
        with admin.connect() as db:
            db.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _driver_url(url: str) -> URL:
    return make_url(url).set(drivername="postgresql+psycopg")
