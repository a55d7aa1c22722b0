"""The partner report's figures and its partner file, from a store of known partners."""

from __future__ import annotations

import csv
import dataclasses
import json
import os
from pathlib import Path

import pytest

from mappings.categories import CATEGORIES
from sync.report import (
    NO_UNIT,
    FileFormat,
    NoPartnersStored,
    PartnerReport,
    build_report,
    format_of,
    load_report,
    summary_as_json,
    write_partner_file,
)
from sync.state import StateStore, open_store
from tests.report.partners import (
    CULTURE,
    KAM,
    PARTNERS,
    RDI,
    STAFF,
    TECH,
    store_partners,
)


@pytest.fixture
def store(tmp_path: Path) -> StateStore:
    return open_store(f"sqlite:///{tmp_path / 'state.db'}")


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A directory of its own for report files, apart from the state store's."""
    directory = tmp_path / "reports"
    directory.mkdir()
    return directory


@pytest.fixture
def report(store: StateStore) -> PartnerReport:
    store_partners(store)
    return load_report(store)


class TestFigures:
    def test_every_karvi_category_is_counted_in_order(
        self, report: PartnerReport
    ) -> None:
        """Each category has its count, empty ones included, in the Karvi order."""
        assert list(report.categories) == [entry.id for entry in CATEGORIES]
        assert {cid: n for cid, n in report.categories.items() if n} == {
            "customer": 2,
            "education_research": 1,
            "funder": 1,
            "informal_media": 1,
            "unclassified": 1,
        }
        assert sum(report.categories.values()) == len(PARTNERS)

    def test_matrix_counts_partners_per_category_and_unit(
        self, report: PartnerReport
    ) -> None:
        """A partner counts once in each of its units; one without units in its own
        column."""
        assert report.units == (CULTURE, RDI, TECH, NO_UNIT)
        assert report.matrix == {
            "customer": {CULTURE: 1, RDI: 1, TECH: 2, NO_UNIT: 0},
            "education_research": {CULTURE: 1, RDI: 0, TECH: 1, NO_UNIT: 0},
            "funder": {CULTURE: 0, RDI: 1, TECH: 0, NO_UNIT: 0},
            "informal_media": {CULTURE: 1, RDI: 1, TECH: 0, NO_UNIT: 0},
            "unclassified": {CULTURE: 0, RDI: 0, TECH: 0, NO_UNIT: 1},
        }
        assert report.unit_totals == {CULTURE: 3, RDI: 3, TECH: 3, NO_UNIT: 1}

    def test_shared_partners_most_units_first(self, report: PartnerReport) -> None:
        """Partners of two or more units, by units, then staff, then name."""
        assert [(row.name, len(row.units)) for row in report.shared] == [
            ("Tampereen kaupunki", 3),
            ("Alma Media Oyj", 2),
            ("Tampereen yliopisto", 2),
        ]

    def test_strategic_partners_without_kam(self, report: PartnerReport) -> None:
        """Strategic partners that have a KAM are not listed."""
        assert [row.partner_id for row in report.strategic_without_kam] == [
            "p-alma",
            "p-club",
        ]

    def test_report_names_the_run_that_stored_the_partners(
        self, store: StateStore
    ) -> None:
        """The report says which run its partners come from, not the newest run."""
        run_id = store_partners(store)
        store.finish_run(store.start_run("plan"), "succeeded", {})

        report = load_report(store)

        assert report.run is not None
        assert (report.run.run_id, report.run.kind) == (run_id, "sync")

    def test_summary_json_lists_top_shared_and_names_no_staff(
        self, report: PartnerReport
    ) -> None:
        """The summary keeps the count of shared partners and lists the top ones."""
        summary = summary_as_json(report, top=2)

        assert summary["partners"] == 6
        assert summary["shared"]["partners"] == 3
        assert [entry["partner_id"] for entry in summary["shared"]["top"]] == [
            "p-city",
            "p-alma",
        ]
        assert summary["shared"]["top"][0]["kam_email"] == KAM
        assert summary["shared"]["top"][0]["staff_count"] == 3
        text = json.dumps(summary)
        assert not any(email in text for email in STAFF)

    def test_unknown_stored_category_is_counted_under_its_id(self) -> None:
        """A category id the labels do not know is still counted, not dropped."""
        odd = dataclasses.replace(PARTNERS[0], category="retired_category")

        report = build_report([odd])

        assert report.categories["retired_category"] == 1
        assert report.matrix["retired_category"][CULTURE] == 1


