"""The sample RDI project export: one row per project and organisation.

Used only by ``build_seed``. Projects are funded by the usual funders, run by the
demo's units and staff, and name their partners the way project staff write them:
often like the CRM, sometimes differently, sometimes with a business id.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from connectors.hubspot.sandbox._catalogue import STAFF_DOMAIN, UNITS, Org
from connectors.hubspot.sandbox.variants import name_variant

HEADER = (
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
)
PROJECTS = 40
THEMES = (
    "Tekoäly pk-yritysten laadunvarmistuksessa",
    "Kiertotalous rakentamisen työmailla",
    "Digitaaliset hoitopolut kotihoidossa",
    "Vähähiilinen teollisuuden energiankäyttö",
    "Podcast-tuotannon uudet ansaintamallit",
    "Robotiikka metalliteollisuuden alihankinnassa",
    "Kansainvälisten osaajien rekrytointi Pirkanmaalle",
    "Hyvinvointiteknologian testiympäristö",
    "Puurakentamisen osaamiskeskittymä",
    "Kyberturvallisuus julkisissa palveluissa",
    "Jatkuvan oppimisen palvelumalli työikäisille",
    "Älykäs liikenne ja kaupunkilogistiikka",
    "Nuorten mielenterveyden digituki",
    "Vesihuollon datan hyödyntäminen",
    "Pelialan yrittäjyyden kiihdyttämö",
    "Sote-henkilöstön työhyvinvointi",
    "Akkuteknologian arvoketjut",
    "Kestävä matkailu Pirkanmaan järviseudulla",
    "Kulttuurialan freelancereiden verkosto",
    "Teollisen internetin kehitysalusta",
)
PHASES = ("", " II")
FUNDERS = (
    ("org:business-finland-agency", 35),
    ("org:pirkanmaan-liitto", 20),
    ("org:suomen-akatemia", 10),
    ("org:ely-pirkanmaa", 10),
    ("org:tampereen-kaupunki", 10),
    ("org:okm", 5),
    ("org:business-finland-oy", 5),
    ("org:elinvoimakeskus", 5),
)
PROJECT_UNITS = (3, 3, 3, 0, 0, 1, 1, 2, 4, 5)
OUTSIDE_STAFF = ("ville.peltonen", "noora.kallio", "aleksi.vainio")
PARTNER_ROLES = ("kumppani", "kumppani", "asiakas", "tilaaja")


@dataclass(frozen=True)
class ProjectRow:
    """One row of the export, and the organisation it truly names."""

    values: tuple[str, ...]
    org_key: str


def build_projects(
    orgs_by_key: dict[str, Org],
    partners: list[Org],
    only_here: list[Org],
    staff_by_unit: dict[str, list[str]],
    rng: random.Random,
) -> list[ProjectRow]:
    """Return the export's rows, project by project."""
    rows: list[ProjectRow] = []
    names = [theme + phase for phase in PHASES for theme in THEMES]
    for number in range(PROJECTS):
        unit = UNITS[rng.choice(PROJECT_UNITS)]
        start = date(2021, 1, 1) + timedelta(days=rng.randrange(1700))
        end = start + timedelta(days=30 * rng.randint(12, 36))
        header = (
            f"TKI-{start.year}-{number + 1:03d}",
            names[number],
            unit,
            _staff_email(staff_by_unit[unit], rng),
        )
        funder = orgs_by_key[rng.choices(*zip(*FUNDERS, strict=True))[0]]
        amount = str(rng.randint(60, 600) * 1000)
        rows.append(_row(header, funder, "rahoittaja", start, end, amount, rng))
        for org in _partners(partners, only_here, rng):
            role = rng.choice(PARTNER_ROLES)
            share = "" if role == "kumppani" else str(rng.randint(5, 60) * 1000)
            rows.append(_row(header, org, role, start, end, share, rng))
    return rows


def _staff_email(staff: list[str], rng: random.Random) -> str:
    if rng.random() < 0.12:
        return f"{rng.choice(OUTSIDE_STAFF)}@{STAFF_DOMAIN}"
    return rng.choice(staff)


def _partners(
    partners: list[Org], only_here: list[Org], rng: random.Random
) -> list[Org]:
    count = rng.choices((2, 3, 4), weights=(7, 2, 1))[0]
    chosen: dict[str, Org] = {}
    while len(chosen) < count:
        org = rng.choice(only_here if rng.random() < 0.2 else partners)
        chosen[org.key] = org
    return list(chosen.values())


def _row(
    header: tuple[str, str, str, str],
    org: Org,
    role: str,
    start: date,
    end: date,
    amount: str,
    rng: random.Random,
) -> ProjectRow:
    values = (
        *header,
        _written_name(org, rng),
        _written_business_id(org.business_id, rng),
        role,
        start.isoformat(),
        end.isoformat(),
        amount,
    )
    return ProjectRow(values, org.key)


def _written_name(org: Org, rng: random.Random) -> str:
    draw = rng.random()
    if draw < 0.5:
        return org.name
    if org.aliases and draw < 0.8:
        return rng.choice(org.aliases)
    return name_variant(org.name, rng)


def _written_business_id(business_id: str, rng: random.Random) -> str:
    if not business_id or rng.random() >= 0.45:
        return ""
    draw = rng.random()
    if draw < 0.7:
        return business_id
    if draw < 0.85:
        return "FI" + business_id.replace("-", "")
    return business_id.replace("-", "")
