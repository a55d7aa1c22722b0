"""Pull, map, resolve and classify: from sources to partners, with nothing lost.

Every record pulled is stored in the snapshot; every stored record either becomes part
of a partner or is set aside with its reason.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import structlog

from connectors.base import Owner, Source
from mappings.classify import Classification, RuleSet, classify_partner
from mappings.errors import MappingError
from mappings.fields import map_crm_company, map_project_row
from mappings.model import Organisation, SourceRecord, SourceRef
from sync.desired import PARTNER_ID
from sync.model import Partner, ReviewDecision
from sync.projections import attach_projections, split_projections
from sync.resolve import Resolution, resolve
from sync.settings import Settings
from sync.state import StateStore
from sync.state.store import SnapshotChanges

log = structlog.get_logger()


@dataclass
class PullReport:
    """What one source's pull changed in the snapshot."""

    source: str
    changes: SnapshotChanges
    skipped: bool = False


@dataclass
class Resolved:
    """Partners with their classification, and what was set aside."""

    organisations: list[Organisation]
    resolution: Resolution
    classifications: dict[str, Classification]
    set_aside: dict[SourceRef, str] = field(default_factory=dict)

    @property
    def partners(self) -> list[Partner]:
        """Return the partners of this resolution."""
        return self.resolution.partners


def pull_source(
    store: StateStore, source: Source, run_id: str, *, full: bool
) -> PullReport:
    """Pull one source into the snapshot and advance its cursor.

    A full pull lists every record, so stored records it did not see are removed.
    """
    cursor = None if full else store.cursor(source.name)
    records = list(source.pull(cursor))
    complete = source.is_complete()
    if not records and not complete:
        store.set_cursor(source.name, source.next_cursor())
        return PullReport(source.name, SnapshotChanges(), skipped=True)

    changes = store.save_records(source.name, records, run_id, full=complete)
    _forget_merged_away(store, source.name, records)
    store.set_cursor(source.name, source.next_cursor())
    log.info(
        "sync.source_pulled", source=source.name, pulled=len(records), new=changes.new,
        changed=changes.changed, removed=changes.removed, full=complete,
    )
    return PullReport(source.name, changes)


def map_records(
    store: StateStore, settings: Settings, owners: Sequence[Owner]
) -> tuple[list[Organisation], dict[SourceRef, str]]:
    """Map every stored record; return the organisations and the set-aside reasons."""
    staff = {owner.id: owner for owner in owners}
    roles = {source.name: source.roles for source in settings.sources}
    written = store.ledger.written_values()
    created = store.ledger.created_companies()
    organisations: list[Organisation] = []
    set_aside: dict[SourceRef, str] = {}
    for record in store.records():
        if record.archived:
            continue
        try:
            if not (record.ref.source == settings.crm.name and record.ref.id in created):
                record = _without_own_writes(record, written.get(record.ref.id))
            organisations.append(_map(record, settings, staff, roles))
        except MappingError as exc:
            set_aside[record.ref] = exc.reason
    if set_aside:
        log.warning("sync.records_set_aside", count=len(set_aside))
    return organisations, set_aside


def resolve_partners(
    store: StateStore, settings: Settings, organisations: list[Organisation]
) -> Resolution:
    """Group organisations into partners, keeping partner ids stable across runs."""
    created = store.ledger.created_companies()
    records, projections = split_projections(organisations, created, settings.crm.name)
    previous = _previous_partner_ids(store, records)
    decisions: list[ReviewDecision] = store.load_decisions()
    resolution = resolve(
        records, settings=settings.matching, previous=previous, decisions=decisions
    )
    attach_projections(resolution, projections, previous, created)
    log.info(
        "sync.partners_resolved", records=len(organisations),
        partners=len(resolution.partners), reviews=len(resolution.reviews),
    )
    return resolution


def classify_all(
    partners: Iterable[Partner], ruleset: RuleSet
) -> dict[str, Classification]:
    """Classify every partner from the roles and fields of all its members."""
    return {
        partner.partner_id: classify_partner(
            partner.members, ruleset, partner_id=partner.partner_id
        )
        for partner in partners
    }


def _without_own_writes(
    record: SourceRecord, written: Mapping[str, str] | None
) -> SourceRecord:
    """Drop the values sidos wrote itself: they repeat a partner, they are no evidence.

    Matching on them would let one run's golden record reshape the next run's
    partners. A value a person has since changed is kept.
    """
    if not written:
        return record
    fields = {
        name: value for name, value in record.fields.items()
        if name == PARTNER_ID or written.get(name) != value
    }
    return SourceRecord(record.ref, fields, record.modified_at, record.archived)


def _map(
    record: SourceRecord,
    settings: Settings,
    staff: Mapping[str, Owner],
    roles: Mapping[str, Mapping[str, str]],
) -> Organisation:
    if record.ref.source == settings.crm.name:
        return map_crm_company(record, settings.crm.fields, staff)
    return map_project_row(record, roles.get(record.ref.source, {}))


def _previous_partner_ids(
    store: StateStore, organisations: Sequence[Organisation]
) -> dict[SourceRef, str]:
    previous = store.partners.memberships()
    for organisation in organisations:
        held = organisation.extra.get(PARTNER_ID)
        if held and organisation.ref not in previous:
            previous[organisation.ref] = held
    return previous


def _forget_merged_away(
    store: StateStore, source: str, records: Sequence[SourceRecord]
) -> None:
    moves = {
        old_id: record.ref.id
        for record in records
        for old_id in str(record.fields.get("hs_merged_object_ids") or "").split(";")
        if old_id and old_id != record.ref.id
    }
    if moves:
        store.ledger.record_company_ids(moves)
        store.remove_records(source, moves)

