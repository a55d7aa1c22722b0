"""Splink 5 on the Chicago data, set up as the matching reference describes.

Preprocessing: names NFKD, lower case, punctuation stripped, legal forms removed
with cleanco; addresses with street words abbreviated, house number and first street
token extracted; phone = last 7 digits; zip = 5 digits; website = bare domain.
Blocking: phone; house number + street token; first name token + house number;
exact cleaned name; domain. Comparisons: name Jaro-Winkler 0.95 / 0.88 / 0.75 with
term-frequency adjustment; address exact / same house number and street /
Jaro-Winkler 0.88; phone, zip and domain exact. Training without labels: the prior
from two deterministic rules (recall 0.7), *u* from 2 M random pairs, EM on the
phone block and on the address block.
"""

from __future__ import annotations

import csv
import logging
import re
import unicodedata
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from benchmarks.chicago import CHICAGO_FILE

__all__ = ["run_splink"]

_STREET_WORDS = {
    "street": "st",
    "avenue": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "place": "pl",
    "parkway": "pkwy",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "center": "ctr",
    "centre": "ctr",
}
_DIRECTIONS = {"n", "s", "e", "w"}


def run_splink(data: Path) -> dict[str, Any]:
    """Train Splink without labels, predict, cluster, and return the pairs.

    Args:
        data: the shared data folder.

    Returns:
        Row numbers of pairs with their probabilities, the clusters at 0.9, and
        the truth.
    """
    import pyarrow as pa
    from splink import DuckDBAPI, Linker, block_on

    rows, truth = _prepared_rows(data / CHICAGO_FILE)
    table = pa.Table.from_pylist(rows)
    linker = Linker(DuckDBAPI().register(table), _settings(), log_level=logging.WARNING)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("name_clean", "phone"), block_on("name_clean", "address_clean")],
        recall=0.7,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("phone")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("house_number", "street_token")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.01)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, 0.9
    )
    return {
        "pairs": _pairs(predictions.as_record_list()),
        "clusters": _clusters(clusters.as_record_list(), len(rows)),
        "truth": truth,
    }


def _settings() -> Any:
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import SettingsCreator, block_on

    address = cl.CustomComparison(
        output_column_name="address",
        comparison_levels=[
            cll.NullLevel("address_clean"),
            cll.ExactMatchLevel("address_clean"),
            cll.And(
                cll.ExactMatchLevel("house_number"), cll.ExactMatchLevel("street_token")
            ),
            cll.JaroWinklerLevel("address_clean", 0.88),
            cll.ElseLevel(),
        ],
    )
    return SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("phone"),
            block_on("house_number", "street_token"),
            block_on("name_first_token", "house_number"),
            block_on("name_clean"),
            block_on("domain"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("name_clean", [0.95, 0.88, 0.75]).configure(
                term_frequency_adjustments=True
            ),
            address,
            cl.ExactMatch("phone"),
            cl.ExactMatch("zip"),
            cl.ExactMatch("domain"),
        ],
    )


def _prepared_rows(path: Path) -> tuple[list[dict[str, Any]], npt.NDArray[np.int64]]:
    from cleanco import basename

    rows, truth = [], []
    with path.open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            name = _clean_text(basename(row["Site name"], prefix=True, suffix=True))
            address = _clean_address(row["Address"])
            words = address.split()
            house = next((word for word in words if word.isdigit()), None)
            street = next(
                (w for w in words if not w.isdigit() and w not in _DIRECTIONS), None
            )
            rows.append(
                {
                    "unique_id": number,
                    "name_clean": name or None,
                    "name_first_token": name.split()[0] if name else None,
                    "address_clean": address or None,
                    "house_number": house,
                    "street_token": street,
                    "phone": re.sub(r"\D", "", row["Phone"])[-7:] or None,
                    "zip": re.sub(r"\D", "", row["Zip"])[:5] or None,
                    "domain": _domain(row["Website"]),
                }
            )
            truth.append(int(row["True Id"]))
    return rows, np.array(truth, dtype=np.int64)


def _clean_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^\w\s]", " ", plain.lower()).split())


def _clean_address(text: str) -> str:
    words = _clean_text(text).split()
    return " ".join(_STREET_WORDS.get(word, word) for word in words)


def _domain(text: str) -> str | None:
    host = re.sub(r"^[a-z]+://", "", text.strip().lower()).split("/")[0]
    host = host.removeprefix("www.")
    return host if "." in host else None


def _pairs(records: list[dict[str, Any]]) -> dict[str, list[Any]]:
    return {
        "left": [int(record["unique_id_l"]) for record in records],
        "right": [int(record["unique_id_r"]) for record in records],
        "probability": [float(record["match_probability"]) for record in records],
    }


def _clusters(records: list[dict[str, Any]], size: int) -> list[int]:
    labels = list(range(size))
    for record in records:
        labels[int(record["unique_id"])] = hash(str(record["cluster_id"])) % (2**62)
    return labels
