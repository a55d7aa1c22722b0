"""Fellegi–Sunter weights learned without labels."""

from __future__ import annotations

import numpy as np

from sync.resolve.compare import FIELDS, NULL
from sync.resolve.weights import DEFAULT_WEIGHTS, estimate_weights, match_probability


def levels(name: int, phone: int, count: int) -> np.ndarray:
    """Return ``count`` rows agreeing on name and phone as given."""
    row = np.full(len(FIELDS), NULL, dtype=np.int8)
    row[FIELDS.index("name")] = name
    row[FIELDS.index("phone")] = phone
    return np.tile(row, (count, 1))


def test_estimate_weights_separates_agreeing_from_disagreeing_pairs() -> None:
    """Pairs agreeing on name and phone end up far likelier than those that do not."""
    data = np.vstack([levels(5, 1, 300), levels(0, 0, 3000), levels(1, 0, 500)])

    weights = estimate_weights(data)

    probability = match_probability(weights.score(data[[0, 300, 3300]]))
    assert probability[0] > 0.99
    assert probability[1] < 0.01 and probability[2] < 0.2


def test_estimate_weights_without_pairs_keeps_the_start() -> None:
    """No pairs, nothing learned: the defaults are returned."""
    empty = np.empty((0, len(FIELDS)), dtype=np.int8)

    assert estimate_weights(empty) is DEFAULT_WEIGHTS


def test_weights_score_is_prior_plus_field_weights() -> None:
    """A pair's weight is the prior plus its non-null levels' weights."""
    data = levels(5, 1, 1)

    score = DEFAULT_WEIGHTS.score(data)[0]

    expected = (
        DEFAULT_WEIGHTS.prior_weight
        + DEFAULT_WEIGHTS.level_weight("name", 5)
        + DEFAULT_WEIGHTS.level_weight("phone", 1)
    )
    assert abs(score - expected) < 1e-9


def test_estimate_weights_never_weighs_a_closer_level_less() -> None:
    """A sample where "exact" names show up among non-matches pools it with "close".

    Matches here mostly have close names and equal phones; a tenth of the
    non-matches share an exact name (namesakes). Left alone, "exact" would weigh
    less than "close"; pooled, the two weigh the same and no level is out of order.
    """
    data = np.vstack(
        [
            levels(3, 1, 900),
            levels(5, 1, 100),
            levels(0, 0, 2700),
            levels(5, 0, 300),
        ]
    )

    weights = estimate_weights(data)

    for field in FIELDS:
        shown = [
            weights.level_weight(field, level) for level in range(len(weights.m[field]))
        ]
        assert shown == sorted(shown), field
    name = [weights.level_weight("name", level) for level in (3, 4, 5)]
    assert name[0] == name[1] == name[2]
