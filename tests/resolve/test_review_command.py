"""``sidos review``: list pending pairs, record verdicts in the state store."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from mappings.model import SourceRef
from sync.commands.review import app
from sync.model import Link
from sync.state import open_store

runner = CliRunner()
PENDING = Link(
    SourceRef("crm", "1"),
    SourceRef("rdi", "2"),
    "review",
    0.81,
    "fellegi_sunter",
    {
        "prior": -3.2,
        "match_weight": 2.1,
        "fields": {
            "name": {"left": "A", "right": "B", "level": "close", "weight": 4.8}
        },
    },
)


def write_config(tmp_path: Path) -> tuple[Path, str]:
    """Write a config whose state store is a file in the test folder."""
    url = f"sqlite:///{tmp_path / 'state.db'}"
    config = tmp_path / "sidos.yaml"
    config.write_text(f"state:\n  url: {url}\n", encoding="utf-8")
    return config, url


def store_pending(url: str) -> None:
    """Save one link waiting for review."""
    store = open_store(url)
    store.save_links("run-1", [PENDING])
    store.close()


def test_review_list_json_shows_pending_pairs(tmp_path: Path) -> None:
    """Pending pairs are listed with their evidence."""
    config, url = write_config(tmp_path)
    store_pending(url)

    result = runner.invoke(app, ["list", "--json", "--config", str(config)])

    assert result.exit_code == 0, result.output
    [pair] = json.loads(result.output)
    assert (pair["left"], pair["right"], pair["rule"]) == (
        "crm:1",
        "rdi:2",
        "fellegi_sunter",
    )


def test_review_accept_records_a_same_verdict(tmp_path: Path) -> None:
    """``accept`` stores ``same`` and the pair leaves the pending list."""
    config, url = write_config(tmp_path)
    store_pending(url)

    result = runner.invoke(
        app, ["accept", "rdi:2", "crm:1", "--by", "liisa", "--config", str(config)]
    )

    assert result.exit_code == 0, result.output
    store = open_store(url)
    [decision] = store.load_decisions()
    assert (decision.verdict, decision.decided_by) == ("same", "liisa")
    assert store.pending_reviews() == []
    store.close()


def test_review_reject_records_a_different_verdict(tmp_path: Path) -> None:
    """``reject`` stores ``different``."""
    config, url = write_config(tmp_path)

    result = runner.invoke(app, ["reject", "crm:1", "rdi:2", "--config", str(config)])

    assert result.exit_code == 0, result.output
    store = open_store(url)
    assert [d.verdict for d in store.load_decisions()] == ["different"]
    store.close()


def test_review_accept_bad_ref_exits_with_advice(tmp_path: Path) -> None:
    """A ref without its source is refused with the expected form."""
    config, _ = write_config(tmp_path)

    result = runner.invoke(app, ["accept", "123", "crm:1", "--config", str(config)])

    assert result.exit_code == 1
    assert "source:id" in result.output
