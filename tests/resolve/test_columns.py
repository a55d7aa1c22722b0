"""The shortcuts large runs rely on give what the plain way gives."""

from __future__ import annotations

import numpy as np
import pytest

from mappings.names import normalise_name
from mappings.written import WrittenName, read_names
from sync.resolve import compare
from sync.resolve.compare import FIELDS, LEVELS, NULL, compare_pairs
from sync.resolve.features import (
    build_features,
    format_business_id,
    format_business_ids,
)
from sync.resolve.golden_name import choose_name
from sync.resolve.weights import DEFAULT_WEIGHTS, match_probability
from tests.resolve.helpers import make_org

NAMES = [
    "Kattomestarit Oy",
    "KATTOMESTARIT OY, Tampere",
    "Oy Karl Fazer Ab",
    "Tampereen kaupunki",
    "Pirkanmaan liitto (EAKR)",
    "Vanhan Kirjaston Ystävät ry",
    "",
    "Ilkantie 9 Oy",
]


def test_name_columns_hold_what_normalise_name_gives() -> None:
    """Each row's text, form and legal form are ``normalise_name`` of its name."""
    features = build_features(
        [make_org(f"a:{row}", name) for row, name in enumerate(NAMES)]
    )
    names = features.names

    for row, name in enumerate(NAMES):
        expected = normalise_name(name)
        assert names.text[row] == expected.text
        assert names.forms[names.form[row]] == (
            expected.legal_forms,
            expected.codes,
            expected.place,
        )
        assert names.legal_form(row) == expected.legal_form


def test_format_business_ids_formats_each_value_as_format_business_id() -> None:
    """The batch form gives what the single form gives, missing ids included."""
    values = np.array([1120389, -1, 1120389, 20000001], dtype=np.int64)

    assert format_business_ids(values) == [format_business_id(v) for v in values]


def test_weights_score_and_probability_sum_each_present_field() -> None:
    """A pair's weight is the prior plus the weights of its non-null levels."""
    rng = np.random.default_rng(3)
    levels = np.stack(
        [rng.integers(-1, len(LEVELS[field]), 200) for field in FIELDS], axis=1
    ).astype(np.int8)
    expected = np.full(len(levels), DEFAULT_WEIGHTS.prior_weight)
    for column, field in enumerate(FIELDS):
        for row, level in enumerate(levels[:, column].tolist()):
            if level != NULL:
                expected[row] += DEFAULT_WEIGHTS.level_weight(field, level)

    score = DEFAULT_WEIGHTS.score(levels)

    assert np.allclose(score, expected)
    assert np.array_equal(DEFAULT_WEIGHTS.probability(levels), match_probability(score))


def test_compare_pairs_in_many_chunks_equals_one_chunk(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Chunks compared on several threads give the levels one pass gives."""
    features = build_features(
        [make_org(f"a:{row}", name) for row, name in enumerate(NAMES)]
    )
    left, right = np.triu_indices(len(NAMES), 1)
    whole = compare_pairs(features, left, right)

    monkeypatch.setattr(compare, "CHUNK", 3)
    chunked = compare_pairs(features, left, right)

    assert np.array_equal(chunked.levels, whole.levels)
    assert np.array_equal(chunked.name_ratio, whole.name_ratio)
    assert np.array_equal(chunked.name_containment, whole.name_containment)


def test_choose_name_with_readings_chooses_as_without() -> None:
    """Names read before, some or all, change nothing but the work done."""
    names = ["KATTOMESTARIT OY", "Kattomestarit Oy, Tampere", "Kattomestarit Oy"]
    readings = dict(zip(names, read_names(names), strict=True))

    every = choose_name(names, readings=readings)
    some = choose_name(names, readings={names[1]: readings[names[1]]})

    assert every == some == choose_name(names) == "Kattomestarit Oy"


def test_read_names_reads_each_name_as_written_name_of_does() -> None:
    """The batch form gives what the single form gives, with codes shared."""
    names = [name for name in NAMES if name]

    readings = read_names(names)

    assert readings == [WrittenName.of(name) for name in names]
    with_oy = [reading.codes for reading in readings if reading.codes == ("oy",)]
    assert len(with_oy) > 1
    assert all(codes is with_oy[0] for codes in with_oy)
