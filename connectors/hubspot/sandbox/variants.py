"""How people write one organisation differently: name, business id, domain, phone.

The seed generators use these to make the duplicates a CRM really holds when several
units enter the same partner: "Oy"/"OY", "Oy X Ab", a trailing ", Tampere", dropped
legal forms, abbreviations and typos; the business id missing, in the ``FI`` VAT form
or without its leading zero; ``www.`` domains; phone numbers formatted another way.
"""

from __future__ import annotations

import random
import re
import unicodedata

LEGAL_FORMS = frozenset({"oyj", "oy", "ky", "ry", "sr", "osk"})
TRAILING_FORMS = frozenset({"ab", "ltd", "abp"})
_Y_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def ytunnus_check_digit(digits: str) -> int | None:
    """Return the check digit of a 7-digit business id body, ``None`` if none fits."""
    remainder = sum(int(d) * w for d, w in zip(digits, _Y_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def split_legal_form(name: str) -> tuple[str, str]:
    """Split ``Yritys Oy`` into ``("Yritys", "Oy")``; the form may be empty."""
    words = name.split()
    if len(words) > 1 and words[0].lower() == "oy":
        words = words[1:]
    if len(words) > 1 and words[-1].lower() in TRAILING_FORMS:
        words = words[:-1]
    if len(words) > 1 and words[-1].lower() in LEGAL_FORMS:
        return " ".join(words[:-1]), words[-1]
    return " ".join(words), ""


def name_variant(name: str, rng: random.Random) -> str:
    """Return ``name`` as another member of staff might have typed it."""
    core, form = split_legal_form(name)
    choices = [
        lambda: f"{core} {form.upper()}".strip() if form else name.upper(),
        lambda: f"{name}, Tampere",
        lambda: core,
        lambda: _typo(name, rng),
        lambda: name.lower(),
    ]
    if form.lower() == "oy":
        choices += [lambda: f"Oy {core} Ab", lambda: f"{core} Oyj"]
    if len(core.split()) >= 3:
        choices.append(lambda: _abbreviate(core, form))
    variant: str = rng.choice(choices)()
    return variant if variant != name else f"{name}, Tampere"


def _typo(name: str, rng: random.Random) -> str:
    letters = [i for i, char in enumerate(name) if char.isalpha()]
    if len(letters) < 4:
        return name + name[-1]
    position = rng.choice(letters[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return name[:position] + name[position + 1 :]
    if kind == 1:
        return name[:position] + name[position] + name[position:]
    return name[:position] + name[position + 1] + name[position] + name[position + 2 :]


def _abbreviate(core: str, form: str) -> str:
    initials = "".join(word[0].upper() for word in core.split() if word[0].isalpha())
    return f"{initials} {form}".strip()


def business_id_variant(business_id: str, rng: random.Random) -> str:
    """Return a business id as a CRM user may have entered it, or ``""``."""
    digits = business_id.replace("-", "")
    forms = ["", f"FI{digits}", digits, business_id]
    if business_id.startswith("0"):
        forms.append(business_id[1:])
    return str(rng.choice(forms))


def slug(text: str) -> str:
    """Return ``text`` folded to the letters, digits and hyphens of a host name."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def domain_for(name: str) -> str:
    """Return a plausible ``.fi`` domain for an organisation name."""
    core, _ = split_legal_form(name)
    return f"{slug(core)[:40].strip('-') or 'yritys'}.fi"


def domain_variant(domain: str, rng: random.Random) -> str:
    """Return a domain as typed into a CRM: ``www.``, a URL, another TLD, or none."""
    stem = domain.rsplit(".", 1)[0]
    return str(rng.choice(["", f"www.{domain}", f"{stem}.com", domain]))


def phone_for(business_id: str) -> str:
    """Return a Tampere landline number derived from a business id."""
    digits = business_id.replace("-", "")
    return f"+358 3 {200 + int(digits[:3]) % 700} {digits[3:7]}"


def phone_number(rng: random.Random) -> str:
    """Return a Finnish phone number in international form."""
    if rng.random() < 0.6:
        return f"+358 3 {rng.randint(200, 899)} {rng.randint(1000, 9999)}"
    return f"+358 40 {rng.randint(100, 999)} {rng.randint(1000, 9999)}"


def phone_variant(phone: str, rng: random.Random) -> str:
    """Return the same number written the national way, or another number."""
    if rng.random() < 0.3:
        return phone_number(rng)
    national = "0" + phone.removeprefix("+358 ")
    return national.replace(" ", "") if rng.random() < 0.5 else national
