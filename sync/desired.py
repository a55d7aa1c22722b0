"""What the CRM should hold for each partner, and which of its companies is primary.

sidos writes its own properties (``own``) on one primary company per partner and marks
the other companies of that partner as its duplicates; canonical fields such as the
business id are only filled where the CRM has nothing (``fill``), so a person's edit is
never overwritten. Policies per property come from config over these defaults.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mappings.model import Organisation

PARTNER_ID = "sidos_partner_id"
CATEGORY = "sidos_category"
SECONDARY = "sidos_secondary_categories"
UNITS = "sidos_units"
COLLABORATORS = "sidos_collaborators"
DUPLICATE_OF = "sidos_duplicate_of"
STRATEGIC = "sidos_strategic"
OWNER = "hubspot_owner_id"

SIDOS_PROPERTIES = (
    PARTNER_ID,
    CATEGORY,
    SECONDARY,
    UNITS,
    COLLABORATORS,
    DUPLICATE_OF,
    STRATEGIC,
)
FILLED_FIELDS = (
    "name",
    "business_id",
    "domain",
    "municipality",
    "postcode",
    "address",
    "phone",
    "industry_code",
)


@dataclass(frozen=True, slots=True)
class CRMCompany:
    """A company as the state store's snapshot of the CRM holds it."""

    id: str
    properties: Mapping[str, Any]

    def get(self, name: str) -> str:
        """Return a property as the CRM's string, empty when unset."""
        value = self.properties.get(name)
        return "" if value is None else str(value).strip()


@dataclass(frozen=True, slots=True)
class PartnerState:
    """Everything the planner needs about one partner."""

    partner_id: str
    golden: Organisation
    category: str
    secondary: tuple[str, ...]
    strategic: bool
    units: tuple[str, ...]
    staff_count: int
    companies: tuple[CRMCompany, ...]
    confidence: float
    kam_owner_id: str | None = None
    kam_reason: str = ""


def default_policies(fields: Mapping[str, str]) -> dict[str, str]:
    """Return the conservative default policy of every property sidos may touch."""
    policies = {name: "own" for name in SIDOS_PROPERTIES}
    for canonical in FILLED_FIELDS:
        if canonical in fields:
            policies[fields[canonical]] = "fill"
    policies[OWNER] = "fill"
    return policies


def sidos_values(partner: PartnerState) -> dict[str, str]:
    """Return sidos's own properties for the partner's primary company."""
    return {
        PARTNER_ID: partner.partner_id,
        CATEGORY: partner.category,
        SECONDARY: ";".join(sorted(partner.secondary)),
        UNITS: ";".join(sorted(partner.units)),
        COLLABORATORS: str(partner.staff_count),
        DUPLICATE_OF: "",
        STRATEGIC: "true" if partner.strategic else "false",
    }


def filled_values(partner: PartnerState, fields: Mapping[str, str]) -> dict[str, str]:
    """Return the golden record's canonical values under their CRM property names."""
    values = {}
    for canonical in FILLED_FIELDS:
        prop = fields.get(canonical)
        value = partner.golden.value(canonical)
        if prop and value:
            values[prop] = str(value)
    if partner.kam_owner_id:
        values[OWNER] = partner.kam_owner_id
    return values


def choose_primary(partner: PartnerState, fields: Mapping[str, str]) -> CRMCompany:
    """Pick the company that carries the partner in the CRM.

    The rule, in order: the company already holding this partner's id; then one with a
    business id; then the most complete; then the oldest; then the smallest id.
    """
    for company in partner.companies:
        if company.get(PARTNER_ID) == partner.partner_id:
            return company

    business_id = fields.get("business_id", "")
    return min(
        partner.companies, key=lambda company: _survivor_key(company, business_id)
    )


def _survivor_key(company: CRMCompany, business_id: str) -> tuple[Any, ...]:
    filled = sum(1 for value in company.properties.values() if value not in (None, ""))
    created = company.get("createdate") or "9999"
    numeric = int(company.id) if company.id.isdigit() else 0
    return (not company.get(business_id), -filled, created, numeric, company.id)


def companies_by_partner(
    companies: Sequence[CRMCompany], partner_of: Mapping[str, str]
) -> dict[str, list[CRMCompany]]:
    """Group snapshot companies by the partner their record belongs to."""
    grouped: dict[str, list[CRMCompany]] = {}
    for company in companies:
        partner_id = partner_of.get(company.id)
        if partner_id is not None:
            grouped.setdefault(partner_id, []).append(company)
    return grouped
