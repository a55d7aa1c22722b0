"""Organisations turned into columns that blocking and scoring read without objects.

Every text value becomes an integer id (``-1`` when missing) so that equality tests
on millions of pairs are numpy comparisons. Name tokens are weighted by inverse
document frequency over the records being resolved, so that words such as "oy" or
"suomen" weigh little; each record keeps its ``TOP_TOKENS`` heaviest tokens.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from mappings.identifiers import (
    normalise_business_id,
    normalise_domain,
    normalise_phone,
    normalise_postcode,
)
from mappings.model import Organisation
from mappings.names import GENERIC_TOKENS, NameForm, fold, kinds_of, name_parts
from sync.parallel import ProcessMap
from sync.resolve.address import parse_address
from sync.resolve.arrays import unique_values

__all__ = [
    "TOP_TOKENS",
    "Features",
    "NameColumns",
    "build_features",
    "format_business_id",
    "format_business_ids",
]

TOP_TOKENS = 6
REFERENCE_SIZE = 2000
GENERIC_FACTOR = 0.3
PHONE_DIGITS = 7

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float32]
ObjectArray = npt.NDArray[np.object_]
K = TypeVar("K", bound=Hashable)
H = TypeVar("H", bound=Hashable)
T = TypeVar("T")
NAMES_CALLER_SHARE = 0.25
"""The part of the names this process normalises after reading the other fields."""


@dataclass(slots=True)
class Features:
    """Columns of the organisations being resolved, one row per record."""

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
    names: NameColumns
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
        return len(self.business_id)


@dataclass(frozen=True, slots=True)
class NameColumns:
    """Each record's normalised name, laid out at a few pointers per record.

    Kept as objects, the normalised names would outweigh every other column. A
    name is its text, shared with ``Features.name_text``, and ``forms[form[row]]``:
    the legal forms, codes and place it carries, shared by the records that carry
    the same.
    """

    text: ObjectArray
    form: IntArray
    forms: list[NameForm]

    def legal_form(self, row: int) -> str | None:
        """Return the canonical code of the first legal form in a record's name."""
        codes = self.forms[self.form[row]][1]
        return codes[0] if codes else None


def build_features(
    organisations: Sequence[Organisation], *, processes: int = 1
) -> Features:
    """Normalise every organisation and lay its values out in columns.

    Each distinct value (a name, a domain, an address as written) is normalised
    once, however many records carry it. On a large run most names are normalised
    in a worker process while this one reads the other fields (``sync.parallel``).

    Args:
        organisations: the records, in the order their rows should have.
        processes: the cores to use for names, this process's included.

    Returns:
        The columns.
    """
    written, name_of = _distinct_names(organisations)
    with ProcessMap(
        name_parts, written, processes=processes, caller_share=NAMES_CALLER_SHARE
    ) as normalising:
        records = _record_columns(organisations)
        parts = normalising.result()
    texts = [text for text, _ in parts]
    forms = [form for _, form in parts]
    return Features(**_name_columns(texts, forms, name_of), **records)


def _name_columns(
    texts: list[str], forms: list[NameForm], name_of: IntArray
) -> dict[str, Any]:
    """Return the columns read from the names, keyed by ``Features`` field.

    Args:
        texts: each distinct written name's normalised text.
        forms: each distinct written name's form.
        name_of: each record's position among the distinct written names.
    """
    text_of, distinct = _numbered(texts)
    token_lists = [text.split() for text in distinct]
    name_id = text_of[name_of]
    tokens, weights, totals, vocabulary = _weigh_tokens(token_lists, name_id)
    row_text = np.where(name_id >= 0, name_id, len(distinct))
    name_text = np.array([*distinct, ""], dtype=object)[row_text]
    form_of, form_list = _numbered(forms)
    joined = _factorise([text.replace(" ", "") for text in distinct])
    numbers = _factorise([_numbers(words) for words in token_lists])
    return {
        "name_text": name_text,
        "name_id": name_id,
        "joined_id": _with_none(joined)[row_text],
        "name_length": np.array([len(text) for text in distinct] + [0])[row_text],
        "numbers": _with_none(numbers)[row_text],
        "tokens": tokens[row_text],
        "token_weights": weights[row_text],
        "total_weight": totals[row_text],
        "vocabulary": vocabulary,
        "kinds": _kind_masks(form_list)[form_of][name_of],
        "names": NameColumns(name_text, form_of[name_of], form_list),
    }