class TestNoPartners:
    def test_store_without_runs_says_to_sync_first(self, store: StateStore) -> None:
        """An empty store is refused with what to run."""
        with pytest.raises(NoPartnersStored, match="no runs yet") as caught:
            load_report(store)

        assert "sidos sync" in str(caught.value)

    def test_store_with_only_plans_says_no_sync_finished(
        self, store: StateStore
    ) -> None:
        """Runs that stored no partners get a message of their own."""
        store.finish_run(store.start_run("plan"), "succeeded", {})

        with pytest.raises(NoPartnersStored, match="No partners are stored yet"):
            load_report(store)


class TestPartnerFile:
    def test_csv_has_a_header_and_one_row_per_partner(
        self, report: PartnerReport, tmp_path: Path
    ) -> None:
        """Lists are joined with '; ', and staff appear only as a count."""
        path = tmp_path / "partners.csv"

        write_partner_file(path, report, FileFormat.CSV)

        text = path.read_text(encoding="utf-8")
        rows = {row["partner_id"]: row for row in csv.DictReader(text.splitlines())}
        assert len(rows) == len(PARTNERS)
        city = rows["p-city"]
        assert city["category_fi"] == "Asiakas- ja tilaajaorganisaatiot"
        assert city["units"] == f"{CULTURE}; {RDI}; {TECH}"
        assert (city["unit_count"], city["staff_count"]) == ("3", "3")
        assert (city["strategic"], city["kam_email"]) == ("true", KAM)
        assert rows["p-alma"]["secondary"] == "customer"
        assert rows["p-shop"]["business_id"] == ""
        assert not any(email in text for email in STAFF)

    def test_csv_keeps_a_name_that_looks_like_a_formula_as_text(
        self, report: PartnerReport, tmp_path: Path
    ) -> None:
        """A name typed as a spreadsheet formula is written with a leading quote."""
        path = tmp_path / "partners.csv"
        [first, *rest] = report.partners
        trap = dataclasses.replace(first, name='=HYPERLINK("http://x.example","Oy")')
        shown = dataclasses.replace(report, partners=[trap, *rest])

        write_partner_file(path, shown, FileFormat.CSV)

        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
        names = {row["partner_id"]: row["name"] for row in rows}
        assert names[first.partner_id] == "'" + trap.name
        assert names[rest[0].partner_id] == rest[0].name

    def test_json_is_a_list_of_partner_objects(
        self, report: PartnerReport, tmp_path: Path
    ) -> None:
        """JSON keeps lists as lists and counts as numbers."""
        path = tmp_path / "partners.json"

        write_partner_file(path, report, FileFormat.JSON)

        text = path.read_text(encoding="utf-8")
        records = {record["partner_id"]: record for record in json.loads(text)}
        assert len(records) == len(PARTNERS)
        assert records["p-tuni"]["units"] == [CULTURE, TECH]
        assert records["p-tuni"]["staff_count"] == 2
        assert records["p-club"]["strategic"] is True
        assert records["p-club"]["kam_email"] is None
        assert "staff" not in records["p-city"]
        assert not any(email in text for email in STAFF)

    def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(
        self, report: PartnerReport, reports: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The file is replaced by a rename: a failure leaves the previous one."""
        path = reports / "partners.csv"
        path.write_text("previous report\n", encoding="utf-8")

        def refuse(source: str, target: str) -> None:
            raise OSError("disk full")

        monkeypatch.setattr(os, "replace", refuse)
        with pytest.raises(OSError, match="disk full"):
            write_partner_file(path, report, FileFormat.CSV)

        assert path.read_text(encoding="utf-8") == "previous report\n"
        assert [entry.name for entry in reports.iterdir()] == ["partners.csv"]

    def test_write_replaces_an_existing_file(
        self, report: PartnerReport, reports: Path
    ) -> None:
        """A second report replaces the first, and no temporary file is left."""
        path = reports / "partners.json"
        path.write_text("[]\n", encoding="utf-8")

        write_partner_file(path, report, FileFormat.JSON)

        assert len(json.loads(path.read_text(encoding="utf-8"))) == len(PARTNERS)
        assert [entry.name for entry in reports.iterdir()] == ["partners.json"]


@pytest.mark.parametrize(
    ("name", "chosen", "expected"),
    [
        ("partners.json", None, FileFormat.JSON),
        ("partners.JSON", None, FileFormat.JSON),
        ("partners.csv", None, FileFormat.CSV),
        ("partners.txt", None, FileFormat.CSV),
        ("partners.csv", FileFormat.JSON, FileFormat.JSON),
    ],
)
def test_format_follows_the_choice_else_the_suffix(
    name: str, chosen: FileFormat | None, expected: FileFormat
) -> None:
    """An explicit format wins; otherwise .json means JSON and anything else CSV."""
    assert format_of(Path(name), chosen) is expected
