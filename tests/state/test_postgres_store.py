"""The state store on PostgreSQL: the same schema and operations as on SQLite.

One database is created for this module from ``SIDOS_TEST_POSTGRES_URL`` and dropped
after it; each test starts from empty tables. Without a server, the tests skip.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import inspect, text

from mappings.model import SourceRecord, SourceRef
from sync.model import Link, ReviewDecision
from sync.service.claims import SlotBook
from sync.state import StateStore, open_store
from sync.state.engine import create_state_engine, schema_revision
from sync.state.partners import PartnerRow
from sync.state.schema import metadata
from tests.service.postgres import fresh_database, unreachable_reason

pytestmark = pytest.mark.postgres

SLOT = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
UPGRADE = (
    "import sys; from sync.state.engine import create_state_engine, upgrade_schema; "
    "upgrade_schema(create_state_engine(sys.argv[1]))"
)


@pytest.fixture(scope="module")
def database_url() -> Iterator[str]:
    """A new database for this module's tests, dropped afterwards."""
    reason = unreachable_reason()
    if reason is not None:
        pytest.skip(reason)
    with fresh_database() as url:
        yield url


@pytest.fixture
def store(database_url: str) -> Iterator[StateStore]:
    """The store, migrated, with every table emptied."""
    store = open_store(database_url)
    with store.engine.begin() as db:
        tables = ", ".join(table.name for table in metadata.sorted_tables)
        db.execute(text(f"TRUNCATE {tables}"))
    yield store
    store.close()


def _record(record_id: str, name: str) -> SourceRecord:
    return SourceRecord(SourceRef("hubspot", record_id), {"name": name})


class TestSchema:
    def test_upgrade_reaches_the_newest_revision(self, store: StateStore) -> None:
        """Migrations create every table of the schema, job claims included."""
        tables = set(inspect(store.engine).get_table_names())

        assert {table.name for table in metadata.sorted_tables} <= tables
        assert schema_revision(store.engine) == "0002"

    def test_concurrent_upgrades_of_an_empty_database_all_succeed(self) -> None:
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
        assert revision == "0002"


class TestRunsAndRecords:
    def test_run_finish_records_status_and_stats(self, store: StateStore) -> None:
        """A finished run shows its outcome and figures, JSON kept as JSON."""
        run = store.start_run("sync")

        store.finish_run(run, "succeeded", {"partners": 3, "pulled": {"crm": 2}})

        [row] = store.last_runs()
        assert (row.status, row.stats["pulled"]) == ("succeeded", {"crm": 2})
        assert row.finished_at is not None and row.finished_at.tzinfo is not None

    def test_cursor_set_and_forget(self, store: StateStore) -> None:
        """A cursor is stored per source and forgotten with None."""
        store.set_cursor("hubspot", "1700000000000")
        stored = store.cursors()

        store.set_cursor("hubspot", None)

        assert stored == {"hubspot": "1700000000000"}
        assert store.cursor("hubspot") is None

    def test_save_records_in_chunks_and_remove_unseen(self, store: StateStore) -> None:
        """More records than one insert batch are stored; a full pull prunes."""
        run = store.start_run("sync")
        records = [_record(str(n), f"Oy {n}") for n in range(1200)]
        store.save_records("hubspot", records, run, full=True)

        changes = store.save_records(
            "hubspot", [_record("1", "Oy 1 renamed"), *records[2:]], run, full=True
        )

        assert (changes.changed, changes.removed) == (1, 1)
        assert len(list(store.records("hubspot"))) == 1199

    def test_patch_records_folds_writes_into_the_snapshot(
        self, store: StateStore
    ) -> None:
        """Written properties update stored records and add created ones."""
        run = store.start_run("sync")
        store.save_records("hubspot", [_record("1", "A")], run, full=True)

        store.patch_records(
            "hubspot", {"1": {"sidos_category": "funder"}, "9": {"name": "New"}}, run
        )

        fields = {r.ref.id: dict(r.fields) for r in store.records("hubspot")}
        assert fields["1"] == {"name": "A", "sidos_category": "funder"}
        assert fields["9"]["name"] == "New"


class TestLedger:
    def test_failed_operation_becomes_a_dead_letter_until_done(
        self, store: StateStore
    ) -> None:
        """A refused write is kept with its error until a later success."""
        run = store.start_run("sync")
        operation = {
            "key": "k1",
            "kind": "update",
            "partner_id": "p-1",
            "company_id": "5",
            "changes": {"name": "Uusi"},
            "reason": "test",
        }
        store.ledger.mark_sent(run, [operation])

        store.ledger.mark_failed(run, {"k1": "VALIDATION_ERROR: bad value"})
        counted = store.ledger.dead_letter_count()
        store.ledger.mark_sent(run, [operation])
        unfinished = [op.key for op in store.ledger.unfinished()]
        store.ledger.mark_done({"k1": "5"})

        assert counted == 1
        assert unfinished == ["k1"]
        assert store.ledger.dead_letter_count() == 0

    def test_company_id_map_follows_chains_of_merges(self, store: StateStore) -> None:
        """An id merged twice resolves to the last survivor."""
        store.ledger.record_company_ids({"1": "3", "2": "3"})
        store.ledger.record_company_ids({"3": "7"})

        assert store.ledger.company_id_map() == {"1": "7", "2": "7", "3": "7"}


class TestPartnersAndReviews:
    def test_partners_replace_and_find(self, store: StateStore) -> None:
        """Stored partners are found by part of their name, with their members."""
        run = store.start_run("sync")
        row = PartnerRow(
            partner_id="p-1",
            name="Tampereen kaupunki",
            business_id="0211675-2",
            category="customer",
            rule="public administration",
            units=("Tekniikka",),
            members=2,
            member_refs=(SourceRef("hubspot", "1"), SourceRef("rdi", "a")),
        )

        store.partners.replace(run, [row])

        [found] = store.partners.find("TAMPEREEN")
        assert found.member_refs == (SourceRef("hubspot", "1"), SourceRef("rdi", "a"))
        assert store.partners.category_counts() == {"customer": 1}

    def test_pending_reviews_exclude_decided_pairs(self, store: StateStore) -> None:
        """A pair with a verdict no longer waits for review."""
        left, right = SourceRef("hubspot", "1"), SourceRef("rdi", "x")
        other = SourceRef("hubspot", "2")
        run = store.start_run("sync")
        store.save_links(
            run,
            [
                Link(left, right, "review", 0.8, "name", {"name": 0.8}),
                Link(other, right, "review", 0.75, "name"),
            ],
        )

        store.record_decision(ReviewDecision(right, left, "different", "admin"))

        pending = [(link.left, link.right) for link in store.pending_reviews()]
        assert pending == [(other, right)]


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
