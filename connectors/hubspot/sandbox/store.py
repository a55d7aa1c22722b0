"""The sandbox's account state: companies, merges, unique values, owners, properties.

Every read and write goes through one re-entrant lock, so a handler that needs several
steps to be atomic (a batch, a merge) holds ``store.lock`` around them. Listing walks a
sorted list of ids from a cursor, so a page costs O(page) even with 100k companies.
Company ids grow with every creation; a merge makes a new id, and the merged-away ids
keep resolving to it.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from connectors.hubspot.sandbox.errors import CONFLICT, SandboxAPIError, not_found
from connectors.hubspot.sandbox.properties import PropertyRegistry

FIRST_COMPANY_ID = 20_000_000_001


@dataclass(slots=True)
class Company:
    """One company record; ``properties`` holds only non-empty values."""

    id: int
    properties: dict[str, str]
    created_at: int
    updated_at: int
    archived: bool = False
    archived_at: int | None = None

    def value(self, name: str) -> str | None:
        """Return a property value, the system ones included, or ``None``."""
        if name == "hs_object_id":
            return str(self.id)
        if name == "createdate":
            return str(self.created_at)
        if name == "hs_lastmodifieddate":
            return str(self.updated_at)
        return self.properties.get(name)


@dataclass(slots=True)
class Owner:
    """A HubSpot user who can own records; ``teams`` are the institution's units."""

    id: str
    email: str
    first_name: str
    last_name: str
    user_id: int
    teams: list[dict[str, Any]] = field(default_factory=list)
    archived: bool = False
    created_at: int = 0
    updated_at: int = 0


