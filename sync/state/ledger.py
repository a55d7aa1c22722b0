"""The operation log, dead letters, the company id map and the audit trail.

Apply writes an operation as ``sent`` before its batch goes out and as ``done`` or
``failed`` after, each in its own transaction: after a crash the log tells which writes
may have reached the CRM, and the audit tells who changed what, when and why.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, delete, func, insert, select, update

from sync.state import schema
from sync.state.store import utcnow


@dataclass(frozen=True, slots=True)
class LoggedOperation:
    """An operation as the log holds it."""

    key: str
    run_id: str
    kind: str
    partner_id: str | None
    company_id: str | None
    changes: Mapping[str, Any]
    reason: str
    status: str
    result: str | None
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DeadLetter:
    """A write the CRM refused, kept with its reason until it is retried."""

    key: str
    run_id: str
    kind: str
    partner_id: str | None
    company_id: str | None
    changes: Mapping[str, Any]
    error: str
    attempts: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One field changed by one operation."""

    operation_key: str
    kind: str
    partner_id: str | None
    company_id: str | None
    field: str | None
    old_value: str | None
    new_value: str | None
    reason: str


class Ledger:
    """Reads and writes the operation log, dead letters, id map and audit."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def mark_sent(self, run_id: str, operations: Sequence[Mapping[str, Any]]) -> None:
        """Log operations as sent, before their batch goes to the CRM."""
        keys = [operation["key"] for operation in operations]
        rows = [
            {
                **operation,
                "run_id": run_id,
                "status": "sent",
                "result": None,
                "updated_at": utcnow(),
            }
            for operation in operations
        ]
        with self.engine.begin() as db:
            db.execute(
                delete(schema.operations).where(schema.operations.c.key.in_(keys))
            )
            if rows:
                db.execute(insert(schema.operations), rows)

    def mark_done(self, results: Mapping[str, str]) -> None:
        """Log operations as done, each with the company id it wrote."""
        table = schema.operations
        with self.engine.begin() as db:
            for key, company_id in results.items():
                db.execute(
                    update(table)
                    .where(table.c.key == key)
                    .values(
                        status="done",
                        result=company_id,
                        company_id=company_id,
                        updated_at=utcnow(),
                    )
                )
            db.execute(
                update(schema.dead_letters)
                .where(schema.dead_letters.c.key.in_(list(results)))
                .values(resolved_at=utcnow())
            )

    def mark_failed(self, run_id: str, failures: Mapping[str, str]) -> None:
        """Log operations as failed and keep each in the dead-letter table."""
        table = schema.operations
        with self.engine.begin() as db:
            for key, error in failures.items():
                db.execute(
                    update(table)
                    .where(table.c.key == key)
                    .values(status="failed", result=error, updated_at=utcnow())
                )
                self._keep_dead_letter(db, run_id, key, error)

    def written_values(self) -> dict[str, dict[str, tuple[str, str]]]:
        """Return, per company and property, what people had and what sidos wrote.

        Each value is ``(before, last)``: the property's value before sidos first
        wrote it, and the value sidos wrote last.
        """
        table = schema.audit
        query = (
            select(
                table.c.company_id, table.c.field, table.c.old_value, table.c.new_value
            )
            .where(table.c.field.is_not(None), table.c.company_id.is_not(None))
            .order_by(table.c.id)
        )
        written: dict[str, dict[str, tuple[str, str]]] = {}
        with self.engine.connect() as db:
            for company_id, field, old, new in db.execute(query):
                fields = written.setdefault(company_id, {})
                before = fields[field][0] if field in fields else (old or "")
                fields[field] = (before, new or "")
        return written

    def created_companies(self) -> dict[str, str]:
        """Return the companies sidos created: company id → partner id."""
        table = schema.operations
        query = select(table.c.company_id, table.c.partner_id).where(
            table.c.kind == "create", table.c.status == "done"
        )
        with self.engine.connect() as db:
            return {cid: pid for cid, pid in db.execute(query) if cid and pid}

    def mark_unconfirmed(self, keys: Sequence[str]) -> None:
        """Close operations of a stopped run whose outcome was read back from the CRM.

        The next plan decides again from what the CRM holds.
        """
        table = schema.operations
        with self.engine.begin() as db:
            db.execute(
                update(table)
                .where(table.c.key.in_(list(keys)))
                .values(status="unconfirmed", updated_at=utcnow())
            )

    def unfinished(self) -> list[LoggedOperation]:
        """Return operations sent but never confirmed: a run stopped mid-batch."""
        query = select(schema.operations).where(schema.operations.c.status == "sent")
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [LoggedOperation(**row) for row in rows]

    def operations_of_run(self, run_id: str) -> list[LoggedOperation]:
        """Return the operations a run logged."""
        query = select(schema.operations).where(schema.operations.c.run_id == run_id)
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(schema.operations.c.key)).mappings().all()
        return [LoggedOperation(**row) for row in rows]

    def dead_letters(self, *, include_resolved: bool = False) -> list[DeadLetter]:
        """Return the writes the CRM refused, oldest first."""
        table = schema.dead_letters
        query = select(table).order_by(table.c.created_at)
        if not include_resolved:
            query = query.where(table.c.resolved_at.is_(None))
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()
        return [
            DeadLetter(**{k: v for k, v in row.items() if k != "resolved_at"})
            for row in rows
        ]

    def resolve_dead_letters(self, keys: Sequence[str]) -> None:
        """Resolve dead letters whose write is no longer needed, without writing it.

        A later refusal of the same write keeps it as a dead letter again.
        """
        table = schema.dead_letters
        with self.engine.begin() as db:
            db.execute(
                update(table)
                .where(table.c.key.in_(list(keys)), table.c.resolved_at.is_(None))
                .values(resolved_at=utcnow())
            )

    def dead_letter_count(self) -> int:
        """Return how many refused writes wait for a retry."""
        table = schema.dead_letters
        query = select(func.count()).where(table.c.resolved_at.is_(None))
        with self.engine.connect() as db:
            return int(db.execute(query).scalar() or 0)

    def record_company_ids(self, moves: Mapping[str, str]) -> None:
        """Remember that CRM company ids were merged into others."""
        table = schema.company_ids
        with self.engine.begin() as db:
            for old_id, new_id in moves.items():
                db.execute(delete(table).where(table.c.old_id == old_id))
                db.execute(
                    insert(table).values(
                        old_id=old_id, new_id=new_id, recorded_at=utcnow()
                    )
                )

    def company_id_map(self) -> dict[str, str]:
        """Return old company id → surviving id, following chains of merges."""
        with self.engine.connect() as db:
            pairs = dict(
                db.execute(
                    select(schema.company_ids.c.old_id, schema.company_ids.c.new_id)
                ).all()
            )
        resolved = {}
        for old_id in pairs:
            current, hops = pairs[old_id], 0
            while current in pairs and hops < len(pairs):
                current, hops = pairs[current], hops + 1
            resolved[old_id] = current
        return resolved

    def write_audit(self, run_id: str, entries: Iterable[AuditEntry]) -> None:
        """Append audit entries for this run."""
        now = utcnow()
        rows = [{**asdict(entry), "run_id": run_id, "at": now} for entry in entries]
        if not rows:
            return
        with self.engine.begin() as db:
            db.execute(insert(schema.audit), rows)

    def audit_of_partner(
        self, partner_id: str, limit: int = 50
    ) -> list[dict[str, Any]]:
        """Return the newest audit entries about one partner."""
        table = schema.audit
        query = (
            select(table)
            .where(table.c.partner_id == partner_id)
            .order_by(table.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as db:
            return [dict(row) for row in db.execute(query).mappings()]

    def _keep_dead_letter(self, db: Any, run_id: str, key: str, error: str) -> None:
        table = schema.dead_letters
        operation = (
            db.execute(select(schema.operations).where(schema.operations.c.key == key))
            .mappings()
            .first()
        )
        existing = (
            db.execute(select(table).where(table.c.key == key)).mappings().first()
        )
        if existing is not None:
            db.execute(
                update(table)
                .where(table.c.key == key)
                .values(
                    attempts=existing["attempts"] + 1,
                    error=error,
                    run_id=run_id,
                    resolved_at=None,
                )
            )
            return
        db.execute(
            insert(table).values(
                key=key,
                run_id=run_id,
                kind=operation["kind"] if operation else "",
                partner_id=operation["partner_id"] if operation else None,
                company_id=operation["company_id"] if operation else None,
                changes=operation["changes"] if operation else {},
                error=error,
                attempts=1,
                created_at=utcnow(),
            )
        )
