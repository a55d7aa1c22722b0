"""The well-known organisations and the staff of the demo account.

Used only by ``build_seed``. A well-known body gets a business id only where it is
known (each passes the Y-tunnus checksum); the others keep an empty one, as they often
do in a real CRM. The institution's staff are fictitious and their e-mail domain is a
reserved example domain.
"""

from __future__ import annotations

from dataclasses import dataclass

STAFF_DOMAIN = "amk.example"


@dataclass(frozen=True)
class Org:
    """One real organisation, with the other names people give it."""

    key: str
    name: str
    kind: str
    business_id: str = ""
    industry_code: str = ""
    postcode: str = ""
    city: str = "Tampere"
    domain: str = ""
    aliases: tuple[str, ...] = ()


# fmt: off
CURATED: tuple[Org, ...] = (
    Org("org:tampereen-yliopisto", "Tampereen yliopisto", "education", "2844561-8",
        "85420", "33100", "Tampere", "tuni.fi", aliases=("Tampere University",
        "Tampereen korkeakoulusäätiö sr", "TAU")),
    Org("org:tredu", "Tampereen seudun ammattiopisto Tredu", "education", "", "85320",
        "33100", "Tampere", "tredu.fi", aliases=("Tredu", "TREDU")),
    Org("org:sasky", "Sastamalan koulutuskuntayhtymä", "education", "", "85320",
        "38200", "Sastamala", "sasky.fi", aliases=("Sasky kuntayhtymä", "SASKY")),
    Org("org:hamk", "Hämeen ammattikorkeakoulu", "education", "", "85420", "13100",
        "Hämeenlinna", "hamk.fi", aliases=("HAMK",)),
    Org("org:vtt", "Teknologian tutkimuskeskus VTT Oy", "research", "", "72193",
        "02150", "Espoo", "vttresearch.com", aliases=("VTT", "VTT Tampere")),
    Org("org:ttl", "Työterveyslaitos", "research", "", "72200", "00250", "Helsinki",
        "ttl.fi", aliases=("TTL", "Finnish Institute of Occupational Health")),
    Org("org:luke", "Luonnonvarakeskus", "research", "", "72110", "00790", "Helsinki",
        "luke.fi", aliases=("Luke",)),
    Org("org:alma-media", "Alma Media Oyj", "media", "1944757-4", "", "00100",
        "Helsinki", "almamedia.fi", aliases=("Alma Media",)),
    Org("org:aamulehti", "Aamulehti", "media", "", "58130", "33100", "Tampere",
        "aamulehti.fi", aliases=("Aamulehti / Alma Media", "AL")),
    Org("org:yle", "Yleisradio Oy", "media", "", "60200", "33100", "Tampere", "yle.fi",
        aliases=("Yle", "Yle Tampere", "YLE")),
    Org("org:tamperelainen", "Tamperelainen", "media", "", "58130", "33100", "Tampere",
        "tamperelainen.fi", aliases=("Tamperelainen-lehti",)),
    Org("org:kauppakamari", "Tampereen kauppakamari ry", "association", "", "94110",
        "33100", "Tampere", "tampereenkauppakamari.fi",
        aliases=("Tampereen Kauppakamari", "Kauppakamari Tampere")),
    Org("org:pirkanmaan-yrittajat", "Pirkanmaan Yrittäjät ry", "association", "",
        "94110", "33100", "Tampere", "pirkanmaanyrittajat.fi",
        aliases=("Pirkanmaan yrittäjät", "Suomen Yrittäjät / Pirkanmaa")),
    Org("org:teknologiateollisuus", "Teknologiateollisuus ry", "association", "",
        "94110", "00130", "Helsinki", "teknologiateollisuus.fi",
        aliases=("Teknologiateollisuus",)),
    Org("org:tek", "Tekniikan akateemiset TEK ry", "association", "", "94200", "00520",
        "Helsinki", "tek.fi", aliases=("TEK",)),
    Org("org:insinooriliitto", "Insinööriliitto IL ry", "association", "", "94200",
        "00520", "Helsinki", "ilry.fi", aliases=("Insinööriliitto", "IL ry")),
    Org("org:tehy", "Tehy ry", "association", "", "94200", "00520", "Helsinki",
        "tehy.fi", aliases=("TEHY",)),
    Org("org:tampereen-kaupunki", "Tampereen kaupunki", "public", "0211675-2", "84110",
        "33100", "Tampere", "tampere.fi", aliases=("City of Tampere",
        "Tampereen kaupunki, Tilakeskus", "Tampere")),
    Org("org:pirha", "Pirkanmaan hyvinvointialue", "public", "", "84120", "33520",
        "Tampere", "pirha.fi", aliases=("Pirha", "Pirkanmaan hyvinvointialue (Pirha)")),
    Org("org:kangasala", "Kangasalan kaupunki", "public", "", "84110", "36200",
        "Kangasala", "kangasala.fi", aliases=("Kangasala",)),
    Org("org:nokia-city", "Nokian kaupunki", "public", "", "84110", "37100", "Nokia",
        "nokiankaupunki.fi", aliases=("Nokian kaupunki, sivistyspalvelut",)),
    Org("org:ylojarvi", "Ylöjärven kaupunki", "public", "", "84110", "33470",
        "Ylöjärvi", "ylojarvi.fi", aliases=("Ylöjärvi",)),
    Org("org:lempaala", "Lempäälän kunta", "public", "", "84110", "37500", "Lempäälä",
        "lempaala.fi", aliases=("Lempäälä",)),
    Org("org:pirkkala", "Pirkkalan kunta", "public", "", "84110", "33960", "Pirkkala",
        "pirkkala.fi", aliases=("Pirkkala",)),
    Org("org:business-finland-agency", "Innovaatiorahoituskeskus Business Finland",
        "funder", "0512696-4", "84130", "00180", "Helsinki", "businessfinland.fi",
        aliases=("Business Finland", "Tekes", "BF")),
    Org("org:business-finland-oy", "Business Finland Oy", "funder", "2725690-3", "",
        "00180", "Helsinki", "businessfinland.fi",
        aliases=("Business Finland Oy (ent. Finpro)", "Finpro Oy")),
    Org("org:suomen-akatemia", "Suomen Akatemia", "funder", "0245893-9", "84130",
        "00530", "Helsinki", "aka.fi", aliases=("Research Council of Finland",
        "Academy of Finland", "AKA")),
    Org("org:pirkanmaan-liitto", "Pirkanmaan liitto", "funder", "", "84110", "33100",
        "Tampere", "pirkanmaa.fi", aliases=("Pirkanmaan liitto (EAKR)",
        "Pirkanmaan Liitto")),
    Org("org:ely-pirkanmaa", "Pirkanmaan ELY-keskus", "funder", "", "84130", "33100",
        "Tampere", "ely-keskus.fi", aliases=("ELY-keskus Pirkanmaa", "Pirkanmaan ELY")),
    Org("org:elinvoimakeskus", "Pirkanmaan elinvoimakeskus", "funder", "", "84130",
        "33100", "Tampere", "elinvoimakeskus.fi",
        aliases=("Elinvoimakeskus Pirkanmaa",)),
    Org("org:okm", "Opetus- ja kulttuuriministeriö", "funder", "0245872-8", "84110",
        "00023", "Valtioneuvosto", "okm.fi", aliases=("OKM",
        "Ministry of Education and Culture")),
    Org("org:business-tampere", "Business Tampere Oy", "intermediary", "", "70220",
        "33100", "Tampere", "businesstampere.com", aliases=("Business Tampere",)),
    Org("org:demola", "Demola Global Oy", "intermediary", "", "70220", "33100",
        "Tampere", "demola.net", aliases=("Demola", "Demola Tampere")),
    Org("org:valmet-oyj", "Valmet Oyj", "company", "", "", "02150", "Espoo",
        "valmet.com", aliases=("Valmet",)),
    Org("org:valmet-technologies", "Valmet Technologies Oy", "company", "", "28950",
        "33100", "Tampere", "valmet.com", aliases=("Valmet Technologies",)),
)
# fmt: on

