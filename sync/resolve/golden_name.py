"""The name on a partner's golden record: the best written form most members use.

Every other field takes the value of the best-ranked member (``golden``), but the
best-ranked record is often not the best-written name: a project row says "IBF", a
unit adds ", Tilakeskus", a CRM user types "orage oy". So the name is chosen from all
members' names; the first by these rules, in order, wins:

1. **Not a short form.** A name whose distinctive part is one word, either of at
   most ``ACRONYM_LENGTH`` capitals ("IBF", "TEK ry") or found in a member name of
   two or more words of at least ``MIN_WORD`` letters ("Tredu" beside "Tampereen
   seudun ammattiopisto Tredu", but not "Pixact" beside a mistyped "Pixact y"), gives
   way to a full name ("Innovaatiorahoituskeskus Business Finland").
2. **No qualifier.** A name with a unit or place after a comma ("Tampereen kaupunki,
   Tilakeskus", "Eriol Oy, Tampere"), a note in brackets ("Pirkanmaan liitto
   (EAKR)") or a unit after a slash gives way to one without
   (``mappings.names.strip_qualifiers``).
3. **Most members agree.** The form shared by the most members wins: the name
   without qualifiers, normalised (``mappings.names.normalise_name``: case, ä/ö/å,
   legal forms and places taken off), so "PIRKANMAAN LIITTO" and "Pirkanmaan
   liitto, Tampere" both support "pirkanmaan liitto".
4. **Proper case.** Capitals and small letters mixed, with legal forms in their usual
   spelling ("Orage Oy"), before an oddly spelled legal form ("Eriol OY"), before ALL
   CAPS, before all lowercase.
5. **Most members agree on the legal form.** Within that form, the legal form most
   members use ("TreSolver Oy" twice before "TreSolver Oyj" once).
6. **Most members write it so.** The exact spelling most members use.
7. **A legal form written out** ("Abruzzi Oy" before "Abruzzi").
8. **Rank.** The member's rank for the name field as for every other field: business
   id, source order, recency, completeness, ref.

The rule is deterministic: it reads only the members' names and their rank. With
``MatchingSettings.golden_name`` set to ``rank`` only the last rule applies, and the
best-ranked member's name is taken as it is.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Sequence
from typing import NamedTuple, TypeVar

from mappings.names import NormalisedName, fold, normalise_name, strip_qualifiers

__all__ = ["ACRONYM_LENGTH", "FORM_SPELLINGS", "MIN_WORD", "choose_name"]

ACRONYM_LENGTH = 5
MIN_WORD = 3
FORM_SPELLINGS: dict[str, str] = {
    spelling.lower(): spelling
    for spelling in (
        "Oy",
        "Oyj",
        "Ab",
        "Abp",
        "Ky",
        "Kb",
        "Ay",
        "Hb",
        "Tmi",
        "Koy",
        "ry",
        "rf",
        "rs",
        "sr",
    )
}
"""The usual spelling of the short Finnish and Swedish legal forms, by folded form."""

_WORD = re.compile(r"[^\W_]+")
_PROPER, _ODD_FORM, _UPPER, _LOWER = range(4)
H = TypeVar("H", bound=Hashable)


class _Written(NamedTuple):
    """What the rules read of one written name."""

    name: str
    form: str
    tokens: tuple[str, ...]
    codes: tuple[str, ...]
    acronym: bool
    qualified: bool
    casing: int

    @classmethod
    def of(cls, name: str, known: NormalisedName | None = None) -> _Written:
        """Read a non-empty name as written, given ``normalise_name(name)`` if known."""
        head = strip_qualifiers(name)
        normalised = (
            known if known is not None and head == name else normalise_name(head)
        )
        return cls(
            name,
            normalised.text,
            normalised.tokens,
            normalised.codes,
            _is_acronym(head, normalised.tokens),
            head != name.strip() or normalised.place is not None,
            _casing(name),
        )


def choose_name(
    names: Sequence[str | None],
    *,
    normalised: Sequence[NormalisedName | None] | None = None,
) -> str | None:
    """Return the golden name among the members' names.

    Args:
        names: the members' names, best-ranked member first; empty ones are skipped.
        normalised: ``normalise_name`` of each name, aligned with ``names``, when
            already known; saves normalising each name again.

    Returns:
        The name the rules in the module docstring choose, or None when every name
        is empty.
    """
    known = dict(zip(names, normalised or [None] * len(names), strict=True))
    given = [name for name in names if name and name.strip()]
    if len(set(given)) <= 1:
        return given[0] if given else None
    read = {name: _Written.of(name, known[name]) for name in dict.fromkeys(given)}
    written = [read[name] for name in given]
    forms = _tally(item.form for item in written)
    in_longer = {
        token
        for item in written
        if sum(len(token) >= MIN_WORD for token in item.tokens) > 1
        for token in item.tokens
    }
    form_codes = _tally((item.form, item.codes) for item in written)
    spellings = _tally(given)

    def key(rank: int) -> tuple[int, ...]:
        item = written[rank]
        short = item.acronym or (len(item.tokens) == 1 and item.form in in_longer)
        return (
            short,
            item.qualified,
            -forms[item.form],
            item.casing,
            -form_codes[(item.form, item.codes)],
            -spellings[item.name],
            not item.codes,
            rank,
        )

    return written[min(range(len(written)), key=key)].name


def _tally(values: Iterable[H]) -> dict[H, int]:
    # ``Counter`` costs more to set up than counting the few names of a partner.
    counts: dict[H, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def _casing(name: str) -> int:
    """Grade a name's case, best first: proper, odd legal form, ALL CAPS, lowercase.

    Proper is capitals and small letters mixed, with the short legal forms spelled
    as usual ("Oy", "ry"); a name without letters counts as proper.
    """
    case = _ascii_case(name) if name.isascii() else _case(name)
    if case != _PROPER:
        return case
    words = _WORD.findall(name)
    odd = any(FORM_SPELLINGS.get(word.lower(), word) != word for word in words)
    return _ODD_FORM if odd else _PROPER


def _ascii_case(name: str) -> int:
    # In ASCII the letters are a-z and A-Z, so comparing the name with its upper
    # and lower case tells what ``_case`` tells, without a test per character.
    upper, lower = name.upper(), name.lower()
    if upper == lower:
        return _PROPER
    if name == upper:
        return _UPPER
    return _LOWER if name == lower else _PROPER


def _case(name: str) -> int:
    letters = "".join(filter(str.isalpha, name))
    if not letters:
        return _PROPER
    if not any(map(str.islower, letters)):
        return _UPPER
    if not any(map(str.isupper, letters)):
        return _LOWER
    return _PROPER
    words = _WORD.findall(name)
    odd = any(FORM_SPELLINGS.get(word.lower(), word) != word for word in words)
    return _ODD_FORM if odd else _PROPER


def _is_acronym(head: str, tokens: tuple[str, ...]) -> bool:
    if len(tokens) != 1 or not 2 <= len(tokens[0]) <= ACRONYM_LENGTH:
        return False
    return any(
        word.isupper() and fold(word) == tokens[0] for word in _WORD.findall(head)
    )
