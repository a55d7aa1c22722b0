"""The demo CRM: which organisations it holds and the records staff made of them.

Used only by ``build_seed``. Every choice comes from one seeded generator, so the
same PRH extract always gives the same demo account.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from connectors.hubspot.sandbox._catalogue import (
    CURATED,
    PRH_HARD_NEGATIVE_IDS,
    PRH_INTERMEDIARY_IDS,
    PRH_SIMILAR_NAMES,
    STAFF,
    STAFF_DOMAIN,
    UNIT_OF_KIND,
    UNITS,
    Org,
)
from connectors.hubspot.sandbox.seed import PRHCompany
from connectors.hubspot.sandbox.store import FIRST_COMPANY_ID
from connectors.hubspot.sandbox.variants import (
    business_id_variant,
    domain_for,
    domain_variant,
    name_variant,
    phone_number,
    phone_variant,
    slug,
)

KIND_PREFIXES: dict[str, tuple[str, ...]] = {
    "software": ("620", "5821", "5829", "631"),
    "construction": ("41", "42", "43"),
    "consulting": ("70220",),
    "manufacturing": ("22", "25", "26", "27", "28", "29", "33"),
    "engineering": ("711",),
    "trade": ("46",),
    "health": ("86",),
    "research": ("72",),
    "media": ("581", "59", "60", "6391"),
    "education": ("85",),
    "association": ("941", "942", "9499"),
}
KIND_COUNTS: dict[str, int] = {
    "software": 35,
    "construction": 24,
    "consulting": 22,
    "manufacturing": 26,
    "engineering": 10,
    "trade": 8,
    "health": 16,
    "research": 10,
    "media": 12,
    "education": 12,
    "association": 14,
}
INDUSTRY_OF_KIND: dict[str, str] = {
    "software": "COMPUTER_SOFTWARE",
    "construction": "CONSTRUCTION",
    "consulting": "MANAGEMENT_CONSULTING",
    "manufacturing": "MACHINERY",
    "health": "HOSPITAL_HEALTH_CARE",
    "education": "HIGHER_EDUCATION",
    "research": "RESEARCH",
    "media": "MEDIA_PRODUCTION",
    "public": "GOVERNMENT_ADMINISTRATION",
    "association": "NON_PROFIT_ORGANIZATION_MANAGEMENT",
}
EXCLUDED_WORDS = ("asunto", "as oy", "as. oy", "kiinteistö", "ammattikorkeakoulu")
START_MS = 1_451_606_400_000
END_MS = 1_759_190_400_000
ARCHIVED_RECORDS = 6


@dataclass
class Record:
    """One CRM company record before it gets its id."""

    org: Org
    properties: dict[str, str]
    archived: bool = False
    id: int = 0
    created_at: int = 0
    updated_at: int = 0


@dataclass
class DemoCRM:
    """The demo account: organisations, owners and records."""

    orgs: list[Org]
    owners: list[dict[str, Any]]
    records: list[Record] = field(default_factory=list)


def kind_of(industry_code: str) -> str:
    """Return the kind of organisation an industry code suggests."""
    for kind, prefixes in KIND_PREFIXES.items():
        if industry_code.startswith(prefixes):
            return kind
    return "company"


def org_from_prh(company: PRHCompany) -> Org:
    """Return a PRH company as a demo organisation."""
    return Org(
        key=f"prh:{company.business_id}",
        name=company.name,
        kind=kind_of(company.industry_code),
        business_id=company.business_id,
        industry_code=company.industry_code,
        postcode=company.postcode,
        city="Tampere" if company.postcode.startswith("33") else "",
        domain=domain_for(company.name),
    )


def pick_orgs(prh: Sequence[PRHCompany], rng: random.Random) -> list[Org]:
    """Choose the demo's organisations: the curated ones and a mix from PRH."""
    special = _special_ids(prh)
    usable = [
        company
        for company in prh
        if company.business_id not in special
        and company.industry_code
        and not any(word in company.name.lower() for word in EXCLUDED_WORDS)
    ]
    orgs = list(CURATED)
    for kind, count in KIND_COUNTS.items():
        pool = [c for c in usable if kind_of(c.industry_code) == kind]
        orgs.extend(org_from_prh(company) for company in rng.sample(pool, count))
    by_id = {company.business_id: company for company in prh}
    orgs.extend(org_from_prh(by_id[business_id]) for business_id in sorted(special))
    intermediaries = [o for o in orgs if o.business_id in PRH_INTERMEDIARY_IDS]
    for org in intermediaries:
        orgs[orgs.index(org)] = replace(org, kind="intermediary")
    return orgs


def _special_ids(prh: Sequence[PRHCompany]) -> set[str]:
    names = {name for pair in PRH_SIMILAR_NAMES for name in pair}
    similar = {company.business_id for company in prh if company.name in names}
    pairs = {business_id for pair in PRH_HARD_NEGATIVE_IDS for business_id in pair}
    return similar | pairs | set(PRH_INTERMEDIARY_IDS)


