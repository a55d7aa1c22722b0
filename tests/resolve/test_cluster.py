"""Clustering: average linkage breaks chains; constraints are never broken."""

from __future__ import annotations

import numpy as np

from sync.resolve.cluster import (
    BLOCKED,
    Float,
    Int,
    Limits,
    ScoredPairs,
    Scorer,
    cluster_records,
)

NO_IDS = np.full(3, -1, dtype=np.int64)
ROWS = np.arange(3, dtype=np.int64)


def scorer_for(table: dict[tuple[int, int], float]) -> Scorer:
    """Return a scorer reading probabilities from a table of row pairs."""

    def score(left: Int, right: Int) -> Float:
        pairs = zip(left.tolist(), right.tolist(), strict=True)
        return np.array([table[pair] for pair in pairs], dtype=np.float64)

    return score


def scored(table: dict[tuple[int, int], float]) -> ScoredPairs:
    """Return the table's pairs as scored candidates."""
    pairs = sorted(table)
    return ScoredPairs(
        np.array([a for a, _ in pairs], dtype=np.int64),
        np.array([b for _, b in pairs], dtype=np.int64),
        np.array([table[pair] for pair in pairs]),
        3,
    )


def test_cluster_records_chain_through_a_weak_pair_is_broken() -> None:
    """A is B and B is C, but A is surely not C: C stays apart."""
    table = {(0, 1): 0.99, (1, 2): 0.90, (0, 2): 0.01}

    labels, _ = cluster_records(
        scored({(0, 1): 0.99, (1, 2): 0.90}),
        business_id=NO_IDS,
        initial=ROWS,
        must=[],
        cannot=[],
        limits=Limits(0.88, 0.7),
        scorer=scorer_for(table),
    )

    assert labels.tolist() == [0, 0, 2]


def test_cluster_records_strong_triangle_becomes_one_partner() -> None:
    """Three records that all match are one partner."""
    table = {(0, 1): 0.99, (1, 2): 0.95, (0, 2): 0.93}

    labels, _ = cluster_records(
        scored(table),
        business_id=NO_IDS,
        initial=ROWS,
        must=[],
        cannot=[],
        limits=Limits(0.88, 0.7),
        scorer=scorer_for(table),
    )

    assert labels.tolist() == [0, 0, 0]


def test_cluster_records_two_business_ids_never_share_a_partner() -> None:
    """A record without an id joins one of two id holders, not both."""
    table = {(0, 1): 0.99, (1, 2): 0.98, (0, 2): BLOCKED}
    ids = np.array([112038, -1, 2769022], dtype=np.int64)

    labels, _ = cluster_records(
        scored(table),
        business_id=ids,
        initial=ROWS,
        must=[],
        cannot=[],
        limits=Limits(0.88, 0.7),
        scorer=scorer_for(table),
    )

    assert labels[0] != labels[2]


def test_cluster_records_must_link_refused_across_business_ids() -> None:
    """A must-link between two valid ids is refused and reported."""
    table = {(0, 2): BLOCKED}
    ids = np.array([112038, -1, 2769022], dtype=np.int64)

    labels, refused = cluster_records(
        scored(table),
        business_id=ids,
        initial=ROWS,
        must=[(0, 2)],
        cannot=[],
        limits=Limits(0.88, 0.7),
        scorer=scorer_for(table),
    )

    assert refused == [(0, 2)]
    assert labels[0] != labels[2]
