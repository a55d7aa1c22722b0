"""The links resolution reports: matches, related entities and pairs for review.

- ``match``: two records of one partner joined by an equal valid business id, a
  person's ``same``, or a model probability at or above the match threshold.
- ``related``: records with different valid business ids whose names say they
  belong to one group: the distinctive words of one name are in the other
  ("Valmet Oyj", "Valmet Technologies Oy"); never merged.
- ``review``: records left in different partners although their probability is at
  least the review threshold, or although they share a company domain (evidence in
  conflict with the rest), or a person's ``same`` that a business id overrules.
  One pair per pair of partners, the strongest, and none a person already decided.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import numpy as np
import numpy.typing as npt

from mappings.model import Organisation
from sync.model import Link
from sync.resolve.cluster import BLOCKED
from sync.resolve.compare import compare_pairs
from sync.resolve.explain import (
    RULE_BUSINESS_ID,
    RULE_BUSINESS_ID_DIFFERS,
    RULE_CLUSTER,
    RULE_CONFLICT,
    RULE_DECISION,
    RULE_DECISION_CONFLICT,
    RULE_MODEL,
    Explainer,
)
from sync.resolve.matching import JOINING, Matching
from sync.settings import MatchingSettings

__all__ = ["LinkRows", "collect_links"]

Int = npt.NDArray[np.int64]
CHUNK = 1_000_000


@dataclass(slots=True)
class LinkRows:
    """Links sorted by refs, with the rows of their two records."""

    links: list[Link]
    left: Int
    right: Int


@dataclass(slots=True)
class _Batch:
    """Links of one decision, with the rows of their records (left < right)."""

    decision: str
    left: Int
    right: Int
    links: list[Link]

    @classmethod
    def of_pairs(cls, decision: str, pairs: Sequence[tuple[int, int]]) -> _Batch:
        """Make an empty batch for the given row pairs, to be filled in order."""
        rows = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        return cls(decision, rows[:, 0], rows[:, 1], [])


def collect_links(
    matching: Matching,
    records: Sequence[Organisation],
    business_ids: Sequence[str | None],
    settings: MatchingSettings,
) -> tuple[LinkRows, LinkRows]:
    """Build the match and related links, and the links waiting for review.

    Args:
        matching: the arrays of a run.
        records: the records by row, in the order of their refs (as ``resolve``
            sorts them), so that sorting by rows sorts by refs.
        business_ids: each row's valid business id, formatted, or None.
        settings: the thresholds.

    Returns:
        The match and related links, then the review links, each sorted by refs.
    """
    matched = _select(matching, partial(_is_match, settings=settings))
    unsure = _select(matching, partial(_is_unsure, settings=settings))
    links = [
        _business_id_links(matching, records, business_ids),
        _decision_links(matching, records),
        _model_links(matching, records, matched[0], matched[1], None),
        _related_links(matching, records, business_ids, settings),
    ]
    reviews = _review_links(matching, records, business_ids, unsure, settings)
    return _sorted(links), _sorted(reviews)


Selected = tuple[Int, Int, npt.NDArray[np.float64]]
PairTest = Callable[
    [Matching, Int, Int, npt.NDArray[np.float64]], npt.NDArray[np.bool_]
]


def _select(matching: Matching, test: PairTest) -> Selected:
    """Return the scored pairs that pass ``test`` and no person decided, in chunks.

    The candidates and the pairs clustering scored later are read separately, in
    chunks of ``CHUNK``: the tests' temporary arrays then stay small enough to
    reuse memory instead of mapping fresh pages for each of ten million pairs.
    """
    parts = []
    for left, right, probability in matching.pairs.parts():
        for start in range(0, len(left), CHUNK):
            part = slice(start, start + CHUNK)
            passed = test(matching, left[part], right[part], probability[part])
            passed &= ~_decided(matching, left[part], right[part])
            kept = start + np.flatnonzero(passed)
            parts.append((left[kept], right[kept], probability[kept]))
    if not parts:
        return (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
    return (
        np.concatenate([part[0] for part in parts]),
        np.concatenate([part[1] for part in parts]),
        np.concatenate([part[2] for part in parts]),
    )


def _is_match(
    matching: Matching,
    left: Int,
    right: Int,
    probability: npt.NDArray[np.float64],
    *,
    settings: MatchingSettings,
) -> npt.NDArray[np.bool_]:
    labels = matching.labels
    match: npt.NDArray[np.bool_] = (labels[left] == labels[right]) & (
        probability >= settings.match_threshold
    )
    return match


def _is_unsure(
    matching: Matching,
    left: Int,
    right: Int,
    probability: npt.NDArray[np.float64],
    *,
    settings: MatchingSettings,
) -> npt.NDArray[np.bool_]:
    labels = matching.labels
    domain = matching.features.domain
    open_pair = (labels[left] != labels[right]) & (probability != BLOCKED)
    same_domain = (domain[left] >= 0) & (domain[left] == domain[right])
    wanted: npt.NDArray[np.bool_] = open_pair & (
        (probability >= settings.review_threshold) | same_domain
    )
    return wanted


def _sorted(batches: list[_Batch]) -> LinkRows:
    decisions = sorted({batch.decision for batch in batches})
    left = np.concatenate([batch.left for batch in batches])
    right = np.concatenate([batch.right for batch in batches])
    decision = np.concatenate(
        [np.full(len(b.left), decisions.index(b.decision)) for b in batches]
    )
    order = np.lexsort((decision, right, left))
    every = [link for batch in batches for link in batch.links]
    return LinkRows(
        [every[index] for index in order.tolist()], left[order], right[order]
    )


def _business_id_links(
    matching: Matching,
    records: Sequence[Organisation],
    business_ids: Sequence[str | None],
) -> _Batch:
    rows = np.flatnonzero(matching.initial != np.arange(len(records)))
    anchors = matching.initial[rows]
    links = [
        Link(
            records[anchor].ref,
            records[row].ref,
            "match",
            1.0,
            RULE_BUSINESS_ID,
            {"business_id": business_ids[row]},
        )
        for row, anchor in zip(rows.tolist(), anchors.tolist(), strict=True)
    ]
    return _Batch("match", anchors, rows, links)


def _decision_links(matching: Matching, records: Sequence[Organisation]) -> _Batch:
    joined = [
        (left, right)
        for (left, right), verdict in sorted(matching.decided.items())
        if not _business_id_equal(matching, left, right)
        and verdict in JOINING
        and matching.labels[left] == matching.labels[right]
    ]
    batch = _Batch.of_pairs("match", joined)
    batch.links = [
        Link(
            records[left].ref,
            records[right].ref,
            "match",
            1.0,
            RULE_DECISION,
            {"verdict": matching.decided[(left, right)]},
        )
        for left, right in joined
    ]
    return batch


def _model_links(
    matching: Matching,
    records: Sequence[Organisation],
    left: Int,
    right: Int,
    decision: str | None,
    rule: str = RULE_MODEL,
) -> _Batch:
    comparison = compare_pairs(matching.features, left, right)
    probability = matching.weights.probability(comparison.levels)
    explainer = Explainer(matching.weights)
    names = matching.features.names
    ids = matching.features.business_id
    kept = np.flatnonzero(~((ids[left] >= 0) & (ids[left] == ids[right])))
    columns = zip(
        left[kept].tolist(),
        right[kept].tolist(),
        comparison.levels[kept].tolist(),
        np.round(probability[kept], 6).tolist(),
        comparison.name_ratio[kept].tolist(),
        comparison.name_overlap[kept].tolist(),
        strict=True,
    )
    links = []
    for a, b, levels, score, similarity, overlap in columns:
        evidence = explainer.describe(
            records[a],
            records[b],
            levels,
            forms=(names.legal_form(a), names.legal_form(b)),
            name_similarity=similarity,
            name_overlap=overlap,
        )
        links.append(
            Link(
                records[a].ref,
                records[b].ref,
                decision or "match",
                score,
                rule,
                evidence,
            )
        )
    return _Batch(decision or "match", left[kept], right[kept], links)


def _related_links(
    matching: Matching,
    records: Sequence[Organisation],
    business_ids: Sequence[str | None],
    settings: MatchingSettings,
) -> _Batch:
    pairs = matching.pairs
    chosen = np.concatenate(
        [
            start
            + np.flatnonzero(
                _is_related(matching, slice(start, start + CHUNK), settings)
            )
            for start in range(0, len(pairs.left), CHUNK)
        ]
        or [np.empty(0, np.int64)]
    )
    if matching.refused:
        refused = _codes(matching.refused, matching.pairs.size)
        chosen = chosen[~np.isin(pairs.codes[chosen], refused)]
    left, right = pairs.left[chosen], pairs.right[chosen]
    columns = zip(
        left.tolist(),
        right.tolist(),
        _shared(np.round(matching.name_ratio[chosen], 3).tolist()),
        _shared(np.round(matching.name_containment[chosen], 3).tolist()),
        strict=True,
    )
    links = [
        Link(
            records[a].ref,
            records[b].ref,
            "related",
            0.0,
            RULE_BUSINESS_ID_DIFFERS,
            {
                "business_ids": [business_ids[a], business_ids[b]],
                "name_similarity": ratio,
                "name_containment": containment,
            },
        )
        for a, b, ratio, containment in columns
    ]
    return _Batch("related", left, right, links)


def _is_related(
    matching: Matching, part: slice, settings: MatchingSettings
) -> npt.NDArray[np.bool_]:
    ids = matching.features.business_id
    left, right = ids[matching.pairs.left[part]], ids[matching.pairs.right[part]]
    differs = (left >= 0) & (right >= 0) & (left != right)
    # Containment, not text similarity: "Valmet" inside "Valmet Technologies" says
    # group, while "Asunto Oy Tampereen Aava" and "… Abies" are merely alike.
    contained = matching.name_containment[part] >= settings.related_threshold
    related: npt.NDArray[np.bool_] = differs & contained
    return related


def _review_links(
    matching: Matching,
    records: Sequence[Organisation],
    business_ids: Sequence[str | None],
    unsure: Selected,
    settings: MatchingSettings,
) -> list[_Batch]:
    left, right, probability = unsure
    labels = matching.labels
    order = np.lexsort((right, left, -probability))
    cluster_pair = np.sort(np.stack([labels[left[order]], labels[right[order]]]), 0)
    _, first = np.unique(cluster_pair, axis=1, return_index=True)
    chosen = np.sort(order[first])
    band = np.digitize(
        probability[chosen], [settings.review_threshold, settings.match_threshold]
    )
    reviews = [
        _model_links(matching, records, left[rows], right[rows], "review", rule)
        for level, rule in enumerate((RULE_CONFLICT, RULE_MODEL, RULE_CLUSTER))
        for rows in [chosen[band == level]]
    ]
    conflicts = _Batch.of_pairs("review", matching.refused)
    conflicts.links = [
        Link(
            records[a].ref,
            records[b].ref,
            "review",
            1.0,
            RULE_DECISION_CONFLICT,
            {"business_ids": [business_ids[a], business_ids[b]]},
        )
        for a, b in matching.refused
    ]
    return [*reviews, conflicts]


def _shared(values: list[float]) -> list[float]:
    # Similarities rounded to three decimals take at most a thousand values, and
    # a large run has hundreds of thousands of related links: one float object per
    # value rather than per link.
    seen: dict[float, float] = {}
    return list(map(seen.setdefault, values, values))


def _codes(pairs: Sequence[tuple[int, int]], size: int) -> Int:
    return np.array([a * size + b for a, b in pairs], dtype=np.int64)


def _decided(matching: Matching, left: Int, right: Int) -> npt.NDArray[np.bool_]:
    if not matching.decided:
        return np.zeros(len(left), dtype=bool)
    size = len(matching.labels)
    return np.isin(left * size + right, _codes(list(matching.decided), size))


def _business_id_equal(matching: Matching, left: int, right: int) -> bool:
    ids = matching.features.business_id
    return bool(ids[left] >= 0 and ids[left] == ids[right])
