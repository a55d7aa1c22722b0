"""The name comparator on labelled organisation name pairs (nomenklatura, MIT).

Only the organisation schemas (Company, Organization, LegalEntity) are used. A pair
counts as predicted "same" when its name-only probability reaches the threshold.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from sync.resolve.namescore import score_name_pairs

__all__ = ["NAME_PAIRS_FILE", "ORGANISATION_SCHEMAS", "run_name_pairs"]

NAME_PAIRS_FILE = Path("name_pairs") / "nomenklatura_name_bench_cases.csv"
ORGANISATION_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity"})


def run_name_pairs(data: Path, thresholds: tuple[float, ...]) -> dict[str, Any]:
    """Score the organisation pairs and report accuracy, precision and recall.

    Args:
        data: the shared data folder.
        thresholds: probabilities at which a pair counts as the same.

    Returns:
        The pair count and, per threshold, accuracy, precision and recall.
    """
    with (data / NAME_PAIRS_FILE).open(encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if row["schema"] in ORGANISATION_SCHEMAS
        ]
    truth = np.array([row["is_match"] == "true" for row in rows])
    probability = score_name_pairs([(row["name1"], row["name2"]) for row in rows])
    results: dict[str, Any] = {"pairs": len(rows), "positive": int(truth.sum())}
    for threshold in thresholds:
        predicted = probability >= threshold
        hits = int((predicted & truth).sum())
        results[f"p>={threshold}"] = {
            "accuracy": round(float((predicted == truth).mean()), 4),
            "precision": round(hits / max(int(predicted.sum()), 1), 4),
            "recall": round(hits / max(int(truth.sum()), 1), 4),
        }
    return results