HARD_NEGATIVE_KEYS: tuple[tuple[str, str], ...] = (
    ("org:valmet-oyj", "org:valmet-technologies"),
    ("org:business-finland-agency", "org:business-finland-oy"),
    ("org:ely-pirkanmaa", "org:elinvoimakeskus"),
)
"""Pairs of real, distinct legal entities whose records look alike."""

PRH_HARD_NEGATIVE_IDS: tuple[tuple[str, str], ...] = (
    ("2341528-4", "3374640-7"),
    ("2394511-1", "3436383-8"),
    ("2283957-9", "3470427-6"),
    ("0211600-7", "0154963-6"),
)
"""PRH pairs with one name (predecessor and successor) or one group, different ids."""

PRH_SIMILAR_NAMES: tuple[tuple[str, str], ...] = (
    ("TJKS Consulting Oy", "TJ Consulting Oy"),
    ("TML Rakennus Oy", "TMH Rakennus Oy"),
)
"""PRH companies with near-identical names and different business ids."""

PRH_INTERMEDIARY_IDS = ("0896459-2", "1966093-0")
"""PRH bodies that act as intermediaries: an incubator and a business campus."""

UNITS: tuple[str, ...] = (
    "Tekniikka ja liiketoiminta",
    "Sosiaali- ja terveysala",
    "Kulttuuri ja media",
    "TKI-palvelut",
    "Täydennyskoulutus",
    "Kansainväliset palvelut",
)

STAFF: tuple[tuple[str, str, int, bool], ...] = (
    ("Anna", "Virtanen", 0, False),
    ("Mikko", "Korhonen", 0, False),
    ("Jussi", "Nieminen", 0, False),
    ("Laura", "Mäkinen", 0, False),
    ("Timo", "Hämäläinen", 0, False),
    ("Sari", "Laine", 1, False),
    ("Päivi", "Heikkinen", 1, False),
    ("Katja", "Koskinen", 1, False),
    ("Heikki", "Järvinen", 1, False),
    ("Eeva", "Lehtonen", 2, False),
    ("Olli", "Lehtinen", 2, False),
    ("Riikka", "Saarinen", 2, False),
    ("Jari", "Salminen", 3, False),
    ("Tiina", "Heinonen", 3, False),
    ("Marko", "Niemi", 3, False),
    ("Hanna", "Kinnunen", 3, False),
    ("Pekka", "Turunen", 4, False),
    ("Minna", "Salonen", 4, False),
    ("Antti", "Lindholm", 5, False),
    ("Johanna", "Räsänen", 5, False),
    ("Seppo", "Laaksonen", 0, True),
    ("Kirsi", "Ahonen", 1, True),
)
"""Staff who own CRM records: first name, last name, unit index, left the job."""

UNIT_OF_KIND: dict[str, tuple[int, ...]] = {
    "software": (0, 3),
    "construction": (0, 4),
    "consulting": (0, 3, 4),
    "manufacturing": (0, 3),
    "engineering": (0, 3),
    "trade": (0,),
    "health": (1, 4),
    "research": (3, 1, 0),
    "media": (2,),
    "education": (4, 5, 3),
    "association": (0, 1, 2),
    "public": (1, 3, 0, 4),
    "funder": (3,),
    "intermediary": (3, 0, 5),
    "company": (0, 3),
}
"""Which units (by index) most often work with each kind of organisation."""
