"""Explain a classification: the category, the rule that decided, and all the evidence.

``sidos mappings explain`` shows, for one organisation or a CSV of them, the primary
category with its label, the deciding rule and where it is written, every other rule
that matched with what it assigned, and the override applied (with any disagreement).
The CSV helpers here recognise the usual column headers of exports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from mappings.categories import category
from mappings.classify import Classification, classify_partner
from mappings.facts import normalise_business_id
from mappings.model import Organisation, SourceRef
from mappings.overrides import Override
from mappings.ruleset import CompiledRule, RuleSet

Language = Literal["fi", "sv", "en"]
_HEADERS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "nimi",
        "organisation",
        "organization",
        "organisaatio",
        "organisationname",
        "organizationname",
        "company",
        "companyname",
        "yritys",
        "yrityksennimi",
        "toiminimi",
        "namn",
    ),
    "business_id": (
        "businessid",
        "ytunnus",
        "yritystunnus",
        "yritysjayhteisotunnus",
        "orgnr",
        "fobid",
        "vatid",
        "vatnumber",
    ),
    "industry_code": (
        "industrycode",
        "industry",
        "toimiala",
        "toimialakoodi",
        "tol",
        "tolcode",
        "tol2008",
        "nace",
        "mainbusinessline",
        "mainbusinesslinetype",
        "branschkod",
    ),
    "legal_form": (
        "legalform",
        "yhtiomuoto",
        "yritysmuoto",
        "companyform",
        "form",
        "bolagsform",
        "oikeudellinenmuoto",
    ),
    "roles": ("role", "roles", "rooli", "roolit", "projectrole", "hankerooli", "roll"),
    "units": ("unit", "units", "yksikko", "yksikot", "department", "enhet"),
    "municipality": (
        "municipality",
        "kunta",
        "kotikunta",
        "city",
        "kaupunki",
        "location",
        "sijainti",
        "kommun",
    ),
    "postcode": (
        "postcode",
        "postalcode",
        "zip",
        "zipcode",
        "postinumero",
        "postnummer",
    ),
    "domain": (
        "domain",
        "website",
        "www",
        "url",
        "verkkosivu",
        "kotisivu",
        "webbplats",
    ),
    "country": ("country", "maa", "land"),
}
_ROLE_WORDS = {
    "rahoittaja": "funder",
    "asiakas": "customer",
    "tilaaja": "commissioner",
    "kumppani": "partner",
    "tutkimuskumppani": "research_partner",
    "koulutuskumppani": "education_partner",
    "välittäjä": "intermediary",
}


@dataclass(frozen=True)
class Evidence:
    """One matching rule: what it assigns and where it is written."""

    rule: str
    line: int
    category: str | None
    secondary: tuple[str, ...]
    flags: tuple[str, ...]
    decided: bool


@dataclass(frozen=True)
class Explanation:
    """Why an organisation or partner has its categories."""

    name: str
    classification: Classification
    evidence: tuple[Evidence, ...]
    override: Override | None
    source: str

    def to_dict(self, lang: Language = "en") -> dict[str, Any]:
        """Return the explanation as plain data for JSON output."""
        result = self.classification
        return {
            "name": self.name,
            "category": result.primary,
            "label": getattr(category(result.primary), lang),
            "secondary": list(result.secondary),
            "flags": sorted(result.flags),
            "rule": result.rule,
            "matched": [evidence.__dict__ for evidence in self.evidence],
            "override": None
            if self.override is None
            else {
                "key": self.override.key,
                "category": self.override.category,
                "reason": self.override.reason,
                "line": self.override.line,
            },
            "override_conflict": result.override_conflict,
            "rules_file": self.source,
        }

    def lines(self, lang: Language = "en") -> list[str]:
        """Return the explanation as lines of text for an admin."""
        result = self.classification
        label = getattr(category(result.primary), lang)
        decided = next((e for e in self.evidence if e.decided), None)
        where = f" ({self.source}:{decided.line})" if decided else ""
        lines = [
            self.name or "(no name)",
            f"  category:     {result.primary} - {label}",
            f"  secondary:    {', '.join(result.secondary) or '-'}",
            f"  flags:        {', '.join(sorted(result.flags)) or '-'}",
            f"  decided by:   {result.rule}{where}",
        ]
        others = [e for e in self.evidence if not e.decided]
        first = next((e for e in others if e.category), None)
        note = "the override wins" if self.override else "an earlier rule decided"
        lines.append("  also matched:" + ("" if others else " -"))
        lines.extend(
            f"    {e.rule} (line {e.line}): "
            f"{_assigns(e, note if e is first else 'an earlier rule decided')}"
            for e in others
        )
        if self.override is not None:
            lines.append(
                f"  override:     {self.override.category} - "
                f"{self.override.reason} (line {self.override.line})"
            )
        if result.override_conflict:
            lines.append(f"  disagreement: {result.override_conflict}")
        return lines


def explain_organisation(org: Organisation, ruleset: RuleSet) -> Explanation:
    """Explain the classification of one record, such as a CRM company."""
    return explain_partner([org], ruleset)


def explain_partner(
    members: Sequence[Organisation], ruleset: RuleSet, *, partner_id: str | None = None
) -> Explanation:
    """Explain the classification of a partner from all its member records.

    Raises:
        ValueError: ``members`` is empty.
    """
    result = classify_partner(members, ruleset, partner_id=partner_id)
    by_name = {rule.name: rule for rule in ruleset.rules}
    override = None
    if result.is_overridden:
        override = ruleset.overrides.find((m.business_id for m in members), partner_id)

    return Explanation(
        name=members[0].name,
        classification=result,
        evidence=tuple(_evidence(by_name[name], result) for name in result.matched),
        override=override,
        source=ruleset.source,
    )


def recognise_columns(headers: Sequence[str]) -> dict[str, str]:
    """Map canonical fields to the CSV headers that hold them, by common names."""
    found: dict[str, str] = {}
    for header in headers:
        key = re.sub(r"[\W_]+", "", header.casefold()).translate(
            str.maketrans("äöå", "aoa")
        )
        for field, names in _HEADERS.items():
            if key in names and field not in found:
                found[field] = header
    return found


def organisation_from_row(
    row: Mapping[str, str | None], columns: Mapping[str, str], ref: SourceRef
) -> Organisation:
    """Build a record from one CSV row, using the recognised columns."""
    values = {
        field: (row.get(header) or "").strip() for field, header in columns.items()
    }
    raw_id = values.get("business_id") or None
    valid_id = normalise_business_id(raw_id) if raw_id else None
    return Organisation(
        ref=ref,
        name=values.get("name", ""),
        business_id=valid_id,
        business_id_raw=raw_id if valid_id is None else None,
        industry_code=values.get("industry_code") or None,
        legal_form=values.get("legal_form") or None,
        municipality=values.get("municipality") or None,
        postcode=values.get("postcode") or None,
        domain=values.get("domain") or None,
        country=values.get("country") or None,
        roles=frozenset(_roles(values.get("roles", ""))),
        units=frozenset(_split(values.get("units", ""))),
    )


def explanation_columns(
    explanation: Explanation, lang: Language = "en"
) -> dict[str, str]:
    """Return the columns ``explain --csv`` adds to each row."""
    result = explanation.classification
    return {
        "sidos_category": result.primary,
        "sidos_category_label": getattr(category(result.primary), lang),
        "sidos_secondary": ";".join(result.secondary),
        "sidos_flags": ";".join(sorted(result.flags)),
        "sidos_rule": result.rule,
        "sidos_matched": ";".join(result.matched),
        "sidos_override_conflict": result.override_conflict or "",
    }


def _evidence(rule: CompiledRule, result: Classification) -> Evidence:
    return Evidence(
        rule=rule.name,
        line=rule.line,
        category=rule.category,
        secondary=rule.secondary,
        flags=tuple(sorted(rule.flags)),
        decided=rule.name == result.rule,
    )


def _assigns(evidence: Evidence, note: str) -> str:
    parts = []
    if evidence.category:
        parts.append(f"category {evidence.category} ({note})")
    if evidence.secondary:
        parts.append(f"secondary {', '.join(evidence.secondary)}")
    if evidence.flags:
        parts.append(f"flags {', '.join(evidence.flags)}")
    return "; ".join(parts)


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,|]", text) if part.strip()]


def _roles(text: str) -> list[str]:
    return [_ROLE_WORDS.get(role.casefold(), role.casefold()) for role in _split(text)]
