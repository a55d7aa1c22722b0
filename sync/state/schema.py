"""The tables of the state store, shared by SQLite and PostgreSQL.

The schema is created and changed only by the migrations beside this module; the table
objects here are what the code reads and writes through SQLAlchemy Core.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect


class Instant(TypeDecorator[datetime]):
    """A point in time, read back in UTC with its zone on every backend.

    PostgreSQL keeps the zone of a ``timestamptz``; SQLite keeps none, so a value
    read from it is marked as the UTC it was written in.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        """Store an aware time as UTC; a naive one is taken to be UTC."""
        return _in_utc(value)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        """Return the stored time, aware and in UTC."""
        return _in_utc(value)


def _in_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


metadata = MetaData()

runs = Table(
    "runs",
    metadata,
    Column("run_id", String(40), primary_key=True),
    Column("kind", String(20), nullable=False),
    Column("started_at", Instant(), nullable=False),
    Column("finished_at", Instant()),
    Column("status", String(20), nullable=False),
    Column("stats", JSON, nullable=False, default=dict),
    Column("error", Text),
)

cursors = Table(
    "cursors",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("cursor", String(100), nullable=False),
    Column("updated_at", Instant(), nullable=False),
)

records = Table(
    "records",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("fields", JSON, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("modified_at", Instant()),
    Column("archived", Boolean, nullable=False, default=False),
    Column("seen_run_id", String(40), nullable=False),
)

set_aside = Table(
    "set_aside",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("run_id", String(40), nullable=False),
)

memberships = Table(
    "memberships",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("partner_id", String(40), nullable=False, index=True),
)

partners = Table(
    "partners",
    metadata,
    Column("partner_id", String(40), primary_key=True),
    Column("name", Text, nullable=False),
    Column("business_id", String(20)),
    Column("category", String(40), nullable=False),
    Column("rule", Text, nullable=False),
    Column("secondary", JSON, nullable=False),
    Column("flags", JSON, nullable=False),
    Column("units", JSON, nullable=False),
    Column("staff", JSON, nullable=False),
    Column("staff_count", Integer, nullable=False),
    Column("members", Integer, nullable=False),
    Column("company_id", String(40)),
    Column("kam_email", String(200)),
    Column("run_id", String(40), nullable=False),
)

links = Table(
    "links",
    metadata,
    Column("left_ref", String(300), primary_key=True),
    Column("right_ref", String(300), primary_key=True),
    Column("decision", String(20), nullable=False, index=True),
    Column("score", Float, nullable=False),
    Column("rule", Text, nullable=False),
    Column("evidence", JSON, nullable=False),
    Column("run_id", String(40), nullable=False),
)

review_decisions = Table(
    "review_decisions",
    metadata,
    Column("left_ref", String(300), primary_key=True),
    Column("right_ref", String(300), primary_key=True),
    Column("verdict", String(20), nullable=False),
    Column("decided_by", String(200), nullable=False),
    Column("decided_at", Instant(), nullable=False),
)

operations = Table(
    "operations",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("run_id", String(40), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("partner_id", String(40)),
    Column("company_id", String(40)),
    Column("changes", JSON, nullable=False),
    Column("reason", Text, nullable=False),
    Column("status", String(20), nullable=False, index=True),
    Column("result", Text),
    Column("updated_at", Instant(), nullable=False),
)

dead_letters = Table(
    "dead_letters",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("run_id", String(40), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("partner_id", String(40)),
    Column("company_id", String(40)),
    Column("changes", JSON, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
    Column("created_at", Instant(), nullable=False),
    Column("resolved_at", Instant()),
)

company_ids = Table(
    "company_ids",
    metadata,
    Column("old_id", String(40), primary_key=True),
    Column("new_id", String(40), nullable=False),
    Column("recorded_at", Instant(), nullable=False),
)

merged_records = Table(
    "merged_records",
    metadata,
    Column("source", String(100), primary_key=True),
    Column("record_id", String(200), primary_key=True),
    Column("fields", JSON, nullable=False),
    Column("modified_at", Instant()),
    Column("survivor_id", String(200), nullable=False),
    Column("by_sidos", Boolean, nullable=False),
    Column("merged_at", Instant(), nullable=False),
    Column("run_id", String(40), nullable=False),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(40), nullable=False),
    Column("at", Instant(), nullable=False),
    Column("operation_key", String(64), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("partner_id", String(40)),
    Column("company_id", String(40)),
    Column("field", String(100)),
    Column("old_value", Text),
    Column("new_value", Text),
    Column("reason", Text, nullable=False),
)
Index("ix_audit_partner", audit.c.partner_id)

job_runs = Table(
    "job_runs",
    metadata,
    Column("job_id", String(64), primary_key=True),
    Column("scheduled_at", Instant(), primary_key=True),
    Column("replica", String(200), nullable=False),
    Column("claimed_at", Instant(), nullable=False),
    Column("finished_at", Instant()),
    Column("status", String(20), nullable=False, index=True),
    Column("run_id", String(40)),
    Column("error", Text),
)
