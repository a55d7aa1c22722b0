"""``sidos match`` on small CSV files."""

from __future__ import annotations

import csv
from pathlib import Path

import typer
from typer.testing import CliRunner

from sync.commands.match import match

ROWS = """\
Tunnus;Asiakas;Y-tunnus;www;puhelin;kunta
a1;Valmet Oyj;0112038-9;;;
a2;VALMET OYJ:N;FI01120389;;;
a3;Pirkan Kone Oy;;www.pirkankone.fi;03 123 4567;Tampere
a4;PIRKAN KONE;;info@pirkankone.fi;031234567;
a5;Lielahden Sähkö;;;;
"""
RECOGNISED = """\
nimi,y-tunnus,puhelin
Pirkan Kone Oy,,03 123 4567
PIRKAN KONE,,+358 3 123 4567
Lielahden Sähkö,,
"""

runner = CliRunner()


def build_app() -> typer.Typer:
    """Return an app holding the ``match`` command."""
    app = typer.Typer()
    app.command("match")(match)
    app.command("other")(lambda: None)
    return app


def write(tmp_path: Path, name: str, text: str) -> Path:
    """Write a file under the test folder and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def read_rows(path: Path) -> list[dict[str, str]]:
    """Read the written CSV."""
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_match_recognised_headers_give_partner_per_row(tmp_path: Path) -> None:
    """Finnish headers are found and rows are numbered from one."""
    source, out = write(tmp_path, "in.csv", RECOGNISED), tmp_path / "out.csv"

    result = runner.invoke(build_app(), ["match", str(source), "--out", str(out)])

    assert result.exit_code == 0, result.output
    rows = read_rows(out)
    assert [row["id"] for row in rows] == ["1", "2", "3"]
    assert rows[0]["partner_id"] == rows[1]["partner_id"] != rows[2]["partner_id"]
    assert "3 records → 2 partners (1 duplicates)" in result.output


def test_match_unique_id_header_gives_the_ids(tmp_path: Path) -> None:
    """A column named Id with unique values is the record id; one with repeats not."""
    unique = "Id,nimi\n17,Pirkan Kone Oy\n4,PIRKAN KONE\n"
    repeated = "id,nimi\n17,Pirkan Kone Oy\n17,PIRKAN KONE\n"
    outputs = []
    for name, text in (("unique.csv", unique), ("repeated.csv", repeated)):
        source, out = write(tmp_path, name, text), tmp_path / f"out-{name}"
        result = runner.invoke(build_app(), ["match", str(source), "--out", str(out)])
        assert result.exit_code == 0, result.output
        outputs.append((result.output, [row["id"] for row in read_rows(out)]))

    assert outputs[0][1] == ["17", "4"]
    assert "Record ids: 'Id'" in outputs[0][0]
    assert outputs[1][1] == ["1", "2"]
    assert "Record ids: row numbers" in outputs[1][0]


def test_match_column_and_id_column_options_are_used(tmp_path: Path) -> None:
    """``--column`` names the name column and ``--id-column`` the ids."""
    source, out = write(tmp_path, "in.csv", ROWS), tmp_path / "out.csv"
    arguments = [
        "match",
        str(source),
        "--out",
        str(out),
        "--column",
        "name=Asiakas",
        "--id-column",
        "Tunnus",
    ]

    result = runner.invoke(build_app(), arguments)

    assert result.exit_code == 0, result.output
    partner = {row["id"]: row["partner_id"] for row in read_rows(out)}
    assert partner["a1"] == partner["a2"]
    assert partner["a3"] == partner["a4"]
    assert len(set(partner.values())) == 3


def test_match_explain_adds_the_deciding_evidence(tmp_path: Path) -> None:
    """``--explain`` writes the rule, score, linked record and evidence."""
    source, out = write(tmp_path, "in.csv", ROWS), tmp_path / "out.csv"
    arguments = [
        "match",
        str(source),
        "--out",
        str(out),
        "--column",
        "name=Asiakas",
        "--id-column",
        "Tunnus",
        "--explain",
    ]

    result = runner.invoke(build_app(), arguments)

    assert result.exit_code == 0, result.output
    rows = {row["id"]: row for row in read_rows(out)}
    assert (rows["a2"]["rule"], rows["a2"]["linked_to"]) == ("business_id", "a1")
    assert rows["a4"]["rule"] == "fellegi_sunter"
    assert "domain exact" in rows["a4"]["evidence"]
    assert rows["a5"]["rule"] == ""


def test_match_missing_name_column_exits_with_advice(tmp_path: Path) -> None:
    """A file without a recognisable name column says how to name it."""
    source = write(tmp_path, "in.csv", "foo,bar\n1,2\n")

    result = runner.invoke(
        build_app(), ["match", str(source), "--out", str(tmp_path / "out.csv")]
    )

    assert result.exit_code == 1
    assert "--column name=HEADER" in result.output


def test_match_config_thresholds_are_read(tmp_path: Path) -> None:
    """The matching thresholds of ``--config`` decide the merges."""
    source, out = write(tmp_path, "in.csv", RECOGNISED), tmp_path / "out.csv"
    config = write(
        tmp_path,
        "sidos.yaml",
        "matching:\n  match_threshold: 0.9999999\n  review_threshold: 0.5\n",
    )

    result = runner.invoke(
        build_app(),
        ["match", str(source), "--out", str(out), "--config", str(config)],
    )

    assert result.exit_code == 0, result.output
    assert len({row["partner_id"] for row in read_rows(out)}) == 3
