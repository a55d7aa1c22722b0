"""Organisation names reduced to what tells two organisations apart.

``normalise_name`` folds Unicode and case (ä, ö and å become a, o and a, identically
for every name), drops a trailing place (", Tampere"), a trailing abbreviation in
brackets ("Pirkanmaan liitto (EAKR)"), Finnish case endings ("Kemira Oyj:n") and
legal forms wherever they stand ("Oy Karl Fazer Ab", "Fiskars Oyj Abp", "Suomen
Punainen Risti ry"), writes out a few common abbreviated words ("Int'l"), and records
what it removed. A municipality's council reduces to the municipality, its genitive
read back ("Tampereen kaupunki" and "City of Tampere" are both "tampere", form
``kunta``), so that it compares equal to a project row's bare "Tampere". A name made
only of legal-form words is kept as it is rather than reduced to nothing.

``strip_qualifiers`` takes off what a writer added after the organisation's own name:
a unit or place after a comma, a note in brackets, a unit after a slash.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from mappings._legal_forms import (
    FORM_KINDS,
    INNER_FORMS,
    LEGAL_FORMS,
)
from mappings._places import list_municipalities

__all__ = [
    "ABBREVIATIONS",
    "GENERIC_TOKENS",
    "NameForm",
    "NormalisedName",
    "fold",
    "is_form_conflict",
    "kinds_of",
    "name_parts",
    "normalise_name",
    "strip_qualifiers",
]

_FOLD_TABLE = str.maketrans(
    {
        "ä": "a",
        "ö": "o",
        "å": "a",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "ʼ": "'",
    }
)
_CASE_ENDING = re.compile(r"(?<=\w):[a-z]{1,4}\b")
_POSSESSIVE = re.compile(r"'s\b")
_WORD = re.compile(r"[^\W_]+")
_LEADING_ARTICLES = frozenset({"the"})
_NOTE = re.compile(r"\s*\([^()]*\)$")
_ABBREVIATION_NOTE = re.compile(r"\s*\(([^\W\d_]{2,6})\)\s*$")
_SLASH = re.compile(r"\s+/\s+")

GENERIC_TOKENS: frozenset[str] = frozenset(
    [
        "suomen",
        "suomi",
        "finland",
        "finnish",
        "finn",
        "the",
        "of",
        "and",
        "ja",
        "och",
        "und",
        "et",
        "de",
        "la",
        "le",
        "group",
        "ryhma",
        "international",
        "services",
        "service",
        "palvelut",
        "palvelu",
        "center",
        "centre",
        "keskus",
        "company",
        "holding",
        "invest",
        "kiinteisto",
        "asunto",
        "yhdistys",
        "tampereen",
        "helsingin",
        "turun",
        "oulun",
        "consulting",
        "solutions",
        "systems",
        "global",
        "nordic",
        "scandinavia",
        "europe",
    ]
)
"""Words common in organisation names that say little about which one is meant."""

ABBREVIATIONS: dict[str, str] = {
    "intl": "international",
    "natl": "national",
    "assn": "association",
    "assoc": "association",
    "univ": "university",
    "dept": "department",
    "ctr": "center",
    "cntr": "center",
    "1st": "first",
}
"""Abbreviated words, folded and without dots, and the words they stand for."""


NameForm = tuple[tuple[str, ...], tuple[str, ...], str | None]
"""What a normalised name carries besides its words: legal forms, codes, place."""


@dataclass(frozen=True, slots=True)
class NormalisedName:
    """A name folded, with its legal forms and trailing place taken off.

    ``text`` is the tokens joined by single spaces; ``legal_forms`` holds the removed
    forms as written (folded), ``codes`` their canonical codes ("oy", "ry", …) in the
    same order.
    """

    text: str
    tokens: tuple[str, ...]
    legal_forms: tuple[str, ...] = ()
    codes: tuple[str, ...] = ()
    place: str | None = None

    @property
    def legal_form(self) -> str | None:
        """Return the canonical code of the first legal form removed, if any."""
        return self.codes[0] if self.codes else None

    @property
    def kinds(self) -> frozenset[str]:
        """Return the kinds of legal entity the removed forms stand for."""
        return kinds_of(self.codes)


def kinds_of(codes: tuple[str, ...]) -> frozenset[str]:
    """Return the kinds of legal entity that legal-form codes stand for.

    Args:
        codes: canonical legal-form codes, as ``NormalisedName.codes`` holds them.

    Returns:
        The kinds ("company", "association", …).
    """
    return frozenset(FORM_KINDS[code] for code in codes)


def fold(text: str) -> str:
    """Return ``text`` in NFC, case-folded, with diacritics and ä/ö/å folded.

    Args:
        text: any text.

    Returns:
        The folded text; equal for "Hämeenlinna" and "HAMEENLINNA".
    """
    if text.isascii():
        return text.lower().replace("`", "'") if "`" in text else text.lower()
    folded = unicodedata.normalize("NFC", text).casefold().translate(_FOLD_TABLE)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded)
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return unicodedata.normalize("NFC", stripped)


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> NormalisedName:
    """Reduce an organisation name to its distinctive words.

    Args:
        name: the name as a source wrote it.

    Returns:
        The normalised name with the removed legal forms and place.
    """
    head, place = _split_place(fold(_without_abbreviation_note(name)))
    tokens = _tokenise(head)
    tokens, forms, trailing_place = _strip_forms(tokens)
    if tokens and tokens[0] in _LEADING_ARTICLES and len(tokens) > 1:
        tokens = tokens[1:]
    codes = _codes(forms) if forms else ()
    if _MUNICIPALITY in codes and len(tokens) == 1:
        tokens = [_NOMINATIVES.get(tokens[0], tokens[0])]

    return NormalisedName(
        text=" ".join(tokens),
        tokens=tuple(tokens),
        legal_forms=tuple(forms),
        codes=codes,
        place=place or trailing_place,
    )


def name_parts(names: Sequence[str]) -> list[tuple[str, NameForm]]:
    """Return ``normalise_name`` of each name as its text and its form.

    Equal forms are one object, so that a million names share a few dozen.

    Args:
        names: names as written.

    Returns:
        Each name's text and form, in order.
    """
    shared: dict[NameForm, NameForm] = {}
    parts = []
    for name in names:
        normalised = normalise_name(name)
        form = (normalised.legal_forms, normalised.codes, normalised.place)
        parts.append((normalised.text, shared.setdefault(form, form)))
    return parts


def strip_qualifiers(name: str) -> str:
    """Return a name as written without the qualifiers that trail it.

    A qualifier says which unit, place or arrangement a writer meant rather than which
    organisation: the text after the last comma ("Tampereen kaupunki, Tilakeskus",
    "Eriol Oy, Tampere") unless it is only a legal form ("Yritys, Oy"), a closing
    note in brackets ("Pirkanmaan liitto (EAKR)") and the text after a spaced slash
    ("Aamulehti / Alma Media"). Qualifiers are taken off from the end for as long as
    some name is left.

    Args:
        name: the name as a source wrote it.

    Returns:
        The name without its trailing qualifiers, stripped of surrounding spaces.
    """
    head = name.strip()
    if "," not in head and ")" not in head and "/" not in head:
        return head
    while True:
        shorter = _without_qualifier(head)
        if shorter is None:
            return head
        head = shorter


def _without_qualifier(name: str) -> str | None:
    candidates = [_NOTE.sub("", name)] if name.endswith(")") else []
    head, comma, tail = name.rpartition(",")
    if comma and tuple(_tokenise(fold(tail))) not in LEGAL_FORMS:
        candidates.append(head)
    if "/" in name:
        candidates.append(_SLASH.split(name, maxsplit=1)[0])
    shorter = [c.strip() for c in candidates if c.strip() and c.strip() != name]
    return max(shorter, key=len) if shorter else None


def _without_abbreviation_note(name: str) -> str:
    # One word in capitals in brackets after a name that is not itself in capitals
    # abbreviates the name or a programme: "Pirkanmaan liitto (EAKR)". A word in
    # brackets in any other case may tell sites apart: "Mary Crane Center (Molade)".
    match = _ABBREVIATION_NOTE.search(name) if ")" in name else None
    if match is None or not match.group(1).isupper():
        return name
    head = name[: match.start()]
    return head if any(char.islower() for char in head) else name


def _codes(forms: list[str]) -> tuple[str, ...]:
    if len(forms) == 1:
        return (LEGAL_FORMS[tuple(forms[0].split())],)
    return tuple(dict.fromkeys(LEGAL_FORMS[tuple(form.split())] for form in forms))


def is_form_conflict(left: NormalisedName, right: NormalisedName) -> bool:
    """Tell whether two names carry legal forms of different kinds (``ry`` vs ``oy``).

    Args:
        left: one normalised name.
        right: the other.

    Returns:
        True when both carry forms and no kind is shared.
    """
    return bool(left.kinds and right.kinds and left.kinds.isdisjoint(right.kinds))


def _split_place(text: str) -> tuple[str, str | None]:
    stripped = text.strip().rstrip(".")
    if "," not in stripped and not stripped.endswith(")"):
        return stripped, None
    if stripped.endswith(")") and "(" in stripped:
        head, _, tail = stripped[:-1].rpartition("(")
        if _is_place(tail) and head.strip():
            return head, tail.strip()
    head, comma, tail = stripped.rpartition(",")
    words = _WORD.findall(tail)
    if comma and head.strip() and words and words[0] in _PLACES:
        forms = words[1:]
        if not forms or tuple(forms) in LEGAL_FORMS:
            return " ".join([head, *forms]), words[0]
    return stripped, None


def _is_place(text: str) -> bool:
    words = _WORD.findall(text)
    return len(words) == 1 and words[0] in _PLACES


def _tokenise(text: str) -> list[str]:
    if ":" in text:
        text = _CASE_ENDING.sub("", text.replace("t:mi", " tmi "))
    if "'" in text:
        text = _POSSESSIVE.sub("", text).replace("'", "")
    words = _WORD.findall(text.replace("&", " and ") if "&" in text else text)
    if not ABBREVIATIONS.keys().isdisjoint(words):
        words = [ABBREVIATIONS.get(word, word) for word in words]
    if min(map(len, words), default=0) == 1:
        return _merge_initials(words)
    return words


def _merge_initials(words: list[str]) -> list[str]:
    merged: list[str] = []
    run = ""
    for word in words:
        if len(word) == 1 and word.isalpha():
            run += word
            continue
        if run:
            merged.append(run)
            run = ""
        merged.append(word)
    if run:
        merged.append(run)
    return merged


def _strip_forms(tokens: list[str]) -> tuple[list[str], list[str], str | None]:
    forms: list[str] = []
    place: str | None = None
    if len(tokens) > 2 and tokens[-1] in _PLACES:
        size = _match_suffix(tokens[:-1])
        if 0 < size < len(tokens) - 1:
            place = tokens.pop()
    while len(tokens) > 1:
        size = _match_prefix(tokens)
        if size and size < len(tokens):
            forms.append(" ".join(tokens[:size]))
            tokens = tokens[size:]
            continue
        size = _match_suffix(tokens)
        if not size or size >= len(tokens):
            break
        forms.append(" ".join(tokens[-size:]))
        tokens = tokens[:-size]
    middle = tokens[1:-1]
    if not INNER_FORMS.isdisjoint(middle):
        forms.extend(token for token in middle if token in INNER_FORMS)
        kept = [token for token in middle if token not in INNER_FORMS]
        tokens = [tokens[0], *kept, tokens[-1]]
    return tokens, forms, place


def _match_prefix(tokens: list[str]) -> int:
    for size in _SIZES_BY_FIRST.get(tokens[0], ()):
        if size <= len(tokens) and tuple(tokens[:size]) in LEGAL_FORMS:
            return size
    return 0


def _match_suffix(tokens: list[str]) -> int:
    for size in _SIZES_BY_LAST.get(tokens[-1], ()):
        if size <= len(tokens) and tuple(tokens[-size:]) in LEGAL_FORMS:
            return size
    return 0


def _sizes_by(end: int) -> dict[str, tuple[int, ...]]:
    # The lengths of the legal forms that begin (end 0) or end (end -1) with each
    # word, longest first: the only sizes worth trying at that end of a name.
    sizes: dict[str, set[int]] = {}
    for form in LEGAL_FORMS:
        sizes.setdefault(form[end], set()).add(len(form))
    return {
        word: tuple(sorted(lengths, reverse=True)) for word, lengths in sizes.items()
    }


_SIZES_BY_FIRST = _sizes_by(0)
_SIZES_BY_LAST = _sizes_by(-1)


_PLACES: frozenset[str] = frozenset(fold(place) for place in list_municipalities())
_MUNICIPALITY = "kunta"
_GRADATION = (
    ("nki", "ngin"),
    ("hti", "hden"),
    ("ki", "en"),
    ("si", "den"),
    ("nen", "sten"),
    ("nta", "nnan"),
    ("rku", "run"),
    ("kka", "kan"),
    ("ppa", "pan"),
    ("tta", "tan"),
    ("e", "een"),
)
"""Endings of municipality names and of their genitives: Helsinki, Helsingin."""


def _genitives(place: str) -> set[str]:
    stem = place[:-1]
    forms = {place + "n", place + "en", stem + "en", stem + "in"}
    forms.update(
        place[: -len(ending)] + genitive
        for ending, genitive in _GRADATION
        if place.endswith(ending)
    )
    return forms


def _nominatives() -> dict[str, str]:
    # Every genitive the common patterns give, read back to its municipality; one
    # that two municipalities share or that is itself a municipality is left out.
    found: dict[str, set[str]] = {}
    for place in _PLACES:
        for genitive in _genitives(place):
            found.setdefault(genitive, set()).add(place)
    return {
        genitive: next(iter(places))
        for genitive, places in found.items()
        if len(places) == 1 and genitive not in _PLACES
    }


_NOMINATIVES = _nominatives()
