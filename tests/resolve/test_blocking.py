"""Candidate generation: bounded pairs per record, typos and shared words found."""

from __future__ import annotations

import numpy as np

from sync.resolve.blocking import generate_candidates, pairs_in_blocks
from sync.resolve.features import build_features
from tests.resolve.helpers import make_org


def test_pairs_in_blocks_big_block_yields_window_pairs_per_record() -> None:
    """A block of 100 records gives at most ``window`` pairs per record."""
    key = np.zeros(100, dtype=np.int64)

    left, right = pairs_in_blocks(key, np.arange(100, dtype=np.int64), window=3)

    assert len(left) == 97 + 98 + 99
    assert (left < right).all()


def test_pairs_in_blocks_missing_key_joins_no_block() -> None:
    """Records with key -1 are never paired."""
    key = np.array([-1, -1, 5, 5], dtype=np.int64)

    left, right = pairs_in_blocks(key, np.arange(4, dtype=np.int64), window=3)

    assert list(zip(left.tolist(), right.tolist(), strict=True)) == [(2, 3)]


def test_generate_candidates_typo_and_shared_word_are_found() -> None:
    """A typo'd name and a name sharing a rare word become candidates."""
    records = [
        make_org("a:1", "Kattomestarit Oy"),
        make_org("a:2", "Katomestarit Oy"),
        make_org("a:3", "Hervannan Kattomestarit"),
        make_org("a:4", "Lielahden Kone"),
    ]
    features = build_features(records)

    left, right = generate_candidates(features, window=4)

    pairs = set(zip(left.tolist(), right.tolist(), strict=True))
    assert {(0, 1), (0, 2)} <= pairs