def build_owners(rng: random.Random) -> list[dict[str, Any]]:
    """Return the staff as HubSpot owners, their units as teams."""
    owners = []
    for index, (first, last, unit, left) in enumerate(STAFF):
        created = START_MS + index * 86_400_000 * 11
        email = f"{slug(first)}.{slug(last)}@{STAFF_DOMAIN}"
        owners.append(
            {
                "id": str(41_000_000 + rng.randrange(900_000) * 10 + index),
                "email": email,
                "firstName": first,
                "lastName": last,
                "userId": 9_000_000 + rng.randrange(900_000),
                "teams": [
                    {
                        "id": str(1_000_000 + unit * 111),
                        "name": UNITS[unit],
                        "primary": True,
                    }
                ],
                "archived": left,
                "createdAt": created,
                "updatedAt": created + 86_400_000 * (400 if left else 3),
            }
        )
    return owners


def build_records(crm: DemoCRM, rng: random.Random) -> None:
    """Make the records: one per organisation, and the duplicates other units made."""
    for org in crm.orgs:
        units = list(UNIT_OF_KIND.get(org.kind, (0,)))
        crm.records.append(_original(org, _owner(crm, units[0], rng), rng))
        for extra in range(_extra_count(org, rng)):
            unit = _other_unit(units, extra, rng)
            crm.records.append(_duplicate(org, _owner(crm, unit, rng), rng))
    rng.shuffle(crm.records)
    for record in rng.sample(crm.records, ARCHIVED_RECORDS):
        record.archived = True
    _stamp(crm.records, rng)


def _extra_count(org: Org, rng: random.Random) -> int:
    share = 0.45 if org.key.startswith("org:") else 0.13
    if rng.random() >= share:
        return 0
    return rng.choices((1, 2, 3), weights=(6, 3, 1))[0]


def _other_unit(units: list[int], extra: int, rng: random.Random) -> int:
    if extra + 1 < len(units):
        return units[extra + 1]
    return rng.choice([unit for unit in range(len(UNITS)) if unit != units[0]])


def _owner(crm: DemoCRM, unit: int, rng: random.Random) -> str:
    staff = [o for o in crm.owners if o["teams"][0]["name"] == UNITS[unit]]
    active = [o for o in staff if not o["archived"]]
    owner = rng.choice(staff if rng.random() < 0.1 else active)
    return str(owner["id"])


def _original(org: Org, owner_id: str, rng: random.Random) -> Record:
    curated = org.key.startswith("org:")
    values = {
        "name": org.name,
        "y_tunnus": org.business_id if rng.random() < (0.8 if curated else 0.6) else "",
        "domain": org.domain if rng.random() < (0.9 if curated else 0.55) else "",
        "phone": phone_number(rng) if rng.random() < 0.4 else "",
        "zip": org.postcode if rng.random() < 0.7 else "",
        "city": org.city,
        "toimialakoodi": org.industry_code if rng.random() < 0.5 else "",
        "industry": INDUSTRY_OF_KIND.get(org.kind, "") if rng.random() < 0.3 else "",
        "country": "Finland" if rng.random() < 0.7 else "Suomi",
        "hubspot_owner_id": owner_id,
    }
    return Record(org, {k: v for k, v in values.items() if v})


def _duplicate(org: Org, owner_id: str, rng: random.Random) -> Record:
    if org.aliases and rng.random() < 0.6:
        name = rng.choice(org.aliases)
    else:
        name = name_variant(org.name, rng)
    values = {
        "name": name,
        "y_tunnus": business_id_variant(org.business_id, rng)
        if org.business_id
        else "",
        "domain": domain_variant(org.domain, rng) if org.domain else "",
        "phone": phone_variant(phone_number(rng), rng) if rng.random() < 0.3 else "",
        "city": org.city if rng.random() < 0.6 else "",
        "toimialakoodi": org.industry_code if rng.random() < 0.2 else "",
        "hubspot_owner_id": owner_id,
    }
    return Record(org, {k: v for k, v in values.items() if v})


def _stamp(records: list[Record], rng: random.Random) -> None:
    span = (END_MS - START_MS) // (len(records) + 1)
    next_id = FIRST_COMPANY_ID
    for index, record in enumerate(records):
        record.id = next_id
        next_id += rng.randint(1, 40)
        record.created_at = START_MS + index * span + rng.randrange(span)
        edited = record.created_at + rng.randrange(400 * 86_400_000)
        record.updated_at = min(edited, END_MS)


def company_json(record: Record) -> dict[str, Any]:
    """Return a record as the committed seed file holds it."""
    item: dict[str, Any] = {
        "id": record.id,
        "properties": record.properties,
        "createdAt": record.created_at,
        "updatedAt": record.updated_at,
        "archived": record.archived,
    }
    if record.archived:
        item["archivedAt"] = record.updated_at
    return item
