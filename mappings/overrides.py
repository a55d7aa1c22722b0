"""Overrides: an admin pins an organisation to a category, whatever the rules say.

``config/overrides.yaml`` lists organisations by business id or by partner id, each
with the category it must have and the reason. Overrides are read on every run, so
they survive every rerun; when the rules would decide otherwise, the classification
says so (``override_conflict``), so that an admin can see whether a pin is still needed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from mappings.documents import load_document
from mappings.errors import ConfigError, ConfigProblem
from mappings.facts import normalise_business_id
from mappings.problems import validate_model
from mappings.rules import CategoryId, Identifier, Strict, Text, refuse
from mappings.yamlfile import YamlDocument


class OverrideEntry(Strict):
    """One pinned organisation, as written in the file."""

    business_id: Text | None = None
    partner_id: Text | None = None
    category: CategoryId
    secondary: list[CategoryId] | None = None
    flags: list[Identifier] = Field(default_factory=list)
    reason: Text
    by: str = ""
    decided: date | None = None

    @model_validator(mode="after")
    def _one_key(self) -> OverrideEntry:
        if (self.business_id is None) == (self.partner_id is None):
            refuse(
                "override_key",
                "an override needs exactly one of business_id and partner_id",
                "Name the organisation by its Y-tunnus or by the "
                "partner id sidos shows",
            )
        if (
            self.business_id is not None
            and normalise_business_id(self.business_id) is None
        ):
            refuse(
                "bad_business_id",
                f"{self.business_id!r} is not a valid business id",
                "Write a Y-tunnus such as 0211675-2 and check it in YTJ",
            )
        return self


class OverrideFile(Strict):
    """The whole of ``config/overrides.yaml``."""

    version: Literal[1] = 1
    overrides: list[OverrideEntry] = Field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Override:
    """A pinned category, ready to apply."""

    key: str
    category: str
    reason: str
    secondary: tuple[str, ...] | None = None
    flags: frozenset[str] = frozenset()
    line: int = 0


@dataclass(frozen=True)
class Overrides:
    """Every override, by business id and by partner id."""

    by_business_id: Mapping[str, Override] = field(default_factory=dict)
    by_partner_id: Mapping[str, Override] = field(default_factory=dict)
    source: str = ""

    def __len__(self) -> int:
        return len(self.by_business_id) + len(self.by_partner_id)

    def find(
        self, business_ids: Iterable[str | None], partner_id: str | None = None
    ) -> Override | None:
        """Return the override of a partner (by its id) or of its business ids.

        A partner id wins over business ids; among several business ids the smallest
        with an override wins, so the answer never depends on the members' order.
        """
        if partner_id is not None and partner_id in self.by_partner_id:
            return self.by_partner_id[partner_id]
        if not self.by_business_id:
            return None
        found = sorted(
            bid
            for bid in business_ids
            if bid is not None and bid in self.by_business_id
        )
        return self.by_business_id[found[0]] if found else None


NO_OVERRIDES = Overrides()


def load_overrides(path: Path) -> Overrides:
    """Read and check ``config/overrides.yaml``; an empty file holds no overrides.

    Raises:
        ConfigError: the file is missing, not valid YAML, breaks the model, or pins one
            organisation twice; each problem is located.
    """
    document = load_document(path)
    if document.data is None:
        return Overrides(source=str(path))
    entries = validate_model(document, OverrideFile, empty_hint="").overrides
    by_business_id: dict[str, Override] = {}
    by_partner_id: dict[str, Override] = {}
    problems: list[ConfigProblem] = []
    for index, entry in enumerate(entries):
        line, column = document.locate(("overrides", index))
        override = _override(entry, line)
        table = by_partner_id if entry.partner_id is not None else by_business_id
        if override.key in table:
            problems.append(_duplicate(document, override, table[override.key], column))
        table[override.key] = override
    if problems:
        raise ConfigError(problems)

    return Overrides(by_business_id, by_partner_id, str(path))


def _override(entry: OverrideEntry, line: int) -> Override:
    key = entry.partner_id or normalise_business_id(entry.business_id or "") or ""
    return Override(
        key=key,
        category=entry.category,
        reason=entry.reason,
        secondary=tuple(entry.secondary) if entry.secondary is not None else None,
        flags=frozenset(entry.flags),
        line=line,
    )


def _duplicate(
    document: YamlDocument, override: Override, first: Override, column: int
) -> ConfigProblem:
    return ConfigProblem(
        document.path,
        override.line,
        column,
        f"{override.key} is pinned twice (first at line {first.line})",
        "Keep one override per organisation",
    )
