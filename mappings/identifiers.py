"""Identifiers that tell organisations apart: business ids, web domains, phones.

Business ids go through ``stdnum.fi.ytunnus``: spaces, hyphens and the ``FI`` of the
VAT form are dropped, and a legacy id written without its leading zero
("112038-9") is padded before the checksum is tested. Domains come from URLs, bare
host names or e-mail addresses, reduced to the registrable domain; shared mail
providers and site builders (gmail.com, suomi24.fi, wixsite.com, …) identify nobody
and give no domain.
"""

from __future__ import annotations

import operator
import re
from dataclasses import dataclass
from functools import lru_cache

from stdnum.exceptions import ValidationError
from stdnum.fi import ytunnus

__all__ = [
    "SHARED_DOMAINS",
    "BusinessIdCheck",
    "check_business_id",
    "domain_from_email",
    "is_shared_domain",
    "normalise_business_id",
    "normalise_domain",
    "normalise_phone",
    "normalise_postcode",
]

SHARED_DOMAINS: frozenset[str] = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "outlook.com",
        "outlook.fi",
        "hotmail.com",
        "hotmail.fi",
        "live.com",
        "live.fi",
        "msn.com",
        "yahoo.com",
        "yahoo.fi",
        "yahoo.co.uk",
        "ymail.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "mail.com",
        "mail.ru",
        "yandex.ru",
        "suomi24.fi",
        "luukku.com",
        "kolumbus.fi",
        "elisanet.fi",
        "saunalahti.fi",
        "welho.com",
        "netti.fi",
        "inet.fi",
        "dnainternet.net",
        "kotiposti.net",
        "anvianet.fi",
        "surffi.fi",
        "nic.fi",
        "pp.fi",
        "facebook.com",
        "fb.com",
        "linkedin.com",
        "instagram.com",
        "twitter.com",
        "x.com",
        "youtube.com",
        "google.com",
        "wixsite.com",
        "wix.com",
        "wordpress.com",
        "blogspot.com",
        "blogspot.fi",
        "weebly.com",
        "webnode.fi",
        "webnode.com",
        "squarespace.com",
        "business.site",
        "jimdo.com",
        "jimdofree.com",
        "github.io",
        "tumblr.com",
        "medium.com",
    ]
)
"""Domains shared by many unrelated organisations: never evidence of identity."""

_SECOND_LEVEL = frozenset(
    ["co", "ac", "gov", "org", "com", "net", "edu", "ltd", "plc", "sch", "nhs", "mil"]
)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.\-]*://")
_HOST = re.compile(r"^[\w\-]+(\.[\w\-]+)+$")
_PHONE = re.compile(r"\+?\d[\d\s().\-/]{3,}\d")
_CHECK_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1)
_PLAIN_ID = re.compile(r"(?:FI)?(\d{7})-?(\d)\Z")
_NON_DIGIT = re.compile(r"\D")
_PATH = re.compile(r"[/?#\s]")
_WWW = re.compile(r"^www\d*\.")
_NON_ID = re.compile(r"[^0-9A-Za-z\-]")
_ID_IN_TEXT = re.compile(r"(?i)(?<![0-9a-z])(?:fi\s*)?\d[\d\s]{5,7}(?:-\s*\d)?(?!\d)")


@dataclass(frozen=True, slots=True)
class BusinessIdCheck:
    """What a written business id turned out to be: ``value`` when valid."""

    value: str | None
    problem: str | None = None


def normalise_business_id(raw: str | None) -> str | None:
    """Return a valid Y-tunnus in ``NNNNNNN-N`` form, or None.

    Args:
        raw: the id as written: "0112038-9", "FI01120389", " 0112038 - 9",
            "112038-9".

    Returns:
        The formatted id when it is valid, else None.
    """
    return check_business_id(raw).value


