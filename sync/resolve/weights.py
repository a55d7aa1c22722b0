"""Fellegi–Sunter weights: how much each field's agreement level says about a match.

A level's weight is ``log2(m / u)``: *m* is how often true matches show that level,
*u* how often non-matches do. A pair's match weight is the prior's
``log2(λ / (1 - λ))`` plus the weights of its non-null levels, so every score splits
into per-field parts that explain it. ``estimate_weights`` learns *m*, *u* and *λ*
from the candidate pairs themselves by expectation–maximisation (no labels), with
the defaults below acting as pseudo-counts so that fields seldom filled in keep
sensible weights. A field's levels are ordered by closeness, and learning keeps
each level's weight at least that of the level below it, pooling levels that the
sample would put out of order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from sync.resolve.arrays import unique_counts
from sync.resolve.compare import FIELDS, NULL

__all__ = ["DEFAULT_WEIGHTS", "Weights", "estimate_weights", "match_probability"]

PSEUDO_PAIRS = 50.0
TRAINING_PAIRS = 2_000_000
TOLERANCE = 1e-6
FLOOR = 1e-6

Levels = npt.NDArray[np.int8]
Float = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Weights:
    """The prior match share and each field's *m* and *u* per agreement level."""

    prior: float
    m: dict[str, tuple[float, ...]]
    u: dict[str, tuple[float, ...]]

    @property
    def prior_weight(self) -> float:
        """Return the prior as a log2 odds."""
        return float(np.log2(self.prior / (1 - self.prior)))

    def level_weight(self, field: str, level: int) -> float:
        """Return ``log2(m / u)`` for one field's level; 0 for a null level.

        Args:
            field: a name in ``FIELDS``.
            level: the level, or ``NULL``.

        Returns:
            The weight in bits.
        """
        if level == NULL:
            return 0.0
        return float(np.log2(self.m[field][level] / self.u[field][level]))

    def score(self, levels: Levels) -> Float:
        """Return the match weight (log2 odds) of every pair.

        Args:
            levels: one row per pair, one column per field of ``FIELDS``.

        Returns:
            The match weights.
        """
        sizes = self._sizes()
        return self._by_pattern(sizes)[_pattern_codes(levels, sizes)]

    def probability(self, levels: Levels) -> Float:
        """Return the match probability of every pair.

        Args:
            levels: one row per pair, one column per field of ``FIELDS``.

        Returns:
            The probabilities, ``match_probability`` of the match weights.
        """
        sizes = self._sizes()
        by_pattern = match_probability(self._by_pattern(sizes))
        return by_pattern[_pattern_codes(levels, sizes)]

    def _sizes(self) -> list[int]:
        return [len(self.m[field]) + 1 for field in FIELDS]

    def _by_pattern(self, sizes: list[int]) -> Float:
        # Every combination of levels (a few tens of thousands) is scored once and
        # pairs look their pattern up: summing per field over ten million pairs
        # would cost seconds. The sums run in the same order either way.
        patterns = np.indices(sizes).reshape(len(sizes), -1) - 1
        total = np.full(patterns.shape[1], self.prior_weight, dtype=np.float64)
        for column, field in enumerate(FIELDS):
            table = np.log2(np.array(self.m[field]) / np.array(self.u[field]))
            level = patterns[column]
            present = level != NULL
            total[present] += table[level[present]]
        return total


DEFAULT_WEIGHTS = Weights(
    prior=0.1,
    m={
        "name": (0.05, 0.07, 0.13, 0.2, 0.25, 0.3),
        "legal_form": (0.02, 0.98),
        "address": (0.05, 0.05, 0.15, 0.25, 0.5),
        "phone": (0.15, 0.85),
        "postcode": (0.1, 0.9),
        "city": (0.1, 0.9),
        "domain": (0.2, 0.8),
    },
    u={
        "name": (0.9, 0.07, 0.02, 0.007, 0.002, 0.001),
        "legal_form": (0.3, 0.7),
        "address": (0.95, 0.03, 0.01, 0.007, 0.003),
        "phone": (0.995, 0.005),
        "postcode": (0.9, 0.1),
        "city": (0.7, 0.3),
        "domain": (0.999, 0.001),
    },
)
"""Weights used before learning, and as the pseudo-counts that learning starts from."""


