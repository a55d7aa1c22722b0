"""The HubSpot connector: sidos's CRM, read and written through the CRM v3 API."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Sequence

import requests
import structlog

from connectors.base import BatchResult, CompanyWrite, Owner
from connectors.http import (
    CallStats,
    JSONClient,
    Limiter,
    authorise_session,
    build_session,
)
from connectors.hubspot import companies, owners, properties, writes
from connectors.hubspot.account import account_limiter, require_token, retry_policy
from connectors.hubspot.models import Company, parse
from connectors.hubspot.paging import PAGE_LIMIT
from connectors.hubspot.schema import OWN_PROPERTIES, PARTNER_ID
from connectors.hubspot.search import SEARCH_LIMIT, ModifiedSearch, parse_cursor
from mappings.model import SourceRecord
from sync.settings import CRMSettings

log = structlog.get_logger(__name__)

# Below this many listing calls' worth of search time, an incremental read searches
# without first asking how many companies the account holds.
LISTING_PAGES_WORTH_ASKING = 50


class HubSpotConnector:
    """Read and write a HubSpot account's companies, owners and sidos's properties.

    Every call goes through one limiter per account and process, is retried under
    the settings' policy, and is counted in ``stats``.
    """

    def __init__(
        self,
        settings: CRMSettings,
        *,
        session: requests.Session | None = None,
        limiter: Limiter | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        token = require_token(settings)
        self.name = settings.name
        self.settings = settings
        self.stats = CallStats()
        self.merged_ids: dict[str, str] = {}
        self._clock = clock
        self._cursor: str | None = None
        self._complete = False
        self._api = JSONClient(
            settings.base_url,
            authorise_session(session or build_session(), token),
            limiter=limiter or account_limiter(settings, token),
            retry=retry_policy(settings),
            timeout=settings.timeout_seconds,
            stats=self.stats,
            sleep=sleep,
        )

    @property
    def company_properties(self) -> list[str]:
        """Return the company properties read: mapped fields, sidos's own, system."""
        names = [*self.settings.fields.values(), *OWN_PROPERTIES]
        return list(dict.fromkeys([*names, *companies.SYSTEM_PROPERTIES]))

    def pull(self, cursor: str | None = None) -> Iterator[SourceRecord]:
        """Yield every company for ``None``, else those changed since ``cursor``.

        Archived companies are yielded too, with ``archived=True``, so that deletes
        are seen. ``next_cursor`` is set once the records are exhausted.

        Args:
            cursor: epoch milliseconds as a string, from ``next_cursor``.

        Yields:
            One record per company.

        Raises:
            ValueError: ``cursor`` is not epoch milliseconds.
            FatalAPIError: HubSpot refused a read.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        self._cursor = cursor
        self._complete = cursor is None
        started = time.perf_counter()
        count = 0
        records = self._pull_all() if cursor is None else self._pull_changed(cursor)
        for record in records:
            count += 1
            yield record

        log.info(
            "hubspot.pull_finished",
            mode="full" if cursor is None else "incremental",
            records=count,
            cursor=self._cursor,
            duration_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def next_cursor(self) -> str | None:
        """Return the cursor to resume from: where the last exhausted pull ended."""
        return self._cursor

    def is_complete(self) -> bool:
        """Tell whether the last pull listed every company, not only changes."""
        return self._complete

    def ensure_schema(self) -> None:
        """Create sidos's property group and properties where they are missing.

        Raises:
            FatalAPIError: a property could not be created, or the token lacks
                the ``crm.schemas.companies.write`` scope.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        properties.ensure_schema(self._api)

    def pull_owners(self) -> list[Owner]:
        """Return every owner, archived (deactivated) ones included.

        Raises:
            FatalAPIError: the listing was refused.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        return owners.list_owners(self._api)

    def fetch_companies(self, ids: Sequence[str]) -> dict[str, SourceRecord]:
        """Read companies by id and say which record answers each id.

        Args:
            ids: company ids, any number.

        Returns:
            The record for each requested id found; merged ids map to survivors.

        Raises:
            FatalAPIError: a read was refused.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Company] = {}
        for start in range(0, len(wanted), companies.BATCH_LIMIT):
            chunk = wanted[start : start + companies.BATCH_LIMIT]
            found.update(
                companies.read_batch(self._api, chunk, self.company_properties)
            )

        remapped = {
            old: company.id for old, company in found.items() if old != company.id
        }
        self.merged_ids.update(remapped)
        log.info(
            "hubspot.companies_read",
            requested=len(wanted),
            found=len(found),
            remapped=len(remapped),
        )
        return {old: companies.to_record(self.name, c) for old, c in found.items()}

    def fetch_partner_companies(
        self, partner_ids: Sequence[str]
    ) -> dict[str, SourceRecord]:
        """Read companies by the unique partner id sidos gave them.

        Args:
            partner_ids: partner ids, any number.

        Returns:
            The record of the company holding each partner id found.

        Raises:
            FatalAPIError: a read was refused.
            RetriableAPIError: HubSpot stayed unavailable through every retry.
        """
        wanted = list(dict.fromkeys(partner_ids))
        found: dict[str, Company] = {}
        for start in range(0, len(wanted), companies.BATCH_LIMIT):
            chunk = wanted[start : start + companies.BATCH_LIMIT]
            found.update(
                companies.read_batch_by(
                    self._api, chunk, PARTNER_ID, self.company_properties
                )
            )
        return {pid: companies.to_record(self.name, c) for pid, c in found.items()}

    def write_companies(self, writes_: Sequence[CompanyWrite]) -> BatchResult:
        """Update companies by id and upsert the rest by partner id, 100 per call.

        Args:
            writes_: the companies to write, each with a unique key.

        Returns:
            Per key: the company id written, whether it was created, or why not.

        Raises:
            FatalAPIError: the account refused the writes as a whole (401, 403).
        """
        return writes.write_companies(self._api, writes_)

    def merge_companies(self, primary_id: str, merged_id: str) -> str:
        """Merge ``merged_id`` into ``primary_id``; return the surviving id.

        HubSpot gives the merged company a new id; both old ids then resolve to it.
        A merge is not repeated after a failure the server may have acted on.

        Args:
            primary_id: the company whose values win.
            merged_id: the company merged into it.

        Returns:
            The id of the merged company.

        Raises:
            FatalAPIError: HubSpot refused the merge.
            RetriableAPIError: HubSpot was unavailable; the merge may not have run.
        """
        path = f"{companies.COMPANIES_PATH}/merge"
        body = {"primaryObjectId": primary_id, "objectIdToMerge": merged_id}
        reply = self._api.post(path, body, kind="merge", idempotent=False)
        new_id = parse(Company, reply.body, endpoint=path).id

        self.merged_ids.update({primary_id: new_id, merged_id: new_id})
        log.info(
            "hubspot.companies_merged",
            primary_id=primary_id,
            merged_id=merged_id,
            new_id=new_id,
        )
        return new_id

    def _pull_all(self) -> Iterator[SourceRecord]:
        started_ms = self._now_ms()
        newest: int | None = None
        for company in companies.list_companies(self._api, self.company_properties):
            newest = max(newest or 0, company.modified_ms() or 0)
            yield companies.to_record(self.name, company)
        yield from self._pull_archived(since_ms=None)

        horizon_ms = int(self.settings.search_horizon_seconds * 1000)
        self._cursor = str(
            min(newest, started_ms) if newest else started_ms - horizon_ms
        )

    def _pull_changed(self, cursor: str) -> Iterator[SourceRecord]:
        previous = parse_cursor(cursor)
        start = previous - int(self.settings.search_lookback_seconds * 1000)
        end = self._now_ms() - int(self.settings.search_horizon_seconds * 1000)
        if end >= start:
            search = ModifiedSearch(self._api, self.company_properties)
            changed = search.changed(start, end)
            if self._listing_is_quicker(search, changed):
                self._complete = True
                yield from self._pull_all()
                return
            for company in search.between(start, end):
                yield companies.to_record(self.name, company)
        yield from self._pull_archived(since_ms=start)

        self._cursor = str(max(end, previous))

    def _listing_is_quicker(self, search: ModifiedSearch, changed: int) -> bool:
        # Searching pays off while the changes are a small share of the account;
        # after a bulk edit (or sidos's own first sync) listing everything is quicker.
        search_seconds = (
            math.ceil(changed / SEARCH_LIMIT) / self.settings.search_per_second
        )
        limit = self.settings.rate_limit
        if search_seconds * limit.requests / limit.seconds < LISTING_PAGES_WORTH_ASKING:
            return False
        live = search.everything()
        list_seconds = math.ceil(live / PAGE_LIMIT) * limit.seconds / limit.requests
        quicker = list_seconds < search_seconds
        log.info(
            "hubspot.incremental_read_planned",
            changed=changed,
            live=live,
            read="listing" if quicker else "search",
        )
        return quicker

    def _pull_archived(self, *, since_ms: int | None) -> Iterator[SourceRecord]:
        listing = companies.list_companies(
            self._api, self.company_properties, archived=True
        )
        for company in listing:
            if since_ms is None or _archived_since(company, since_ms):
                archived = company.model_copy(update={"archived": True})
                yield companies.to_record(self.name, archived)

    def _now_ms(self) -> int:
        return int(self._clock() * 1000)


def _archived_since(company: Company, since_ms: int) -> bool:
    if company.archived_at is None:
        return True
    return company.archived_at.timestamp() * 1000 >= since_ms
