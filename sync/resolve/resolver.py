"""Resolution: organisations in, partners with stable ids, links and reviews out."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from mappings.model import Organisation, SourceRef
from sync.model import Link, Partner, ReviewDecision
from sync.resolve.features import format_business_id
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
    records = sorted(organisations, key=_ref_key)
    _check_unique(records)
    matching = match_records(records, settings=settings, decisions=decisions)
    links, reviews = collect_links(matching, records, settings)
    groups = _groups(matching)
    ids = [
        format_business_id(value) for value in matching.features.business_id.tolist()
    ]
    weights = matching.weights
    del matching
    partner_ids = _partner_ids(groups, records, ids, previous or {})
    partners = [
        _partner(partner_id, rows, records, ids, settings)
        for partner_id, rows in zip(partner_ids, groups, strict=True)
    ]
    partner_of = {m.ref: p.partner_id for p in partners for m in p.members}
    _attach_links(partners, links, partner_of)

    return Resolution(partners, links, reviews, weights, partner_of)


def _ref_key(record: Organisation) -> tuple[str, str]:
    return (record.ref.source, record.ref.id)


def _check_unique(records: Sequence[Organisation]) -> None:
    for before, after in itertools.pairwise(records):
        if before.ref == after.ref:
            raise ValueError(
                f"record {before.ref} occurs more than once; pass each record once, "
                "merged by its source"
            )


def _groups(matching: Matching) -> list[list[int]]:
    order = np.argsort(matching.labels, kind="stable")
    labels = matching.labels[order]
    bounds = np.flatnonzero(np.r_[True, labels[1:] != labels[:-1], True]).tolist()
    rows = order.tolist()
    return [rows[start:end] for start, end in itertools.pairwise(bounds)]


def _partner_ids(
    groups: list[list[int]],
    records: Sequence[Organisation],
    ids: list[str | None],
    previous: Mapping[SourceRef, str],
) -> list[str]:
    refs = [[records[row].ref for row in rows] for rows in groups]
    anchors = [
        cluster_anchor(group_refs, next((ids[row] for row in rows if ids[row]), None))
        for group_refs, rows in zip(refs, groups, strict=True)
    ]
    return assign_partner_ids(refs, anchors, previous)


def _partner(
    partner_id: str,
    rows: list[int],
    records: Sequence[Organisation],
    ids: list[str | None],
    settings: MatchingSettings,
) -> Partner:
    members = [records[row] for row in rows]
    golden = build_golden(
        partner_id, members, settings, business_ids=[ids[row] for row in rows]
    )
    return Partner(partner_id, members, golden)


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
