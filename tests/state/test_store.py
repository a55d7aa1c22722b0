"""The state store on both backends: snapshots, partners, reviews, the operation log."""

from __future__ import annotations

from mappings.model import SourceRecord, SourceRef
from sync.model import Link, ReviewDecision
from sync.state import StateStore
from sync.state.partners import PartnerRow


def _record(record_id: str, name: str) -> SourceRecord:
    return SourceRecord(SourceRef("hubspot", record_id), {"name": name})


def test_save_records_counts_new_changed_and_unchanged(store: StateStore) -> None:
    """A second pull tells new, changed and unchanged records apart."""
    run = store.start_run("sync")
    store.save_records(
        "hubspot", [_record("1", "A"), _record("2", "B")], run, full=True
    )

    changes = store.save_records(
        "hubspot",
        [_record("1", "A"), _record("2", "B2"), _record("3", "C")],
        run,
        full=False,
    )

    assert (changes.new, changes.changed, changes.unchanged) == (1, 1, 1)
    assert {r.fields["name"] for r in store.records("hubspot")} == {"A", "B2", "C"}


def test_save_records_full_pull_removes_records_not_seen(store: StateStore) -> None:
    """A full pull drops what the source no longer holds; an incremental one not."""
    run = store.start_run("sync")
    store.save_records(
        "hubspot", [_record("1", "A"), _record("2", "B")], run, full=True
    )

    store.save_records("hubspot", [_record("1", "A")], run, full=False)
    kept = len(list(store.records("hubspot")))
    changes = store.save_records("hubspot", [_record("1", "A")], run, full=True)

    assert kept == 2
    assert changes.removed == 1
    assert [r.ref.id for r in store.records("hubspot")] == ["1"]


def test_save_records_in_chunks_and_remove_unseen(store: StateStore) -> None:
    """More records than one insert batch are stored; a full pull prunes."""
    run = store.start_run("sync")
    records = [_record(str(n), f"Oy {n}") for n in range(1200)]
    store.save_records("hubspot", records, run, full=True)

    changes = store.save_records(
        "hubspot", [_record("1", "Oy 1 renamed"), *records[2:]], run, full=True
    )

    assert (changes.changed, changes.removed) == (1, 1)
    assert len(list(store.records("hubspot"))) == 1199


def test_patch_records_folds_writes_into_the_snapshot(store: StateStore) -> None:
    """Written properties update stored records and add created ones."""
    run = store.start_run("sync")
    store.save_records("hubspot", [_record("1", "A")], run, full=True)

    store.patch_records(
        "hubspot", {"1": {"sidos_category": "funder"}, "9": {"name": "New"}}, run
    )

    fields = {r.ref.id: dict(r.fields) for r in store.records("hubspot")}
    assert fields["1"] == {"name": "A", "sidos_category": "funder"}
    assert fields["9"]["name"] == "New"


def test_cursor_set_and_forget(store: StateStore) -> None:
    """A cursor is stored per source and forgotten with None."""
    store.set_cursor("hubspot", "1700000000000")
    stored = store.cursor("hubspot")

    store.set_cursor("hubspot", None)

    assert stored == "1700000000000"
    assert store.cursor("hubspot") is None


def test_run_finish_records_status_and_stats(store: StateStore) -> None:
    """A finished run shows its outcome and figures."""
    run = store.start_run("sync")

    store.finish_run(run, "succeeded", {"partners": 3, "pulled": {"crm": 2}})

    [row] = store.last_runs()
    assert (row.status, row.stats["pulled"]) == ("succeeded", {"crm": 2})
    assert row.finished_at is not None and row.finished_at.tzinfo is not None


def test_ledger_failed_operation_becomes_a_dead_letter(store: StateStore) -> None:
    """A refused write is kept with its error until a later success resolves it."""
    run = store.start_run("sync")
    operation = {
        "key": "k1",
        "kind": "update",
        "partner_id": "p-1",
        "company_id": "5",
        "changes": {},
        "reason": "test",
    }
    store.ledger.mark_sent(run, [operation])

    store.ledger.mark_failed(run, {"k1": "VALIDATION_ERROR: bad value"})
    letters = store.ledger.dead_letters()
    store.ledger.mark_sent(run, [operation])
    store.ledger.mark_done({"k1": "5"})

    assert [(d.key, d.error) for d in letters] == [
        ("k1", "VALIDATION_ERROR: bad value")
    ]
    assert store.ledger.dead_letter_count() == 0


def test_ledger_unfinished_lists_operations_sent_but_not_confirmed(
    store: StateStore,
) -> None:
    """An operation left as sent by a crash is found by the next run."""
    run = store.start_run("sync")
    operation = {
        "key": "k2",
        "kind": "create",
        "partner_id": "p-2",
        "company_id": None,
        "changes": {},
        "reason": "test",
    }

    store.ledger.mark_sent(run, [operation])

    assert [op.key for op in store.ledger.unfinished()] == ["k2"]


def test_company_id_map_follows_chains_of_merges(store: StateStore) -> None:
    """An id merged twice resolves to the last survivor."""
    store.ledger.record_company_ids({"1": "3", "2": "3"})
    store.ledger.record_company_ids({"3": "7"})

    mapping = store.ledger.company_id_map()

    assert mapping == {"1": "7", "2": "7", "3": "7"}


def test_merged_away_records_leave_the_snapshot_and_are_kept(
    store: StateStore,
) -> None:
    """Retired records keep their fields, their survivor and who merged them."""
    run = store.start_run("sync")
    records = [_record("1", "A"), _record("2", "A Oy"), _record("3", "B")]
    store.save_records("hubspot", records, run, full=True)

    moved = store.merged.retire(
        "hubspot", {"1": "9", "2": "9", "8": "9"}, run, ours={"1"}
    )

    assert moved == 2
    assert [r.ref.id for r in store.records("hubspot")] == ["3"]
    kept = store.merged.records("hubspot")
    assert [(k.record.ref.id, k.survivor_id, k.by_sidos) for k in kept] == [
        ("1", "9", True),
        ("2", "9", False),
    ]
    assert dict(kept[1].record.fields) == {"name": "A Oy"}


def test_pending_reviews_exclude_decided_pairs(store: StateStore) -> None:
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

    assert [(link.left, link.right) for link in store.pending_reviews()] == [
        (other, right)
    ]
    assert store.load_decisions()[0].verdict == "different"


def test_partners_replace_and_find_by_name_part(store: StateStore) -> None:
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
    assert store.partners.memberships()[SourceRef("rdi", "a")] == "p-1"
    assert store.partners.category_counts() == {"customer": 1}
