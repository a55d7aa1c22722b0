"""Records merged away in the CRM, kept as they last were.

A merge takes two companies out of the CRM and leaves one in their place. The snapshot
drops the two, but what they said about their organisation still holds, so their last
stored state moves here, with the company they were merged into and whether sidos
made the merge. ``sync/merged.py`` decides what each of them still counts for.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Delete, Engine, Select, Table, delete, insert, select

from mappings.model import SourceRecord, SourceRef
from sync.state import schema
from sync.state.store import BATCH, utcnow


@dataclass(frozen=True, slots=True)
class MergedRecord:
    """A record merged away: as the snapshot last held it, and where it went.

    ``survivor_id`` is the company the merge left in its place; ``by_sidos`` tells
    whether sidos made the merge (a person made it otherwise).
    """

    record: SourceRecord
    survivor_id: str
    by_sidos: bool


class MergedBook:
    """Moves merged-away records out of the snapshot, and reads them back."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def retire(
        self,
        source: str,
        moves: Mapping[str, str],
        run_id: str,
        *,
        ours: Collection[str] = (),
    ) -> int:
        """Move merged-away records from the snapshot of ``source`` into the book.

        A record the snapshot does not hold (merged away before sidos read it, or
        retired already) is left as it is.

        Args:
            source: the source the records came from.
            moves: each merged-away record id → the id of the record left in its place.
            run_id: the run that saw the merge.
            ours: the ids among ``moves`` that merges sidos made took away.

        Returns:
            The number of records moved.
        """
        ids = sorted(moves)
        now = utcnow()
        with self.engine.begin() as db:
            rows = [
                {
                    "source": source,
                    "record_id": row["record_id"],
                    "fields": row["fields"],
                    "modified_at": row["modified_at"],
                    "survivor_id": moves[row["record_id"]],
                    "by_sidos": row["record_id"] in ours,
                    "merged_at": now,
                    "run_id": run_id,
                }
                for chunk in _chunks(ids)
                for row in db.execute(_snapshot_rows(source, chunk)).mappings()
            ]
            retired = [row["record_id"] for row in rows]
            for chunk in _chunks(retired):
                db.execute(_delete(schema.merged_records, source, chunk))
                db.execute(_delete(schema.records, source, chunk))
            for start in range(0, len(rows), BATCH):
                db.execute(insert(schema.merged_records), rows[start : start + BATCH])
        return len(rows)

    def records(self, source: str) -> list[MergedRecord]:
        """Return the records merged away from ``source``, by id."""
        table = schema.merged_records
        query = (
            select(table).where(table.c.source == source).order_by(table.c.record_id)
        )
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [
            MergedRecord(
                SourceRecord(
                    SourceRef(source, row["record_id"]),
                    row["fields"],
                    row["modified_at"],
                ),
                row["survivor_id"],
                row["by_sidos"],
            )
            for row in rows
        ]


def _snapshot_rows(source: str, ids: list[str]) -> Select[Any]:
    table = schema.records
    return select(table.c.record_id, table.c.fields, table.c.modified_at).where(
        table.c.source == source, table.c.record_id.in_(ids)
    )


def _delete(table: Table, source: str, ids: list[str]) -> Delete:
    return delete(table).where(table.c.source == source, table.c.record_id.in_(ids))


def _chunks(ids: list[str]) -> list[list[str]]:
    return [ids[start : start + BATCH] for start in range(0, len(ids), BATCH)]
