"""The HubSpot connector against the sandbox, over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from connectors.base import CompanyWrite
from connectors.hubspot import HubSpotConnector
from connectors.hubspot.sandbox import SandboxServer
from sync.settings import CRMSettings, RateLimit

TOKEN = "sandbox-test-token"


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """Serve the demo account with HubSpot's limits for one test."""
    with SandboxServer(
        seed="demo", token=TOKEN, rate_limit=(190, 10.0), search_per_second=5
    ) as server:
        yield server


def connect(sandbox: SandboxServer, **overrides: object) -> HubSpotConnector:
    """Return a connector pointed at the sandbox."""
    settings = CRMSettings(base_url=sandbox.url, token=SecretStr(TOKEN), **overrides)
    return HubSpotConnector(settings)


def partner_writes(count: int) -> list[CompanyWrite]:
    """Return upserts of ``count`` new partners."""
    return [
        CompanyWrite(
            f"partner:{number}",
            {"name": f"Kumppani {number} Oy", "sidos_category": "funder"},
            partner_id=f"P{number:05d}",
        )
        for number in range(count)
    ]


def test_sandbox_pull_all_reads_every_company_with_minimum_calls(
    sandbox: SandboxServer,
) -> None:
    """A full pull reads every company, archived ones flagged, one call per page."""
    connector = connect(sandbox)

    records = list(connector.pull())

    assert len(records) == sandbox.stats["companies"]
    assert len({record.ref.id for record in records}) == len(records)
    live = sum(not record.archived for record in records)
    archived = len(records) - live
    expected_calls = -(-live // 100) + max(1, -(-archived // 100))
    assert connector.stats.total == expected_calls
    assert connector.next_cursor() is not None


def test_sandbox_ensure_schema_twice_second_only_reads(sandbox: SandboxServer) -> None:
    """The first run creates sidos's properties; the second makes only the read."""
    connector = connect(sandbox)

    connector.ensure_schema()
    after_first = connector.stats.total
    connector.ensure_schema()

    assert after_first == 3
    assert connector.stats.total - after_first == 1


def test_sandbox_write_creates_then_rerun_creates_nothing(
    sandbox: SandboxServer,
) -> None:
    """Upserting partners creates them once; the same writes again create none."""
    connector = connect(sandbox)
    connector.ensure_schema()
    writes = partner_writes(150)

    first = connector.write_companies(writes)
    second = connector.write_companies(writes)

    assert first.failed == {}
    assert first.created == {write.key for write in writes}
    assert second.created == set()
    assert second.written == first.written
    assert connector.stats.snapshot()["by_kind"]["batch_upsert"] == 4


def test_sandbox_update_by_id_and_read_back(sandbox: SandboxServer) -> None:
    """An update by company id changes the company, as a batch read shows."""
    connector = connect(sandbox)
    connector.ensure_schema()
    company_id = next(iter(connector.pull())).ref.id

    result = connector.write_companies(
        [CompanyWrite("u", {"sidos_units": "Tekniikka;Sote"}, company_id=company_id)]
    )
    records = connector.fetch_companies([company_id])

    assert result.written == {"u": company_id}
    assert records[company_id].fields["sidos_units"] == "Tekniikka;Sote"


def test_sandbox_merge_resolves_old_ids_to_the_new_one(sandbox: SandboxServer) -> None:
    """A merge gives a new id, and both old ids then read as the merged company."""
    connector = connect(sandbox)
    first, second = [record.ref.id for record in list(connector.pull())[:2]]

    new_id = connector.merge_companies(first, second)
    found = connector.fetch_companies([first, second])

    assert new_id not in {first, second}
    assert {record.ref.id for record in found.values()} == {new_id}
    assert connector.merged_ids[first] == new_id


def test_sandbox_owners_include_archived(sandbox: SandboxServer) -> None:
    """Owners come with their teams, deactivated ones included."""
    connector = connect(sandbox)

    owners = connector.pull_owners()

    assert owners
    assert any(owner.archived for owner in owners)
    assert all(owner.email for owner in owners)
    assert len({owner.id for owner in owners}) == len(owners)


def test_sandbox_incremental_pull_sees_own_writes(sandbox: SandboxServer) -> None:
    """After a full pull, an incremental one finds exactly the companies written."""
    connector = connect(sandbox, search_horizon_seconds=0, search_lookback_seconds=0)
    list(connector.pull())
    cursor = connector.next_cursor()
    connector.ensure_schema()
    result = connector.write_companies(partner_writes(5))

    changed = [record for record in connector.pull(cursor) if not record.archived]

    assert {record.ref.id for record in changed} >= set(result.written.values())
    assert int(connector.next_cursor() or 0) > int(cursor or 0)


def test_sandbox_tight_limit_is_never_exceeded() -> None:
    """Under a tight server limit, the client-side limiter avoids every 429."""
    with SandboxServer(seed=50, token=TOKEN, rate_limit=(20, 1.0)) as tight:
        connector = connect(tight, rate_limit=RateLimit(requests=20, seconds=1.0))

        for _ in range(30):
            connector.pull_owners()

    assert connector.stats.total == 60
    assert connector.stats.rate_limited == 0
    assert connector.stats.throttled_seconds > 0
