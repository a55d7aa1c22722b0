"""Name normalisation: folding, legal forms in any position, places, case endings,
municipalities, notes and qualifiers."""

from __future__ import annotations

import pytest

from mappings.names import fold, is_form_conflict, normalise_name, strip_qualifiers

LEGAL_FORM_CASES = [
    ("Yritys Oy", "yritys", "oy"),
    ("Oy Yritys", "yritys", "oy"),
    ("Oy Yritys Ab", "yritys", "oy"),
    ("Yritys Oy Ab", "yritys", "oy"),
    ("Yritys Ab", "yritys", "oy"),
    ("Yritys Osakeyhtiö", "yritys", "oy"),
    ("Yritys Oy Ltd", "yritys", "oy"),
    ("Fiskars Oyj Abp", "fiskars", "oyj"),
    ("Valmet Oyj", "valmet", "oyj"),
    ("Yritys Abp", "yritys", "oyj"),
    ("Yritys Ky", "yritys", "ky"),
    ("Yritys Kb", "yritys", "ky"),
    ("Yritys Ay", "yritys", "ay"),
    ("Yritys Hb", "yritys", "ay"),
    ("Tmi Matti Meikäläinen", "matti meikalainen", "tmi"),
    ("T:mi Matti Meikäläinen", "matti meikalainen", "tmi"),
    ("Matti Meikäläinen Toiminimi", "matti meikalainen", "tmi"),
    ("Suomen Punainen Risti ry", "suomen punainen risti", "ry"),
    ("Suomen Punainen Risti r.y.", "suomen punainen risti", "ry"),
    ("Finlands Röda Kors rf", "finlands roda kors", "ry"),
    ("Sámi Searvi rs", "sami searvi", "ry"),
    ("Osuuskauppa Keskimaa osk", "osuuskauppa keskimaa", "osk"),
    ("Keskimaa Osuuskunta", "keskimaa", "osk"),
    ("Sitra säätiö", "sitra", "sr"),
    ("Aalto-korkeakoulusäätiö sr", "aalto korkeakoulusaatio", "sr"),
    ("Svenska kulturfonden stiftelse", "svenska kulturfonden", "sr"),
    ("Tredu kuntayhtymä", "tredu", "kuntayhtyma"),
    ("As Oy Koivu", "koivu", "as oy"),
    ("As. Oy Koivu", "koivu", "as oy"),
    ("Asunto Oy Tampereen Actif", "tampereen actif", "as oy"),
    ("Kiinteistö Oy Hervanta", "hervanta", "koy"),
    ("CRYSTALORD LIMITED", "crystalord", "ltd"),
    ("CRYSTALORD LTD", "crystalord", "ltd"),
    ("Siemens AG", "siemens", "ag"),
    ("Suomi Yritys Oy Tampereen toimipiste", "suomi yritys tampereen toimipiste", "oy"),
]

CLEANCO_FAILURES = [
    ("Fiskars Oyj Abp", "fiskars"),
    ("Suomen Punainen Risti ry", "suomen punainen risti"),
    ("Osuuskauppa Keskimaa osk", "osuuskauppa keskimaa"),
    ("Sitra säätiö", "sitra"),
    ("Aalto-korkeakoulusäätiö sr", "aalto korkeakoulusaatio"),
    ("Oy AB Mirka", "mirka"),
    ("Elisa Oyj, Helsinki", "elisa"),
    ("Kemira Oyj:n", "kemira"),
]


@pytest.mark.parametrize(("written", "text", "code"), LEGAL_FORM_CASES)
def test_normalise_name_legal_form_in_any_position_is_removed_and_recorded(
    written: str, text: str, code: str
) -> None:
    """Every Finnish and Swedish legal form is removed wherever it stands."""

    name = normalise_name(written)

    assert (name.text, name.legal_form) == (text, code)


@pytest.mark.parametrize(("written", "text"), CLEANCO_FAILURES)
def test_normalise_name_cleanco_failures_reduce_to_the_distinctive_name(
    written: str, text: str
) -> None:
    """The names cleanco 2.3 left unchanged are reduced correctly."""

    assert normalise_name(written).text == text


def test_normalise_name_removed_forms_are_kept_as_written() -> None:
    """The forms removed are recorded in the order they were taken off."""

    name = normalise_name("Oy Karl Fazer Ab")

    assert name.legal_forms == ("oy", "ab")


@pytest.mark.parametrize(
    ("written", "place"),
    [
        ("Valmet, Hämeenlinna", "hameenlinna"),
        ("Elisa Oyj, Helsinki", "helsinki"),
        ("Nokia Oyj (Espoo)", "espoo"),
        ("Yritys Oy Tampere", "tampere"),
        ("Pekpac, Pirkkala Oy", "pirkkala"),
    ],
)
def test_normalise_name_trailing_place_is_removed_and_kept(
    written: str, place: str
) -> None:
    """A municipality after a comma, in brackets or after the form is a place."""

    name = normalise_name(written)

    assert name.place == place
    assert place not in name.tokens


def test_normalise_name_place_without_marker_stays_in_the_name() -> None:
    """A municipality that is the whole distinctive name is not removed."""

    assert normalise_name("Nokia Oyj").text == "nokia"


def test_normalise_name_only_legal_form_words_keeps_the_name() -> None:
    """A name made only of legal-form words is not reduced to nothing."""

    assert normalise_name("Oy Ab").text == "oy ab"


