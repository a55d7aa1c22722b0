"""Folding sidos's own writes into the snapshot keeps what people last changed."""

from __future__ import annotations

from datetime import UTC, datetime

from mappings.model import SourceRecord, SourceRef
from sync.state import StateStore

EDITED = datetime(2023, 3, 12, 18, 46, tzinfo=UTC)


def test_patch_records_keeps_the_modification_time(store: StateStore) -> None:
    """A company sidos wrote to keeps the time a person last changed it."""
    run = store.start_run("sync")
    record = SourceRecord(SourceRef("hubspot", "1"), {"name": "Eriol Oy"}, EDITED)
    store.save_records("hubspot", [record], run, full=True)

    store.patch_records(
        "hubspot", {"1": {"sidos_category": "customer"}, "9": {"name": "New"}}, run
    )

    modified = {r.ref.id: r.modified_at for r in store.records("hubspot")}
    assert modified == {"1": EDITED, "9": None}
