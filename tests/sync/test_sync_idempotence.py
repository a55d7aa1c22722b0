"""Nothing twice, and only the changes: repeated and incremental syncs over HTTP."""

from __future__ import annotations

import math

from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.schema import PARTNER_ID
from sync.run import RunReport, execute
from sync.settings import Settings
from sync.state import open_store
from tests.sync.conftest import Person, calls, crm_state, write_calls


def single_company_partner(report: RunReport) -> tuple[str, str]:
    """Return a partner whose only record is one CRM company, and that company."""
    assert report.resolved is not None
    for partner in report.resolved.partners:
        [member, *others] = partner.members
        if not others and member.ref.source == "hubspot" and member.business_id:
            return partner.partner_id, member.ref.id
    raise AssertionError("the demo account has no single-company partner")


def crm_pull(report: RunReport) -> tuple[int, int]:
    """Return how many CRM records a run's pull found new and changed."""
    [pull] = [pull for pull in report.pulls if pull.source == "hubspot"]
    return pull.changes.new, pull.changes.changed


def test_sync_after_a_successful_sync_writes_nothing(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """A second sync makes no write call, and leaves every company as it was."""
    first = execute(settings, kind="sync")
    writes_after_first = write_calls(sandbox)
    state_after_first = crm_state(sandbox)

    second = execute(settings, kind="sync")

    assert first.applied is not None and first.applied.writes > 0
    assert first.applied.failed == {}
    assert second.plan.operations == []
    assert write_calls(sandbox) == writes_after_first
    assert crm_state(sandbox) == state_after_first


def test_plan_after_a_successful_sync_lists_no_operation(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Right after a sync, ``plan`` lists nothing to do; only proposals remain."""
    synced = execute(settings, kind="sync")
    writes_after_sync = write_calls(sandbox)

    planned = execute(settings, kind="plan")

    assert planned.plan.operations == []
    assert planned.applied is None
    assert planned.plan.proposals == synced.plan.proposals
    assert write_calls(sandbox) == writes_after_sync


def test_sync_after_sync_reads_its_own_writes_back_as_echoes(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """The run after a sync reads its own writes back as no change and plans nothing.

    An updated company read back equals the snapshot the write was folded into, so
    it keeps the time people last changed it; only the companies sidos created
    change, as the CRM adds its own properties to them.
    """
    first = execute(settings, kind="sync")

    second = execute(settings, kind="sync")

    assert first.applied is not None
    [pull] = [pull for pull in second.pulls if pull.source == "hubspot"]
    written = set(first.applied.done.values())
    created = {first.applied.done[key] for key in first.applied.created}
    assert created and len(written) > len(created)
    assert (pull.changes.new, pull.changes.changed) == (0, len(created))
    assert pull.changes.unchanged >= len(written - created)
    assert second.plan.operations == []


def test_sync_incremental_reads_only_the_edits_people_made(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """After edits by hand, a sync searches for them instead of listing everything."""
    first = execute(settings, kind="sync")
    execute(settings, kind="sync")
    _, renamed = single_company_partner(first)
    person.edit(renamed, name="Uusi Nimi Testaamo Oy")
    person.create(name="Kvanttikoneistamo Zyrtek Oy", city="Tampere")
    served_before = dict(sandbox.stats["calls"])

    third = execute(settings, kind="sync")

    served = sandbox.stats["calls"]
    assert crm_pull(third) == (1, 1)
    assert served["companies.search"] > served_before["companies.search"]
    assert served["companies.list"] - served_before["companies.list"] == 1
    assert third.api_calls["list"] == 1


def test_sync_incremental_plans_what_the_edits_call_for(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A company added by hand gets its partner; a renamed one keeps its new name."""
    first = execute(settings, kind="sync")
    execute(settings, kind="sync")
    _, renamed = single_company_partner(first)
    person.edit(renamed, name="Uusi Nimi Testaamo Oy")
    added = person.create(name="Kvanttikoneistamo Zyrtek Oy", city="Tampere")

    third = execute(settings, kind="sync")

    [operation] = third.plan.operations
    assert operation.company_id == added
    assert operation.properties[PARTNER_ID].startswith("p-")
    store = open_store(settings.state.url)
    stored = {record.ref.id: record for record in store.records("hubspot")}
    assert stored[renamed].fields["name"] == "Uusi Nimi Testaamo Oy"
    assert sandbox.store.get(renamed).properties["name"] == "Uusi Nimi Testaamo Oy"


def test_sync_first_run_writes_each_kind_in_the_fewest_batches(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Creates and updates go out in full batches of 100, one call per batch."""
    report = execute(settings, kind="sync")

    counts = report.plan.counts()
    assert calls(sandbox, "companies.batch_upsert") == math.ceil(counts["create"] / 100)
    assert calls(sandbox, "companies.batch_update") == math.ceil(counts["update"] / 100)


def test_sync_every_record_pulled_is_in_a_partner_or_set_aside(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Nothing is lost: each stored record has a partner or a reason to be apart.

    The second run is the one checked, so that the companies the first one created
    are stored records too and must be found in their partners.
    """
    execute(settings, kind="sync")
    report = execute(settings, kind="sync")

    assert report.resolved is not None
    store = open_store(settings.state.url)
    stored = {record.ref for record in store.records() if not record.archived}
    members = [m.ref for p in report.resolved.partners for m in p.members]
    set_aside = store.set_aside()
    assert len(members) == len(set(members))
    assert set(members) | set(set_aside) == stored
    assert not set(members) & set(set_aside)
    assert all(reason for reason in set_aside.values())
