"""Seed data for the sandbox: the committed demo account, or N generated companies.

``demo`` is a university of applied sciences in Tampere: about 300 organisation
records entered by 20 staff in six units, with the duplicates units really make. Its
ground truth (which records are one organisation) lives in ``data/demo_truth.json``
and is never served by the API. A number N generates N companies from the committed
copy of PRH's Tampere companies, deterministically, with CRM-style duplicates.

Source of the company names, business ids, industry codes and post codes: Finnish
Patent and Registration Office (PRH), YTJ open data, CC BY 4.0 (see ``data/NOTICE``).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import random
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import structlog

from connectors.hubspot.sandbox.store import (
    FIRST_COMPANY_ID,
    Company,
    CompanyStore,
    Owner,
)
from connectors.hubspot.sandbox.variants import (
    business_id_variant,
    domain_for,
    domain_variant,
    name_variant,
    phone_for,
    phone_variant,
    ytunnus_check_digit,
)

log = structlog.get_logger(__name__)

DATA_DIR = Path(__file__).parent / "data"
DEMO_SEED = DATA_DIR / "demo_seed.json.gz"
DEMO_TRUTH = DATA_DIR / "demo_truth.json"
PRH_NAMES = DATA_DIR / "prh_tampere.csv.gz"
GENERATED_START_MS = 1_514_764_800_000
GENERATED_SPAN_MS = 7 * 365 * 24 * 3600 * 1000
DUPLICATE_SHARE = 0.2
SYNTHETIC_ID_START = 3_600_000
HOUSING_PREFIXES = ("asunto", "as oy", "as.", "kiinteistö", "asumisoikeus")


@dataclass
class SeedData:
    """Companies and owners to load, and which organisation each company is."""

    companies: list[Company]
    owners: list[Owner]
    truth: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PRHCompany:
    """One row of the committed PRH extract."""

    business_id: str
    name: str
    industry_code: str
    postcode: str


def load_seed(store: CompanyStore, seed: str | int) -> SeedData:
    """Fill ``store`` with the demo account or ``seed`` generated companies.

    Raises:
        ValueError: ``seed`` is neither ``"demo"`` nor a number of companies.
    """
    data = read_demo() if seed == "demo" else generate_companies(_count(seed))
    store.load(data.companies, data.owners)
    log.info(
        "sandbox.seeded",
        seed=str(seed),
        companies=len(data.companies),
        owners=len(data.owners),
    )
    return data


def _count(seed: str | int) -> int:
    text = str(seed).strip()
    if not text.isdigit():
        raise ValueError(f"seed {seed!r} must be 'demo' or a number of companies")
    return int(text)


def read_demo() -> SeedData:
    """Return the committed demo account, with its ground truth."""
    with gzip.open(DEMO_SEED, "rt", encoding="utf-8") as handle:
        raw = json.load(handle)
    companies = [_company(item) for item in raw["companies"]]
    truth = load_demo_truth()["hubspot"]
    return SeedData(companies, demo_owners(), dict(truth))


def _company(item: dict[str, Any]) -> Company:
    return Company(
        id=int(item["id"]),
        properties=dict(item["properties"]),
        created_at=int(item["createdAt"]),
        updated_at=int(item["updatedAt"]),
        archived=bool(item.get("archived", False)),
        archived_at=item.get("archivedAt"),
    )


def demo_owners() -> list[Owner]:
    """Return the demo account's owners: staff, with their units as teams."""
    with gzip.open(DEMO_SEED, "rt", encoding="utf-8") as handle:
        raw = json.load(handle)
    return [
        Owner(
            id=item["id"],
            email=item["email"],
            first_name=item["firstName"],
            last_name=item["lastName"],
            user_id=int(item["userId"]),
            teams=list(item["teams"]),
            archived=bool(item["archived"]),
            created_at=int(item["createdAt"]),
            updated_at=int(item["updatedAt"]),
        )
        for item in raw["owners"]
    ]


