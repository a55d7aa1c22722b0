"""KAM assignment: explicit strategic partners, ordered rules, and reported problems."""

from __future__ import annotations

from pathlib import Path

import pytest

from mappings.errors import ConfigError
from sync.kam import KamConfig, KamFacts, assign_kams, load_kam_config

OWNERS = {"kam.tki@example.fi": "501", "kam.sote@example.fi": "502"}


def _facts(partner_id: str = "p-1", **changes: object) -> KamFacts:
    values: dict[str, object] = {
        "partner_id": partner_id,
        "name": "Pirkanmaan liitto",
        "business_id": "0213200-7",
        "category": "funder",
        "secondary": (),
        "units": ("TKI-palvelut",),
        "industry_code": "84110",
        "flags": frozenset(),
    }
    values.update(changes)
    return KamFacts(**values)  # type: ignore[arg-type]


def _config(data: dict[str, object]) -> KamConfig:
    return KamConfig.model_validate(data)


def test_assign_kams_first_matching_rule_names_the_kam() -> None:
    """The first rule that matches decides, and the e-mail resolves to an owner id."""
    config = _config(
        {
            "rules": [
                {
                    "name": "funders",
                    "kam": "kam.tki@example.fi",
                    "when": {"category": ["funder"]},
                },
                {
                    "name": "public",
                    "kam": "kam.tki@example.fi",
                    "when": {"industry_prefix": ["84"]},
                },
            ]
        }
    )

    report = assign_kams([_facts()], config, OWNERS)

    assignment = report.assignments["p-1"]
    assert (assignment.owner_id, assignment.rule) == ("501", "funders")
    assert report.conflicts == {}


def test_assign_kams_two_rules_naming_different_kams_are_reported() -> None:
    """A partner two rules claim for different KAMs is listed as a conflict."""
    config = _config(
        {
            "rules": [
                {
                    "name": "funders",
                    "kam": "kam.tki@example.fi",
                    "when": {"category": ["funder"]},
                },
                {
                    "name": "health",
                    "kam": "kam.sote@example.fi",
                    "when": {"unit": ["TKI-palvelut"]},
                },
            ]
        }
    )

    report = assign_kams([_facts()], config, OWNERS)

    assert report.conflicts == {"p-1": ["funders", "health"]}
    assert report.assignments["p-1"].email == "kam.tki@example.fi"


def test_assign_kams_explicit_strategic_partner_wins_over_rules() -> None:
    """A partner listed by business id gets the listed KAM, whatever the rules say."""
    config = _config(
        {
            "strategic_partners": [
                {"business_id": "0213200-7", "kam": "kam.sote@example.fi"}
            ],
            "rules": [{"name": "funders", "kam": "kam.tki@example.fi"}],
        }
    )

    report = assign_kams([_facts()], config, OWNERS)

    assert report.assignments["p-1"].owner_id == "502"
    assert report.assignments["p-1"].strategic
    assert report.strategic == {"p-1"}


def test_assign_kams_strategic_partner_without_kam_is_reported() -> None:
    """A listed strategic partner that no rule covers is reported as lacking a KAM."""
    config = _config({"strategic_partners": [{"partner_id": "p-1"}]})

    report = assign_kams([_facts()], config, OWNERS)

    assert report.strategic_without_kam == ["p-1"]
    assert report.strategic == {"p-1"}
    assert report.assignments == {}


def test_assign_kams_unknown_kam_email_is_reported_without_owner_id() -> None:
    """A KAM e-mail the CRM does not know is reported and gets no owner id."""
    config = _config({"rules": [{"name": "all", "kam": "gone@example.fi"}]})

    report = assign_kams([_facts()], config, OWNERS)

    assert report.unknown_kams == {"gone@example.fi": ["p-1"]}
    assert report.assignments["p-1"].owner_id is None


def test_load_kam_config_unknown_category_points_at_the_line(tmp_path: Path) -> None:
    """A typo in a category is refused with the file and line."""
    path = tmp_path / "kam.yaml"
    path.write_text(
        "rules:\n  - name: x\n    kam: a@b.fi\n    when:\n      category: [fundr]\n",
        encoding="utf-8",
    )

    with pytest.raises(ConfigError, match=r"kam\.yaml:5:\d+: .*unknown categories"):
        load_kam_config(path)


def test_load_kam_config_missing_file_means_no_rules(tmp_path: Path) -> None:
    """Without kam.yaml nobody is assigned and nothing fails."""
    config = load_kam_config(tmp_path / "absent.yaml")

    assert config.rules == [] and config.strategic_partners == []