@lru_cache(maxsize=65536)
def check_business_id(raw: str | None) -> BusinessIdCheck:
    """Validate a written business id and say what is wrong with an invalid one.

    Args:
        raw: the id as written, or None.

    Returns:
        The check: the formatted id, or None with the problem ("missing",
        "invalid checksum", "invalid length", "invalid format").
    """
    if not raw:
        return BusinessIdCheck(None, "missing")
    plain = _PLAIN_ID.match(raw)
    if plain and _checksum(plain[1] + plain[2]) == 0:
        return BusinessIdCheck(f"{plain[1]}-{plain[2]}")
    found = _ID_IN_TEXT.search(raw or "")
    written = found.group() if found else raw or ""
    text = _NON_ID.sub("", written).upper().removeprefix("FI")
    if not text:
        return BusinessIdCheck(None, "missing")
    compact = ytunnus.compact(text)
    if compact.isdigit() and len(compact) == 7:
        compact = "0" + compact
    try:
        return BusinessIdCheck(ytunnus.format(ytunnus.validate(compact)))
    except ValidationError as exc:
        return BusinessIdCheck(None, _describe(exc))


def normalise_domain(text: str | None) -> str | None:
    """Return the registrable web domain of a URL, host name or e-mail address.

    Args:
        text: "https://www.valmet.com/fi/", "valmet.com", "info@valmet.com".

    Returns:
        The lower-case registrable domain ("valmet.com"), or None for empty text,
        text that is no host name, and shared providers.
    """
    host = _host_of((text or "").strip().lower())
    if host is None:
        return None
    domain = _registrable(host)
    return None if is_shared_domain(domain) else domain


def domain_from_email(email: str | None) -> str | None:
    """Return the organisation's domain from an e-mail address, or None.

    Args:
        email: an address such as "matti@yritys.fi".

    Returns:
        The registrable domain, or None when the address has no domain or uses a
        shared mail provider.
    """
    if not email or "@" not in email:
        return None
    return normalise_domain(email)


def is_shared_domain(domain: str) -> bool:
    """Tell whether a domain belongs to a mail provider or site builder.

    Args:
        domain: a lower-case domain.

    Returns:
        True for gmail.com, suomi24.fi, wixsite.com and the like.
    """
    return _registrable(domain) in SHARED_DOMAINS


def normalise_phone(text: str | None) -> str | None:
    """Return a phone number's digits in national form, or None.

    Args:
        text: "+358 40 123 4567", "040-123 4567", "(312) 555-1234".

    Returns:
        The digits, with a Finnish country code replaced by the trunk 0
        ("0401234567"); None when fewer than five digits are found.
    """
    match = _PHONE.search(text or "")
    if match is None:
        return None
    digits = _NON_DIGIT.sub("", match.group())
    if digits.startswith("00"):
        digits = digits[2:]
    if digits.startswith("358") and len(digits) >= 9:
        digits = "0" + digits[3:]
    return digits if len(digits) >= 5 else None


def normalise_postcode(text: str | None) -> str | None:
    """Return the digits of a post code ("FI-33100" → "33100"), or None.

    Args:
        text: the post code as written.

    Returns:
        The first five digits, or None when fewer than three digits are found.
    """
    digits = _NON_DIGIT.sub("", text or "")
    return digits[:5] if len(digits) >= 3 else None


def _host_of(text: str) -> str | None:
    if "@" in text:
        text = text.rpartition("@")[2]
    text = _SCHEME.sub("", text)
    text = _PATH.split(text, maxsplit=1)[0]
    text = text.rpartition("@")[2].partition(":")[0].strip(".")
    text = _WWW.sub("", text)
    return text if _HOST.match(text) else None


def _registrable(host: str) -> str:
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in _SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def _checksum(digits: str) -> int:
    # stdnum's ``alv.checksum``, without its generator: the test runs once for each
    # distinct id of a run, hundreds of thousands of times in a large one.
    total: int = sum(map(operator.mul, _CHECK_WEIGHTS, map(int, digits)))
    return total % 11


def _describe(exc: ValidationError) -> str:
    name = type(exc).__name__
    words = re.sub(r"(?<!^)([A-Z])", r" \1", name).lower()
    return words
