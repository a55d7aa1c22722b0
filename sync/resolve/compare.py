"""Field-by-field comparison of candidate pairs, as ordered agreement levels.

Each field of a pair gets a level (higher means closer agreement) or ``NULL`` when
either side lacks the value; the Fellegi–Sunter weights in ``weights`` turn levels
into evidence. Names are compared both as text (rapidfuzz ``ratio`` over the
normalised name) and as weighted token sets, where a shared rare word counts far
more than a shared "suomen" or "center".
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from sync.resolve.features import Features

__all__ = [
    "FIELDS",
    "LEVELS",
    "NULL",
    "Comparison",
    "NameSimilarity",
    "compare_pairs",
    "name_level",
]

NULL = -1
FIELDS: tuple[str, ...] = (
    "name",
    "legal_form",
    "address",
    "phone",
    "postcode",
    "city",
    "domain",
)
LEVELS: dict[str, tuple[str, ...]] = {
    "name": ("different", "shared word", "similar", "close", "very close", "exact"),
    "legal_form": ("conflicting", "compatible"),
    "address": ("different", "same number", "similar street", "same street", "exact"),
    "phone": ("different", "exact"),
    "postcode": ("different", "exact"),
    "city": ("different", "exact"),
    "domain": ("different", "exact"),
}
CHUNK = 250_000
THREADS = 2
TYPO_EDITS = 2

Int = npt.NDArray[np.int64]
Float = npt.NDArray[np.float32]


@dataclass(slots=True)
class Comparison:
    """The levels of every compared pair, with the similarities behind the name."""

    left: Int
    right: Int
    levels: npt.NDArray[np.int8]
    name_ratio: Float
    name_overlap: Float
    name_containment: Float

    @property
    def size(self) -> int:
        """Return the number of pairs."""
        return len(self.left)


def compare_pairs(features: Features, left: Int, right: Int) -> Comparison:
    """Compare every pair field by field, in chunks to bound memory.

    ``THREADS`` chunks are compared at a time: numpy and rapidfuzz release the
    interpreter lock, so the array work of one chunk overlaps that of another.

    Args:
        features: the records' columns.
        left: row numbers of the first records.
        right: row numbers of the second records, aligned with ``left``.

    Returns:
        The levels and name similarities of every pair.
    """
    levels = np.empty((len(left), len(FIELDS)), dtype=np.int8)
    similarity = np.empty((3, len(left)), dtype=np.float32)

    def compare(start: int) -> None:
        part = slice(start, start + CHUNK)
        levels[part], similarity[:, part] = _compare_chunk(
            features, left[part], right[part]
        )

    starts = range(0, len(left), CHUNK)
    if len(starts) > 1:
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(compare, starts))
    elif starts:
        compare(0)
    return Comparison(left, right, levels, *similarity)


@dataclass(slots=True)
class NameSimilarity:
    """How alike two normalised names are, by several measures, per pair."""

    ratio: Float
    dice: Float
    containment: Float
    shared: Float
    extra: Float
    edits: Int
    length: Int
    exact: npt.NDArray[np.bool_]
    joined: npt.NDArray[np.bool_]
    numbers_differ: npt.NDArray[np.bool_]


def name_level(similarity: NameSimilarity) -> npt.NDArray[np.int8]:
    """Grade name agreement from its text and weighted-token similarities.

    ``ratio`` is the text similarity in [0, 1], ``dice`` the weighted token Dice
    coefficient, ``containment`` the shared token weight over the lighter name's,
    ``shared`` the weight of the heaviest shared word, ``extra`` that of the
    heaviest word only one name has, and ``edits`` the number of single-character
    edits (a transposition counts once); names equal once their spaces are dropped
    ("van der bilt", "vanderbilt") are very close. Names whose words mostly agree
    but where one has a word more distinctive than any they share ("Business
    Finland" and "Innovaatiorahoituskeskus Business Finland", "Banco Santander" and
    "Banco Santander Chile") are no more than "similar" unless their text is close:
    such a word usually names another, more specific organisation. Names whose
    numbers differ ("Ilkantie 9" and "Ilkantie 8") reach no level above "shared
    word".

    Args:
        similarity: the measures per pair.

    Returns:
        The level per pair, 0 (different) to 5 (exact).
    """
    s = similarity
    one_typo = ((s.edits <= 1) & (s.length >= 5)) | ((s.edits <= 2) & (s.length >= 12))
    level = np.zeros(len(s.ratio), dtype=np.int8)
    level[(s.shared >= 2.0) | (s.ratio >= 0.75)] = 1
    level[(s.ratio >= 0.8) | (s.dice >= 0.5) | (s.containment >= 0.95)] = 2
    specific = s.extra > s.shared
    level[(s.ratio >= 0.88) | ((s.dice >= 0.7) & ~specific)] = 3
    level[(s.ratio >= 0.94) | (s.dice >= 0.9) | one_typo | s.joined] = 4
    level[s.numbers_differ] = np.minimum(level[s.numbers_differ], 1)
    level[s.exact] = 5
    return level


def _compare_chunk(
    features: Features, left: Int, right: Int
) -> tuple[npt.NDArray[np.int8], Float]:
    similarity = _name_similarity(features, left, right)
    levels = np.empty((len(left), len(FIELDS)), dtype=np.int8)
    levels[:, 0] = name_level(similarity)
    levels[:, 1] = _form_level(features.kinds[left], features.kinds[right])
    levels[:, 2] = _address_level(features, left, right)
    for column, name in enumerate(("phone", "postcode", "city", "domain"), start=3):
        values = getattr(features, name)
        levels[:, column] = _equality_level(values[left], values[right])
    return levels, np.stack([similarity.ratio, similarity.dice, similarity.containment])


def _name_similarity(features: Features, left: Int, right: Int) -> NameSimilarity:
    text_left, text_right = features.name_text[left], features.name_text[right]
    ratio = process.cpdist(
        text_left, text_right, scorer=fuzz.ratio, workers=-1, dtype=np.float32
    ).astype(np.float32) / np.float32(100)
    edits = np.full(len(left), TYPO_EDITS + 1, dtype=np.int64)
    unsure = np.flatnonzero((ratio >= 0.6) & (ratio < 0.94))
    edits[unsure] = process.cpdist(
        text_left[unsure],
        text_right[unsure],
        scorer=OSA.distance,
        workers=-1,
        dtype=np.int32,
        score_cutoff=TYPO_EDITS + 1,
    )
    in_right, in_left = _shared_tokens(features.tokens[left], features.tokens[right])
    weights_left = features.token_weights[left]
    shared_weights = np.where(in_right, weights_left, 0)
    shared = shared_weights.sum(axis=1)
    extra = np.maximum(
        np.where(in_right, 0, weights_left).max(axis=1),
        np.where(in_left, 0, features.token_weights[right]).max(axis=1),
    )
    left_total, right_total = features.total_weight[left], features.total_weight[right]
    numbers_left, numbers_right = features.numbers[left], features.numbers[right]
    return NameSimilarity(
        ratio=ratio,
        dice=(2 * shared / np.maximum(left_total + right_total, 1e-6)).astype(
            np.float32
        ),
        containment=(
            shared / np.maximum(np.minimum(left_total, right_total), 1e-6)
        ).astype(np.float32),
        shared=shared_weights.max(axis=1).astype(np.float32),
        extra=extra.astype(np.float32),
        edits=edits,
        length=np.minimum(features.name_length[left], features.name_length[right]),
        exact=features.name_id[left] == features.name_id[right],
        joined=features.joined_id[left] == features.joined_id[right],
        numbers_differ=(numbers_left != numbers_right)
        & (numbers_left >= 0)
        & (numbers_right >= 0),
    )


def _shared_tokens(
    left: npt.NDArray[np.int32], right: npt.NDArray[np.int32]
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Mark each token slot of either side that the other side's tokens include.

    One column at a time: a three-dimensional comparison of every slot with every
    slot would be simpler to write but several times slower to reduce.
    """
    in_right = np.zeros(left.shape, dtype=bool)
    in_left = np.zeros(right.shape, dtype=bool)
    for column in range(left.shape[1]):
        in_right |= left == right[:, column, None]
        in_left |= right == left[:, column, None]
    in_right &= left >= 0
    in_left &= right >= 0
    return in_right, in_left


