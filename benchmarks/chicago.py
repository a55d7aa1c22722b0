"""The Chicago early-childhood sites (dedupe-examples, MIT) read for benchmarking.

Records are read the way ``sidos match`` reads any CSV, by recognised headers; the
``True Id`` column gives each record's entity.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from mappings.model import Organisation
from sync.commands.match_input import read_table

__all__ = ["CHICAGO_FILE", "ChicagoSet", "read_chicago"]

CHICAGO_FILE = Path("chicago_ece") / "csv_example_input_with_true_ids.csv"


@dataclass(slots=True)
class ChicagoSet:
    """The records, their ids and their true entities, row by row."""

    records: list[Organisation]
    ids: list[str]
    truth: npt.NDArray[np.int64]


def read_chicago(data: Path) -> ChicagoSet:
    """Read the Chicago file under the data folder.

    Args:
        data: the shared data folder.

    Returns:
        The records with their truth.
    """
    path = data / CHICAGO_FILE
    table = read_table(path, columns={}, id_column="Id")
    with path.open(encoding="utf-8") as handle:
        truth = [int(row["True Id"]) for row in csv.DictReader(handle)]
    return ChicagoSet(table.organisations, table.ids, np.array(truth, dtype=np.int64))
