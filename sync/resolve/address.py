"""Street addresses reduced to a house number, a street word and a comparable key.

Finnish addresses put the number after the street ("Hämeenkatu 10 A 5"), US ones
before it ("221 E. 51st St."); both reduce to the first number and the first street
word that is not a compass direction, with common street-type words abbreviated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from mappings.names import fold

__all__ = ["ParsedAddress", "parse_address"]

_ABBREVIATIONS = {
    "street": "st",
    "str": "st",
    "avenue": "ave",
    "av": "ave",
    "road": "rd",
    "boulevard": "blvd",
    "drive": "dr",
    "place": "pl",
    "parkway": "pkwy",
    "lane": "ln",
    "court": "ct",
    "square": "sq",
    "highway": "hwy",
    "terrace": "ter",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "katu": "k",
    "tie": "t",
}
_DIRECTIONS = frozenset({"n", "s", "e", "w", "ne", "nw", "se", "sw"})
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$")
_WORD = re.compile(r"[^\W_]+")
_CORE_SIZE = 4


@dataclass(frozen=True, slots=True)
class ParsedAddress:
    """An address as compared: its key, house number and first street word."""

    key: str
    house: str | None
    street: str | None


@lru_cache(maxsize=65536)
def parse_address(text: str) -> ParsedAddress | None:
    """Reduce a street address to what two spellings of it share.

    Args:
        text: the address as written ("2929 W. 19th St.", "Hämeenkatu 10 A 5").

    Returns:
        The parsed address, or None when it holds no word.
    """
    words = [_canonical(word) for word in _WORD.findall(fold(text))]
    if not words:
        return None
    house = next((word for word in words if word.isdigit()), None)
    street = next(
        (word for word in words if word != house and word not in _DIRECTIONS), None
    )
    core = words[:_CORE_SIZE]

    return ParsedAddress(key=" ".join(core), house=house, street=street)


def _canonical(word: str) -> str:
    ordinal = _ORDINAL.match(word)
    if ordinal:
        return ordinal.group(1)
    return _ABBREVIATIONS.get(word, word)
