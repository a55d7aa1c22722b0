"""The golden name: the best written form most members use, then the members' rank."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest

from sync.resolve.golden import build_golden
from sync.resolve.golden_name import choose_name
from tests.resolve.helpers import fixed_settings, make_org

OLD = datetime(2024, 1, 1, tzinfo=UTC)
NEW = datetime(2025, 6, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["IBF", "Innovaatiorahoituskeskus Business Finland"],
            "Innovaatiorahoituskeskus Business Finland",
        ),
        (["TEK", "Tekniikan akateemiset TEK ry"], "Tekniikan akateemiset TEK ry"),
        (
            ["Tredu", "TREDU", "Tampereen seudun ammattiopisto Tredu"],
            "Tampereen seudun ammattiopisto Tredu",
        ),
    ],
)
def test_choose_name_full_name_before_a_short_form(
    names: list[str], expected: str
) -> None:
    """An acronym or a word of a longer member name gives way to the full name."""

    assert choose_name(names) == expected


def test_choose_name_a_stray_letter_makes_no_longer_name() -> None:
    """A typo that adds a letter ("Pixact y") does not make "Pixact Oy" short."""

    assert choose_name(["Pixact y", "Pixact Oy", "Pixact Oy"]) == "Pixact Oy"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (
            ["Tampereen kaupunki, Tilakeskus", "Tampereen kaupunki"],
            "Tampereen kaupunki",
        ),
        (["Eriol Oy, Tampere", "Eriol Oy"], "Eriol Oy"),
        (["Pirkanmaan liitto (EAKR)", "Pirkanmaan liitto"], "Pirkanmaan liitto"),
        (["Aamulehti / Alma Media", "Aamulehti"], "Aamulehti"),
    ],
)
def test_choose_name_without_a_unit_place_or_note(
    names: list[str], expected: str
) -> None:
    """A trailing unit, place or note gives way to the name without it."""

    assert choose_name(names) == expected


def test_choose_name_form_most_members_use_wins_over_rank() -> None:
    """The normalised form shared by most members wins, qualifiers aside."""
    names = [
        "Pirkanmaan Liittokokous",
        "Pirkanmaan liitto",
        "PIRKANMAAN LIITTO",
        "Pirkanmaan liitto, Tampere",
    ]

    assert choose_name(names) == "Pirkanmaan liitto"


@pytest.mark.parametrize(
    ("names", "expected"),
    [
        (["orage oy", "Orage Oy"], "Orage Oy"),
        (["PIRKANMAAN LIITTO", "Pirkanmaan liitto"], "Pirkanmaan liitto"),
        (["Eriol OY", "Eriol Oy"], "Eriol Oy"),
        (["luonnonvarakeskus", "LUONNONVARAKESKUS"], "LUONNONVARAKESKUS"),
        (
            [
                "Suomen dysfagian kuntoutusyhdistys RY",
                "suomen dysfagian kuntoutusyhdistys ry",
            ],
            "Suomen dysfagian kuntoutusyhdistys RY",
        ),
    ],
)
def test_choose_name_proper_case_first_then_odd_form_caps_lowercase(
    names: list[str], expected: str
) -> None:
    """Mixed case with usual legal forms, then odd forms, ALL CAPS, lowercase."""

    assert choose_name(names) == expected


def test_choose_name_legal_form_most_members_use() -> None:
    """Within one form, the legal form most members write wins."""
    names = ["TreSolver Oyj", "TreSolver Oy", "TreSolver Oy, Tampere", "TreSolver Oy"]

    assert choose_name(names) == "TreSolver Oy"


def test_choose_name_spelling_most_members_use() -> None:
    """Within one form and legal form, the spelling most members use wins."""
    names = ["Pirkanmaan Liitto", "Pirkanmaan liitto", "Pirkanmaan liitto"]

    assert choose_name(names) == "Pirkanmaan liitto"


def test_choose_name_legal_form_written_out_before_none() -> None:
    """A name with its legal form beats the same name without one."""

    assert choose_name(["Abruzzi", "Abruzzi Oy"]) == "Abruzzi Oy"


def test_choose_name_rank_breaks_the_remaining_ties() -> None:
    """Equally good names go to the best-ranked member, listed first."""

    assert choose_name(["Oy Birdrock Global Ab", "Birdrock Global Oy"]) == (
        "Oy Birdrock Global Ab"
    )
    assert choose_name(["Birdrock Global Oy", "Oy Birdrock Global Ab"]) == (
        "Birdrock Global Oy"
    )


def test_choose_name_empty_names_are_skipped() -> None:
    """Only written names compete; none at all gives None."""

    assert choose_name([None, " ", "Orage Oy"]) == "Orage Oy"
    assert choose_name([None, ""]) is None


def test_build_golden_name_rule_overrides_rank_other_fields_keep_it() -> None:
    """The best-ranked member gives the fields, the name rule the name."""
    members = [
        make_org("rdi:1", "IBF", business_id="0512696-4", phone="029 50 55000"),
        make_org("rdi:2", "Innovaatiorahoituskeskus Business Finland", updated_at=NEW),
        make_org("crm:3", "innovaatiorahoituskeskus business finland", updated_at=OLD),
    ]

    golden = build_golden("p-1", members, fixed_settings())

    assert golden.name == "Innovaatiorahoituskeskus Business Finland"
    assert (golden.business_id, golden.phone) == ("0512696-4", "029 50 55000")


def test_build_golden_name_does_not_depend_on_member_order() -> None:
    """Every order of the members gives the same golden name."""
    members = [
        make_org("crm:1", "Tamtron Oy, Tampere", updated_at=NEW),
        make_org("crm:2", "Tamtron OY", updated_at=OLD),
        make_org("rdi:3", "Oy Tamtron Ab", updated_at=OLD),
        make_org("rdi:4", "Tamtron Oy", updated_at=NEW),
    ]

    names = {
        build_golden("p-1", list(order), fixed_settings()).name
        for order in itertools.permutations(members)
    }

    assert names == {"Tamtron Oy"}


def test_build_golden_rank_setting_takes_the_best_ranked_name() -> None:
    """With ``golden_name: rank`` the name is chosen like every other field."""
    members = [
        make_org("crm:1", "orage oy", business_id="2345678-7"),
        make_org("rdi:2", "Orage Oy"),
    ]

    golden = build_golden("p-1", members, fixed_settings(golden_name="rank"))

    assert golden.name == "orage oy"
