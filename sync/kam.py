"""Key Account Manager assignment by rules that admins keep in ``config/kam.yaml``.

Explicitly listed strategic partners come first; then the ordered rules, the first
that matches naming the KAM. A KAM is named by e-mail and resolved to the CRM's owner
id, because the CRM wants its own id, not the user's. Problems an admin should see are
collected, never raised: strategic partners with no KAM, KAMs unknown to the CRM, and
partners that two rules claim.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from mappings.categories import CATEGORY_IDS
from mappings.problems import validate_model
from mappings.yamlfile import read_yaml

STRATEGIC_FLAG = "strategic"


class KamCondition(BaseModel):
    """What a partner must have for a rule to name its KAM; all given must hold."""

    model_config = ConfigDict(extra="forbid")

    category: list[str] = Field(default_factory=list)
    unit: list[str] = Field(default_factory=list)
    industry_prefix: list[str] = Field(default_factory=list)
    focus: list[str] = Field(default_factory=list)
    strategic: bool | None = None

    @field_validator("category")
    @classmethod
    def _known_categories(cls, values: list[str]) -> list[str]:
        unknown = sorted(set(values) - CATEGORY_IDS)
        if unknown:
            raise ValueError(
                f"unknown categories {unknown}; use one of {sorted(CATEGORY_IDS)}"
            )
        return values


class KamRule(BaseModel):
    """A named rule: partners that match get this KAM."""

    model_config = ConfigDict(extra="forbid")

    name: str
    kam: str
    when: KamCondition = KamCondition()


class StrategicPartner(BaseModel):
    """A partner named explicitly, by business id or partner id, with its KAM."""

    model_config = ConfigDict(extra="forbid")

    business_id: str | None = None
    partner_id: str | None = None
    name: str = ""
    kam: str | None = None


class KamConfig(BaseModel):
    """The whole of ``config/kam.yaml``."""

    model_config = ConfigDict(extra="forbid")

    strategic_partners: list[StrategicPartner] = Field(default_factory=list)
    rules: list[KamRule] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class KamFacts:
    """What KAM rules look at in a partner."""

    partner_id: str
    name: str
    business_id: str | None
    category: str
    secondary: tuple[str, ...]
    units: tuple[str, ...]
    industry_code: str | None
    flags: frozenset[str]


@dataclass(frozen=True, slots=True)
class Assignment:
    """A partner's KAM: e-mail, CRM owner id (when known) and the deciding rule."""

    email: str
    owner_id: str | None
    rule: str
    strategic: bool


@dataclass
class KamReport:
    """The assignments and the problems an admin should act on."""

    assignments: dict[str, Assignment] = field(default_factory=dict)
    strategic: set[str] = field(default_factory=set)
    strategic_without_kam: list[str] = field(default_factory=list)
    unknown_kams: dict[str, list[str]] = field(default_factory=dict)
    conflicts: dict[str, list[str]] = field(default_factory=dict)


def load_kam_config(path: Path) -> KamConfig:
    """Read ``kam.yaml``; a missing file means no KAM rules.

    Raises:
        ConfigError: the file is invalid, with file:line of each problem.
    """
    if not path.exists():
        return KamConfig()
    document = read_yaml(path)
    if document.data is None:
        return KamConfig()
    return validate_model(document, KamConfig, empty_hint="")


def assign_kams(
    partners: Sequence[KamFacts],
    config: KamConfig,
    owners_by_email: Mapping[str, str],
) -> KamReport:
    """Name each partner's KAM, resolve it to an owner id, and report problems."""
    report = KamReport()
    explicit = _explicit_index(config)
    for partner in partners:
        listed = explicit.get(partner.partner_id) or explicit.get(
            partner.business_id or ""
        )
        matching = [rule for rule in config.rules if _matches(rule.when, partner)]
        if len({rule.kam.lower() for rule in matching}) > 1 and listed is None:
            report.conflicts[partner.partner_id] = [rule.name for rule in matching]
        choice = _choose(listed, matching)
        strategic = listed is not None or STRATEGIC_FLAG in partner.flags
        if strategic:
            report.strategic.add(partner.partner_id)
        if choice is None:
            if strategic:
                report.strategic_without_kam.append(partner.partner_id)
            continue
        email, rule_name = choice
        owner_id = owners_by_email.get(email.lower())
        if owner_id is None:
            report.unknown_kams.setdefault(email, []).append(partner.partner_id)
        report.assignments[partner.partner_id] = Assignment(
            email, owner_id, rule_name, strategic
        )
    return report


def _explicit_index(config: KamConfig) -> dict[str, StrategicPartner]:
    index = {}
    for entry in config.strategic_partners:
        for key in (entry.partner_id, entry.business_id):
            if key:
                index[key] = entry
    return index


def _choose(
    listed: StrategicPartner | None, matching: Sequence[KamRule]
) -> tuple[str, str] | None:
    if listed is not None and listed.kam:
        return listed.kam, "strategic partner list"
    if matching:
        return matching[0].kam, matching[0].name
    return None


def _matches(condition: KamCondition, partner: KamFacts) -> bool:
    categories = {partner.category, *partner.secondary}
    checks = (
        not condition.category or bool(categories & set(condition.category)),
        not condition.unit or bool(set(partner.units) & set(condition.unit)),
        not condition.industry_prefix
        or any(
            (partner.industry_code or "").startswith(prefix)
            for prefix in condition.industry_prefix
        ),
        not condition.focus or bool(partner.flags & set(condition.focus)),
        condition.strategic is None
        or condition.strategic == (STRATEGIC_FLAG in partner.flags),
    )
    return all(checks)
