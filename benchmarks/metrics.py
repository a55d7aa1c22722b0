"""Precision, recall and F1 of pairs and clusters against known entities.

- pairwise: the predicted match pairs against all true pairs;
- cluster, all pairs implied: every pair inside a predicted cluster (what a merge
  would do) against all true pairs;
- B-cubed: per record, the share of its predicted cluster that is truly its
  entity (precision) and of its entity that is in its cluster (recall), averaged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["Scores", "bcubed", "cluster_pairs", "pairwise"]

Int = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class Scores:
    """Precision, recall and F1, with the counts behind them."""

    true_positives: int
    predicted: int
    actual: int

    @property
    def precision(self) -> float:
        """Return the share of predictions that are right."""
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        """Return the share of truths that were found."""
        return self.true_positives / self.actual if self.actual else 0.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0

    def as_dict(self) -> dict[str, float]:
        """Return the figures for printing or JSON."""
        return {
            "tp": self.true_positives,
            "fp": self.predicted - self.true_positives,
            "fn": self.actual - self.true_positives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


def pairwise(left: Int, right: Int, truth: Int) -> Scores:
    """Score predicted match pairs, given as row numbers, against the entities.

    Args:
        left: first rows of the predicted pairs (each pair once).
        right: second rows.
        truth: the true entity of each row.

    Returns:
        The pairwise scores.
    """
    correct = int((truth[left] == truth[right]).sum())
    return Scores(correct, len(left), _pairs_within(truth))


def cluster_pairs(labels: Int, truth: Int) -> Scores:
    """Score every pair implied by predicted clusters against the entities.

    Args:
        labels: the predicted cluster of each row.
        truth: the true entity of each row.

    Returns:
        The cluster-level scores.
    """
    both = _pairs_within(labels.astype(np.int64) * (int(truth.max()) + 1) + truth)
    return Scores(both, _pairs_within(labels), _pairs_within(truth))


def bcubed(labels: Int, truth: Int) -> tuple[float, float, float]:
    """Return B-cubed precision, recall and F1.

    Args:
        labels: the predicted cluster of each row.
        truth: the true entity of each row.

    Returns:
        Precision, recall and F1.
    """
    joint = labels.astype(np.int64) * (int(truth.max()) + 1) + truth
    overlap = _size_of_group(joint)
    precision = float(np.mean(overlap / _size_of_group(labels)))
    recall = float(np.mean(overlap / _size_of_group(truth)))
    return precision, recall, 2 * precision * recall / (precision + recall)


def _pairs_within(groups: Int) -> int:
    _, counts = np.unique(groups, return_counts=True)
    return int((counts * (counts - 1) // 2).sum())


def _size_of_group(groups: Int) -> npt.NDArray[np.float64]:
    _, inverse, counts = np.unique(groups, return_inverse=True, return_counts=True)
    return counts[inverse].astype(np.float64)