def wall_clock_ms() -> int:
    """Return the current time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class CompanyStore:
    """All state of one sandbox account, safe to share between request threads."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._last_ms = wall_clock_ms()
        self.registry = PropertyRegistry(self._last_ms)
        self.owners: list[Owner] = []
        self._companies: dict[int, Company] = {}
        self._active: list[int] = []
        self._archived: list[int] = []
        self._merged: dict[int, int] = {}
        self._unique: dict[str, dict[str, int]] = {}
        self._next_id = FIRST_COMPANY_ID

    def load(self, companies: Iterable[Company], owners: Iterable[Owner]) -> None:
        """Replace the account's companies and owners with seed data."""
        with self.lock:
            self._companies = {company.id: company for company in companies}
            self.owners = list(owners)
            self._active = sorted(
                c.id for c in self._companies.values() if not c.archived
            )
            self._archived = sorted(
                c.id for c in self._companies.values() if c.archived
            )
            self._merged.clear()
            self._unique.clear()
            self._next_id = max(self._companies, default=FIRST_COMPANY_ID - 1) + 1
            newest = max((c.updated_at for c in self._companies.values()), default=0)
            self._last_ms = max(self._last_ms, newest)

    @property
    def size(self) -> int:
        """Return how many companies exist, archived ones included."""
        return len(self._companies)

    def tick(self) -> int:
        """Return a write timestamp later than every earlier one, in epoch ms."""
        with self.lock:
            self._last_ms = max(wall_clock_ms(), self._last_ms + 1)
            return self._last_ms

    def resolve(self, object_id: str) -> Company | None:
        """Return the company an id names, following merges; ``None`` if unknown."""
        if not object_id.isdigit():
            return None
        number = int(object_id)
        while number in self._merged:
            number = self._merged[number]
        return self._companies.get(number)

    def get(self, object_id: str, *, archived: bool = False) -> Company:
        """Return one company by id, its merge survivor for a merged-away id.

        Raises:
            SandboxAPIError: 404 when the id is unknown or its archived state differs.
        """
        with self.lock:
            company = self.resolve(object_id)
            if company is None or company.archived != archived:
                raise not_found(object_id)
            return company

    def page(
        self, after: int | None, limit: int, *, archived: bool = False
    ) -> tuple[list[Company], int | None]:
        """Return up to ``limit`` companies from id ``after`` on, and the next id."""
        with self.lock:
            order = self._archived if archived else self._active
            start = bisect.bisect_left(order, after or 0)
            ids = order[start : start + limit + 1]
            companies = [self._companies[company_id] for company_id in ids[:limit]]
            return companies, ids[limit] if len(ids) > limit else None

    def active(self) -> list[Company]:
        """Return a snapshot of every company that is not archived."""
        with self.lock:
            return [self._companies[company_id] for company_id in self._active]

    def find_unique(self, name: str, value: str) -> Company | None:
        """Return the active company holding ``value`` in unique property ``name``."""
        with self.lock:
            company_id = self._unique_index(name).get(value)
            return None if company_id is None else self._companies[company_id]

    def create(self, values: Mapping[str, Any], now: int) -> Company:
        """Create a company from property values.

        Raises:
            SandboxAPIError: 400 for an invalid value, 409 for a taken unique value.
        """
        with self.lock:
            checked = self.registry.check_values(values, is_owner=self.is_owner)
            properties = {name: text for name, text in checked.items() if text}
            self._check_unique(properties, None)
            company = Company(self._next_id, properties, now, now)
            self._next_id += 1
            self._insert(company)
            return company

    def update(self, object_id: str, values: Mapping[str, Any], now: int) -> Company:
        """Set the given properties of a company; ``""`` clears one.

        Raises:
            SandboxAPIError: 404 for an unknown id, 400 for an invalid value, 409 for
                a taken unique value.
        """
        with self.lock:
            company = self.get(object_id)
            checked = self.registry.check_values(values, is_owner=self.is_owner)
            self._check_unique(checked, company.id)
            self._unindex(company)
            for name, text in checked.items():
                if text:
                    company.properties[name] = text
                else:
                    company.properties.pop(name, None)
            company.updated_at = now
            self._index(company)
            return company

    def archive(self, object_id: str, now: int) -> None:
        """Move a company to the recycle bin; ignore an unknown id, as HubSpot does."""
        with self.lock:
            company = self.resolve(object_id)
            if company is None or company.archived:
                return
            self._unindex(company)
            self._active.remove(company.id)
            bisect.insort(self._archived, company.id)
            company.archived, company.archived_at, company.updated_at = True, now, now

    def merge(self, primary_id: str, other_id: str, now: int) -> Company:
        """Merge two companies into a new one under a new id, as HubSpot does.

        Values come from the primary; its blanks are filled from the other.

        Raises:
            SandboxAPIError: 404 for an unknown id, 400 when both ids name one company.
        """
        with self.lock:
            primary, other = self.get(primary_id), self.get(other_id)
            if primary.id == other.id:
                raise SandboxAPIError(
                    400, "VALIDATION_ERROR", "Cannot merge a company into itself"
                )
            properties = {**other.properties, **primary.properties}
            properties["hs_merged_object_ids"] = _merged_ids(primary, other)
            for company in (primary, other):
                self._unindex(company)
                self._active.remove(company.id)
                del self._companies[company.id]
            merged = Company(self._next_id, properties, primary.created_at, now)
            self._next_id += 1
            for company in (primary, other):
                self._merged[company.id] = merged.id
            self._insert(merged)
            return merged

    def is_owner(self, owner_id: str) -> bool:
        """Tell whether ``owner_id`` is the id of an existing owner."""
        return any(owner.id == owner_id for owner in self.owners)

    def _insert(self, company: Company) -> None:
        self._companies[company.id] = company
        self._active.append(company.id)
        self._index(company)

    def _unique_index(self, name: str) -> dict[str, int]:
        return self._unique.setdefault(name, {})

    def _check_unique(self, values: Mapping[str, str], own_id: int | None) -> None:
        for name in self.registry.unique_names:
            value = values.get(name)
            holder = self._unique_index(name).get(value) if value else None
            if holder is not None and holder != own_id:
                raise SandboxAPIError(
                    409,
                    CONFLICT,
                    f'A company with {name}="{value}" already exists; the property '
                    f"has unique values. Existing ID: {holder}",
                    context={"id": [str(holder)], "propertyName": [name]},
                )

    def _index(self, company: Company) -> None:
        for name in self.registry.unique_names:
            value = company.properties.get(name)
            if value:
                self._unique_index(name)[value] = company.id

    def _unindex(self, company: Company) -> None:
        for name in self.registry.unique_names:
            value = company.properties.get(name)
            if value and self._unique_index(name).get(value) == company.id:
                del self._unique_index(name)[value]


def _merged_ids(primary: Company, other: Company) -> str:
    ids: list[str] = []
    for company in (primary, other):
        earlier = company.properties.get("hs_merged_object_ids", "")
        ids.extend(part for part in earlier.split(";") if part)
        ids.append(str(company.id))
    return ";".join(dict.fromkeys(ids))
