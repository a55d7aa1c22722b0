"""Incremental reads: companies changed in a time window, found by search.

HubSpot's search stops at 10,000 results per query and lags writes a little
(https://developers.hubspot.com/docs/api-reference/2026-03/crm/search-the-crm), so a
window is read in three moves:

1. filter ``hs_lastmodifieddate`` between the window's ends, sorted ascending;
2. a window with more than 10,000 matches is halved until each half fits;
3. a single millisecond with more rows than a page holds (a bulk edit) is pinned
   with ``EQ`` and read in ``hs_object_id`` order, by ``GT`` the last id.

Pages are walked by raising the window's start to the last timestamp seen rather
than by offset, so a record that changes while the window is read cannot shift
another one out of sight; the rows read twice that way are dropped by id.

``changed`` tells how many companies a window holds before it is read, from the
window's first page (kept for the read that follows), so that a caller can list the
account instead when most of it changed: a listing page holds 100 companies and
runs at the account's rate, a search page 200 at a few per second, and walking by
timestamp reads a page's last instant twice.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Any

import structlog

from connectors.http import JSONClient
from connectors.hubspot.companies import COMPANIES_PATH, MODIFIED_PROPERTY
from connectors.hubspot.models import Company, CompanyPage, parse

log = structlog.get_logger(__name__)

SEARCH_PATH = f"{COMPANIES_PATH}/search"
SEARCH_LIMIT = 200
SEARCH_CAP = 10_000
MODIFIED = MODIFIED_PROPERTY
OBJECT_ID = "hs_object_id"


class ModifiedSearch:
    """Read the companies modified in windows of time, each company once."""

    def __init__(self, api: JSONClient, properties: Sequence[str]) -> None:
        self._api = api
        self._properties = list(properties)
        self._seen: set[str] = set()
        self._opened: tuple[int, int, CompanyPage] | None = None
        self.pages = 0

    def changed(self, start_ms: int, end_ms: int) -> int:
        """Return how many companies changed in ``[start_ms, end_ms]``.

        The window's first page is kept, so reading the window next costs no call
        more than reading it without asking.

        Raises:
            FatalAPIError: the search was refused.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        page = self._range(start_ms, end_ms)
        self._opened = (start_ms, end_ms, page)
        return page.total

    def everything(self) -> int:
        """Return how many live companies the account holds, with one search call.

        Raises:
            FatalAPIError: the search was refused.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        body = {"filterGroups": [], "properties": [OBJECT_ID], "limit": 1}
        reply = self._api.post(SEARCH_PATH, body, kind="search", search=True)
        return parse(CompanyPage, reply.body, endpoint=SEARCH_PATH).total

    def between(self, start_ms: int, end_ms: int) -> Iterator[Company]:
        """Yield the companies whose last change falls in ``[start_ms, end_ms]``.

        Args:
            start_ms: the window's start, epoch milliseconds, inclusive.
            end_ms: the window's end, epoch milliseconds, inclusive.

        Yields:
            Each company not yet yielded by this search, oldest change first.

        Raises:
            FatalAPIError: a search was refused.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        for company in self._window(start_ms, end_ms):
            if company.id not in self._seen:
                self._seen.add(company.id)
                yield company

    def _window(self, low: int, high: int) -> Iterator[Company]:
        page = self._range(low, high)
        if page.total <= SEARCH_CAP:
            yield from self._walk(low, high, page)
        elif low >= high:
            yield from self._pinned(low)
        else:
            log.info("hubspot.search_window_split", start_ms=low, end_ms=high)
            middle = (low + high) // 2
            yield from self._window(low, middle)
            yield from self._window(middle + 1, high)

    def _walk(self, low: int, high: int, page: CompanyPage) -> Iterator[Company]:
        while True:
            yield from page.results
            if _is_last(page):
                return
            last = max((c.modified_ms() or low for c in page.results), default=low)
            if last <= low:
                yield from self._pinned(low)
                last = low + 1
            if last > high:
                return
            low = last
            page = self._range(low, high)

    def _pinned(self, stamp: int) -> Iterator[Company]:
        log.info("hubspot.search_timestamp_pinned", timestamp_ms=stamp)
        filters = [_filter(MODIFIED, "EQ", stamp)]
        page = self._query(filters, sort=OBJECT_ID)
        while True:
            yield from page.results
            if _is_last(page):
                return
            last_id = max(page.results, key=_numeric_id).id
            page = self._query([*filters, _filter(OBJECT_ID, "GT", last_id)], OBJECT_ID)

    def _range(self, low: int, high: int) -> CompanyPage:
        if self._opened is not None and self._opened[:2] == (low, high):
            page, self._opened = self._opened[2], None
            return page
        filters = [_filter(MODIFIED, "GTE", low), _filter(MODIFIED, "LTE", high)]
        return self._query(filters, sort=MODIFIED)

    def _query(self, filters: list[dict[str, str]], sort: str) -> CompanyPage:
        started = time.perf_counter()
        body: dict[str, Any] = {
            "filterGroups": [{"filters": filters}],
            "sorts": [{"propertyName": sort, "direction": "ASCENDING"}],
            "properties": self._properties,
            "limit": SEARCH_LIMIT,
        }
        reply = self._api.post(SEARCH_PATH, body, kind="search", search=True)
        page = parse(CompanyPage, reply.body, endpoint=SEARCH_PATH)
        self.pages += 1

        log.info(
            "hubspot.page_read",
            object_type="companies",
            search=True,
            page=self.pages,
            records=len(page.results),
            total=page.total,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        return page


def _filter(name: str, operator: str, value: int | str) -> dict[str, str]:
    return {"propertyName": name, "operator": operator, "value": str(value)}


def _is_last(page: CompanyPage) -> bool:
    return (
        not page.results or page.next_after() is None or len(page.results) >= page.total
    )


def _numeric_id(company: Company) -> int:
    return int(company.id) if company.id.isdigit() else 0


def parse_cursor(cursor: str) -> int:
    """Read an incremental cursor: epoch milliseconds as a string.

    Args:
        cursor: what ``next_cursor`` returned.

    Returns:
        The epoch milliseconds.

    Raises:
        ValueError: the cursor is not a whole number.
    """
    if not cursor.strip().isdigit():
        raise ValueError(
            f"cursor {cursor!r} is not epoch milliseconds; pass what next_cursor() "
            "returned, or None for a full read"
        )
    return int(cursor)
