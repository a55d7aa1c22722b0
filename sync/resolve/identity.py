"""Partner ids that stay put while a partner's members come and go.

The rule, applied to the clusters of one run:

1. Each cluster votes for the ids its members held on the previous run. Votes are
   settled greedily, most votes first (ties: the smaller id, then the cluster with
   the smaller anchor), each id going to one cluster only. So a partner that gains or
   loses members keeps its id, and when a partner splits, the part holding most of
   its old members keeps it.
2. A cluster left without an id gets ``p-`` plus the first 12 hex digits of the
   SHA-256 of its anchor: ``fi:<business id>`` when it has a valid business id, else
   ``ref:<smallest member ref>``. An id already held by another cluster or on the
   previous run is never reused; the next candidate hashes ``<anchor>#1``,
   ``<anchor>#2``, … instead.

The same clusters and previous ids always give the same result, whatever the order
the records arrived in.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Mapping, Sequence

from mappings.model import SourceRef

__all__ = ["assign_partner_ids", "cluster_anchor", "derive_partner_id"]

HASH_DIGITS = 12


def cluster_anchor(members: Sequence[SourceRef], business_id: str | None) -> str:
    """Return the text a new cluster's id is derived from.

    Args:
        members: the cluster's member refs.
        business_id: the cluster's valid business id, if it has one.

    Returns:
        ``fi:<business id>`` or ``ref:<smallest member ref>``.
    """
    if business_id:
        return f"fi:{business_id}"
    return f"ref:{min(members)}"


def derive_partner_id(anchor: str, attempt: int = 0) -> str:
    """Return the partner id derived from an anchor.

    Args:
        anchor: the cluster's anchor.
        attempt: 0 for the first candidate, then 1, 2, … after collisions.

    Returns:
        ``p-`` plus 12 hex digits.
    """
    text = anchor if attempt == 0 else f"{anchor}#{attempt}"
    return "p-" + hashlib.sha256(text.encode()).hexdigest()[:HASH_DIGITS]


def assign_partner_ids(
    clusters: Sequence[Sequence[SourceRef]],
    anchors: Sequence[str],
    previous: Mapping[SourceRef, str],
) -> list[str]:
    """Give every cluster a partner id, inheriting where its members allow.

    Args:
        clusters: each cluster's member refs.
        anchors: each cluster's anchor (see ``cluster_anchor``).
        previous: the partner id each ref held on the previous run.

    Returns:
        The partner id of each cluster, aligned with ``clusters``.
    """
    ids: list[str | None] = [None] * len(clusters)
    taken: set[str] = set()
    for _, partner_id, _, index in sorted(_votes(clusters, anchors, previous)):
        if ids[index] is None and partner_id not in taken:
            ids[index] = partner_id
            taken.add(partner_id)
    retired = taken | set(previous.values())
    for index in sorted(range(len(clusters)), key=anchors.__getitem__):
        if ids[index] is None:
            ids[index] = _fresh_id(anchors[index], retired)
    return [partner_id for partner_id in ids if partner_id is not None]


def _votes(
    clusters: Sequence[Sequence[SourceRef]],
    anchors: Sequence[str],
    previous: Mapping[SourceRef, str],
) -> list[tuple[int, str, str, int]]:
    if not previous:
        return []
    votes: list[tuple[int, str, str, int]] = []
    for index, members in enumerate(clusters):
        held = Counter(previous[ref] for ref in members if ref in previous)
        votes.extend(
            (-count, pid, anchors[index], index) for pid, count in held.items()
        )
    return votes


def _fresh_id(anchor: str, taken: set[str]) -> str:
    attempt = 0
    while (candidate := derive_partner_id(anchor, attempt)) in taken:
        attempt += 1
    taken.add(candidate)
    return candidate
