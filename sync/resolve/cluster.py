"""Records grouped into partners: must-links first, then average linkage.

1. Must-links (an equal valid business id, a person's ``same``) join records into
   groups, unless the join would put two valid business ids or a ``different`` pair
   in one group.
2. Pairs at or above the match threshold connect groups into loose components.
3. Inside each component every pair is scored (not only the blocked ones) and groups
   merge by average linkage while the best average probability between two groups
   stays at or above ``Limits.average``, at least one pair between them reaches the
   match threshold, and no cannot-link separates them. This breaks the chains that
   connected components build ("A is B, B is C" when A is not C), and every merge
   still rests on a pair at or above the match threshold. A component whose pairs
   all clear the match threshold becomes one partner directly.

Components larger than ``MAX_COMPLETE`` records fall back to merging their strong
pairs one by one, strongest first, under the same constraints.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sync.resolve.unionfind import ConstrainedUnionFind, connected_components

__all__ = [
    "BLOCKED",
    "MAX_COMPLETE",
    "Limits",
    "ScoredPairs",
    "Scorer",
    "cluster_records",
]

BLOCKED = -1.0
MAX_COMPLETE = 400

Int = npt.NDArray[np.int64]
Float = npt.NDArray[np.float64]
Scorer = Callable[[Int, Int], Float]


@dataclass(frozen=True, slots=True)
class Limits:
    """The match threshold, and the least average probability a merge needs."""

    match: float
    average: float


@dataclass(slots=True)
class ScoredPairs:
    """Candidate pairs sorted by (left, right), with their match probabilities."""

    left: Int
    right: Int
    probability: Float
    size: int
    codes: Int = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    discovered: list[tuple[Int, Int, Float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.codes = self.left * self.size + self.right

    def parts(self) -> list[tuple[Int, Int, Float]]:
        """Return the candidates, then each batch of pairs scored later."""
        return [(self.left, self.right, self.probability), *self.discovered]

    def lookup(self, left: Int, right: Int, scorer: Scorer) -> Float:
        """Return the probability of each pair, scoring those not yet scored.

        Args:
            left: first rows, each smaller than its ``right``.
            right: second rows.
            scorer: scores pairs outside the candidates.

        Returns:
            The probabilities, aligned with the pairs.
        """
        known = self.codes
        wanted = left * self.size + right
        position = np.minimum(np.searchsorted(known, wanted), max(len(known) - 1, 0))
        found = known[position] == wanted if len(known) else np.zeros(len(left), bool)
        probability = np.empty(len(wanted), dtype=np.float64)
        probability[found] = self.probability[position[found]]
        if not found.all():
            new_left, new_right = left[~found], right[~found]
            probability[~found] = scorer(new_left, new_right)
            self.discovered.append((new_left, new_right, probability[~found]))
        return probability


def cluster_records(
    pairs: ScoredPairs,
    *,
    business_id: Int,
    initial: Int,
    must: Sequence[tuple[int, int]],
    cannot: Sequence[tuple[int, int]],
    limits: Limits,
    scorer: Scorer,
) -> tuple[Int, list[tuple[int, int]]]:
    """Group records so that each group is one partner.

    Args:
        pairs: the scored candidate pairs; ``BLOCKED`` marks forbidden pairs.
        business_id: each row's valid business id as an integer, ``-1`` if none.
        initial: each row's business-id group as its smallest row.
        must: further pairs that must be in one group where constraints allow.
        cannot: pairs that must never be in one group.
        limits: the match threshold and the average a merge needs.
        scorer: scores pairs outside the candidates, ``BLOCKED`` when forbidden.

    Returns:
        Each row's group as its smallest row number, and the must-links refused.
    """
    groups = ConstrainedUnionFind(business_id, cannot, initial=initial)
    refused = [(a, b) for a, b in sorted(must) if not groups.union(a, b)]
    group_of = groups.labels()
    strong = pairs.probability >= limits.match
    rows = np.arange(pairs.size, dtype=np.int64)
    component = connected_components(
        pairs.size,
        np.concatenate([pairs.left[strong], rows]),
        np.concatenate([pairs.right[strong], group_of]),
    )
    whole = _merge_components(groups, component, group_of, pairs, limits, scorer)
    labels = groups.labels()
    labels[whole] = component[whole]
    return labels, refused


def _merge_components(
    groups: ConstrainedUnionFind,
    component: Int,
    group_of: Int,
    pairs: ScoredPairs,
    limits: Limits,
    scorer: Scorer,
) -> npt.NDArray[np.bool_]:
    whole = np.zeros(pairs.size, dtype=bool)
    order = np.argsort(component, kind="stable")
    starts = np.flatnonzero(np.r_[True, component[order][1:] != component[order][:-1]])
    bounds = np.r_[starts, len(order)]
    sizes = np.diff(bounds)
    for size in np.unique(sizes[sizes > 1]).tolist():
        firsts = bounds[:-1][sizes == size]
        members = order[firsts[:, None] + np.arange(size)]
        if size > MAX_COMPLETE:
            for rows in members:
                _merge_strongest_first(groups, rows, pairs, limits.match)
            continue
        merged = _merge_size_class(groups, members, group_of, pairs, limits, scorer)
        whole[members[merged].ravel()] = True
    return whole


def _merge_size_class(
    groups: ConstrainedUnionFind,
    members: Int,
    group_of: Int,
    pairs: ScoredPairs,
    limits: Limits,
    scorer: Scorer,
) -> npt.NDArray[np.bool_]:
    members = np.sort(members, axis=1)
    first, second = np.triu_indices(members.shape[1], 1)
    probability = pairs.lookup(
        members[:, first].ravel(), members[:, second].ravel(), scorer
    ).reshape(len(members), len(first))
    cross = group_of[members[:, first]] != group_of[members[:, second]]
    merged: npt.NDArray[np.bool_] = ~(cross & (probability < limits.match)).any(axis=1)
    for index in np.flatnonzero(~merged).tolist():
        matrix = np.zeros((members.shape[1],) * 2)
        matrix[first, second] = probability[index]
        matrix[second, first] = probability[index]
        _average_linkage(groups, members[index], group_of, matrix, limits)
    return merged


def _average_linkage(
    groups: ConstrainedUnionFind,
    rows: Int,
    group_of: Int,
    matrix: Float,
    limits: Limits,
) -> None:
    labels, position = np.unique(group_of[rows], return_inverse=True)
    onehot = np.zeros((len(rows), len(labels)))
    onehot[np.arange(len(rows)), position] = 1.0
    blocked = (onehot.T @ (matrix == BLOCKED) @ onehot) > 0
    strong = (onehot.T @ (matrix >= limits.match) @ onehot) > 0
    sums = onehot.T @ np.maximum(matrix, 0.0) @ onehot
    counts = np.outer(onehot.sum(axis=0), onehot.sum(axis=0))
    active = np.ones(len(labels), dtype=bool)
    while True:
        allowed = ~blocked & strong & np.outer(active, active)
        average = np.where(allowed, sums / counts, -1.0)
        np.fill_diagonal(average, -1.0)
        keep, drop = divmod(int(np.argmax(average)), len(labels))
        if average[keep, drop] < limits.average:
            return
        groups.union(int(labels[keep]), int(labels[drop]))
        for table in (sums, counts):
            table[keep] += table[drop]
            table[:, keep] = table[keep]
        for flags in (blocked, strong):
            flags[keep] |= flags[drop]
            flags[:, keep] = flags[keep]
        active[drop] = False


def _merge_strongest_first(
    groups: ConstrainedUnionFind,
    rows: Int,
    pairs: ScoredPairs,
    threshold: float,
) -> None:
    inside = np.isin(pairs.left, rows) & (pairs.probability >= threshold)
    left, right = pairs.left[inside], pairs.right[inside]
    order = np.lexsort((right, left, -pairs.probability[inside]))
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=True):
        groups.union(a, b)