def test_normalise_name_initials_are_joined() -> None:
    """Dotted initials compare like the same letters written together."""

    assert normalise_name("A.B.C. Company").text == normalise_name("ABC Co").text


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Hämeenlinna", "HAMEENLINNA"),
        ("Åbo Akademi", "Abo Akademi"),
        ("Kööpenhamina", "Koopenhamina"),
        ("Ha\u0308meenlinna", "Hämeenlinna"),
        ("Children’s Center", "Children's Center"),
    ],
)
def test_fold_scandinavian_letters_and_apostrophes_fold_identically(
    left: str, right: str
) -> None:
    """Accented, decomposed and plain spellings fold to the same text."""

    assert normalise_name(left).text == normalise_name(right).text


def test_fold_case_and_nfc_are_folded() -> None:
    """Folding applies NFC and case folding."""

    assert fold("STRASSE Ä") == fold("straße a\u0308")


def test_is_form_conflict_association_and_company_conflict() -> None:
    """An association and a limited company are different kinds of entity."""

    assert is_form_conflict(normalise_name("Yritys ry"), normalise_name("Yritys Oy"))


def test_is_form_conflict_oy_and_ltd_are_compatible() -> None:
    """A Finnish company and its English name form do not conflict."""

    assert not is_form_conflict(
        normalise_name("Yritys Oy"), normalise_name("Yritys Ltd")
    )


@pytest.mark.parametrize(
    "written",
    [
        "Tampereen kaupunki",
        "City of Tampere",
        "Tampereen kaupunki, Tampere",
        "Town of Tampere",
    ],
)
def test_normalise_name_municipality_reduces_to_its_nominative(written: str) -> None:
    """The council of Tampere, however written, is Tampere with the form kunta."""

    name = normalise_name(written)

    assert (name.text, name.legal_form) == ("tampere", "kunta")


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("Kangasalan kaupunki", "kangasala"),
        ("Lempäälän kunta", "lempaala"),
        ("Helsingin kaupunki", "helsinki"),
        ("Lahden kaupunki", "lahti"),
        ("Turun kaupunki", "turku"),
        ("Ylöjärven kaupunki", "ylojarvi"),
        ("Oriveden kaupunki", "orivesi"),
        ("Valkeakosken kaupunki", "valkeakoski"),
        ("Ikaalisten kaupunki", "ikaalinen"),
        ("Pälkäneen kunta", "palkane"),
    ],
)
def test_normalise_name_municipal_genitive_is_read_back(
    written: str, text: str
) -> None:
    """The genitive before "kaupunki" or "kunta" becomes the municipality's name."""

    assert normalise_name(written).text == text


def test_normalise_name_bare_municipality_compares_with_its_council() -> None:
    """A project row's "Kangasala" has the council's name, without its form."""

    assert (
        normalise_name("Kangasala").text == normalise_name("Kangasalan kaupunki").text
    )


def test_is_form_conflict_municipality_and_company_of_one_name_conflict() -> None:
    """The city of Nokia is not Nokia Oyj; a company's genitive is left alone."""

    assert is_form_conflict(
        normalise_name("Nokian kaupunki"), normalise_name("Nokia Oyj")
    )
    assert normalise_name("Nokian Renkaat Oyj").text == "nokian renkaat"


@pytest.mark.parametrize(
    ("written", "text"),
    [
        ("Pirkanmaan liitto (EAKR)", "pirkanmaan liitto"),
        (
            "Florence G. Heller Jewish Community Center (JCC)",
            "florence g heller jewish community center",
        ),
        ("Mary Crane Center (Molade)", "mary crane center molade"),
        ("SOUTH EAST ASIA CENTER (FOSTER)", "south east asia center foster"),
    ],
)
def test_normalise_name_abbreviation_in_brackets_is_dropped(
    written: str, text: str
) -> None:
    """Capitals in brackets after a name are an abbreviation; other notes stay."""

    assert normalise_name(written).text == text


def test_normalise_name_common_abbreviations_are_written_out() -> None:
    """Abbreviations such as "Int'l" and "1st" compare like the words written out."""

    assert normalise_name("1st Bank Int'l").text == "first bank international"


@pytest.mark.parametrize(
    ("written", "head"),
    [
        ("Tampereen kaupunki, Tilakeskus", "Tampereen kaupunki"),
        ("Eriol Oy, Tampere", "Eriol Oy"),
        ("Pirkanmaan liitto (EAKR)", "Pirkanmaan liitto"),
        ("Business Finland Oy (ent. Finpro)", "Business Finland Oy"),
        ("Aamulehti / Alma Media", "Aamulehti"),
        ("Nokian kaupunki, sivistyspalvelut (EAKR)", "Nokian kaupunki"),
        ("Yritys, Oy", "Yritys, Oy"),
        ("Deutsche Bank (Schweiz) AG", "Deutsche Bank (Schweiz) AG"),
        ("(EAKR)", "(EAKR)"),
        ("  Orage Oy ", "Orage Oy"),
    ],
)
def test_strip_qualifiers_trailing_unit_place_note_and_slash(
    written: str, head: str
) -> None:
    """Units, places and notes that trail a name come off; a legal form stays."""

    assert strip_qualifiers(written) == head