def _record_columns(organisations: Sequence[Organisation]) -> dict[str, Any]:
    """Return the columns read from the other fields, keyed by ``Features`` field."""
    addresses = _apply([org.address for org in organisations], parse_address)
    return {
        "business_id": _business_ids(organisations),
        "domain": _factorise(
            _apply([org.domain for org in organisations], normalise_domain)
        ),
        "phone": _factorise(_apply([org.phone for org in organisations], _phone_key)),
        "postcode": _factorise(
            _apply([org.postcode for org in organisations], normalise_postcode)
        ),
        "city": _factorise(_apply([org.municipality for org in organisations], _city)),
        "house": _factorise([parsed.house if parsed else None for parsed in addresses]),
        "street": _factorise(
            [parsed.street if parsed else None for parsed in addresses]
        ),
        "address": np.array(
            [parsed.key if parsed else "" for parsed in addresses], dtype=object
        ),
    }


def _distinct_names(
    organisations: Sequence[Organisation],
) -> tuple[list[str], IntArray]:
    """Return the distinct names as written and each record's position among them."""
    index: dict[str, int] = {}
    name_of = np.fromiter(
        (index.setdefault(org.name or "", len(index)) for org in organisations),
        dtype=np.int64,
        count=len(organisations),
    )
    return list(index), name_of


def _weigh_tokens(
    token_lists: list[list[str]], name_id: IntArray
) -> tuple[npt.NDArray[np.int32], FloatArray, FloatArray, list[str]]:
    """Return each distinct text's heaviest tokens, their weights and its total.

    The arrays have one row per distinct text and a last, empty row for records
    without a name. A token's weight is ``log(size / f)`` for a token in the names
    of ``f`` records, reduced for generic words; a text's tokens are ordered by
    weight, then alphabetically, and its total sums them in that order.
    """
    count = len(token_lists)
    row, token, vocabulary = _token_table(token_lists)
    uses = np.bincount(name_id[name_id >= 0], minlength=count)
    frequency = np.bincount(token, weights=uses[row], minlength=len(vocabulary))
    size = max(len(name_id), REFERENCE_SIZE)
    weight_of = np.log(size / frequency)
    weight_of[_positions(vocabulary, GENERIC_TOKENS)] *= GENERIC_FACTOR
    return (*_heaviest(row, token, weight_of[token], count + 1), vocabulary)


def _positions(vocabulary: list[str], words: Iterable[str]) -> list[int]:
    """Return the positions of those of ``words`` the sorted vocabulary holds."""
    found = ((bisect.bisect_left(vocabulary, word), word) for word in words)
    return [at for at, word in found if at < len(vocabulary) and vocabulary[at] == word]


def _heaviest(
    row: IntArray, token: IntArray, weight: npt.NDArray[np.float64], rows: int
) -> tuple[npt.NDArray[np.int32], FloatArray, FloatArray]:
    """Return each row's ``TOP_TOKENS`` heaviest tokens, their weights, its total."""
    order = np.lexsort((token, -weight, row))
    row, token, weight = row[order], token[order], weight[order]
    rank = np.arange(len(row)) - np.searchsorted(row, row)
    top = rank < TOP_TOKENS
    tokens = np.full((rows, TOP_TOKENS), -1, dtype=np.int32)
    weights = np.zeros((rows, TOP_TOKENS), dtype=np.float32)
    tokens[row[top], rank[top]] = token[top]
    weights[row[top], rank[top]] = weight[top]
    totals = np.bincount(row, weights=weight, minlength=rows).astype(np.float32)
    return tokens, weights, totals


