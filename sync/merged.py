"""Companies merged away in the CRM: what they said about their partner still holds.

A merge takes two companies out of the CRM and leaves one in their place, holding the
primary's values, the other's only where the primary had none, and one owner. Had
sidos resolved only what a merge leaves, every merge it made would change the records
it resolves the next run from. A name only the merged-away company held would be gone,
so a project row that matched that name would part from its partner; the units and
staff who worked with the partner through that company would stop counting; and the
Fellegi–Sunter weights, which are learnt from the records each run
(``resolve/weights.py``), would shift with the population, so that the next run linked
and merged further pairs. A rerun on unchanged data must resolve as the run before.

So the state store keeps each merged-away company as it last was
(``state/merged.py``), and a run reads it, as people left it, like any record:

- A company **sidos** merged away stays a record to match while the company it was
  merged into is in the CRM. That company, while it holds only values that the
  companies merged into it held, is sidos's representation of them, like a company
  sidos created (``projections.py``): it is not matched but attached to the partner
  that holds most of them. Matching, the learnt weights, golden records and
  classification thus see exactly the records they saw before the merge. Once a
  person edits the merged company, it is matched too, as evidence of its own.
- A company a **person** merged away, or one whose merged company is gone again, is
  not matched: the person's merge speaks for it, and matching it could pull apart
  what the person joined. It is attached to the partner of the company it ended up in
  (by the company id map), so its units and staff still count.
- An owner that a merged company took over from a company merged into it does not
  count for the merged company: it counts through that company, as people left it,
  which also keeps out a KAM that sidos made its owner. Units and staff are sets, so
  nobody counts twice. A company a person archived is no merge, and drops out as
  before.

Keeping the learnt weights in the store instead would stop the weights from shifting,
but not the lost names and owners; learning and matching from records that merges do
not change settles both, and keeps the weights learnt from the data each run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from mappings.model import Organisation, SourceRef
from sync.model import Partner
from sync.resolve import Resolution
from sync.state.merged import MergedRecord

__all__ = ["MergedAway", "sort_merged", "taken_over_owners"]


@dataclass(slots=True)
class MergedAway:
    """One run's organisations to match, and the ones to attach after matching.

    ``survivors`` are merged companies that stand for the companies merged into them,
    each with the refs of those; ``contributions`` are merged-away companies, each
    with the ref of the company it ended up in.
    """

    matched: list[Organisation]
    survivors: list[tuple[Organisation, list[SourceRef]]] = field(default_factory=list)
    contributions: list[tuple[Organisation, SourceRef]] = field(default_factory=list)

    def attach(self, resolution: Resolution) -> None:
        """Add the survivors and contributions to their partners, in place.

        Call it once every matched record has its partner, companies sidos created
        included.
        """
        by_id = {partner.partner_id: partner for partner in resolution.partners}
        for organisation, originals in self.survivors:
            votes = Counter(resolution.partner_of[ref] for ref in originals)
            winner = min(votes, key=lambda pid: (-votes[pid], pid))
            _add(by_id[winner], organisation, resolution)
            by_id[winner].created.add(organisation.ref)
        for organisation, company in self.contributions:
            partner_id = resolution.partner_of.get(company)
            if partner_id is not None:
                _add(by_id[partner_id], organisation, resolution)


def sort_merged(
    organisations: Sequence[Organisation],
    merged: Sequence[MergedRecord],
    *,
    properties: Iterable[str],
    final: Mapping[str, str],
) -> MergedAway:
    """Sort a run's organisations by what merges in the CRM made of them.

    Args:
        organisations: every mapped record, the merged-away companies included.
        merged: the records merged away in the CRM.
        properties: the CRM properties that organisations are mapped from.
        final: each merged-away company id → the company it ended up in.

    Returns:
        The organisations to match, and the survivors and contributions to attach.
    """
    by_ref = {organisation.ref: organisation for organisation in organisations}
    kept = [record for record in merged if record.record.ref in by_ref]
    standing = _standing_for(kept, by_ref, {record.record.ref for record in merged})
    names = list(properties)
    survivors = [
        (by_ref[ref], [record.record.ref for record in originals])
        for ref, originals in sorted(standing.items())
        if _holds_only_merged(by_ref[ref], originals, names)
    ]
    evidence = {
        record.record.ref for records in standing.values() for record in records
    }
    contributions = [
        (by_ref[record.record.ref], _final_ref(record, final))
        for record in kept
        if record.record.ref not in evidence
    ]
    apart = {organisation.ref for organisation, _ in [*survivors, *contributions]}
    matched = [o for o in organisations if o.ref not in apart]
    return MergedAway(matched, survivors, contributions)


def taken_over_owners(
    merged: Iterable[MergedRecord], owner_property: str
) -> dict[str, frozenset[str]]:
    """Return, per merged company id, the owners of the companies merged into it.

    Args:
        merged: the records merged away in the CRM.
        owner_property: the CRM property holding a company's owner.

    Returns:
        Company id → the owner ids it may have taken over in a merge.
    """
    owners: dict[str, set[str]] = defaultdict(set)
    for record in merged:
        owner = _text(record.record.fields.get(owner_property))
        if owner:
            owners[record.survivor_id].add(owner)
    return {company_id: frozenset(ids) for company_id, ids in owners.items()}


def _standing_for(
    kept: Iterable[MergedRecord],
    by_ref: Mapping[SourceRef, Organisation],
    merged_refs: Collection[SourceRef],
) -> dict[SourceRef, list[MergedRecord]]:
    """Return, per company in the CRM, the companies sidos merged into it."""
    standing: dict[SourceRef, list[MergedRecord]] = defaultdict(list)
    for record in kept:
        survivor = SourceRef(record.record.ref.source, record.survivor_id)
        if record.by_sidos and survivor in by_ref and survivor not in merged_refs:
            standing[survivor].append(record)
    return dict(standing)


def _holds_only_merged(
    survivor: Organisation, originals: Sequence[MergedRecord], properties: Iterable[str]
) -> bool:
    """Tell whether each mapped property holds a value one of ``originals`` held.

    ``extra`` holds the company's properties as people left them, so what sidos wrote
    on the merged company since is no edit.
    """
    return all(
        _text(survivor.extra.get(name))
        in {_text(o.record.fields.get(name)) for o in originals}
        for name in properties
    )


def _final_ref(record: MergedRecord, final: Mapping[str, str]) -> SourceRef:
    ref = record.record.ref
    return SourceRef(ref.source, final.get(ref.id, record.survivor_id))


def _add(partner: Partner, organisation: Organisation, resolution: Resolution) -> None:
    partner.members.append(organisation)
    resolution.partner_of[organisation.ref] = partner.partner_id


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()
