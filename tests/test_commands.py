"""The command line end to end: the demo, plan, sync, status, and bad settings."""

from __future__ import annotations

import csv
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from connectors.hubspot.sandbox import SandboxServer
from sync.cli import app

REPO = Path(__file__).resolve().parents[1]
TOKEN = "cli-test-token"
runner = CliRunner()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """The demo sandbox on a free port."""
    with SandboxServer(seed="demo", token=TOKEN) as server:
        yield server


@pytest.fixture
def config(
    tmp_path: Path, sandbox: SandboxServer, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The shipped config, pointed at the sandbox, the sample export and a tmp state."""
    target = tmp_path / "config"
    shutil.copytree(REPO / "config", target)
    sample = REPO / "connectors" / "samples" / "rdi_projects.csv"
    text = (target / "sidos.yaml").read_text(encoding="utf-8")
    text = text.replace("../connectors/samples/rdi_projects.csv", str(sample))
    (target / "sidos.yaml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("SIDOS_CRM__BASE_URL", sandbox.url)
    monkeypatch.setenv("SIDOS_CRM__TOKEN", TOKEN)
    monkeypatch.setenv("SIDOS_STATE__URL", f"sqlite:///{tmp_path / 'state.db'}")
    return target / "sidos.yaml"


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["demo"],
        ["sandbox"],
        ["plan"],
        ["sync"],
        ["resync"],
        ["status"],
        ["report"],
        ["retry"],
        ["mappings"],
        ["mappings", "check"],
        ["mappings", "test"],
        ["mappings", "explain"],
        ["match"],
        ["review"],
        ["review", "list"],
        ["serve"],
        ["db"],
        ["db", "upgrade"],
    ],
)
def test_help_every_command_explains_itself(command: list[str]) -> None:
    """Every command answers --help with its usage."""
    result = runner.invoke(app, [*command, "--help"])

    assert result.exit_code == 0, result.output
    assert "Usage:" in result.output


def test_demo_completes_and_second_sync_writes_nothing() -> None:
    """The demo syncs the sandbox, then shows that a rerun makes no writes."""
    result = runner.invoke(app, ["demo", "--config", str(REPO / "config/sidos.yaml")])

    assert result.exit_code == 0, result.output
    assert "Duplicates resolved" in result.output
    assert "Partners by Karvi category" in result.output
    assert "Demo complete: the second sync made 0 writes." in result.output


def test_plan_json_after_sync_has_no_operations(config: Path) -> None:
    """`sidos plan --json` right after `sidos sync` lists no operations."""
    before = runner.invoke(app, ["plan", "--json", "--config", str(config)])
    synced = runner.invoke(app, ["sync", "--config", str(config)])

    after = runner.invoke(app, ["plan", "--json", "--config", str(config)])

    assert synced.exit_code == 0, synced.output
    assert json.loads(before.stdout)["operations"]
    assert json.loads(after.stdout)["operations"] == []


def test_status_partner_shows_units_that_work_with_it(config: Path) -> None:
    """`sidos status --partner` shows a partner's units, staff and records."""
    runner.invoke(app, ["sync", "--config", str(config)])

    result = runner.invoke(
        app,
        ["status", "--partner", "Pirkanmaan liitto", "--json", "--config", str(config)],
    )

    assert result.exit_code == 0, result.output
    [partner] = json.loads(result.stdout)
    assert partner["category"] == "funder"
    assert len(partner["units"]) >= 2
    assert any(member.startswith("rdi_projects:") for member in partner["members"])
    assert any(member.startswith("hubspot:") for member in partner["members"])


def test_status_summary_counts_runs_and_records(config: Path) -> None:
    """`sidos status --json` shows the last run, cursors and record counts."""
    runner.invoke(app, ["sync", "--config", str(config)])

    result = runner.invoke(app, ["status", "--json", "--config", str(config)])

    summary = json.loads(result.stdout)
    assert summary["runs"][0]["status"] == "succeeded"
    assert set(summary["cursors"]) == {"hubspot", "rdi_projects"}
    assert summary["records"]["hubspot"] > 200
    assert summary["dead_letters"] == 0


def test_report_after_sync_counts_every_partner_and_names_no_staff(
    config: Path, tmp_path: Path
) -> None:
    """`sidos report` after a real sync: its figures agree, staff only counted."""
    runner.invoke(app, ["sync", "--config", str(config)])
    out = tmp_path / "partners.csv"

    result = runner.invoke(
        app, ["report", "--json", "--out", str(out), "--config", str(config)]
    )
    status = runner.invoke(app, ["status", "--json", "--config", str(config)])

    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    stored = json.loads(status.stdout)["partners"]
    counts = {entry["category"]: entry["partners"] for entry in summary["categories"]}
    assert {cid: n for cid, n in counts.items() if n} == stored
    assert summary["partners"] == sum(stored.values())
    assert summary["shared"]["partners"] > 0
    with out.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == summary["partners"]
    # Staff who are also KAMs are named, as KAMs; no other staff member is.
    kams = {row["kam_email"] for row in rows}
    staff = _staff_emails(REPO / "connectors" / "samples" / "rdi_projects.csv") - kams
    written = out.read_text(encoding="utf-8") + result.stdout
    assert staff
    assert not any(email in written for email in staff)


def _staff_emails(export: Path) -> set[str]:
    with export.open(encoding="utf-8-sig", newline="") as file:
        return {
            row["staff_email"] for row in csv.DictReader(file) if row["staff_email"]
        }


def test_sync_invalid_settings_exit_2_with_file_and_line(tmp_path: Path) -> None:
    """A typo in sidos.yaml stops the command with file:line and no traceback."""
    config = tmp_path / "sidos.yaml"
    config.write_text("crm:\n  base_ulr: http://x\n", encoding="utf-8")

    result = runner.invoke(app, ["sync", "--config", str(config)])

    assert result.exit_code == 2
    assert f"{config}:2:3" in result.output
    assert "Traceback" not in result.output


def test_sync_token_in_yaml_is_refused(tmp_path: Path) -> None:
    """A token written into the settings file is refused with what to do instead."""
    config = tmp_path / "sidos.yaml"
    config.write_text("crm:\n  token: pat-na1-secret\n", encoding="utf-8")

    result = runner.invoke(app, ["plan", "--config", str(config)])

    assert result.exit_code == 2
    assert "SIDOS_CRM__TOKEN" in result.output
    assert "pat-na1-secret" not in result.output
