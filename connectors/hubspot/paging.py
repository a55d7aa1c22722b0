"""Read a HubSpot listing to its end, one page per call, by ``paging.next.after``."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping, Sequence
from typing import TypeVar

import structlog

from connectors.http import JSONClient
from connectors.hubspot.models import CompanyPage, OwnerPage, parse

log = structlog.get_logger(__name__)

PAGE_LIMIT = 100

P = TypeVar("P", CompanyPage, OwnerPage)


def read_pages(
    api: JSONClient,
    path: str,
    model: type[P],
    *,
    kind: str,
    params: Mapping[str, str | int | Sequence[str]],
    object_type: str,
) -> Iterator[P]:
    """Yield every page of a listing, following its cursor until the last page.

    Args:
        api: the client of the HubSpot account.
        path: the listing's URL path.
        model: the page shape.
        kind: the kind of call, for accounting.
        params: query parameters other than ``limit`` and ``after``.
        object_type: what the listing holds, for the page event.

    Yields:
        Each page, as it arrives.

    Raises:
        FatalAPIError: a page was refused or came in an unexpected shape.
        RetriableAPIError: HubSpot stayed unavailable through every retry.
    """
    after: str | None = None
    number = 0
    while True:
        started = time.perf_counter()
        query = {**params, "limit": PAGE_LIMIT, **({"after": after} if after else {})}
        page = parse(model, api.get(path, kind=kind, params=query).body, endpoint=path)
        number += 1

        log.info(
            "hubspot.page_read",
            object_type=object_type,
            archived=params.get("archived") == "true",
            page=number,
            records=len(page.results),
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )
        yield page

        after = page.next_after()
        if after is None:
            return
