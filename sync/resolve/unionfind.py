"""Union-find over row numbers, refusing merges that break a cannot-link constraint.

A group may hold at most one valid business id, and never both records of a pair a
person judged ``different``. ``union`` reports a refused merge instead of raising,
so the caller can turn it into a pair for review.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["ConstrainedUnionFind", "connected_components"]


class ConstrainedUnionFind:
    """Disjoint groups of records that honour business ids and cannot-links.

    ``initial`` may give each row a starting group as the row of its representative,
    which must be the group's smallest row and carry the group's business id.
    """

    def __init__(
        self,
        business_id: npt.NDArray[np.int64],
        cannot: Sequence[tuple[int, int]] = (),
        *,
        initial: npt.NDArray[np.int64] | None = None,
    ) -> None:
        rows = np.arange(len(business_id)) if initial is None else initial
        self.parent: list[int] = rows.tolist()
        self.business_id: list[int] = business_id.tolist()
        self.partners: dict[int, list[int]] = defaultdict(list)
        for left, right in cannot:
            self.partners[left].append(right)
            self.partners[right].append(left)
        self.members: dict[int, list[int]] = {}
        if self.partners and initial is not None:
            for row, root in enumerate(self.parent):
                if row != root:
                    self.members.setdefault(root, [root]).append(row)

    def find(self, row: int) -> int:
        """Return the representative of the row's group."""
        parent = self.parent
        while parent[row] != row:
            parent[row] = parent[parent[row]]
            row = parent[row]
        return row

    def can_union(self, left: int, right: int) -> bool:
        """Tell whether the groups of two rows may become one."""
        root_left, root_right = self.find(left), self.find(right)
        if root_left == root_right:
            return True
        ids = (self.business_id[root_left], self.business_id[root_right])
        if ids[0] >= 0 and ids[1] >= 0 and ids[0] != ids[1]:
            return False
        return not self._has_cannot_link(root_left, root_right)

    def union(self, left: int, right: int) -> bool:
        """Merge the groups of two rows unless a constraint forbids it.

        Args:
            left: a row.
            right: another row.

        Returns:
            True when the rows are now in one group, False when refused.
        """
        if not self.can_union(left, right):
            return False
        root_left, root_right = sorted((self.find(left), self.find(right)))
        if root_left == root_right:
            return True
        self.parent[root_right] = root_left
        if self.business_id[root_left] < 0:
            self.business_id[root_left] = self.business_id[root_right]
        if self.partners:
            left_members = self.members.pop(root_left, [root_left])
            left_members.extend(self.members.pop(root_right, [root_right]))
            self.members[root_left] = left_members
        return True

    def labels(self) -> npt.NDArray[np.int64]:
        """Return each row's group as the smallest row number in it."""
        roots = np.array(
            [self.find(row) for row in range(len(self.parent))], dtype=np.int64
        )
        smallest = np.full(len(roots), len(roots), dtype=np.int64)
        np.minimum.at(smallest, roots, np.arange(len(roots)))
        return smallest[roots]

    def _has_cannot_link(self, root_left: int, root_right: int) -> bool:
        if not self.partners:
            return False
        left_members = self.members.get(root_left, [root_left])
        right_members = self.members.get(root_right, [root_right])
        if len(left_members) <= len(right_members):
            smaller, other_root = left_members, root_right
        else:
            smaller, other_root = right_members, root_left
        return any(
            self.find(other) == other_root
            for member in smaller
            for other in self.partners.get(member, ())
        )


def connected_components(
    size: int, left: npt.NDArray[np.int64], right: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Label each row by the smallest row of its connected component.

    Args:
        size: the number of rows.
        left: edge ends.
        right: the other edge ends, aligned with ``left``.

    Returns:
        The component label of every row.
    """
    labels = np.arange(size, dtype=np.int64)
    if len(left) == 0:
        return labels
    while True:
        lowest = np.minimum(labels[left], labels[right])
        updated = labels.copy()
        np.minimum.at(updated, left, lowest)
        np.minimum.at(updated, right, lowest)
        updated = updated[updated]
        if np.array_equal(updated, labels):
            return labels
        labels = updated
