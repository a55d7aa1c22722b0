"""Merges of duplicate CRM companies: by policy, once per pair, and by hand."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.schema import DUPLICATE_OF, PARTNER_ID, UNITS
from sync.cli import app
from sync.plan import Operation
from sync.run import RunReport, execute
from sync.settings import Settings, load_settings
from sync.state import open_store
from tests.sync.conftest import Person, calls, with_sync

LOW_THRESHOLD = 0.5
runner = CliRunner()


def merge_calls(sandbox: SandboxServer) -> int:
    """Return how many merge calls the sandbox served."""
    return calls(sandbox, "companies.merge")


def auto_merging(settings: Settings, **matching: object) -> Settings:
    """Return settings that merge every duplicate whose evidence passes 0.5."""
    merging = with_sync(settings, merge_policy="auto", merge_threshold=LOW_THRESHOLD)
    if not matching:
        return merging
    changed = merging.matching.model_copy(update=matching)
    return merging.model_copy(update={"matching": changed})


def id_map(settings: Settings) -> dict[str, str]:
    """Return the merged-away company ids the state store knows, to survivors."""
    store = open_store(settings.state.url)
    try:
        return store.ledger.company_id_map()
    finally:
        store.close()


def kept_merged_away(settings: Settings) -> list[str]:
    """Return the ids of the merged-away companies the state store keeps."""
    store = open_store(settings.state.url)
    try:
        return [kept.record.ref.id for kept in store.merged.records("hubspot")]
    finally:
        store.close()


def merged_pairs(report: RunReport) -> list[tuple[str, str]]:
    """Return the (primary, merged) company ids of a run's merges."""
    return [(op.company_id or "", op.merged_id or "") for op in report.plan.merges]


def with_own_units(report: RunReport) -> tuple[Operation, frozenset[str]]:
    """Return a merge proposal whose duplicate alone brings units, and those units."""
    assert report.resolved is not None
    partners = {p.partner_id: p for p in report.resolved.partners}
    for proposal in report.plan.proposals:
        members = partners[proposal.partner_id].members
        duplicate = next(m for m in members if m.ref.id == proposal.merged_id)
        others = frozenset().union(*(m.units for m in members if m is not duplicate))
        if duplicate.units - others:
            return proposal, duplicate.units - others
    raise AssertionError("no duplicate brings units of its own")


def units_of(sandbox: SandboxServer, company_id: str) -> set[str]:
    """Return the units sidos wrote on a company."""
    return set(sandbox.store.get(company_id).properties.get(UNITS, "").split(";"))


