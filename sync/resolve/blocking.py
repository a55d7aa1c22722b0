"""Candidate pairs: only records that share something are ever compared.

Each rule sorts the records by a key and pairs every record with the next few
records of the same key (a sorted neighbourhood inside each block), so a block of
any size yields a bounded number of pairs per record and the cost grows linearly
with the number of records. The rules: equal domain, phone, house number and street
word, or exact name (``4 × window`` neighbours); each of a record's two most
distinctive name tokens (``window``); the whole name read forwards and backwards,
for typos (``window − 1``).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sync.resolve.arrays import unique_values
from sync.resolve.features import Features

__all__ = ["Pairs", "generate_candidates", "pairs_in_blocks"]

Pairs = tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]
DISTINCTIVE_TOKENS = 2
EQUAL_KEY_FACTOR = 4


def generate_candidates(features: Features, *, window: int) -> Pairs:
    """Return the unique candidate pairs ``(left, right)`` with ``left < right``.

    Args:
        features: the records' columns.
        window: how many neighbours each record is paired with in a token block.

    Returns:
        Two aligned arrays of row numbers, sorted by left then right.
    """
    texts = features.name_text.tolist()
    name_order = _sorted_rows(texts)
    reversed_order = _sorted_rows([text[::-1] for text in texts])
    address_key = _combine(features.house, features.street)
    wide = window * EQUAL_KEY_FACTOR
    narrow = max(1, window - 1)
    everyone = np.zeros(features.size, dtype=np.int64)
    blocks: list[Pairs] = [
        pairs_in_blocks(features.domain, name_order, window=wide),
        pairs_in_blocks(features.phone, name_order, window=wide),
        pairs_in_blocks(address_key, name_order, window=wide),
        pairs_in_blocks(features.name_id, name_order, window=wide),
        pairs_in_blocks(everyone, name_order, window=narrow),
        pairs_in_blocks(everyone, reversed_order, window=narrow),
    ]
    for column in range(DISTINCTIVE_TOKENS):
        blocks.append(
            pairs_in_blocks(
                features.tokens[:, column].astype(np.int64), name_order, window=window
            )
        )

    return _unique(blocks, features.size)


def pairs_in_blocks(
    key: npt.NDArray[np.int64], rows: npt.NDArray[np.int64], *, window: int
) -> Pairs:
    """Pair each record with the next ``window`` records of its block.

    Args:
        key: the block of each record; ``-1`` keeps a record out of every block.
        rows: every row number once, in the order records take inside a block.
        window: how many following records each record is paired with.

    Returns:
        The pairs, each with the smaller row number first.
    """
    rows = rows[key[rows] >= 0]
    order = rows[np.argsort(key[rows], kind="stable")]
    sorted_key = key[order]
    lefts, rights = [], []
    for offset in range(1, window + 1):
        same = sorted_key[:-offset] == sorted_key[offset:]
        lefts.append(order[:-offset][same])
        rights.append(order[offset:][same])
    left = np.concatenate(lefts) if lefts else np.empty(0, dtype=np.int64)
    right = np.concatenate(rights) if rights else np.empty(0, dtype=np.int64)

    return np.minimum(left, right), np.maximum(left, right)


def _unique(blocks: list[Pairs], size: int) -> Pairs:
    left = np.concatenate([block[0] for block in blocks])
    right = np.concatenate([block[1] for block in blocks])
    distinct = left != right
    codes = unique_values(left[distinct] * size + right[distinct])
    return codes // size, codes % size


def _sorted_rows(texts: list[str]) -> npt.NDArray[np.int64]:
    # Python's own sort compares strings far faster than numpy does on an object
    # array; it is stable, so equal texts keep their row order.
    order = sorted(range(len(texts)), key=texts.__getitem__)
    return np.fromiter(order, dtype=np.int64, count=len(texts))


def _combine(
    first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    both = (first >= 0) & (second >= 0)
    return np.where(both, first * (int(second.max(initial=0)) + 1) + second, -1)
