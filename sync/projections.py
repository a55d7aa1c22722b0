"""CRM companies that sidos itself created: projections of partners, not evidence.

A company sidos created carries its partner's golden record, which combines values
from several members. Fed back into matching, such a company could bridge partners
that the records themselves keep apart, so that a second run resolves differently
from the first. Instead it is kept out of matching and attached, after resolution, to
the partner whose id it holds, or to the partner that absorbed that partner's records.
There it is the partner's own CRM representation: a member for planning, but none of
the partner's duplicates and no part of its golden record.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence

from mappings.model import Organisation, SourceRef
from sync.desired import PARTNER_ID
from sync.model import Partner
from sync.resolve import Resolution
from sync.resolve.golden import golden_source


def split_projections(
    organisations: Sequence[Organisation], created: Mapping[str, str], crm: str
) -> tuple[list[Organisation], list[Organisation]]:
    """Separate companies sidos created (by id) from the records to match."""
    records: list[Organisation] = []
    projections: list[Organisation] = []
    for organisation in organisations:
        is_created = organisation.ref.source == crm and organisation.ref.id in created
        (projections if is_created else records).append(organisation)
    return records, projections


def attach_projections(
    resolution: Resolution,
    projections: Sequence[Organisation],
    previous: Mapping[SourceRef, str],
    created: Mapping[str, str],
) -> None:
    """Add each created company to its partner, in place, as one it created.

    The partner is the one with the id the company holds; if that partner no longer
    exists, the one that holds most of its previous records; failing both, the
    company stands alone as a partner under the id it holds, its values the golden
    record. A partner's golden record is never rebuilt from its created companies,
    and they count as none of its duplicates (``Partner.records``).
    """
    by_id = {partner.partner_id: partner for partner in resolution.partners}
    for organisation in sorted(projections, key=lambda o: o.ref):
        held = organisation.extra.get(PARTNER_ID) or created[organisation.ref.id]
        target = by_id.get(held) or _successor(held, resolution, previous)
        if target is None:
            golden = dataclasses.replace(organisation, ref=golden_source(held))
            target = Partner(held, [], golden)
            resolution.partners.append(target)
            by_id[held] = target
        target.members.append(organisation)
        target.created.add(organisation.ref)
        resolution.partner_of[organisation.ref] = target.partner_id


def _successor(
    partner_id: str, resolution: Resolution, previous: Mapping[SourceRef, str]
) -> Partner | None:
    former = [ref for ref, held in previous.items() if held == partner_id]
    votes = Counter(
        resolution.partner_of[ref] for ref in former if ref in resolution.partner_of
    )
    if not votes:
        return None
    winner = min(votes, key=lambda pid: (-votes[pid], pid))
    return next(p for p in resolution.partners if p.partner_id == winner)
