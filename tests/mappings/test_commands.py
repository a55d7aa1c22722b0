"""``sidos mappings check|test|explain`` as an admin runs them."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sync.commands.mappings import app
from tests.mappings.conftest import DEFAULT_CASES, DEFAULT_OVERRIDES, DEFAULT_RULES

runner = CliRunner()


@pytest.fixture
def config_dir(tmp_path: Path) -> Path:
    """A config directory holding the default rules and a minimal settings file."""
    for source in (DEFAULT_RULES, DEFAULT_OVERRIDES, DEFAULT_CASES):
        shutil.copy(source, tmp_path / source.name)
    (tmp_path / "sidos.yaml").write_text(
        "mappings:\n  rules: mappings.yaml\n  overrides: overrides.yaml\n"
        "  tests: mappings_tests.yaml\n",
        encoding="utf-8",
    )
    return tmp_path


def test_check_settings_files_valid_prints_summary_and_exits_0(
    config_dir: Path,
) -> None:
    """With no FILE, the files named in the settings are checked."""
    result = runner.invoke(app, ["check", "--config", str(config_dir / "sidos.yaml")])

    assert result.exit_code == 0, result.output
    assert "No problems found." in result.output
    assert "overrides.yaml: 0 overrides" in result.output


def test_check_config_from_environment_is_used(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIDOS_CONFIG names the settings file when --config is not given."""
    monkeypatch.setenv("SIDOS_CONFIG", str(config_dir / "sidos.yaml"))
    (config_dir / "overrides.yaml").write_text("overrides: [1]\n", encoding="utf-8")

    result = runner.invoke(app, ["check"])

    assert result.exit_code == 1
    assert (
        f"{config_dir / 'overrides.yaml'}:1:13: overrides.0: expected a mapping"
        in result.output
    )


def test_check_json_lists_problems_as_data(tmp_path: Path) -> None:
    """--json prints the problems for scripts."""
    path = tmp_path / "mappings.yaml"
    path.write_text("rules:\n  - {name: a, category: custmer}\n", encoding="utf-8")

    result = runner.invoke(app, ["check", str(path), "--json"])

    data = json.loads(result.output)
    assert result.exit_code == 1
    assert data["ok"] is False
    assert data["problems"][0]["line"] == 2
    assert data["problems"][0]["message"] == "unknown category 'custmer'"


def test_test_default_cases_pass_and_exit_0(config_dir: Path) -> None:
    """The shipped cases pass against the shipped rules."""
    result = runner.invoke(app, ["test", "--config", str(config_dir / "sidos.yaml")])

    assert result.exit_code == 0, result.output
    assert result.output.rstrip().endswith("passed, 0 failed")


def test_test_failing_case_shows_diff_and_deciding_rule(config_dir: Path) -> None:
    """A failure shows expected (-) and got (+) and the rule that decided."""
    cases = config_dir / "cases.yaml"
    cases.write_text(
        "cases:\n"
        "  - name: city\n"
        "    record: {name: Tampereen kaupunki, industry_code: '84110'}\n"
        "    expect: {primary: funder}\n",
        encoding="utf-8",
    )

    result = runner.invoke(
        app, ["test", str(cases), "--rules", str(config_dir / "mappings.yaml")]
    )

    assert result.exit_code == 1
    assert f"FAIL {cases}:2: city" in result.output
    assert "  - primary: funder\n  + primary: customer\n" in result.output
    assert f"decided by: public-administration ({config_dir / 'mappings.yaml'}:" in (
        result.output
    )
    assert "0 passed, 1 failed" in result.output


def test_explain_name_prints_category_rule_and_evidence(config_dir: Path) -> None:
    """Explaining one organisation shows its category and why."""
    result = runner.invoke(
        app,
        [
            "explain",
            "--config",
            str(config_dir / "sidos.yaml"),
            "--name",
            "Tampereen kaupunki",
            "--business-id",
            "0211675-2",
            "--industry",
            "84110",
            "--role",
            "funder",
            "--lang",
            "fi",
        ],
    )

    assert result.exit_code == 0, result.output
    assert "category:     customer - Asiakas- ja tilaajaorganisaatiot" in result.output
    assert "secondary:    funder" in result.output
    assert "flags:        strategic" in result.output
    assert "decided by:   public-administration" in result.output


def test_explain_json_gives_rule_and_matches(config_dir: Path) -> None:
    """--json gives the same explanation as data."""
    result = runner.invoke(
        app,
        [
            "explain",
            "--rules",
            str(config_dir / "mappings.yaml"),
            "--name",
            "Suomen Akatemia",
            "--json",
        ],
    )

    data = json.loads(result.output)
    assert (data["category"], data["rule"]) == ("funder", "funder-research-council")
    assert data["override"] is None


def test_explain_csv_adds_sidos_columns_to_each_row(config_dir: Path) -> None:
    """A CSV in gives a CSV out with the input columns and the sidos_* columns."""
    source = config_dir / "orgs.csv"
    source.write_text(
        "Nimi;Y-tunnus;Toimiala;Rooli\n"
        "Tampereen yliopisto;2844561-8;85420;tutkimuskumppani\n"
        "Tehy ry;;94200;\n",
        encoding="utf-8",
    )
    out = config_dir / "out.csv"

    result = runner.invoke(
        app,
        [
            "explain",
            "--rules",
            str(config_dir / "mappings.yaml"),
            "--csv",
            str(source),
            "--out",
            str(out),
        ],
    )

    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert result.exit_code == 0, result.output
    assert [row["sidos_category"] for row in rows] == [
        "education_research",
        "informal_interest",
    ]
    assert rows[0]["Nimi"] == "Tampereen yliopisto"
    assert rows[1]["sidos_rule"] == "trade-unions"


def test_explain_csv_without_name_column_exits_2(config_dir: Path) -> None:
    """A CSV whose headers name no organisation is refused with its headers."""
    source = config_dir / "orgs.csv"
    source.write_text("foo,bar\n1,2\n", encoding="utf-8")

    result = runner.invoke(
        app,
        ["explain", "--rules", str(config_dir / "mappings.yaml"), "--csv", str(source)],
    )

    assert result.exit_code == 2
    assert "no column holds organisation names; the headers are foo, bar" in (
        result.output
    )


def test_explain_two_subjects_exits_2(config_dir: Path) -> None:
    """--name and --crm-id together are a usage mistake."""
    result = runner.invoke(app, ["explain", "--name", "A", "--crm-id", "1"])

    assert result.exit_code == 2
    assert "Give exactly one of --name, --csv and --crm-id." in result.output


def test_explain_crm_id_reads_the_company_from_the_crm(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--crm-id fetches the company from the CRM over HTTP and explains it."""
    from connectors.hubspot.sandbox import SandboxServer, read_demo

    company = next(
        c for c in read_demo().companies if c.properties.get("name") == "Yleisradio Oy"
    )
    with SandboxServer(seed="demo", token="explain-token") as sandbox:
        monkeypatch.setenv("SIDOS_CRM__BASE_URL", sandbox.url)
        monkeypatch.setenv("SIDOS_CRM__TOKEN", "explain-token")

        result = runner.invoke(
            app,
            [
                "explain",
                "--config",
                str(config_dir / "sidos.yaml"),
                "--crm-id",
                str(company.id),
            ],
        )

    assert result.exit_code == 0, result.output
    assert "Yleisradio" in result.output
    assert "category:     informal_media" in result.output
