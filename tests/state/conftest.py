"""The state store under test, on SQLite and on PostgreSQL.

Every test that takes ``store`` runs once per backend. The PostgreSQL database is
created once per module from ``SIDOS_TEST_POSTGRES_URL`` and dropped after it; each
test starts from empty tables. Without a server, the PostgreSQL runs skip and say why.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sync.state import StateStore, open_store
from sync.state.schema import metadata
from tests.service.postgres import fresh_database, unreachable_reason


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A new PostgreSQL database for the module's tests, dropped afterwards."""
    reason = unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    with fresh_database() as url:
        yield url


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[StateStore]:
    """A migrated, empty store on the backend the test is run for."""
    if request.param == "sqlite":
        store = open_store(f"sqlite:///{tmp_path / 'state.db'}")
    else:
        store = open_store(request.getfixturevalue("postgres_url"))
        with store.engine.begin() as db:
            tables = ", ".join(table.name for table in metadata.sorted_tables)
            db.execute(text(f"TRUNCATE {tables}"))
    yield store
    store.close()