def test_sync_auto_merges_each_duplicate_pair_with_one_call(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Under `auto`, every planned merge is one call, and both old ids are mapped."""
    merging = auto_merging(settings)

    report = execute(merging, kind="sync")

    assert report.applied is not None and report.applied.failed == {}
    assert report.plan.merges
    assert merge_calls(sandbox) == len(report.plan.merges)
    assert len(report.applied.merged) == len(report.plan.merges)
    known = id_map(merging)
    for primary, merged in merged_pairs(report):
        survivor = known[primary]
        assert known[merged] == survivor
        assert sandbox.store.get(primary).id == int(survivor)
        assert sandbox.store.get(merged).id == int(survivor)


def test_sync_auto_merge_survivor_carries_the_partner_and_no_duplicate_mark(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """A merged company holds its partner's id, and is not marked a duplicate."""
    report = execute(auto_merging(settings), kind="sync")

    survivors = {
        op.partner_id: sandbox.store.get(op.company_id or "")
        for op in report.plan.merges
    }
    for partner_id, company in survivors.items():
        assert company.properties[PARTNER_ID] == partner_id
        assert DUPLICATE_OF not in company.properties


def test_sync_auto_merge_rerun_with_fixed_weights_merges_nothing_more(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """With the matching weights fixed, a rerun after the merges merges nothing."""
    merging = auto_merging(settings, learn_weights=False)
    execute(merging, kind="sync")
    merges_after_first = merge_calls(sandbox)

    rerun = execute(merging, kind="sync")

    assert rerun.plan.merges == []
    assert merge_calls(sandbox) == merges_after_first


def test_sync_auto_merge_rerun_merges_nothing_more(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """A rerun after the automatic merges makes no merge call."""
    merging = auto_merging(settings)
    execute(merging, kind="sync")
    merges_after_first = merge_calls(sandbox)

    execute(merging, kind="sync")

    assert merge_calls(sandbox) == merges_after_first


def test_sync_auto_merge_rerun_learns_the_weights_it_learnt_before(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Merges change none of the records the matching weights are learnt from."""
    merging = auto_merging(settings)
    first = execute(merging, kind="sync")

    rerun = execute(merging, kind="sync")

    assert first.plan.merges
    assert first.resolved is not None and rerun.resolved is not None
    assert rerun.resolved.resolution.weights == first.resolved.resolution.weights


def test_sync_auto_merge_rerun_with_fixed_weights_writes_nothing(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """With fixed weights, the run after the automatic merges writes nothing."""
    merging = auto_merging(settings, learn_weights=False)
    execute(merging, kind="sync")

    rerun = execute(merging, kind="sync")

    assert rerun.plan.operations == []


def test_sync_auto_merges_settle_within_four_runs(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Under `auto`, runs stop merging and writing by the fourth one."""
    merging = auto_merging(settings)

    reports = [execute(merging, kind="sync") for _ in range(4)]

    assert reports[-1].plan.operations == []
    assert all(r.applied is not None and r.applied.failed == {} for r in reports)


def test_sync_review_policy_proposes_merges_and_executes_none(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """Under `review`, duplicates are listed as proposals and no merge is called."""
    reviewing = with_sync(settings, merge_policy="review")

    report = execute(reviewing, kind="sync")

    assert report.plan.proposals
    assert all(op.kind == "merge" for op in report.plan.proposals)
    assert report.plan.merges == []
    assert merge_calls(sandbox) == 0


def test_sync_picks_up_a_merge_a_person_made_between_runs(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A merge done by hand drops the old ids from the snapshot and maps them."""
    first = execute(settings, kind="sync")
    proposal = first.plan.proposals[0]
    primary, other = proposal.company_id or "", proposal.merged_id or ""
    new_id = person.merge(primary, other)

    second = execute(settings, kind="sync")

    stored = {record.ref.id for record in open_store(settings.state.url).records()}
    assert primary not in stored and other not in stored
    assert new_id in stored
    known = id_map(settings)
    assert (known[primary], known[other]) == (new_id, new_id)
    touched = {
        company_id
        for op in [*second.plan.operations, *second.plan.proposals]
        for company_id in (op.company_id, op.merged_id)
    }
    assert not touched & {primary, other}
    assert not [
        op
        for op in second.plan.operations
        if op.kind == "create" and op.partner_id == proposal.partner_id
    ]


def test_sync_units_of_a_company_a_person_merged_away_still_count(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A merge keeps one owner; the other owner's units still work with the partner."""
    first = execute(settings, kind="sync")
    proposal, own = with_own_units(first)
    new_id = person.merge(proposal.company_id or "", proposal.merged_id or "")

    execute(settings, kind="sync")

    assert sandbox.store.get(new_id).properties[PARTNER_ID] == proposal.partner_id
    assert own <= units_of(sandbox, new_id)
    assert sorted(kept_merged_away(settings)) == sorted(
        [proposal.company_id, proposal.merged_id]
    )


def test_sync_units_of_a_company_a_person_archived_no_longer_count(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """An archived company is no merge: its owner's units drop out, as they did."""
    first = execute(settings, kind="sync")
    proposal, own = with_own_units(first)
    person.archive(proposal.merged_id or "")

    execute(settings, kind="sync")

    assert not own & units_of(sandbox, proposal.company_id or "")
    assert kept_merged_away(settings) == []


def test_sync_auto_merged_company_a_person_edits_counts_for_itself(
    sandbox: SandboxServer, settings: Settings, person: Person
) -> None:
    """A merged company a person edited is evidence of its own; its owner counts."""
    merging = auto_merging(settings, learn_weights=False)
    first = execute(merging, kind="sync")
    survivor = id_map(merging)[first.plan.merges[0].company_id or ""]
    units = units_of(sandbox, survivor)
    owner = next(
        o
        for o in sandbox.store.owners
        if o.teams and not o.archived and not {t["name"] for t in o.teams} & units
    )
    person.edit(survivor, hubspot_owner_id=owner.id)

    rerun = execute(merging, kind="sync")

    assert rerun.resolved is not None
    evidence = {m.ref.id for p in rerun.resolved.partners for m in p.records}
    assert survivor in evidence
    assert {team["name"] for team in owner.teams} <= units_of(sandbox, survivor)


def test_sync_review_executes_only_the_merges_a_person_approved(
    sandbox: SandboxServer, config: Path
) -> None:
    """Under `review`, `approve-merge` lets the next sync merge that partner only."""
    settings = load_settings(config)
    first = execute(settings, kind="sync")
    listed = runner.invoke(app, ["review", "merges", "--json", "--config", str(config)])
    candidates = json.loads(listed.output)
    chosen = candidates[0]

    approved = runner.invoke(
        app, ["review", "approve-merge", chosen["partner_id"], "--config", str(config)]
    )
    second = execute(settings, kind="sync")
    third = execute(settings, kind="sync")

    assert listed.exit_code == 0 and approved.exit_code == 0, approved.output
    proposed = {(op.company_id, op.merged_id) for op in first.plan.proposals}
    assert {(chosen["primary"], other) for other in chosen["others"]} <= proposed
    assert sorted(merged_pairs(second)) == sorted(
        (chosen["primary"], other) for other in chosen["others"]
    )
    assert merge_calls(sandbox) == len(chosen["others"])
    assert second.plan.proposals and third.plan.merges == []
    assert chosen["partner_id"] not in {op.partner_id for op in third.plan.proposals}


def test_review_approve_merge_of_one_company_leaves_the_others_proposed(
    sandbox: SandboxServer, config: Path
) -> None:
    """Naming companies approves those merges only."""
    settings = load_settings(config)
    execute(settings, kind="sync")
    listed = runner.invoke(app, ["review", "merges", "--json", "--config", str(config)])
    chosen = next(c for c in json.loads(listed.output) if len(c["others"]) > 1)
    first, *rest = chosen["others"]

    runner.invoke(
        app,
        [
            "review",
            "approve-merge",
            chosen["partner_id"],
            first,
            "--config",
            str(config),
        ],
    )
    again = runner.invoke(app, ["review", "merges", "--json", "--config", str(config)])
    second = execute(settings, kind="sync")

    [shown] = [
        c for c in json.loads(again.output) if c["partner_id"] == chosen["partner_id"]
    ]
    assert shown["approved"] == [first]
    assert merged_pairs(second) == [(chosen["primary"], first)]
    still = {op.merged_id for op in second.plan.proposals}
    assert set(rest) <= still


def test_review_approve_merge_refuses_a_company_the_partner_does_not_hold(
    sandbox: SandboxServer, config: Path
) -> None:
    """An unknown partner or company is refused with what to do, and nothing kept."""
    execute(load_settings(config), kind="sync")
    listed = runner.invoke(app, ["review", "merges", "--json", "--config", str(config)])
    chosen = json.loads(listed.output)[0]

    unknown_partner = runner.invoke(
        app, ["review", "approve-merge", "p-000000000000", "--config", str(config)]
    )
    unknown_company = runner.invoke(
        app,
        ["review", "approve-merge", chosen["partner_id"], "1", "--config", str(config)],
    )

    assert unknown_partner.exit_code == 1
    assert "sidos review merges" in unknown_partner.output
    assert unknown_company.exit_code == 1
    assert "choose among" in unknown_company.output
    store = open_store(load_settings(config).state.url)
    assert store.load_decisions() == []
