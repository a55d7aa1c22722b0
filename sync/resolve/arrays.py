"""Sort-based set operations on integer arrays.

``numpy.unique`` on large integer arrays hashes in recent numpy versions, which is
several times slower than sorting for the tens of millions of pair codes that
blocking produces; these helpers sort instead. Equal integers are indistinguishable,
so the sorts need not be stable, and the unstable one is the faster.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["first_of_groups", "unique_counts", "unique_values"]

Int = npt.NDArray[np.int64]


def unique_values(values: Int) -> Int:
    """Return the distinct values, sorted.

    Args:
        values: integers.

    Returns:
        The sorted distinct values.
    """
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]]


def unique_counts(values: Int) -> tuple[Int, Int]:
    """Return the distinct values, sorted, and how often each occurs.

    Args:
        values: integers.

    Returns:
        The distinct values and their counts.
    """
    ordered = np.sort(values)
    if len(ordered) == 0:
        return ordered, ordered.copy()
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return ordered[starts], np.diff(np.r_[starts, len(ordered)])


def first_of_groups(keys: Int) -> Int:
    """Return, for each position, the smallest position holding the same key.

    Args:
        keys: a key per position; negative keys form no group.

    Returns:
        The representative position of each position's group (itself when alone).
    """
    positions = np.arange(len(keys), dtype=np.int64)
    present = np.flatnonzero(keys >= 0)
    order = present[np.argsort(keys[present], kind="stable")]
    if len(order) == 0:
        return positions
    starts = np.r_[True, keys[order][1:] != keys[order][:-1]]
    group_first = order[starts][np.cumsum(starts) - 1]
    positions[order] = group_first
    return positions
