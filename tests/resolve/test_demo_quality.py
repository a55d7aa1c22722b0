"""The demo's resolution scored against the seed's truth (``pytest -s`` prints it)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mappings.model import SourceRef
from sync.run import RunReport, execute
from tests.resolve.demo import demo_sandbox, pairwise, truth_by_ref

PRECISION_FLOOR = 0.98
RECALL_FLOOR = 0.9

DemoRun = tuple[RunReport, dict[SourceRef, str]]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """The demo's first run, planned but not applied, with the truth by ref."""
    state_dir: Path = tmp_path_factory.mktemp("demo")
    with demo_sandbox(state_dir) as settings:
        report = execute(settings, kind="plan")
        truth = truth_by_ref(settings)
    return report, truth


def _organisations(demo_run: DemoRun) -> list[set[str]]:
    report, truth = demo_run
    assert report.resolved is not None
    return [
        {truth[m.ref] for m in partner.records if m.ref in truth}
        for partner in report.resolved.partners
    ]


def test_demo_resolution_pairwise_precision_and_recall(demo_run: DemoRun) -> None:
    """Pairs of records put in one partner agree with the seed's organisations."""
    report, truth = demo_run
    assert report.resolved is not None

    precision, recall = pairwise(report.resolved.partners, truth)

    print(f"\ndemo pairwise precision {precision:.4f}, recall {recall:.4f}")
    assert precision >= PRECISION_FLOOR
    assert recall >= RECALL_FLOOR


def test_demo_agency_and_company_of_one_name_stay_apart(demo_run: DemoRun) -> None:
    """No row of Innovaatiorahoituskeskus Business Finland joins Business Finland Oy."""
    agency, company = "org:business-finland-agency", "org:business-finland-oy"

    mixed = [orgs for orgs in _organisations(demo_run) if {agency, company} <= orgs]

    assert mixed == []


def test_demo_row_with_a_place_joins_its_organisation(demo_run: DemoRun) -> None:
    """The row "Luonnonvarakeskus, Tampere" joins Luke's companies in Helsinki."""

    holding = [orgs for orgs in _organisations(demo_run) if "org:luke" in orgs]

    assert holding == [{"org:luke"}]
