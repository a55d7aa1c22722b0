"""The state store: what sidos remembers between runs.

One ``StateStore`` wraps an engine. Every method opens its own transaction, so that a
crash loses at most the step in progress, and a rerun finds a consistent store.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, RowMapping, delete, func, insert, select, update

from mappings.model import SourceRecord, SourceRef
from sync.model import Link, ReviewDecision
from sync.state import schema
from sync.state.engine import create_state_engine, upgrade_schema

BATCH = 500


@dataclass(frozen=True, slots=True)
class SnapshotChanges:
    """How a pull changed the stored snapshot of one source."""

    new: int = 0
    changed: int = 0
    unchanged: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class RunRow:
    """One run as ``sidos status`` shows it."""

    run_id: str
    kind: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    stats: Mapping[str, Any]
    error: str | None


def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


def fingerprint(fields: Mapping[str, Any]) -> str:
    """Return a stable hash of a record's fields, to tell changed records apart."""
    text = json.dumps(fields, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_store(url: str, *, upgrade: bool = True) -> StateStore:
    """Open the state store at ``url``, migrating its schema to the newest revision."""
    engine = create_state_engine(url)
    if upgrade:
        upgrade_schema(engine)
    return StateStore(engine)


class StateStore:
    """Runs, cursors, snapshots, partners, reviews, operations and audit."""

    def __init__(self, engine: Engine) -> None:
        from sync.state.ledger import Ledger
        from sync.state.merged import MergedBook
        from sync.state.partners import PartnerBook

        self.engine = engine
        self.ledger = Ledger(engine)
        self.partners = PartnerBook(engine)
        self.merged = MergedBook(engine)

    def close(self) -> None:
        """Release the engine's connections."""
        self.engine.dispose()

    # Runs and cursors.

    def start_run(self, kind: str) -> str:
        """Record the start of a run and return its id."""
        run_id = utcnow().strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
        with self.engine.begin() as db:
            db.execute(
                insert(schema.runs).values(
                    run_id=run_id,
                    kind=kind,
                    started_at=utcnow(),
                    status="running",
                    stats={},
                )
            )
        return run_id

    def finish_run(
        self,
        run_id: str,
        status: str,
        stats: Mapping[str, Any],
        error: str | None = None,
    ) -> None:
        """Record how a run ended, with its statistics."""
        with self.engine.begin() as db:
            db.execute(
                update(schema.runs)
                .where(schema.runs.c.run_id == run_id)
                .values(
                    status=status, finished_at=utcnow(), stats=dict(stats), error=error
                )
            )

    def last_runs(self, limit: int = 10) -> list[RunRow]:
        """Return the newest runs first."""
        query = select(schema.runs).order_by(schema.runs.c.started_at.desc())
        with self.engine.connect() as db:
            rows = db.execute(query.limit(limit)).mappings().all()
        return [RunRow(**row) for row in rows]

    def run(self, run_id: str) -> RunRow | None:
        """Return the run with this id, or None if the store has no such run."""
        query = select(schema.runs).where(schema.runs.c.run_id == run_id)
        with self.engine.connect() as db:
            row = db.execute(query).mappings().first()
        return RunRow(**row) if row is not None else None

    def cursor(self, source: str) -> str | None:
        """Return where the last incremental read of ``source`` ended."""
        query = select(schema.cursors.c.cursor).where(schema.cursors.c.source == source)
        with self.engine.connect() as db:
            return db.execute(query).scalar()

    def cursors(self) -> dict[str, str]:
        """Return every source's cursor."""
        with self.engine.connect() as db:
            rows = db.execute(select(schema.cursors.c.source, schema.cursors.c.cursor))
            return {source: cursor for source, cursor in rows}

    def set_cursor(self, source: str, cursor: str | None) -> None:
        """Store ``source``'s cursor; ``None`` forgets it, forcing a full read."""
        with self.engine.begin() as db:
            db.execute(delete(schema.cursors).where(schema.cursors.c.source == source))
            if cursor is not None:
                db.execute(
                    insert(schema.cursors).values(
                        source=source, cursor=cursor, updated_at=utcnow()
                    )
                )

    # Record snapshots.

    def save_records(
        self, source: str, pulled: Iterable[SourceRecord], run_id: str, *, full: bool
    ) -> SnapshotChanges:
        """Merge pulled records into the snapshot of ``source``.

        A full pull also removes the records it did not see: they were deleted or merged
        away in the source.
        """
        existing = self._fingerprints(source)
        seen: set[str] = set()
        new_rows: list[dict[str, Any]] = []
        changed_rows: list[dict[str, Any]] = []
        for record in pulled:
            seen.add(record.ref.id)
            row = _record_row(record, run_id)
            previous = existing.get(record.ref.id)
            if previous is None:
                new_rows.append(row)
            elif previous != row["fingerprint"]:
                changed_rows.append(row)

        removed = sorted(set(existing) - seen) if full else []
        self._write_snapshot(source, new_rows, changed_rows, removed)
        unchanged = len(seen) - len(new_rows) - len(changed_rows)
        return SnapshotChanges(
            len(new_rows), len(changed_rows), unchanged, len(removed)
        )

    def remove_records(self, source: str, record_ids: Iterable[str]) -> None:
        """Drop records from the snapshot (merged away or deleted in the source)."""
        ids = list(record_ids)
        with self.engine.begin() as db:
            for chunk in _chunks(ids):
                db.execute(
                    delete(schema.records).where(
                        schema.records.c.source == source,
                        schema.records.c.record_id.in_(chunk),
                    )
                )

    def patch_records(
        self, source: str, written: Mapping[str, Mapping[str, str]], run_id: str
    ) -> None:
        """Fold properties sidos wrote into the snapshot, so the next plan sees them.

        A company the snapshot lacks (just created) is added with what was written.
        A stored company keeps its modification time: sidos's own write is not a
        change people made, and must not make the record look more recent.
        """
        if not written:
            return
        table = schema.records
        ids = list(written)
        with self.engine.begin() as db:
            rows_before = [
                row
                for chunk in _chunks(ids)
                for row in db.execute(
                    select(
                        table.c.record_id, table.c.fields, table.c.modified_at
                    ).where(table.c.source == source, table.c.record_id.in_(chunk))
                ).mappings()
            ]
            stored = {row["record_id"]: dict(row["fields"]) for row in rows_before}
            modified = {row["record_id"]: row["modified_at"] for row in rows_before}
            for chunk in _chunks(ids):
                db.execute(
                    delete(table).where(
                        table.c.source == source, table.c.record_id.in_(chunk)
                    )
                )
            rows = [
                _record_row(
                    SourceRecord(
                        SourceRef(source, company_id),
                        {
                            **stored.get(company_id, {"hs_object_id": company_id}),
                            **properties,
                        },
                        modified.get(company_id),
                    ),
                    run_id,
                )
                for company_id, properties in written.items()
            ]
            for chunk in _chunks(rows):
                db.execute(insert(table), chunk)

    def records(self, source: str | None = None) -> Iterator[SourceRecord]:
        """Yield the stored records, of one source or of all."""
        query = select(schema.records)
        if source is not None:
            query = query.where(schema.records.c.source == source)
        query = query.order_by(schema.records.c.source, schema.records.c.record_id)
        with self.engine.connect() as db:
            for row in db.execute(query).mappings():
                yield SourceRecord(
                    ref=SourceRef(row["source"], row["record_id"]),
                    fields=row["fields"],
                    modified_at=row["modified_at"],
                    archived=row["archived"],
                )

    def record_counts(self) -> dict[str, int]:
        """Return the number of stored records per source."""
        query = select(schema.records.c.source, func.count()).group_by(
            schema.records.c.source
        )
        with self.engine.connect() as db:
            return {source: count for source, count in db.execute(query)}

    def replace_set_aside(self, run_id: str, reasons: Mapping[SourceRef, str]) -> None:
        """Store the records this run could not process, with their reasons."""
        rows = [
            {
                "source": ref.source,
                "record_id": ref.id,
                "reason": reason,
                "run_id": run_id,
            }
            for ref, reason in sorted(reasons.items())
        ]
        with self.engine.begin() as db:
            db.execute(delete(schema.set_aside))
            if rows:
                db.execute(insert(schema.set_aside), rows)

    def set_aside(self) -> dict[SourceRef, str]:
        """Return the records set aside by the last run, with their reasons."""
        with self.engine.connect() as db:
            rows = db.execute(select(schema.set_aside)).mappings().all()
        return {
            SourceRef(row["source"], row["record_id"]): row["reason"] for row in rows
        }

    def _fingerprints(self, source: str) -> dict[str, str]:
        query = select(schema.records.c.record_id, schema.records.c.fingerprint).where(
            schema.records.c.source == source
        )
        with self.engine.connect() as db:
            return {record_id: value for record_id, value in db.execute(query)}

    def _write_snapshot(
        self,
        source: str,
        new_rows: list[dict[str, Any]],
        changed_rows: list[dict[str, Any]],
        removed: list[str],
    ) -> None:
        table = schema.records
        with self.engine.begin() as db:
            for chunk in _chunks([row["record_id"] for row in changed_rows] + removed):
                db.execute(
                    delete(table).where(
                        table.c.source == source, table.c.record_id.in_(chunk)
                    )
                )
            for rows in _chunks(new_rows + changed_rows):
                db.execute(insert(table), rows)

    # Reviews.

    def pending_reviews(self) -> list[Link]:
        """Return the uncertain pairs waiting for a person, without a decision yet."""
        decided = {
            (decision.left, decision.right) for decision in self.load_decisions()
        }
        query = select(schema.links).where(schema.links.c.decision == "review")
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(schema.links.c.score.desc())).mappings()
            links = [_link(row) for row in rows]
        return [link for link in links if (link.left, link.right) not in decided]

    def record_decision(self, decision: ReviewDecision) -> None:
        """Store a person's verdict on a pair, replacing an earlier one."""
        left, right = sorted((decision.left, decision.right))
        table = schema.review_decisions
        with self.engine.begin() as db:
            db.execute(
                delete(table).where(
                    table.c.left_ref == str(left), table.c.right_ref == str(right)
                )
            )
            db.execute(
                insert(table).values(
                    left_ref=str(left),
                    right_ref=str(right),
                    verdict=decision.verdict,
                    decided_by=decision.decided_by,
                    decided_at=utcnow(),
                )
            )

    def load_decisions(self) -> list[ReviewDecision]:
        """Return every verdict people have given, to honour on this run."""
        with self.engine.connect() as db:
            rows = db.execute(select(schema.review_decisions)).mappings().all()
        return [
            ReviewDecision(
                SourceRef.parse(row["left_ref"]),
                SourceRef.parse(row["right_ref"]),
                row["verdict"],
                row["decided_by"],
            )
            for row in rows
        ]

    def save_links(self, run_id: str, links: Sequence[Link]) -> None:
        """Replace the stored links with this run's, evidence included."""
        rows = [_link_row(link, run_id) for link in links]
        with self.engine.begin() as db:
            db.execute(delete(schema.links))
            for chunk in _chunks(rows):
                db.execute(insert(schema.links), chunk)

    def links_of(self, refs: Iterable[SourceRef]) -> list[Link]:
        """Return the stored links that touch any of ``refs``."""
        texts = [str(ref) for ref in refs]
        table = schema.links
        found: list[Link] = []
        with self.engine.connect() as db:
            for chunk in _chunks(texts):
                query = select(table).where(
                    table.c.left_ref.in_(chunk) | table.c.right_ref.in_(chunk)
                )
                found.extend(_link(row) for row in db.execute(query).mappings())
        unique = {(link.left, link.right): link for link in found}
        return [unique[key] for key in sorted(unique)]


def _record_row(record: SourceRecord, run_id: str) -> dict[str, Any]:
    fields = dict(record.fields)
    return {
        "source": record.ref.source,
        "record_id": record.ref.id,
        "fields": fields,
        "fingerprint": fingerprint({**fields, "__archived": record.archived}),
        "modified_at": record.modified_at,
        "archived": record.archived,
        "seen_run_id": run_id,
    }


def _link_row(link: Link, run_id: str) -> dict[str, Any]:
    left, right = sorted((link.left, link.right))
    return {
        "left_ref": str(left),
        "right_ref": str(right),
        "decision": link.decision,
        "score": link.score,
        "rule": link.rule,
        "evidence": json.loads(json.dumps(link.evidence, default=str)),
        "run_id": run_id,
    }


def _link(row: RowMapping) -> Link:
    return Link(
        left=SourceRef.parse(row["left_ref"]),
        right=SourceRef.parse(row["right_ref"]),
        decision=row["decision"],
        score=row["score"],
        rule=row["rule"],
        evidence=dict(row["evidence"]),
    )


def _chunks(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
