"""Explanations: the deciding rule, the other evidence, the override, CSV helpers."""

from __future__ import annotations

from mappings.explain import (
    explain_organisation,
    explanation_columns,
    organisation_from_row,
    recognise_columns,
)
from mappings.model import SourceRef
from mappings.ruleset import RuleSet
from tests.mappings.conftest import BuildRuleSet, make_org


def test_explain_organisation_names_deciding_rule_and_other_matches(
    default_ruleset: RuleSet,
) -> None:
    """The text names the deciding rule with its line and lists the other matches."""
    org = make_org("Tampereen kaupunki", industry_code="84110", roles={"funder"})

    explanation = explain_organisation(org, default_ruleset)

    text = "\n".join(explanation.lines("fi"))
    decided = default_ruleset.rule("public-administration")
    assert decided is not None
    assert f"decided by:   public-administration ({default_ruleset.source}:" in text
    assert f":{decided.line})" in text
    assert "Asiakas- ja tilaajaorganisaatiot" in text
    assert "role-funder" in text and "secondary funder" in text


def test_explain_organisation_with_override_shows_reason_and_conflict(
    ruleset_from: BuildRuleSet,
) -> None:
    """An override is shown with its reason, and the rule it overrules."""
    ruleset = ruleset_from(
        "rules:\n  - {name: all, category: customer}\n",
        "overrides:\n"
        '  - {business_id: "0211675-2", category: funder, reason: Pinned}\n',
    )
    org = make_org("Kaupunki", business_id="0211675-2")

    data = explain_organisation(org, ruleset).to_dict()

    assert data["rule"] == "override:Pinned"
    assert data["override"]["reason"] == "Pinned"
    assert data["override_conflict"] == (
        "rule 'all' gives customer, the override pins funder"
    )


def test_recognise_columns_common_finnish_headers_are_found() -> None:
    """Headers as exports write them are mapped to canonical fields."""
    headers = ["Nimi", "Y-tunnus", "Toimialakoodi", "Yhtiömuoto", "Rooli", "Muu"]

    columns = recognise_columns(headers)

    assert columns == {
        "name": "Nimi",
        "business_id": "Y-tunnus",
        "industry_code": "Toimialakoodi",
        "legal_form": "Yhtiömuoto",
        "roles": "Rooli",
    }


def test_organisation_from_row_keeps_invalid_business_id_as_raw() -> None:
    """A row's invalid id is kept aside; Finnish role words become roles."""
    columns = {"name": "nimi", "business_id": "ytunnus", "roles": "rooli"}
    row = {"nimi": "Yritys Oy", "ytunnus": "1234567-8", "rooli": "rahoittaja; asiakas"}

    org = organisation_from_row(row, columns, SourceRef("csv", "2"))

    assert (org.business_id, org.business_id_raw) == (None, "1234567-8")
    assert org.roles == frozenset({"funder", "customer"})


def test_explanation_columns_hold_category_rule_and_matches(
    default_ruleset: RuleSet,
) -> None:
    """The CSV columns carry what an admin needs to sort and filter by."""
    org = make_org("Tehy ry", industry_code="94200")

    columns = explanation_columns(explain_organisation(org, default_ruleset))

    assert columns["sidos_category"] == "informal_interest"
    assert columns["sidos_rule"] == "trade-unions"
    assert columns["sidos_matched"].startswith("trade-unions;")