def _pattern_codes(levels: Levels, sizes: list[int]) -> npt.NDArray[np.int64]:
    """Number each row's combination of levels, ``NULL`` counting as a level."""
    codes = np.zeros(len(levels), dtype=np.int64)
    for column, size in enumerate(sizes):
        codes *= size
        codes += levels[:, column]
        codes += 1
    return codes


def match_probability(weight: Float) -> Float:
    """Turn match weights (log2 odds) into probabilities.

    Args:
        weight: match weights.

    Returns:
        Probabilities in [0, 1].
    """
    return 1.0 / (1.0 + np.exp2(-np.clip(weight, -60, 60)))


def estimate_weights(
    levels: Levels, *, start: Weights = DEFAULT_WEIGHTS, iterations: int = 40
) -> Weights:
    """Learn *m*, *u* and the prior from unlabelled pairs by EM.

    At most ``TRAINING_PAIRS`` pairs are used, taken evenly from ``levels``.

    Args:
        levels: one row per candidate pair, one column per field of ``FIELDS``.
        start: the starting weights, also used as pseudo-counts.
        iterations: the most EM rounds to run.

    Returns:
        The learned weights; ``start`` when there are no pairs.
    """
    if len(levels) == 0:
        return start
    step = max(1, len(levels) // TRAINING_PAIRS)
    patterns, counts = _patterns(levels[::step])
    weights = start
    for _ in range(iterations):
        posterior = match_probability(weights.score(patterns))
        updated = _maximise(patterns, counts.astype(np.float64), posterior, start)
        if abs(updated.prior - weights.prior) < TOLERANCE:
            return updated
        weights = updated
    return weights


def _patterns(levels: Levels) -> tuple[Levels, npt.NDArray[np.int64]]:
    shifted = levels.astype(np.int64) + 1
    base = int(shifted.max()) + 1
    codes = shifted @ (base ** np.arange(levels.shape[1], dtype=np.int64))
    distinct, counts = unique_counts(codes)
    digits = (distinct[:, None] // base ** np.arange(levels.shape[1])) % base
    return (digits - 1).astype(np.int8), counts


def _maximise(
    patterns: Levels, counts: Float, posterior: Float, start: Weights
) -> Weights:
    matched = counts * posterior
    unmatched = counts * (1 - posterior)
    m: dict[str, tuple[float, ...]] = {}
    u: dict[str, tuple[float, ...]] = {}
    for column, field in enumerate(FIELDS):
        m[field], u[field] = _ordered(
            _distribution(patterns[:, column], matched, start.m[field]),
            _distribution(patterns[:, column], unmatched, start.u[field]),
        )
    prior = float(np.clip(matched.sum() / counts.sum(), FLOOR, 1 - FLOOR))
    return Weights(prior=prior, m=m, u=u)


class _Pool(NamedTuple):
    """Adjacent levels pooled: their summed *m* and *u*, and how many they are."""

    m: float
    u: float
    levels: int


def _ordered(
    m: tuple[float, ...], u: tuple[float, ...]
) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Pool adjacent levels until no level weighs less than the one below it.

    Levels are ordered by closeness, so a closer level must not count as less
    evidence: a learned "close" name above "exact" would be noise in the sample,
    and an explanation that reads wrong. Pooled levels share their *m* and their
    *u* equally, so both sums stay one and each pooled level's weight is
    ``log2(Σm / Σu)`` over the pool (pool-adjacent-violators).
    """
    pools: list[_Pool] = []
    for m_level, u_level in zip(m, u, strict=True):
        pool = _Pool(m_level, u_level, 1)
        while pools and pools[-1].m * pool.u > pool.m * pools[-1].u:
            below = pools.pop()
            pool = _Pool(below.m + pool.m, below.u + pool.u, below.levels + pool.levels)
        pools.append(pool)
    return (
        tuple(p.m / p.levels for p in pools for _ in range(p.levels)),
        tuple(p.u / p.levels for p in pools for _ in range(p.levels)),
    )


def _distribution(
    level: Levels, mass: Float, pseudo: tuple[float, ...]
) -> tuple[float, ...]:
    present = level != NULL
    totals = np.bincount(level[present], weights=mass[present], minlength=len(pseudo))
    smoothed = totals + PSEUDO_PAIRS * np.array(pseudo)
    smoothed = np.maximum(smoothed / smoothed.sum(), FLOOR)
    return tuple(float(value) for value in smoothed)
