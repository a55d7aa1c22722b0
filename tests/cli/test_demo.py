"""``sidos demo``: the second sync shows what the first did and writes nothing."""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from mappings.model import CANONICAL_FIELDS
from sync.cli import app
from sync.model import Partner
from sync.run import execute
from tests.resolve.demo import CONFIG, demo_sandbox

runner = CliRunner()
SECOND = "Second sync, right after the first:"


def test_demo_second_sync_keeps_partners_golden_records_and_duplicates(
    tmp_path: Path,
) -> None:
    """Companies the first sync created change no partner, name or count."""
    with demo_sandbox(tmp_path) as settings:
        first = execute(settings, kind="sync")
        second = execute(settings, kind="sync")
    assert first.resolved is not None and second.resolved is not None

    partners = [
        {p.partner_id: _canonical(p) for p in resolved.partners}
        for resolved in (first.resolved, second.resolved)
    ]

    assert first.applied is not None and first.applied.created
    assert partners[0] == partners[1]
    for key in ("partners", "duplicates", "reviews"):
        assert first.stats()[key] == second.stats()[key], key
    assert second.stats()["writes"] == 0


def test_demo_output_second_sync_repeats_the_first() -> None:
    """Both syncs print the same counts, duplicates and KAM problems."""
    result = runner.invoke(app, ["demo", "--config", str(CONFIG)])

    assert result.exit_code == 0, result.output
    first, second = (" ".join(part.split()) for part in result.output.split(SECOND))
    assert _section(first, "partners: ", "pairs for review") == _section(
        second, "partners: ", "pairs for review"
    )
    assert _section(first, "Duplicates resolved", "Partners by Karvi") == _section(
        second, "Duplicates resolved", "Partners by Karvi"
    )
    assert _section(first, "KAMs:", "plan:") == _section(second, "KAMs:", "plan:")
    assert "Demo complete: the second sync made 0 writes." in second


def test_demo_output_names_a_few_strategic_partners_without_a_kam() -> None:
    """The list of strategic partners without a KAM is cut like the other lists."""
    result = runner.invoke(app, ["demo", "--config", str(CONFIG)])

    text = " ".join(result.output.split())
    match = re.search(r"strategic partners without a KAM \((\d+)\): (.*?) KAM ", text)

    assert match is not None, text
    total, listed = int(match.group(1)), match.group(2)
    assert f"… and {total - 5} more" in listed
    assert listed.count(", ") == 4


def _canonical(partner: Partner) -> tuple[object, ...]:
    """Return a partner's records and its golden record's canonical fields."""
    golden = partner.golden
    fields = tuple(getattr(golden, name) for name in sorted(CANONICAL_FIELDS))
    return tuple(sorted(m.ref for m in partner.records)), fields


def _section(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]
