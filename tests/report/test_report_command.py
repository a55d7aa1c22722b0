"""``sidos report`` on a state store of known partners: summary, files, errors."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.cli import app
from sync.state import open_store
from tests.report.partners import CULTURE, KAM, PARTNERS, STAFF, TECH, store_partners

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A settings file whose state store is empty; no CRM is configured or called."""
    path = tmp_path / "sidos.yaml"
    state = tmp_path / "state.db"
    path.write_text(f"state:\n  url: sqlite:///{state}\n", encoding="utf-8")
    return path


@pytest.fixture
def stored(config: Path, tmp_path: Path) -> Path:
    """The settings file, its state store holding the known partners."""
    store = open_store(f"sqlite:///{tmp_path / 'state.db'}")
    store_partners(store)
    store.close()
    return config


def test_summary_shows_categories_units_shared_and_strategic(stored: Path) -> None:
    """The printed report names categories, units, shared and strategic partners."""
    result = runner.invoke(app, ["report", "--config", str(stored)])

    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert "Partner report: 6 partners, from sync run" in output
    assert "Partners per Karvi category" in output
    assert "Rahoittajaorganisaatiot" in output
    assert "Partners each unit works with, per category" in output
    assert "Partners several units share: 3" in output
    assert "Strategic partners without a KAM: 2" in output
    assert "p-club" in output
    assert not any(email in result.output for email in STAFF)


def test_json_summary_has_exact_figures(stored: Path) -> None:
    """`--json` gives the counts per category and unit for scripts."""
    result = runner.invoke(app, ["report", "--json", "--config", str(stored)])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    counts = {entry["category"]: entry["partners"] for entry in summary["categories"]}
    assert counts["customer"] == 2
    assert counts["informal_politicians"] == 0
    assert summary["matrix"]["customer"][TECH] == 2
    assert summary["units"][CULTURE] == 3
    assert [entry["partner_id"] for entry in summary["strategic_without_kam"]] == [
        "p-alma",
        "p-club",
    ]
    assert not any(email in result.stdout for email in STAFF)


def test_out_csv_writes_one_row_per_partner(stored: Path, tmp_path: Path) -> None:
    """`--out FILE.csv` writes a CSV with a header and says so."""
    out = tmp_path / "partners.csv"

    result = runner.invoke(app, ["report", "--out", str(out), "--config", str(stored)])

    assert result.exit_code == 0, result.output
    assert "Wrote 6 partners to" in " ".join(result.output.split())
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == len(PARTNERS)
    assert {row["kam_email"] for row in rows} == {KAM, ""}


def test_out_with_format_json_overrides_the_suffix(
    stored: Path, tmp_path: Path
) -> None:
    """`--format json` writes JSON whatever the file is called."""
    out = tmp_path / "partners.txt"

    result = runner.invoke(
        app,
        ["report", "--out", str(out), "--format", "json", "--config", str(stored)],
    )

    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(record["partner_id"] for record in records) == sorted(
        row.partner_id for row in PARTNERS
    )


def test_store_without_runs_exits_1_with_what_to_do(config: Path) -> None:
    """Before the first sync, the report says to run one; no traceback."""
    result = runner.invoke(app, ["report", "--config", str(config)])

    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "The state store has no runs yet" in output
    assert "Run `sidos sync`" in output
    assert "Traceback" not in output


def test_out_in_a_missing_directory_exits_1(stored: Path, tmp_path: Path) -> None:
    """A file that cannot be written is reported, and nothing is left behind."""
    out = tmp_path / "missing" / "partners.csv"

    result = runner.invoke(app, ["report", "--out", str(out), "--config", str(stored)])

    assert result.exit_code == 1
    assert "Cannot write" in result.output
    assert not out.parent.exists()
