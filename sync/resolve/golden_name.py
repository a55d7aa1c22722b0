"""The name on a partner's golden record: the best written form most members use.

Every other field takes the value of the best-ranked member (``golden``), but the
best-ranked record is often not the best-written name: a project row says "IBF", a
unit adds ", Tilakeskus", a CRM user types "orage oy". So the name is chosen from all
members' names; the first by these rules, in order, wins:

1. **Not a short form.** A name whose distinctive part is one word, either of at
   most ``mappings.written.ACRONYM_LENGTH`` capitals ("IBF", "TEK ry") or found in a
   member name of two or more words of at least ``MIN_WORD`` letters ("Tredu" beside
   "Tampereen seudun ammattiopisto Tredu", but not "Pixact" beside a mistyped "Pixact
   y"), gives way to a full name ("Innovaatiorahoituskeskus Business Finland").
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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from mappings.written import WrittenName

__all__ = ["MIN_WORD", "choose_name"]

MIN_WORD = 3
H = TypeVar("H", bound=Hashable)


def choose_name(
    names: Sequence[str | None],
    *,
    readings: Mapping[str, WrittenName] | None = None,
) -> str | None:
    """Return the golden name among the members' names.

    Args:
        names: the members' names, best-ranked member first; empty ones are skipped.
        readings: ``WrittenName.of`` some of the names, read before; the others
            are read here.

    Returns:
        The name the rules in the module docstring choose, or None when every name
        is empty.
    """
    given = [name for name in names if name and name.strip()]
    if len(set(given)) <= 1:
        return given[0] if given else None
    known = readings or {}
    read = {
        name: known.get(name) or WrittenName.of(name) for name in dict.fromkeys(given)
    }
    written = [read[name] for name in given]
    tokens = {name: reading.form.split() for name, reading in read.items()}
    forms = _tally(item.form for item in written)
    in_longer = {
        token
        for words in (tokens[name] for name in given)
        if sum(len(token) >= MIN_WORD for token in words) > 1
        for token in words
    }
    form_codes = _tally((item.form, item.codes) for item in written)
    spellings = _tally(given)

    def key(rank: int) -> tuple[int, ...]:
        item = written[rank]
        name = given[rank]
        short = item.acronym or (len(tokens[name]) == 1 and item.form in in_longer)
        return (
            short,
            item.qualified,
            -forms[item.form],
            item.casing,
            -form_codes[(item.form, item.codes)],
            -spellings[name],
            not item.codes,
            rank,
        )

    return given[min(range(len(written)), key=key)]


def _tally(values: Iterable[H]) -> dict[H, int]:
    # ``Counter`` costs more to set up than counting the few names of a partner.
    counts: dict[H, int] = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts
