"""Synthetic Finnish organisations with CRM-style duplicates and known truth.

Entities take real words from the PRH Tampere extract (CC BY 4.0; source: Finnish
Patent and Registration Office (PRH), YTJ open data): a real name, or for larger
sets a new name made of two real names' words, with a valid business id, post code,
and sometimes a phone and domain. Each entity gets one to five records, the way
several units would type it: upper case, another legal-form spelling
("Oy" / "Oy Ab" / "Osakeyhtiö" / none), a trailing ", Tampere", a typo, the business
id in VAT form, without its leading zero, or missing. About 1 % of entities share
their name with another entity (a successor company under a new id), the hard
negatives of the real register.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

from mappings.model import Organisation, SourceRef

__all__ = ["SyntheticSet", "generate", "read_prh_names"]

_WEIGHTS = (0.55, 0.25, 0.12, 0.05, 0.03)
_FORMS = ("Oy", "Oy Ab", "Osakeyhtiö", "", "OY", "Ltd")
_PLACES = ("Tampere", "Nokia", "Ylöjärvi", "Kangasala", "Pirkkala")
_MAILS = ("gmail.com", "outlook.com", "suomi24.fi")
_ALPHABET = "abcdefghijklmnoprstuvyäö"
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


@dataclass(slots=True)
class SyntheticSet:
    """Generated records and, aligned with them, the entity each belongs to."""

    records: list[Organisation]
    truth: list[int]


def read_prh_names(path: Path) -> list[tuple[str, str]]:
    """Read ``(name, post code)`` pairs from the PRH extract.

    Args:
        path: the ``prh_tampere_companies_extracted.csv`` file.

    Returns:
        The rows with a name.
    """
    with path.open(encoding="utf-8") as handle:
        return [
            (row["name"], row["postCode"])
            for row in csv.DictReader(handle)
            if row["name"]
        ]


def generate(size: int, names: list[tuple[str, str]], *, seed: int = 7) -> SyntheticSet:
    """Generate about ``size`` records of entities drawn from real names.

    Args:
        size: how many records to generate.
        names: real names with post codes, from ``read_prh_names``.
        seed: the random seed; equal seeds give equal sets.

    Returns:
        The records and their entity numbers.
    """
    rng = random.Random(seed)
    words = sorted({word for name, _ in names for word in _base(name).split()})
    records: list[Organisation] = []
    truth: list[int] = []
    entity = 0
    used_ids: set[int] = set()
    while len(records) < size:
        name, postcode = _entity_name(rng, names, words, entity)
        business_id = _fresh_id(rng, used_ids)
        phone = f"0{rng.randint(3, 50)} {rng.randint(100000, 9999999)}"
        domain = _domain(name) if rng.random() < 0.4 else None
        copies = rng.choices(range(1, 6), weights=_WEIGHTS)[0]
        for copy in range(copies):
            records.append(
                _variant(
                    rng,
                    len(records),
                    name,
                    business_id,
                    postcode,
                    phone,
                    domain,
                    first=copy == 0,
                )
            )
            truth.append(entity)
        entity += 1
    return SyntheticSet(records[:size], truth[:size])


def _entity_name(
    rng: random.Random, names: list[tuple[str, str]], words: list[str], entity: int
) -> tuple[str, str]:
    name, postcode = names[entity % len(names)]
    if entity >= len(names) and rng.random() >= 0.01:
        name = f"{rng.choice(words).title()} {_base(name)}"
        postcode = rng.choice(names)[1]
    return _base(name), postcode


def _variant(
    rng: random.Random,
    row: int,
    name: str,
    business_id: str,
    postcode: str,
    phone: str,
    domain: str | None,
    *,
    first: bool,
) -> Organisation:
    written = name if first and rng.random() < 0.7 else _name_variant(rng, name)
    form = "Oy" if first else rng.choice(_FORMS)
    written = f"{written} {form}".strip()
    if not first and rng.random() < 0.2:
        written = f"{written}, {rng.choice(_PLACES)}"
    return Organisation(
        ref=SourceRef(rng.choice(("crm", "rdi", "hanke")), f"r{row:07d}"),
        name=written,
        business_id_raw=_id_variant(rng, business_id),
        postcode=postcode if rng.random() < 0.7 else None,
        phone=phone if rng.random() < 0.4 else None,
        domain=_domain_variant(rng, domain),
    )


def _name_variant(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.3:
        return name.upper()
    if roll < 0.65:
        return _typo(rng, name)
    return name


def _typo(rng: random.Random, name: str) -> str:
    position = rng.randrange(1, max(2, len(name) - 1))
    kind = rng.random()
    if kind < 0.4:
        return name[:position] + name[position + 1 :]
    if kind < 0.7:
        return name[:position] + rng.choice(_ALPHABET) + name[position + 1 :]
    return name[:position] + name[position : position + 2][::-1] + name[position + 2 :]


def _id_variant(rng: random.Random, business_id: str) -> str | None:
    roll = rng.random()
    if roll < 0.45:
        return business_id
    if roll < 0.55:
        return "FI" + business_id.replace("-", "")
    if roll < 0.6:
        return business_id.lstrip("0")
    return None


def _domain_variant(rng: random.Random, domain: str | None) -> str | None:
    roll = rng.random()
    if domain and roll < 0.4:
        return f"https://www.{domain}/"
    if domain and roll < 0.6:
        return f"info@{domain}"
    if roll < 0.65:
        return f"matti.meikalainen@{rng.choice(_MAILS)}"
    return None


def _domain(name: str) -> str:
    return "".join(char for char in name.lower() if char.isalnum())[:20] + ".fi"


def _base(name: str) -> str:
    words = [word for word in name.split() if word.lower() not in {"oy", "ab", "oyj"}]
    return " ".join(words) or name


def _fresh_id(rng: random.Random, used: set[int]) -> str:
    while True:
        number = rng.randrange(1, 9_999_999)
        digits = f"{number:07d}"
        remainder = sum(int(d) * w for d, w in zip(digits, _ID_WEIGHTS, strict=True))
        check = (11 - remainder % 11) % 11
        if check != 10 and number not in used:
            used.add(number)
            return f"{digits}-{check}"
