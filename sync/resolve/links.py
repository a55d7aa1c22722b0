"""The links resolution reports: matches, related entities and pairs for review.

- ``match``: two records of one partner joined by an equal valid business id, a
  person's ``same``, or a model probability at or above the match threshold.
- ``related``: records with different valid business ids whose names say they
  belong to one group ("Valmet Oyj", "Valmet Technologies Oy"); never merged.
- ``review``: records left in different partners although their probability is at
  least the review threshold, or although they share a company domain (evidence in
  conflict with the rest), or a person's ``same`` that a business id overrules.
  One pair per pair of partners, the strongest, and none a person already decided.
"""

from __future__ import annotations

from collections.abc import Sequence

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
from sync.resolve.features import format_business_id
from sync.resolve.matching import JOINING, Matching
from sync.resolve.weights import match_probability
from sync.settings import MatchingSettings

__all__ = ["collect_links"]

Int = npt.NDArray[np.int64]


def collect_links(
    matching: Matching, records: Sequence[Organisation], settings: MatchingSettings
) -> tuple[list[Link], list[Link]]:
    """Build the match and related links, and the links waiting for review.

    Args:
        matching: the arrays of a run.
        records: the records by row.
        settings: the thresholds.

    Returns:
        The match and related links, then the review links, each sorted by refs.
    """
    left, right, probability = matching.pairs.all_pairs()
    labels = matching.labels
    same = labels[left] == labels[right]
    match = same & (probability >= settings.match_threshold)
    links = _business_id_links(matching, records)
    links += _decision_links(matching, records)
    chosen = match & ~_decided(matching, left, right)
    links += _model_links(matching, records, left[chosen], right[chosen], None)
    links += _related_links(matching, records, settings)
    reviews = _review_links(matching, records, (left, right, probability), settings)
    return sorted(links, key=_link_key), sorted(reviews, key=_link_key)


def _business_id_links(
    matching: Matching, records: Sequence[Organisation]
) -> list[Link]:
    rows = np.flatnonzero(matching.initial != np.arange(len(records)))
    anchors = matching.initial[rows].tolist()
    ids = matching.features.business_id[rows].tolist()
    return [
        Link(
            records[anchor].ref,
            records[row].ref,
            "match",
            1.0,
            RULE_BUSINESS_ID,
            {"business_id": format_business_id(value)},
        )
        for row, anchor, value in zip(rows.tolist(), anchors, ids, strict=True)
    ]


def _decision_links(matching: Matching, records: Sequence[Organisation]) -> list[Link]:
    links = []
    for (left, right), verdict in sorted(matching.decided.items()):
        if _business_id_equal(matching, left, right):
            continue
        if verdict in JOINING and matching.labels[left] == matching.labels[right]:
            links.append(
                Link(
                    records[left].ref,
                    records[right].ref,
                    "match",
                    1.0,
                    RULE_DECISION,
                    {"verdict": verdict},
                )
            )
    return links


def _model_links(
    matching: Matching,
    records: Sequence[Organisation],
    left: Int,
    right: Int,
    decision: str | None,
    rule: str = RULE_MODEL,
) -> list[Link]:
    comparison = compare_pairs(matching.features, left, right)
    probability = match_probability(matching.weights.score(comparison.levels))
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
            forms=(names[a].legal_form, names[b].legal_form),
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
    return links


def _related_links(
    matching: Matching, records: Sequence[Organisation], settings: MatchingSettings
) -> list[Link]:
    pairs, comparison = matching.pairs, matching.comparison
    ids = matching.features.business_id
    differs = (
        (ids[pairs.left] >= 0)
        & (ids[pairs.right] >= 0)
        & (ids[pairs.left] != ids[pairs.right])
    )
    similar = np.maximum(comparison.name_ratio, comparison.name_containment) >= (
        settings.related_threshold
    )
    refused = set(matching.refused)
    chosen = np.flatnonzero(differs & similar)
    columns = zip(
        pairs.left[chosen].tolist(),
        pairs.right[chosen].tolist(),
        ids[pairs.left[chosen]].tolist(),
        ids[pairs.right[chosen]].tolist(),
        np.round(comparison.name_ratio[chosen], 3).tolist(),
        np.round(comparison.name_containment[chosen], 3).tolist(),
        strict=True,
    )
    return [
        Link(
            records[a].ref,
            records[b].ref,
            "related",
            0.0,
            RULE_BUSINESS_ID_DIFFERS,
            {
                "business_ids": [format_business_id(id_a), format_business_id(id_b)],
                "name_similarity": ratio,
                "name_containment": containment,
            },
        )
        for a, b, id_a, id_b, ratio, containment in columns
        if (a, b) not in refused
    ]


def _review_links(
    matching: Matching,
    records: Sequence[Organisation],
    scored: tuple[Int, Int, npt.NDArray[np.float64]],
    settings: MatchingSettings,
) -> list[Link]:
    left, right, probability = scored
    labels = matching.labels
    domain = matching.features.domain
    open_pair = (labels[left] != labels[right]) & (probability != BLOCKED)
    same_domain = (domain[left] >= 0) & (domain[left] == domain[right])
    wanted = open_pair & ((probability >= settings.review_threshold) | same_domain)
    wanted &= ~_decided(matching, left, right)
    order = np.flatnonzero(wanted)
    order = order[np.lexsort((right[order], left[order], -probability[order]))]
    cluster_pair = np.sort(np.stack([labels[left[order]], labels[right[order]]]), 0)
    _, first = np.unique(cluster_pair, axis=1, return_index=True)
    chosen = np.sort(order[first])
    band = np.digitize(
        probability[chosen], [settings.review_threshold, settings.match_threshold]
    )
    reviews = []
    for level, rule in enumerate((RULE_CONFLICT, RULE_MODEL, RULE_CLUSTER)):
        rows = chosen[band == level]
        reviews += _model_links(
            matching, records, left[rows], right[rows], "review", rule
        )
    return reviews + [
        Link(
            records[a].ref,
            records[b].ref,
            "review",
            1.0,
            RULE_DECISION_CONFLICT,
            {"business_ids": [_business_id(matching, a), _business_id(matching, b)]},
        )
        for a, b in matching.refused
    ]


def _decided(matching: Matching, left: Int, right: Int) -> npt.NDArray[np.bool_]:
    if not matching.decided:
        return np.zeros(len(left), dtype=bool)
    size = len(matching.labels)
    codes = np.array([a * size + b for a, b in matching.decided], dtype=np.int64)
    return np.isin(left * size + right, codes)


def _business_id_equal(matching: Matching, left: int, right: int) -> bool:
    ids = matching.features.business_id
    return bool(ids[left] >= 0 and ids[left] == ids[right])


def _business_id(matching: Matching, row: int) -> str | None:
    return format_business_id(int(matching.features.business_id[row]))


def _link_key(link: Link) -> tuple[str, str, str, str, str]:
    left, right = link.left, link.right
    return (left.source, left.id, right.source, right.id, link.decision)
