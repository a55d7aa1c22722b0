"""Name-only scores: how likely two organisation names are one organisation.

The same name comparison that resolution uses, with the legal-form check, read on
its own: what the model concludes when two records carry nothing but a name. Word
weights come from all the names scored together, as they would from the records
of a run.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from mappings.model import Organisation, SourceRef
from sync.resolve.compare import FIELDS, NULL, compare_pairs
from sync.resolve.features import build_features
from sync.resolve.weights import DEFAULT_WEIGHTS, Weights, match_probability

__all__ = ["NAME_FIELDS", "score_name_pairs"]

NAME_FIELDS = ("name", "legal_form")


def score_name_pairs(
    pairs: Sequence[tuple[str, str]], *, weights: Weights = DEFAULT_WEIGHTS
) -> npt.NDArray[np.float64]:
    """Return the match probability of each pair of names, from the names alone.

    Args:
        pairs: pairs of names as written.
        weights: the weights to score with.

    Returns:
        One probability per pair.
    """
    names = sorted({name for pair in pairs for name in pair})
    row_of = {name: row for row, name in enumerate(names)}
    records = [
        Organisation(SourceRef("names", str(row)), name)
        for row, name in enumerate(names)
    ]
    features = build_features(records)
    left = np.array([row_of[a] for a, _ in pairs], dtype=np.int64)
    right = np.array([row_of[b] for _, b in pairs], dtype=np.int64)
    levels = compare_pairs(features, left, right).levels.copy()
    for column, field in enumerate(FIELDS):
        if field not in NAME_FIELDS:
            levels[:, column] = NULL
    return match_probability(weights.score(levels))