def _form_level(left: Int, right: Int) -> npt.NDArray[np.int8]:
    level = np.where((left & right) != 0, 1, 0).astype(np.int8)
    level[(left == 0) | (right == 0)] = NULL
    return level


def _address_level(features: Features, left: Int, right: Int) -> npt.NDArray[np.int8]:
    house_l, house_r = features.house[left], features.house[right]
    street_l, street_r = features.street[left], features.street[right]
    text_l, text_r = features.address[left], features.address[right]
    same_house = (house_l == house_r) & (house_l >= 0)
    similar = np.zeros(len(left), dtype=bool)
    both = np.flatnonzero(same_house)
    similar[both] = (
        process.cpdist(
            text_l[both], text_r[both], scorer=fuzz.ratio, workers=-1, dtype=np.uint8
        )
        >= 85
    )
    level = np.zeros(len(left), dtype=np.int8)
    level[same_house] = 1
    level[same_house & similar] = 2
    level[same_house & (street_l == street_r) & (street_l >= 0)] = 3
    level[(text_l == text_r)] = 4
    level[(text_l == "") | (text_r == "")] = NULL
    return level


def _equality_level(left: Int, right: Int) -> npt.NDArray[np.int8]:
    level: npt.NDArray[np.int8] = (left == right).astype(np.int8)
    level[(left < 0) | (right < 0)] = NULL
    return level