def load_demo_truth() -> dict[str, Any]:
    """Return the demo's ground truth: record → organisation key, for tests only."""
    with DEMO_TRUTH.open(encoding="utf-8") as handle:
        truth: dict[str, Any] = json.load(handle)
    return truth


@cache
def prh_companies() -> tuple[PRHCompany, ...]:
    """Return the committed PRH extract of Tampere companies."""
    with gzip.open(PRH_NAMES, "rb") as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8")
        return tuple(
            PRHCompany(row["business_id"], row["name"], row["tol"], row["postcode"])
            for row in csv.DictReader(text)
        )


def generate_companies(count: int, *, seed: int = 0) -> SeedData:
    """Generate ``count`` companies with CRM-style duplicates, the same every time.

    About a fifth of the records are duplicates of another record's organisation,
    written differently; ``truth`` maps each company id to its organisation key.
    """
    rng = random.Random(f"sidos-sandbox-{count}-{seed}")
    owners = demo_owners()
    active_owner_ids = [owner.id for owner in owners if not owner.archived]
    organisations = _organisations(count - int(count * DUPLICATE_SHARE))
    plan = [(index, False) for index in range(len(organisations))]
    while len(plan) < count:
        plan.append((rng.randrange(len(organisations)), True))
    rng.shuffle(plan)

    companies, truth = [], {}
    for offset, (index, is_duplicate) in enumerate(plan):
        company_id = FIRST_COMPANY_ID + offset
        organisation = organisations[index]
        properties = _properties(organisation, is_duplicate, rng)
        properties["hubspot_owner_id"] = rng.choice(active_owner_ids)
        created = GENERATED_START_MS + rng.randrange(GENERATED_SPAN_MS)
        companies.append(Company(company_id, properties, created, created + 60_000))
        truth[str(company_id)] = organisation.business_id
    return SeedData(companies, owners, truth)


def _organisations(count: int) -> list[PRHCompany]:
    real = prh_companies()
    organisations = list(real[:count])
    bases = [c for c in real if not c.name.lower().startswith(HOUSING_PREFIXES)]
    number = SYNTHETIC_ID_START
    suffixes = ("Palvelut", "Group", "Tekniikka", "Solutions", "Partners", "Invest")
    while len(organisations) < count:
        base = bases[len(organisations) % len(bases)]
        round_ = len(organisations) // len(real)
        digit = ytunnus_check_digit(f"{number:07d}")
        number += 1
        if digit is None:
            continue
        stem = base.name.rsplit(" ", 1)[0] if " " in base.name else base.name
        name = f"{stem} {suffixes[(round_ - 1) % len(suffixes)]} {round_} Oy"
        organisations.append(
            PRHCompany(
                f"{number - 1:07d}-{digit}", name, base.industry_code, base.postcode
            )
        )
    return organisations


def _properties(
    organisation: PRHCompany, is_duplicate: bool, rng: random.Random
) -> dict[str, str]:
    domain = domain_for(organisation.name)
    phone = phone_for(organisation.business_id)
    properties = {
        "name": organisation.name,
        "y_tunnus": organisation.business_id if rng.random() < 0.7 else "",
        "domain": domain if rng.random() < 0.6 else "",
        "phone": phone if rng.random() < 0.5 else "",
        "zip": organisation.postcode,
        "city": "Tampere" if organisation.postcode.startswith("33") else "",
        "toimialakoodi": organisation.industry_code if rng.random() < 0.5 else "",
        "country": "Finland",
    }
    if is_duplicate:
        properties["name"] = name_variant(organisation.name, rng)
        properties["y_tunnus"] = business_id_variant(organisation.business_id, rng)
        properties["domain"] = domain_variant(domain, rng)
        properties["phone"] = phone_variant(phone, rng) if rng.random() < 0.5 else ""
    return {name: value for name, value in properties.items() if value}
