"""One benchmark each, meant to run in its own process so its peak memory is its own.

Each worker returns a JSON-ready dict with its figures, wall time (from the start of
its imports) and peak resident memory.
"""

from __future__ import annotations

import resource
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.metrics import bcubed, cluster_pairs, pairwise

__all__ = ["WORKERS", "run_worker"]

STARTED = time.perf_counter()


def run_worker(name: str, data: Path, size: int, processes: int) -> dict[str, Any]:
    """Run one named worker and add its peak memory.

    Args:
        name: a key of ``WORKERS``.
        data: the shared data folder.
        size: the number of records, for the scale worker.
        processes: the matching processes setting, for the scale worker.

    Returns:
        The worker's figures.
    """
    figures = WORKERS[name](data, size, processes)
    figures["peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    return figures


def sidos_chicago(data: Path, size: int, processes: int) -> dict[str, Any]:
    """Resolve the Chicago records with sidos and score pairs and partners."""
    from benchmarks.chicago import read_chicago
    from sync.resolve import resolve
    from sync.resolve.matching import match_records
    from sync.settings import MatchingSettings

    chicago = read_chicago(data)
    settings = MatchingSettings()
    resolution = resolve(chicago.records, settings=settings)
    wall = time.perf_counter() - STARTED
    started = time.perf_counter()
    matching = match_records(
        sorted(chicago.records, key=lambda record: record.ref), settings=settings
    )
    core = time.perf_counter() - started
    row_of = {record.ref: row for row, record in enumerate(chicago.records)}
    labels = np.empty(len(chicago.records), dtype=np.int64)
    for number, partner in enumerate(resolution.partners):
        labels[[row_of[member.ref] for member in partner.members]] = number
    order = np.array(
        [
            row_of[record.ref]
            for record in sorted(chicago.records, key=lambda record: record.ref)
        ]
    )
    truth = chicago.truth[order]
    pairs = matching.pairs
    return {
        "wall_s": round(wall, 2),
        "match_records_s": round(core, 2),
        "candidate_pairs": len(pairs.left),
        "pairwise_p>=0.5": _pairwise(
            pairs.left, pairs.right, pairs.probability, 0.5, truth
        ),
        "pairwise_p>=match_threshold": _pairwise(
            pairs.left,
            pairs.right,
            pairs.probability,
            settings.match_threshold,
            truth,
        ),
        "clusters": _clusters(labels, chicago.truth),
        "review_pairs": len(resolution.reviews),
    }


def splink_chicago(data: Path, size: int, processes: int) -> dict[str, Any]:
    """Run the Splink reference setup on the Chicago records and score it."""
    from benchmarks.splink_chicago import run_splink

    result = run_splink(data)
    wall = time.perf_counter() - STARTED
    pairs = result["pairs"]
    left, right = np.array(pairs["left"]), np.array(pairs["right"])
    probability = np.array(pairs["probability"])
    truth = result["truth"]
    return {
        "wall_s": round(wall, 2),
        "candidate_pairs": len(left),
        "pairwise_p>=0.5": _pairwise(left, right, probability, 0.5, truth),
        "pairwise_p>=0.9": _pairwise(left, right, probability, 0.9, truth),
        "clusters": _clusters(np.array(result["clusters"]), truth),
    }


def sidos_scale(data: Path, size: int, processes: int) -> dict[str, Any]:
    """Resolve generated Finnish organisations and score against their truth.

    ``tree_peak_rss_mb`` is the sampled peak of this process and the worker
    processes resolution starts, together, while it resolves.
    """
    from benchmarks.memory import TreeSampler
    from benchmarks.synthetic import generate, read_prh_names
    from sync.parallel import available_cores
    from sync.resolve import resolve
    from sync.settings import MatchingSettings

    generated = generate(
        size,
        read_prh_names(data / "prh_tampere" / "prh_tampere_companies_extracted.csv"),
    )
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    with TreeSampler() as memory:
        resolution = resolve(
            generated.records, settings=MatchingSettings(processes=processes)
        )
    wall = time.perf_counter() - started
    entity = {
        record.ref: truth
        for record, truth in zip(generated.records, generated.truth, strict=True)
    }
    labels, truth = [], []
    for number, partner in enumerate(resolution.partners):
        for member in partner.members:
            labels.append(number)
            truth.append(entity[member.ref])
    return {
        "records": size,
        "processes": processes or available_cores(),
        "resolve_s": round(wall, 2),
        "tree_peak_rss_mb": round(memory.peak_mb, 1),
        "partners": len(resolution.partners),
        "links": len(resolution.links),
        "review_pairs": len(resolution.reviews),
        "rss_before_resolve_mb": round(before, 1),
        "clusters": _clusters(np.array(labels), np.array(truth)),
    }


def _pairwise(
    left: np.ndarray,
    right: np.ndarray,
    probability: np.ndarray,
    threshold: float,
    truth: np.ndarray,
) -> dict[str, float]:
    chosen = probability >= threshold
    return pairwise(left[chosen], right[chosen], truth).as_dict()


def _clusters(labels: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    precision, recall, f1 = bcubed(labels, truth)
    return {
        "count": len(np.unique(labels)),
        "all_pairs_implied": cluster_pairs(labels, truth).as_dict(),
        "bcubed": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
        },
    }


WORKERS = {
    "sidos-chicago": sidos_chicago,
    "splink-chicago": splink_chicago,
    "sidos-scale": sidos_scale,
}
