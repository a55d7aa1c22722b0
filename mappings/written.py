"""How an organisation's name is written, as choosing the best-written name reads it.

``WrittenName.of`` reads one name: the name without its qualifiers, normalised; the
legal forms it carries; whether it is a short form in capitals ("IBF", "TEK ry");
whether it carries a qualifier (``names.strip_qualifiers``) or a trailing place;
and its case, graded proper, oddly spelled legal form ("Eriol OY"), ALL CAPS, all
lowercase. ``read_names`` reads many, for a worker process (``sync.parallel``);
``sync.resolve.golden_name`` chooses among the readings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

from mappings.names import fold, normalise_name, strip_qualifiers

__all__ = [
    "ACRONYM_LENGTH",
    "FORM_SPELLINGS",
    "LOWER",
    "ODD_FORM",
    "PROPER",
    "UPPER",
    "WrittenName",
    "read_names",
]

ACRONYM_LENGTH = 5
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
PROPER, ODD_FORM, UPPER, LOWER = range(4)
"""The grades of a name's case, best first."""


class WrittenName(NamedTuple):
    """What the rules read of one written name, apart from the name itself.

    ``form`` is the name without qualifiers, normalised; its words are the tokens.
    """

    form: str
    codes: tuple[str, ...]
    acronym: bool
    qualified: bool
    casing: int

    @classmethod
    def of(cls, name: str) -> WrittenName:
        """Read a non-empty name as written."""
        head = strip_qualifiers(name)
        normalised = normalise_name(head)
        return cls(
            normalised.text,
            normalised.codes,
            _is_acronym(head, normalised.tokens),
            head != name.strip() or normalised.place is not None,
            _casing(name),
        )


def read_names(names: Sequence[str]) -> list[WrittenName]:
    """Return ``WrittenName.of`` each name, equal legal-form codes shared.

    Args:
        names: non-empty names as written.

    Returns:
        The readings, in order.
    """
    shared: dict[tuple[str, ...], tuple[str, ...]] = {}
    readings = []
    for name in names:
        reading = WrittenName.of(name)
        if reading.codes:
            reading = reading._replace(
                codes=shared.setdefault(reading.codes, reading.codes)
            )
        readings.append(reading)
    return readings


def _casing(name: str) -> int:
    """Grade a name's case, best first: proper, odd legal form, ALL CAPS, lowercase.

    Proper is capitals and small letters mixed, with the short legal forms spelled
    as usual ("Oy", "ry"); a name without letters counts as proper.
    """
    case = _ascii_case(name) if name.isascii() else _case(name)
    if case != PROPER:
        return case
    words = _WORD.findall(name)
    odd = any(FORM_SPELLINGS.get(word.lower(), word) != word for word in words)
    return ODD_FORM if odd else PROPER


def _ascii_case(name: str) -> int:
    # In ASCII the letters are a-z and A-Z, so comparing the name with its upper
    # and lower case tells what ``_case`` tells, without a test per character.
    upper, lower = name.upper(), name.lower()
    if upper == lower:
        return PROPER
    if name == upper:
        return UPPER
    return LOWER if name == lower else PROPER


def _case(name: str) -> int:
    letters = "".join(filter(str.isalpha, name))
    if not letters:
        return PROPER
    if not any(map(str.islower, letters)):
        return UPPER
    if not any(map(str.isupper, letters)):
        return LOWER
    return PROPER


def _is_acronym(head: str, tokens: tuple[str, ...]) -> bool:
    if len(tokens) != 1 or not 2 <= len(tokens[0]) <= ACRONYM_LENGTH:
        return False
    return any(
        word.isupper() and fold(word) == tokens[0] for word in _WORD.findall(head)
    )
