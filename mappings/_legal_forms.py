"""Legal forms as they appear in organisation names, folded, by canonical code.

Finnish and Swedish forms first (domain reference §5), then the foreign forms met in
CRM data. Each code belongs to one kind; names whose forms share no kind are different
kinds of entity ("Yritys ry" is not "Yritys Oy"). A municipality's council
("Nokian kaupunki", "City of Tampere") counts as a form of its own kind, so that the
city of Nokia is not Nokia Oyj.
"""

from __future__ import annotations

_FORMS_BY_CODE: dict[str, tuple[str, ...]] = {
    "oy": ("oy", "ab", "osakeyhtio", "aktiebolag", "oy ab", "ab oy", "oy ltd"),
    "oyj": ("oyj", "abp", "julkinen osakeyhtio", "oyj abp"),
    "ky": ("ky", "kb", "kommandiittiyhtio", "kommanditbolag"),
    "ay": ("ay", "hb", "avoin yhtio", "handelsbolag"),
    "tmi": ("tmi", "toiminimi", "fma", "firma"),
    "ry": ("ry", "rf", "rs", "rekisteroity yhdistys", "registrerad forening"),
    "osk": ("osk", "osuuskunta", "andelslag"),
    "sr": ("sr", "saatio", "stiftelse", "saatio sr", "stiftelse sr"),
    "kuntayhtyma": ("kuntayhtyma", "samkommun"),
    "kunta": (
        "kunta",
        "kaupunki",
        "kommun",
        "stad",
        "city of",
        "town of",
        "municipality of",
    ),
    "as oy": ("as oy", "asoy", "asunto oy", "asunto osakeyhtio", "bostads ab"),
    "koy": ("koy", "kiinteisto oy", "kiinteisto osakeyhtio", "fastighets ab"),
    "mhy": ("mhy",),
    "ltd": ("ltd", "limited", "co ltd", "pty ltd", "company limited"),
    "plc": ("plc", "public limited company"),
    "inc": ("inc", "incorporated"),
    "corp": ("corp", "corporation"),
    "co": ("co", "company"),
    "llc": ("llc", "limited liability company", "ooo"),
    "gmbh": ("gmbh", "gesellschaft mit beschrankter haftung"),
    "ag": ("ag", "aktiengesellschaft"),
    "jsc": (
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "oao",
        "pao",
        "zao",
        "ao",
        "joint stock company",
        "open joint stock company",
    ),
    "ano": ("ano",),
    "sa": (
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "nv",
        "bv",
        "se",
        "sp zoo",
        "spzoo",
        "societatea cu raspundere limitata",
    ),
    "ev": ("ev", "eingetragener verein"),
}

_KIND_BY_CODE: dict[str, str] = {
    "ky": "limited partnership",
    "ay": "general partnership",
    "tmi": "sole trader",
    "ry": "association",
    "ev": "association",
    "mhy": "association",
    "osk": "cooperative",
    "sr": "foundation",
    "kuntayhtyma": "joint municipal authority",
    "kunta": "municipality",
    "as oy": "housing company",
    "koy": "property company",
    "gmbh": "gmbh",
    "ag": "ag",
    "ano": "non-profit",
}

LEGAL_FORMS: dict[tuple[str, ...], str] = {
    tuple(form.split()): code
    for code, forms in _FORMS_BY_CODE.items()
    for form in forms
}
"""Every legal form, as a tuple of folded tokens, mapped to its canonical code."""

FORM_KINDS: dict[str, str] = {
    code: _KIND_BY_CODE.get(code, "company") for code in _FORMS_BY_CODE
}
"""The kind of entity each code stands for; most foreign forms are companies."""

INNER_FORMS: frozenset[str] = frozenset(
    {"oy", "oyj", "abp", "ky", "tmi", "ry", "osk", "koy", "asoy"}
)
"""Forms unambiguous enough to be removed from the middle of a name as well."""

MAX_FORM_TOKENS: int = max(len(form) for form in LEGAL_FORMS)

FORM_WORDS: frozenset[str] = frozenset(word for form in LEGAL_FORMS for word in form)
"""Every word that occurs in some legal form: a quick test before matching forms."""
