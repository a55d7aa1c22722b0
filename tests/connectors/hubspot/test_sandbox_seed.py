"""The sandbox's seed data: the demo account, its truth, the export, generation."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from stdnum.fi import ytunnus

from connectors.hubspot.sandbox import (
    SandboxServer,
    generate_companies,
    load_demo_truth,
    read_demo,
)
from tests.connectors.hubspot.sandbox_client import SandboxClient

SAMPLES = Path(__file__).parents[3] / "connectors" / "samples"
HEADER = [
    "project_id",
    "project_name",
    "unit",
    "staff_email",
    "organisation",
    "business_id",
    "role",
    "start_date",
    "end_date",
    "amount_eur",
]


def test_read_demo_twice_gives_identical_data() -> None:
    """The demo account is the same on every load."""
    first, second = read_demo(), read_demo()

    assert first.companies == second.companies
    assert first.owners == second.owners


def test_generate_companies_same_count_same_data_other_count_differs() -> None:
    """Generation is deterministic per count and seed."""
    first, second = generate_companies(2_000), generate_companies(2_000)

    other = generate_companies(2_000, seed=1)

    assert first.companies == second.companies
    assert first.companies != other.companies
    assert len(first.companies) == 2_000


def test_generate_companies_holds_crm_style_duplicates() -> None:
    """About a fifth of generated records repeat another's organisation."""
    data = generate_companies(5_000)

    sizes = Counter(data.truth.values())

    duplicates = sum(size - 1 for size in sizes.values())
    assert 0.15 * 5_000 <= duplicates <= 0.25 * 5_000
    assert set(data.truth) == {str(company.id) for company in data.companies}


def test_demo_account_shape_matches_the_institution() -> None:
    """About 300 records by 20 active staff in six units, a few archived."""
    data = read_demo()

    teams = {team["name"] for owner in data.owners for team in owner.teams}
    active = [owner for owner in data.owners if not owner.archived]
    archived = [company for company in data.companies if company.archived]
    assert 280 <= len(data.companies) <= 320
    assert len(active) == 20 and len(teams) == 6
    assert 3 <= len(archived) <= 10


def test_demo_truth_covers_every_record_with_15_to_25_percent_duplicated() -> None:
    """Every company has a true organisation; some organisations appear 2-4 times."""
    truth = load_demo_truth()
    companies = read_demo().companies

    sizes = Counter(truth["hubspot"].values())

    assert set(truth["hubspot"]) == {str(company.id) for company in companies}
    duplicated = [size for size in sizes.values() if size > 1]
    assert 0.13 <= len(duplicated) / len(sizes) <= 0.25
    assert max(duplicated) <= 4
    assert set(sizes) <= set(truth["organisations"])


def test_demo_truth_hard_negatives_have_different_valid_ids_or_none() -> None:
    """Hard-negative pairs are distinct organisations, never one key."""
    truth = load_demo_truth()

    for left, right in truth["hard_negatives"]:
        ids = [truth["organisations"][key]["business_id"] for key in (left, right)]
        assert left != right
        assert ids[0] != ids[1] or not ids[0]


def test_demo_business_ids_in_standard_form_are_valid() -> None:
    """Every organisation's business id passes the Y-tunnus checksum."""
    truth = load_demo_truth()

    ids = [org["business_id"] for org in truth["organisations"].values()]

    assert all(ytunnus.is_valid(business_id) for business_id in ids if business_id)


def test_demo_truth_is_not_visible_through_the_api() -> None:
    """No company carries its organisation key in any property."""
    with SandboxServer(seed="demo") as server:
        client = SandboxClient(server, token=None)
        names = {
            p["name"]
            for p in client.get("/crm/v3/properties/companies").json()["results"]
        }
        truth_keys = set(load_demo_truth()["organisations"])

        values = {v for c in server.store.active() for v in c.properties.values()}

    assert not values & truth_keys
    assert not any("truth" in name for name in names)


def test_rdi_export_rows_match_the_truth_and_overlap_the_crm() -> None:
    """The export has ~40 projects and ~130 rows, mapped in the truth file."""
    with (SAMPLES / "rdi_projects.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    truth = load_demo_truth()

    header, data = rows[0], rows[1:]
    in_crm = set(truth["hubspot"].values())
    orgs = [entry["org"] for entry in truth["rdi_projects"]]

    assert header == HEADER
    assert 110 <= len(data) <= 160
    assert len({row[0] for row in data}) == 40
    assert [entry["organisation"] for entry in truth["rdi_projects"]] == [
        r[4] for r in data
    ]
    assert {row[6] for row in data} == {"rahoittaja", "kumppani", "asiakas", "tilaaja"}
    assert 0.6 <= sum(org in in_crm for org in orgs) / len(orgs) < 1.0