def _token_table(
    token_lists: list[list[str]],
) -> tuple[IntArray, IntArray, list[str]]:
    """Return the distinct ``(row, token)`` pairs and the sorted vocabulary.

    Token numbers are positions in the vocabulary, so they sort as the words do.
    """
    words = list(itertools.chain.from_iterable(token_lists))
    vocabulary = sorted(dict.fromkeys(words))
    position = {word: index for index, word in enumerate(vocabulary)}
    flat = np.fromiter(map(position.__getitem__, words), np.int64, len(words))
    lengths = np.fromiter(map(len, token_lists), dtype=np.int64, count=len(token_lists))
    rows = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)
    width = max(len(vocabulary), 1)
    pairs = unique_values(rows * width + flat)
    return pairs // width, pairs % width, vocabulary


def _numbers(tokens: list[str]) -> str | None:
    digits = sorted(token for token in tokens if token.isdigit())
    return " ".join(digits) or None


def _kind_masks(forms: list[NameForm]) -> IntArray:
    """Return a bit mask of the kinds of legal entity each distinct form stands for."""
    bits: dict[str, int] = {}
    masks = [
        sum(1 << bits.setdefault(kind, len(bits)) for kind in kinds_of(codes))
        for _, codes, _ in forms
    ]
    return np.array(masks, dtype=np.int64)


def _business_ids(organisations: Sequence[Organisation]) -> IntArray:
    written = [(org.business_id, org.business_id_raw) for org in organisations]
    return np.array(_apply(written, _business_id_number), dtype=np.int64)


def _business_id_number(written: tuple[str | None, str | None]) -> int:
    valid, raw = written
    valid = valid or normalise_business_id(raw)
    return int(valid.replace("-", "")) if valid else -1


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


def format_business_ids(values: IntArray) -> list[str | None]:
    """Return ``format_business_id`` of each value, one shared string per id.

    Args:
        values: ids as stored in ``Features.business_id``.

    Returns:
        The formatted ids, aligned with ``values``.
    """
    distinct, position = np.unique(values, return_inverse=True)
    texts = [format_business_id(value) for value in distinct.tolist()]
    return [texts[index] for index in position.tolist()]


def _phone_key(phone: str) -> str | None:
    digits = normalise_phone(phone)
    return digits[-PHONE_DIGITS:] if digits else None


def _city(municipality: str) -> str | None:
    # Only the municipality field counts: a place in a name ("Luonnonvarakeskus,
    # Tampere") says where a unit or an office is, not the municipality the
    # organisation is registered in.
    return fold(municipality).strip() or None


def _apply(values: Sequence[K | None], function: Callable[[K], T]) -> list[T | None]:
    """Return ``function`` of each non-empty value, computed once per distinct one.

    Args:
        values: the values as the records hold them.
        function: the normalisation; its result for a given value never varies.

    Returns:
        The normalised values, None where the value was empty.
    """
    results = {value: function(value) for value in dict.fromkeys(values) if value}
    return [results[value] if value else None for value in values]


def _with_none(codes: IntArray) -> IntArray:
    """Append the code of a missing value, for the row of records without a name."""
    return np.append(codes, -1)


def _numbered(values: Sequence[H]) -> tuple[IntArray, list[H]]:
    """Number the distinct non-empty values in order of appearance; empty is -1.

    Returns:
        Each value's number, and the distinct values in the order of their numbers.
    """
    ids: dict[H, int] = {}
    numbers = np.fromiter(
        (ids.setdefault(value, len(ids)) if value else -1 for value in values),
        dtype=np.int64,
        count=len(values),
    )
    return numbers, list(ids)


def _factorise(values: Sequence[Hashable | None]) -> IntArray:
    """Number the distinct non-empty values in order of appearance; empty is -1."""
    return _numbered(values)[0]
