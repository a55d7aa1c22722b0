"""The demo's sandbox CRM and sample export, and the seed's truth to score against.

``demo_truth.json`` (written by ``connectors.hubspot.sandbox.build_seed``) gives the
organisation of every sandbox company, by id, and of every data row of the sample
export, in order; the export's rows are read back through the configured source to
learn the ref each row gets.
"""

from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.sandbox.seed import DEMO_TRUTH
from mappings.model import SourceRef
from sync.commands.demo import demo_settings
from sync.model import Partner
from sync.run import build_sources
from sync.settings import Settings, load_settings

CONFIG = Path(__file__).resolve().parents[2] / "config" / "sidos.yaml"
TOKEN = "demo-test-token"

Pair = tuple[SourceRef, SourceRef]


@contextmanager
def demo_sandbox(state_dir: Path) -> Iterator[Settings]:
    """Run the demo's sandbox; yield the shipped settings pointed at it.

    Args:
        state_dir: where the SQLite state file goes.

    Yields:
        Settings for the sandbox, the sample export and the state file.
    """
    with SandboxServer(
        seed="demo", token=TOKEN, rate_limit=(190, 10.0), search_per_second=5
    ) as sandbox:
        settings = load_settings(CONFIG)
        yield demo_settings(settings, sandbox.url, TOKEN, state_dir / "state.db")


def truth_by_ref(settings: Settings) -> dict[SourceRef, str]:
    """Return the organisation key of every sandbox company and export row."""
    truth = json.loads(DEMO_TRUTH.read_text(encoding="utf-8"))
    crm = settings.crm.name
    organisation = {
        SourceRef(crm, company_id): key for company_id, key in truth["hubspot"].items()
    }
    [export] = build_sources(settings)
    rows = list(export.pull(None))
    for record, row in zip(rows, truth["rdi_projects"], strict=True):
        organisation[record.ref] = row["org"]
    return organisation


def pairwise(
    partners: Iterable[Partner], truth: Mapping[SourceRef, str]
) -> tuple[float, float]:
    """Return the pairwise precision and recall of partners against the truth.

    Only the partners' records that the truth knows count (a company merged away in
    the CRM is no record); a pair is one of two such records in one partner
    (predicted) or of one organisation (true).
    """
    groups = [[m.ref for m in p.records if m.ref in truth] for p in partners]
    predicted = _pairs(groups)
    by_organisation: dict[str, list[SourceRef]] = defaultdict(list)
    for ref in itertools.chain.from_iterable(groups):
        by_organisation[truth[ref]].append(ref)
    actual = _pairs(by_organisation.values())
    hits = len(predicted & actual)
    return hits / max(len(predicted), 1), hits / max(len(actual), 1)


def _pairs(groups: Iterable[list[SourceRef]]) -> set[Pair]:
    return {
        pair for group in groups for pair in itertools.combinations(sorted(group), 2)
    }
