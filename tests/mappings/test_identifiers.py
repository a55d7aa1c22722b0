"""Business ids, web domains, phones and post codes as compared."""

from __future__ import annotations

import pytest

from mappings.identifiers import (
    check_business_id,
    domain_from_email,
    normalise_business_id,
    normalise_domain,
    normalise_phone,
    normalise_postcode,
)


@pytest.mark.parametrize(
    "written",
    [
        "0112038-9",
        "01120389",
        "FI01120389",
        " 0112038 - 9",
        "fi 0112038-9",
        "Y-tunnus: 0112038-9",
    ],
)
def test_normalise_business_id_valid_forms_give_the_formatted_id(written: str) -> None:
    """Spaces, hyphens and the VAT form all give the NNNNNNN-N form."""

    assert normalise_business_id(written) == "0112038-9"


def test_normalise_business_id_missing_leading_zero_is_padded() -> None:
    """A legacy id written without its leading zero is still valid."""

    assert normalise_business_id("112038-9") == "0112038-9"


@pytest.mark.parametrize("written", ["1234567-8", "0112038-8"])
def test_check_business_id_bad_checksum_is_invalid(written: str) -> None:
    """An id whose check digit is wrong is refused, and the reason given."""

    check = check_business_id(written)

    assert check.value is None
    assert check.problem == "invalid checksum"


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("", "missing"),
        (None, "missing"),
        ("12", "invalid length"),
        ("abc", "invalid format"),
    ],
)
def test_check_business_id_unusable_text_names_the_problem(
    written: str | None, problem: str
) -> None:
    """Empty, short and non-numeric ids each say what is wrong."""

    assert check_business_id(written).problem == problem


@pytest.mark.parametrize(
    ("written", "domain"),
    [
        ("https://www.valmet.com/fi/", "valmet.com"),
        ("valmet.com", "valmet.com"),
        ("WWW.Yritys.FI", "yritys.fi"),
        ("http://user@www.yritys.fi:8080/x?y=1", "yritys.fi"),
        ("info@valmet.com", "valmet.com"),
        ("mail.tuni.fi", "tuni.fi"),
        ("https://www.bbc.co.uk/news", "bbc.co.uk"),
    ],
)
def test_normalise_domain_urls_hosts_and_emails_give_the_registrable_domain(
    written: str, domain: str
) -> None:
    """URLs, bare hosts and e-mail addresses all reduce to the domain."""

    assert normalise_domain(written) == domain


@pytest.mark.parametrize(
    "written",
    [
        "matti@gmail.com",
        "x@suomi24.fi",
        "https://yritys.wixsite.com/koti",
        "liisa@luukku.com",
        "a@kolumbus.fi",
        "b@hotmail.com",
        "Yes",
        "No",
        "",
    ],
)
def test_normalise_domain_shared_providers_and_non_hosts_give_none(
    written: str,
) -> None:
    """Mail providers, site builders and text that is no host give no domain."""

    assert normalise_domain(written) is None


def test_domain_from_email_without_at_sign_gives_none() -> None:
    """Only an e-mail address yields a domain here."""

    assert domain_from_email("valmet.com") is None


@pytest.mark.parametrize(
    ("written", "digits"),
    [
        ("+358 40 123 4567", "0401234567"),
        ("040-123 4567", "0401234567"),
        ("00358 3 123 456", "03123456"),
        ("(312) 555-1234", "3125551234"),
    ],
)
def test_normalise_phone_country_code_becomes_trunk_zero(
    written: str, digits: str
) -> None:
    """International and national spellings give the same digits."""

    assert normalise_phone(written) == digits


def test_normalise_phone_too_few_digits_gives_none() -> None:
    """Text with fewer than five digits is no phone number."""

    assert normalise_phone("puh 12") is None


def test_normalise_postcode_prefix_is_dropped() -> None:
    """A country prefix does not change the post code."""

    assert normalise_postcode("FI-33100") == "33100"
