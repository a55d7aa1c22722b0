"""Organisations turned into columns that blocking and scoring read without objects.

Every text value becomes an integer id (``-1`` when missing) so that equality tests
on millions of pairs are numpy comparisons. Name tokens are weighted by inverse
document frequency over the records being resolved, so that words such as "oy" or
"suomen" weigh little; each record keeps its ``TOP_TOKENS`` heaviest tokens.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mappings.identifiers import (
    normalise_business_id,
    normalise_domain,
    normalise_phone,
    normalise_postcode,
)
from mappings.model import Organisation
from mappings.names import GENERIC_TOKENS, NormalisedName, fold, normalise_name
from sync.resolve.address import parse_address

__all__ = ["TOP_TOKENS", "Features", "build_features", "format_business_id"]

TOP_TOKENS = 6
REFERENCE_SIZE = 2000
GENERIC_FACTOR = 0.3
PHONE_DIGITS = 7

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
ObjectArray = npt.NDArray[np.object_]


@dataclass(slots=True)
class Features:
    """Columns of the organisations being resolved, one row per record."""

    names: list[NormalisedName]
    name_text: ObjectArray
    name_id: IntArray
    joined_id: IntArray
    name_length: IntArray
    numbers: IntArray
    tokens: npt.NDArray[np.int32]
    token_weights: FloatArray
    total_weight: FloatArray
    vocabulary: list[str]
    kinds: IntArray
    business_id: IntArray
    domain: IntArray
    phone: IntArray
    postcode: IntArray
    city: IntArray
    house: IntArray
    street: IntArray
    address: ObjectArray

    @property
    def size(self) -> int:
        """Return the number of records."""
        return len(self.names)


def build_features(organisations: Sequence[Organisation]) -> Features:
    """Normalise every organisation and lay its values out in columns.

    Args:
        organisations: the records, in the order their rows should have.

    Returns:
        The columns.
    """
    names = _normalised_names(organisations)
    tokens, weights, totals, vocabulary = _weigh_tokens(names)
    addresses = [
        parse_address(org.address) if org.address else None for org in organisations
    ]

    return Features(
        names=names,
        name_text=np.array([name.text for name in names], dtype=object),
        name_id=_factorise([name.text or None for name in names]),
        joined_id=_factorise([name.text.replace(" ", "") or None for name in names]),
        name_length=np.array([len(name.text) for name in names], dtype=np.int64),
        numbers=_factorise([_numbers(name) for name in names]),
        tokens=tokens,
        token_weights=weights,
        total_weight=totals,
        vocabulary=vocabulary,
        kinds=_kind_masks(names),
        business_id=_business_ids(organisations),
        domain=_factorise([normalise_domain(org.domain) for org in organisations]),
        phone=_factorise([_phone_key(org.phone) for org in organisations]),
        postcode=_factorise(
            [normalise_postcode(org.postcode) for org in organisations]
        ),
        city=_factorise([_city(org) for org in organisations]),
        house=_factorise([parsed.house if parsed else None for parsed in addresses]),
        street=_factorise([parsed.street if parsed else None for parsed in addresses]),
        address=np.array(
            [parsed.key if parsed else "" for parsed in addresses], dtype=object
        ),
    )


def _normalised_names(organisations: Sequence[Organisation]) -> list[NormalisedName]:
    cache: dict[str, NormalisedName] = {}
    names = []
    for org in organisations:
        name = cache.get(org.name)
        if name is None:
            name = cache[org.name] = normalise_name(org.name or "")
        names.append(name)
    return names


def _weigh_tokens(
    names: list[NormalisedName],
) -> tuple[npt.NDArray[np.int32], FloatArray, FloatArray, list[str]]:
    distinct = {name.text: name for name in names}
    uses = Counter(name.text for name in names)
    frequency: Counter[str] = Counter()
    for text, name in distinct.items():
        for token in set(name.tokens):
            frequency[token] += uses[text]
    vocabulary = sorted(frequency)
    ids = {token: index for index, token in enumerate(vocabulary)}
    size = max(len(names), REFERENCE_SIZE)
    weight = {
        token: math.log(size / count)
        * (GENERIC_FACTOR if token in GENERIC_TOKENS else 1.0)
        for token, count in frequency.items()
    }
    row_of = {text: row for row, text in enumerate(distinct)}
    tokens = np.full((len(distinct), TOP_TOKENS), -1, dtype=np.int32)
    weights = np.zeros((len(distinct), TOP_TOKENS), dtype=np.float32)
    totals = np.zeros(len(distinct), dtype=np.float32)
    for row, name in enumerate(distinct.values()):
        unique = sorted(set(name.tokens), key=lambda token: (-weight[token], token))
        top = unique[:TOP_TOKENS]
        tokens[row, : len(top)] = [ids[token] for token in top]
        weights[row, : len(top)] = [weight[token] for token in top]
        totals[row] = sum(weight[token] for token in unique)
    index = np.array([row_of[name.text] for name in names], dtype=np.int64)
    return tokens[index], weights[index], totals[index], vocabulary


def _numbers(name: NormalisedName) -> str | None:
    digits = sorted(token for token in name.tokens if token.isdigit())
    return " ".join(digits) or None


def _kind_masks(names: list[NormalisedName]) -> IntArray:
    bits: dict[str, int] = {}
    masks = np.zeros(len(names), dtype=np.int64)
    for row, name in enumerate(names):
        mask = 0
        for kind in name.kinds:
            mask |= 1 << bits.setdefault(kind, len(bits))
        masks[row] = mask
    return masks


def _business_ids(organisations: Sequence[Organisation]) -> IntArray:
    values = np.full(len(organisations), -1, dtype=np.int64)
    for row, org in enumerate(organisations):
        valid = org.business_id or normalise_business_id(org.business_id_raw)
        if valid:
            values[row] = int(valid.replace("-", ""))
    return values


def format_business_id(value: int) -> str | None:
    """Return a business id column value in ``NNNNNNN-N`` form, None for ``-1``.

    Args:
        value: the id as stored in ``Features.business_id``.

    Returns:
        The formatted id, or None.
    """
    if value < 0:
        return None
    digits = f"{int(value):08d}"
    return f"{digits[:7]}-{digits[7]}"


def _phone_key(phone: str | None) -> str | None:
    digits = normalise_phone(phone)
    return digits[-PHONE_DIGITS:] if digits else None


def _city(org: Organisation) -> str | None:
    # A place in a name ("Luonnonvarakeskus, Tampere") says where a unit or an
    # office is, not the municipality the organisation is registered in.
    if not org.municipality:
        return None
    return fold(org.municipality).strip() or None


def _factorise(values: list[str | None]) -> IntArray:
    ids: dict[str, int] = {}
    codes = np.full(len(values), -1, dtype=np.int64)
    for row, value in enumerate(values):
        if value:
            codes[row] = ids.setdefault(value, len(ids))
    return codes
