"""What only PostgreSQL has to show: migrations under concurrency, slot claims.

The operations both backends share are tested on each in test_store.py.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect

from sync.service.claims import SlotBook
from sync.state import StateStore
from sync.state.engine import create_state_engine, schema_revision
from sync.state.schema import metadata
from tests.service.postgres import fresh_database

pytestmark = pytest.mark.postgres

SLOT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
UPGRADE = (
    "import sys; from sync.state.engine import create_state_engine, upgrade_schema; "
    "upgrade_schema(create_state_engine(sys.argv[1]))"
)


ON_POSTGRES = pytest.mark.parametrize("store", ["postgresql"], indirect=True)


class TestSchema:
    @ON_POSTGRES
    def test_upgrade_reaches_the_newest_revision(self, store: StateStore) -> None:
        """Migrations create every table of the schema, job claims included."""
        tables = set(inspect(store.engine).get_table_names())

        assert {table.name for table in metadata.sorted_tables} <= tables
        assert schema_revision(store.engine) == "0003"

    def test_concurrent_upgrades_of_an_empty_database_all_succeed(
        self, postgres_url: str
    ) -> None:
        """Four processes upgrading a new database at once take turns; none fails."""
        with fresh_database() as url:
            upgrades = [
                subprocess.Popen(
                    [sys.executable, "-c", UPGRADE, url],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                )
                for _ in range(4)
            ]
            outputs = [process.communicate(timeout=60)[0] for process in upgrades]
            engine = create_state_engine(url)
            revision = schema_revision(engine)
            engine.dispose()

        assert [process.returncode for process in upgrades] == [0, 0, 0, 0], outputs
        assert revision == "0003"


@ON_POSTGRES
class TestSlotClaims:
    def test_slot_is_claimed_once_among_concurrent_claimants(
        self, store: StateStore
    ) -> None:
        """Of eight replicas claiming one slot at once, exactly one wins."""
        book = SlotBook(store.engine)
        results: list[bool] = []
        barrier = threading.Barrier(8)

        def claim(replica: int) -> None:
            barrier.wait()
            results.append(book.claim("sync", SLOT, f"host:{replica}"))

        threads = [threading.Thread(target=claim, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)

        assert sorted(results) == [False] * 7 + [True]

    def test_finished_slot_shows_as_last_success(self, store: StateStore) -> None:
        """A succeeded slot gives the job's last success time."""
        book = SlotBook(store.engine)
        book.claim("sync", SLOT, "host:1")

        book.finish("sync", SLOT, "succeeded")

        assert set(book.last_success()) == {"sync"}
        assert book.latest()["sync"].status == "succeeded"
