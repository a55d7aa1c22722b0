"""Resolution: organisations in, partners with stable ids, links and reviews out."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from mappings.identifiers import normalise_business_id
from mappings.model import Organisation, SourceRef
from sync.model import Link, Partner, ReviewDecision
from sync.resolve.golden import build_golden
from sync.resolve.identity import assign_partner_ids, cluster_anchor
from sync.resolve.links import collect_links
from sync.resolve.matching import Matching, match_records
from sync.resolve.weights import Weights
from sync.settings import MatchingSettings

__all__ = ["Resolution", "resolve"]


@dataclass(slots=True)
class Resolution:
    """The partners of one run, every match and related link, and pending reviews.

    ``weights`` are the Fellegi–Sunter weights the run used, for explanations.
    """

    partners: list[Partner]
    links: list[Link]
    reviews: list[Link]
    weights: Weights | None = None
    partner_of: dict[SourceRef, str] = field(default_factory=dict)


def resolve(
    organisations: Sequence[Organisation],
    *,
    settings: MatchingSettings,
    previous: Mapping[SourceRef, str] | None = None,
    decisions: Sequence[ReviewDecision] = (),
) -> Resolution:
    """Resolve records into partners.

    The result depends only on the records, the settings, the previous ids and the
    decisions, never on the order the records come in.

    Args:
        organisations: every record to resolve, each ref once.
        settings: thresholds, window and survivorship orders.
        previous: the partner id each ref held on the previous run.
        decisions: people's verdicts on pairs: ``same`` joins, ``different`` parts.

    Returns:
        The partners with members, golden records and links; all match and related
        links; and the pairs waiting for review.

    Raises:
        ValueError: when a ref occurs twice, or a decision's verdict is unknown.
    """
    records = sorted(organisations, key=lambda record: record.ref)
    _check_unique(records)
    matching = match_records(records, settings=settings, decisions=decisions)
    links, reviews = collect_links(matching, records, settings)
    members = _members(matching, records)
    partner_ids = _partner_ids(members, previous or {})
    partners = [
        Partner(partner_id, group, build_golden(partner_id, group, settings))
        for partner_id, group in zip(partner_ids, members, strict=True)
    ]
    partner_of = {m.ref: p.partner_id for p in partners for m in p.members}
    _attach_links(partners, links, partner_of)

    return Resolution(partners, links, reviews, matching.weights, partner_of)


def _check_unique(records: Sequence[Organisation]) -> None:
    for before, after in itertools.pairwise(records):
        if before.ref == after.ref:
            raise ValueError(
                f"record {before.ref} occurs more than once; pass each record once, "
                "merged by its source"
            )


def _members(
    matching: Matching, records: Sequence[Organisation]
) -> list[list[Organisation]]:
    order = np.argsort(matching.labels, kind="stable")
    labels = matching.labels[order]
    bounds = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1], True])
    rows = order.tolist()
    return [
        [records[row] for row in rows[start:end]]
        for start, end in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
    ]


def _partner_ids(
    members: list[list[Organisation]], previous: Mapping[SourceRef, str]
) -> list[str]:
    refs = [[record.ref for record in group] for group in members]
    anchors = [
        cluster_anchor(group_refs, _group_business_id(group))
        for group_refs, group in zip(refs, members, strict=True)
    ]
    return assign_partner_ids(refs, anchors, previous)


def _group_business_id(group: list[Organisation]) -> str | None:
    for record in group:
        valid = record.business_id or normalise_business_id(record.business_id_raw)
        if valid:
            return valid
    return None


def _attach_links(
    partners: list[Partner], links: list[Link], partner_of: dict[SourceRef, str]
) -> None:
    by_id: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        owners = {partner_of[link.left], partner_of[link.right]}
        for owner in sorted(owners):
            by_id[owner].append(link)
    for partner in partners:
        partner.links = by_id.get(partner.partner_id, [])
