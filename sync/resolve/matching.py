"""Records to groups, in arrays: features, candidates, scores, clusters.

``match_records`` is the part of resolution that scales with the number of records;
it builds no per-pair objects. Business ids decide before the model does: an equal
valid id makes a pair certain (probability 1), different valid ids forbid it, and so
does a person's ``different``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mappings.model import Organisation, SourceRef
from sync.model import ReviewDecision
from sync.parallel import available_cores
from sync.resolve.arrays import first_of_groups
from sync.resolve.blocking import generate_candidates
from sync.resolve.cluster import BLOCKED, Limits, ScoredPairs, cluster_records
from sync.resolve.compare import compare_pairs
from sync.resolve.features import Features, build_features
from sync.resolve.weights import (
    DEFAULT_WEIGHTS,
    Weights,
    estimate_weights,
)
from sync.settings import MatchingSettings

__all__ = ["Matching", "match_records", "paused_gc"]

SAME = "same"
DIFFERENT = "different"
MERGE = "merge"
VERDICTS = (SAME, DIFFERENT, MERGE)
JOINING = frozenset({SAME, MERGE})
CHUNK = 1_000_000

Int = npt.NDArray[np.int64]
Float = npt.NDArray[np.float64]


@dataclass(slots=True)
class Matching:
    """Everything resolution learned about the records, as arrays by row.

    Of the comparison of the candidates only the two name similarities that
    related-entity links read are kept, aligned with ``pairs``; the links that
    show full evidence compare their few pairs again.
    """

    features: Features
    name_ratio: npt.NDArray[np.float32]
    name_containment: npt.NDArray[np.float32]
    pairs: ScoredPairs
    weights: Weights
    labels: Int
    initial: Int
    decided: dict[tuple[int, int], str]
    refused: list[tuple[int, int]]


def match_records(
    records: Sequence[Organisation],
    *,
    settings: MatchingSettings,
    decisions: Sequence[ReviewDecision] = (),
) -> Matching:
    """Score candidate pairs of records and group the records into partners.

    Args:
        records: the records, in the order rows are numbered.
        settings: thresholds, window and whether to learn weights.
        decisions: people's verdicts on pairs, honoured as must- and cannot-links.

    Returns:
        The features, scored pairs, weights and each row's group.

    Raises:
        ValueError: when a decision's verdict is neither "same" nor "different".
    """
    with paused_gc():
        return _match(records, settings, decisions)


def _match(
    records: Sequence[Organisation],
    settings: MatchingSettings,
    decisions: Sequence[ReviewDecision],
) -> Matching:
    features = build_features(
        records, processes=settings.processes or available_cores()
    )
    left, right = generate_candidates(features, window=settings.window)
    decided = _decided_pairs(records, decisions)
    cannot = [pair for pair, verdict in decided.items() if verdict == DIFFERENT]
    cannot_codes = np.array(
        sorted(a * len(records) + b for a, b in cannot), dtype=np.int64
    )
    weights, probability, ratio, containment = _score_candidates(
        features, (left, right), settings, cannot_codes
    )

    def score(left: Int, right: Int) -> Float:
        levels = compare_pairs(features, left, right).levels
        return _probability(features, weights, levels, (left, right), cannot_codes)

    pairs = ScoredPairs(left, right, probability, len(records))
    initial = first_of_groups(features.business_id)
    labels, refused = cluster_records(
        pairs,
        business_id=features.business_id,
        initial=initial,
        must=[pair for pair, verdict in decided.items() if verdict in JOINING],
        cannot=cannot,
        limits=Limits(settings.match_threshold, settings.linkage_threshold),
        scorer=score,
    )
    return Matching(
        features,
        ratio,
        containment,
        pairs,
        weights,
        labels,
        initial,
        decided,
        refused,
    )


def _score_candidates(
    features: Features,
    pair: tuple[Int, Int],
    settings: MatchingSettings,
    cannot_codes: Int,
) -> tuple[Weights, Float, npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """Return the weights, each candidate's probability and its name similarities.

    The agreement levels, a byte per field and candidate, are dropped here,
    before clustering and link building need their memory.
    """
    comparison = compare_pairs(features, *pair)
    weights = (
        estimate_weights(comparison.levels)
        if settings.learn_weights
        else (DEFAULT_WEIGHTS)
    )
    probability = _probability(features, weights, comparison.levels, pair, cannot_codes)
    return weights, probability, comparison.name_ratio, comparison.name_containment


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while millions of objects are built.

    Resolution allocates several objects per record (features, links, golden
    records) and none of them form cycles; with the collector running, each full
    collection walks every live object again, which makes resolution grow faster
    than the number of records. The objects are handed over as old ones when the
    collector runs again.

    Yields:
        Nothing; the collector runs again afterwards if it ran before.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote_young_objects()
            gc.enable()


def _promote_young_objects() -> None:
    # What was built while the collector paused outlives the call, so a pass of
    # the young generation over those millions of objects would take seconds and
    # free nothing. Freezing and unfreezing splices every tracked object into the
    # oldest generation in constant time; skipped when the application keeps
    # objects frozen itself, which unfreezing would release.
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()


def _probability(
    features: Features,
    weights: Weights,
    levels: npt.NDArray[np.int8],
    pair: tuple[Int, Int],
    cannot_codes: Int,
) -> Float:
    probability = weights.probability(levels)
    # A chunk at a time, so that the temporaries reuse memory rather than map
    # fresh pages for each of millions of pairs.
    for start in range(0, len(probability), CHUNK):
        part = slice(start, start + CHUNK)
        left, right = pair[0][part], pair[1][part]
        _apply_constraints(features, (left, right), probability[part], cannot_codes)
    return probability


def _apply_constraints(
    features: Features, pair: tuple[Int, Int], probability: Float, cannot_codes: Int
) -> None:
    left, right = pair
    ids_left, ids_right = features.business_id[left], features.business_id[right]
    both = (ids_left >= 0) & (ids_right >= 0)
    probability[both & (ids_left == ids_right)] = 1.0
    probability[both & (ids_left != ids_right)] = BLOCKED
    if len(cannot_codes):
        probability[np.isin(left * features.size + right, cannot_codes)] = BLOCKED


def _decided_pairs(
    records: Sequence[Organisation], decisions: Sequence[ReviewDecision]
) -> dict[tuple[int, int], str]:
    row_of: dict[SourceRef, int] = {
        record.ref: row for row, record in enumerate(records)
    }
    decided: dict[tuple[int, int], str] = {}
    for decision in decisions:
        if decision.verdict not in VERDICTS:
            raise ValueError(
                f"review verdict {decision.verdict!r} for {decision.left} and "
                f"{decision.right} is not one of {', '.join(VERDICTS)}"
            )
        left, right = row_of.get(decision.left), row_of.get(decision.right)
        if left is not None and right is not None and left != right:
            decided[(min(left, right), max(left, right))] = decision.verdict
    return decided
