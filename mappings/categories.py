"""The Karvi stakeholder categories, with their labels in Finnish, Swedish and English.

The ids are what sidos stores and writes to the CRM's enumeration property; the labels
are what people read. ``unclassified`` is the category of an organisation that no rule
placed, so that every organisation has exactly one primary category.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Category:
    """One Karvi category: a stable id and its labels."""

    id: str
    fi: str
    sv: str
    en: str
    group: str = ""


CATEGORIES: tuple[Category, ...] = (
    Category(
        "customer",
        "Asiakas- ja tilaajaorganisaatiot",
        "Kund- och beställarorganisationer",
        "Customer and client organisations",
    ),
    Category(
        "education_research",
        "Koulutus- ja tutkimusyhteistyökumppanit",
        "Utbildnings- och forskningspartner",
        "Education and research partners",
    ),
    Category(
        "funder",
        "Rahoittajaorganisaatiot",
        "Finansiärer",
        "Funding organisations",
    ),
    Category(
        "intermediary",
        "Välittäjä- ja tukiorganisaatiot",
        "Förmedlande och stödjande organisationer",
        "Intermediary and support organisations",
    ),
    Category(
        "informal_politicians",
        "Informaalit suhteet: poliitikot",
        "Informella relationer: politiker",
        "Informal relations: politicians",
        group="informal",
    ),
    Category(
        "informal_media",
        "Informaalit suhteet: media",
        "Informella relationer: medier",
        "Informal relations: media",
        group="informal",
    ),
    Category(
        "informal_interest",
        "Informaalit suhteet: etujärjestöt",
        "Informella relationer: intresseorganisationer",
        "Informal relations: interest organisations",
        group="informal",
    ),
    Category(
        "informal_citizens",
        "Informaalit suhteet: kansalaiset",
        "Informella relationer: medborgare",
        "Informal relations: citizens",
        group="informal",
    ),
    Category(
        "unclassified",
        "Luokittelematon",
        "Oklassificerad",
        "Unclassified",
    ),
)

CATEGORY_IDS: frozenset[str] = frozenset(category.id for category in CATEGORIES)
UNCLASSIFIED = "unclassified"


def category(category_id: str) -> Category:
    """Return the category with this id.

    Raises:
        KeyError: no category has this id.
    """
    for candidate in CATEGORIES:
        if candidate.id == category_id:
            return candidate
    raise KeyError(f"unknown category {category_id!r}; known: {sorted(CATEGORY_IDS)}")
