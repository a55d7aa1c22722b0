"""The partners of the last run and which records belong to them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, RowMapping, delete, func, insert, select

from mappings.model import SourceRef
from sync.state import schema


@dataclass(frozen=True, slots=True)
class PartnerRow:
    """A partner as stored: enough for status, reports and the next run's identity."""

    partner_id: str
    name: str
    business_id: str | None
    category: str
    rule: str
    secondary: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    units: tuple[str, ...] = ()
    staff: tuple[str, ...] = ()
    staff_count: int = 0
    members: int = 0
    company_id: str | None = None
    kam_email: str | None = None
    member_refs: tuple[SourceRef, ...] = field(default=(), compare=False)


class PartnerBook:
    """Reads and replaces the stored partners and memberships."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def memberships(self) -> dict[SourceRef, str]:
        """Return each record's partner id from the last run."""
        table = schema.memberships
        with self.engine.connect() as db:
            rows = db.execute(
                select(table.c.source, table.c.record_id, table.c.partner_id)
            )
            return {SourceRef(source, rid): pid for source, rid, pid in rows}

    def replace(self, run_id: str, partners: Sequence[PartnerRow]) -> None:
        """Store this run's partners and memberships in place of the last run's."""
        partner_rows = [_partner_row(partner, run_id) for partner in partners]
        member_rows = [
            {
                "source": ref.source,
                "record_id": ref.id,
                "partner_id": partner.partner_id,
            }
            for partner in partners
            for ref in partner.member_refs
        ]
        with self.engine.begin() as db:
            db.execute(delete(schema.partners))
            db.execute(delete(schema.memberships))
            for start in range(0, len(partner_rows), 500):
                db.execute(insert(schema.partners), partner_rows[start : start + 500])
            for start in range(0, len(member_rows), 500):
                db.execute(insert(schema.memberships), member_rows[start : start + 500])

    def all(self) -> list[PartnerRow]:
        """Return every stored partner, by name."""
        with self.engine.connect() as db:
            rows = (
                db.execute(select(schema.partners).order_by(schema.partners.c.name))
                .mappings()
                .all()
            )
        return [_from_row(row) for row in rows]

    def find(self, text: str) -> list[PartnerRow]:
        """Return partners whose name, business id or partner id contains ``text``."""
        needle = f"%{text.lower()}%"
        table = schema.partners
        query = select(table).where(
            func.lower(table.c.name).like(needle)
            | func.lower(func.coalesce(table.c.business_id, "")).like(needle)
            | (table.c.partner_id == text)
        )
        with self.engine.connect() as db:
            rows = db.execute(query.order_by(table.c.name)).mappings().all()
            members = self._members_of(db, [row["partner_id"] for row in rows])
        return [_from_row(row, members.get(row["partner_id"], ())) for row in rows]

    def stored_by(self) -> str | None:
        """Return the id of the run that stored the partners, or None if none did."""
        query = select(schema.partners.c.run_id).limit(1)
        with self.engine.connect() as db:
            return db.execute(query).scalar()

    def category_counts(self) -> dict[str, int]:
        """Return the number of partners per primary category."""
        table = schema.partners
        query = select(table.c.category, func.count()).group_by(table.c.category)
        with self.engine.connect() as db:
            return {category: count for category, count in db.execute(query)}

    def _members_of(
        self, db: Any, partner_ids: list[str]
    ) -> dict[str, tuple[SourceRef, ...]]:
        table = schema.memberships
        found: dict[str, list[SourceRef]] = {}
        query = select(table).where(table.c.partner_id.in_(partner_ids))
        for row in db.execute(query).mappings():
            found.setdefault(row["partner_id"], []).append(
                SourceRef(row["source"], row["record_id"])
            )
        return {pid: tuple(sorted(refs)) for pid, refs in found.items()}


def _partner_row(partner: PartnerRow, run_id: str) -> dict[str, Any]:
    return {
        "partner_id": partner.partner_id,
        "name": partner.name,
        "business_id": partner.business_id,
        "category": partner.category,
        "rule": partner.rule,
        "secondary": list(partner.secondary),
        "flags": list(partner.flags),
        "units": list(partner.units),
        "staff": list(partner.staff),
        "staff_count": partner.staff_count,
        "members": partner.members,
        "company_id": partner.company_id,
        "kam_email": partner.kam_email,
        "run_id": run_id,
    }


def _from_row(row: RowMapping, member_refs: tuple[SourceRef, ...] = ()) -> PartnerRow:
    return PartnerRow(
        partner_id=row["partner_id"],
        name=row["name"],
        business_id=row["business_id"],
        category=row["category"],
        rule=row["rule"],
        secondary=tuple(row["secondary"]),
        flags=tuple(row["flags"]),
        units=tuple(row["units"]),
        staff=tuple(row["staff"]),
        staff_count=row["staff_count"],
        members=row["members"],
        company_id=row["company_id"],
        kam_email=row["kam_email"],
        member_refs=member_refs,
    )
