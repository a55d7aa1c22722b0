"""The seam between sidos and the systems it reads and writes.

A ``Source`` yields records; a ``CRM`` is a source that also owns the company records
sidos writes back. Tests and the sandbox replace these, never the HTTP underneath.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from mappings.model import SourceRecord


@dataclass(frozen=True, slots=True)
class Owner:
    """A CRM user who can own records: a KAM candidate and a unit's staff member."""

    id: str
    email: str
    first_name: str = ""
    last_name: str = ""
    teams: tuple[str, ...] = ()
    archived: bool = False


@dataclass(frozen=True, slots=True)
class CompanyWrite:
    """One company to create or change, keyed for idempotency.

    ``company_id`` set: update that company. Otherwise upsert by ``partner_id`` on the
    unique partner-id property, which makes a repeated create a no-op.
    """

    key: str
    properties: Mapping[str, str]
    company_id: str | None = None
    partner_id: str | None = None


@dataclass
class BatchResult:
    """What a batch write did, item by item, by ``CompanyWrite.key``."""

    written: dict[str, str] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)


class Source(Protocol):
    """A configured system sidos reads organisations from."""

    name: str

    def pull(self, cursor: str | None = None) -> Iterator[SourceRecord]:
        """Yield the records changed since ``cursor`` (all of them for ``None``)."""
        ...

    def next_cursor(self) -> str | None:
        """Return the cursor to resume from once a pull is exhausted."""
        ...

    def is_complete(self) -> bool:
        """Tell whether the last pull yielded every record the source holds.

        After a complete pull, stored records it did not yield are gone from the source.
        """
        ...


class CRM(Source, Protocol):
    """The CRM: a source whose companies sidos also writes."""

    def ensure_schema(self) -> None:
        """Create sidos's property group and properties where they are missing."""
        ...

    def pull_owners(self) -> list[Owner]:
        """Return every owner, archived ones included."""
        ...

    def fetch_companies(self, ids: Sequence[str]) -> dict[str, SourceRecord]:
        """Read companies by id; a merged id maps to its surviving company's record."""
        ...

    def fetch_partner_companies(
        self, partner_ids: Sequence[str]
    ) -> dict[str, SourceRecord]:
        """Read the companies holding these partner ids, by partner id."""
        ...

    def write_companies(self, writes: Sequence[CompanyWrite]) -> BatchResult:
        """Create or update companies in batches of the API's maximum size."""
        ...

    def merge_companies(self, primary_id: str, merged_id: str) -> str:
        """Merge ``merged_id`` into ``primary_id``; return the surviving id."""
        ...
