"""Pull, map, resolve and classify: from sources to partners, with nothing lost.

Every record pulled is stored in the snapshot; every stored record either becomes part
of a partner or is set aside with its reason. A record merged away in its source is
kept apart from the snapshot, and still counts (``sync/merged.py``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import structlog

from connectors.base import Owner, Source
from mappings.classify import Classification, RuleSet, classify_partner
from mappings.errors import MappingError
from mappings.fields import map_crm_company, map_project_row
from mappings.model import Organisation, SourceRecord, SourceRef
from sync.desired import PARTNER_ID
from sync.merged import sort_merged, taken_over_owners
from sync.model import Partner, ReviewDecision
from sync.projections import attach_projections, split_projections
from sync.resolve import Resolution, resolve
from sync.settings import Settings
from sync.state import StateStore
from sync.state.merged import MergedRecord
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
    structlog.contextvars.bind_contextvars(source=source.name)
    try:
        return _pull(store, source, run_id, full=full)
    finally:
        structlog.contextvars.unbind_contextvars("source")


def _pull(store: StateStore, source: Source, run_id: str, *, full: bool) -> PullReport:
    cursor = None if full else store.cursor(source.name)
    records = list(source.pull(cursor))
    complete = source.is_complete()
    if not records and not complete:
        store.set_cursor(source.name, source.next_cursor())
        return PullReport(source.name, SnapshotChanges(), skipped=True)

    _keep_merged_away(store, source.name, records, run_id)
    changes = store.save_records(source.name, records, run_id, full=complete)
    store.set_cursor(source.name, source.next_cursor())
    log.info(
        "sync.source_pulled",
        source=source.name,
        pulled=len(records),
        new=changes.new,
        changed=changes.changed,
        removed=changes.removed,
        full=complete,
    )
    return PullReport(source.name, changes)


def map_records(
    store: StateStore, settings: Settings, owners: Sequence[Owner]
) -> tuple[list[Organisation], dict[SourceRef, str]]:
    """Map every stored record; return the organisations and the set-aside reasons.

    The companies merged away in the CRM are mapped too, after the others: what they
    said still counts (``sync/merged.py``). One that cannot be mapped is left out.
    """
    crm = settings.crm
    merged = store.merged.records(crm.name)
    mapper = RecordMapper(
        settings,
        owners,
        store.ledger.written_values(),
        store.ledger.created_companies(),
        taken_over_owners(merged, crm.fields.get("owner_id", "")),
    )
    organisations: list[Organisation] = []
    set_aside: dict[SourceRef, str] = {}
    for record in store.records():
        if record.archived:
            continue
        try:
            organisations.append(mapper.map(record))
        except MappingError as exc:
            set_aside[record.ref] = exc.reason
    if set_aside:
        log.warning("sync.records_set_aside", count=len(set_aside))
    organisations.extend(_map_merged(mapper, merged))
    return organisations, set_aside


def _map_merged(
    mapper: RecordMapper, merged: Sequence[MergedRecord]
) -> list[Organisation]:
    organisations = []
    for record in merged:
        with contextlib.suppress(MappingError):
            organisations.append(mapper.map(record.record))
    return organisations


class RecordMapper:
    """Maps stored records to organisations, as evidence people left in them.

    sidos's own writes are no evidence: matching on them would let one run's golden
    record reshape the next run's partners, and a KAM sidos set as a company's owner
    does not mean the KAM's unit works with the partner. So a property still holding
    what sidos wrote is read as it was before sidos first wrote it. A company sidos
    created keeps its values (it is attached to its partner, not matched), but not
    the owner sidos gave it. A value a person has since changed always counts. An
    owner a company took over from one merged into it counts through that one, not
    twice (``taken_over``).
    """

    def __init__(
        self,
        settings: Settings,
        owners: Sequence[Owner],
        written: Mapping[str, Mapping[str, tuple[str, str]]],
        created: Mapping[str, str],
        taken_over: Mapping[str, frozenset[str]],
    ) -> None:
        self.settings = settings
        self.staff = {owner.id: owner for owner in owners}
        self.roles = {source.name: source.roles for source in settings.sources}
        self.written = written
        self.created = created
        self.taken_over = taken_over

    def map(self, record: SourceRecord) -> Organisation:
        """Map one record.

        Raises:
            MappingError: the record cannot become an organisation.
        """
        crm = self.settings.crm
        if record.ref.source != crm.name:
            return map_project_row(record, self.roles.get(record.ref.source, {}))

        written = self.written.get(record.ref.id, {})
        as_left = _as_people_left_it(record, written)
        if record.ref.id not in self.created:
            organisation = map_crm_company(as_left, crm.fields, self.staff)
            return self._without_taken_over_owner(organisation)

        organisation = map_crm_company(record, crm.fields, self.staff)
        owner = as_left.fields.get(crm.fields.get("owner_id", ""))
        people = self.staff.get(str(owner or ""))
        return replace(
            organisation,
            owner_id=people.id if people else None,
            units=frozenset(people.teams) if people else frozenset(),
            staff=frozenset({people.email}) if people else frozenset(),
        )

    def _without_taken_over_owner(self, organisation: Organisation) -> Organisation:
        taken_over = self.taken_over.get(organisation.ref.id, frozenset())
        if organisation.owner_id not in taken_over:
            return organisation
        return replace(
            organisation, owner_id=None, units=frozenset(), staff=frozenset()
        )


def resolve_partners(
    store: StateStore, settings: Settings, organisations: list[Organisation]
) -> Resolution:
    """Group organisations into partners, keeping partner ids stable across runs.

    Companies merged away in the CRM are matched, or attached, as ``sync/merged.py``
    sorts them, so that a merge changes neither the partners nor what they count.
    """
    crm = settings.crm
    created = store.ledger.created_companies()
    merged_away = sort_merged(
        organisations,
        store.merged.records(crm.name),
        properties=crm.fields.values(),
        final=store.ledger.company_id_map(),
    )
    records, projections = split_projections(merged_away.matched, created, crm.name)
    previous = _previous_partner_ids(store, records)
    decisions: list[ReviewDecision] = store.load_decisions()
    resolution = resolve(
        records, settings=settings.matching, previous=previous, decisions=decisions
    )
    attach_projections(resolution, projections, previous, created)
    merged_away.attach(resolution)
    log.info(
        "sync.partners_resolved",
        records=len(organisations),
        partners=len(resolution.partners),
        reviews=len(resolution.reviews),
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


def _as_people_left_it(
    record: SourceRecord, written: Mapping[str, tuple[str, str]]
) -> SourceRecord:
    """Give each property sidos last wrote its value from before sidos wrote it."""
    if not written:
        return record
    fields = dict(record.fields)
    for name, (before, last) in written.items():
        if name != PARTNER_ID and fields.get(name) == last:
            fields[name] = before
    return SourceRecord(record.ref, fields, record.modified_at, record.archived)


def _previous_partner_ids(
    store: StateStore, organisations: Sequence[Organisation]
) -> dict[SourceRef, str]:
    previous = store.partners.memberships()
    for organisation in organisations:
        held = organisation.extra.get(PARTNER_ID)
        if held and organisation.ref not in previous:
            previous[organisation.ref] = held
    return previous


def _keep_merged_away(
    store: StateStore, source: str, records: Sequence[SourceRecord], run_id: str
) -> None:
    """Keep the records merges took away, before a full pull drops them.

    Their ids are mapped to the company left in their place. A merge sidos made is in
    the id map already, under that same company.
    """
    moves = {
        old_id: record.ref.id
        for record in records
        for old_id in str(record.fields.get("hs_merged_object_ids") or "").split(";")
        if old_id and old_id != record.ref.id
    }
    if not moves:
        return
    known = store.ledger.company_id_map()
    ours = {old_id for old_id, new_id in moves.items() if known.get(old_id) == new_id}
    store.ledger.record_company_ids(moves)
    kept = store.merged.retire(source, moves, run_id, ours=ours)
    log.info("sync.merged_away_kept", source=source, kept=kept, by_sidos=len(ours))
