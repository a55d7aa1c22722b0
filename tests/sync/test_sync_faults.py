"""A sync through a faulty CRM ends where a fault-free one does: none twice, none lost.

The sandbox injects HubSpot's bad days (429 storms, 5xx, slow answers, dropped
connections and truncated JSON, some after a write was applied). An admin reruns a
sync that failed; the CRM must end as after one clean run of an identical sandbox.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.sandbox.routing import Reply
from sync.run import execute
from sync.settings import Settings
from sync.state import open_store
from tests.sync.conftest import (
    Call,
    CRMOutcome,
    assert_same_crm,
    dead_letters,
    drop_after_applying,
    intercept,
    outcome_of,
    sandbox_settings,
    start_sandbox,
    sync_until_clean,
    truncate_after_applying,
    unfinished,
    with_sync,
    write_calls,
)

# Between them these seeds inject every kind of fault into a demo sync, a dropped
# connection and a truncated answer after an applied upsert, and a run that fails.
FAULT_SEEDS = (1, 7, 12)


@pytest.mark.slow
@pytest.mark.parametrize("fault_seed", FAULT_SEEDS)
def test_sync_through_random_faults_ends_as_a_fault_free_run(
    fault_seed: int, fault_free: CRMOutcome, tmp_path: Path
) -> None:
    """Rerun after failures, a sync under faults leaves the fault-free run's CRM."""
    sandbox = start_sandbox(faults=0.1, fault_seed=fault_seed, slow_seconds=0.2)
    try:
        settings = sandbox_settings(
            sandbox.url, tmp_path / "state.db", retry_max_wait_seconds=2.0
        )

        outcomes = sync_until_clean(settings)

        outcome, faults = outcome_of(sandbox), sandbox.stats["faults_total"]
    finally:
        sandbox.stop()
    assert faults > 0, outcomes
    assert_same_crm(outcome, fault_free)
    assert dead_letters(settings) == 0


@pytest.mark.parametrize("lose", [drop_after_applying, truncate_after_applying])
def test_sync_whose_write_answers_are_lost_writes_each_company_once(
    lose: Callable[[Call], Reply],
    sandbox: SandboxServer,
    settings: Settings,
    fault_free: CRMOutcome,
) -> None:
    """Every write applied but left unanswered once is retried to the same end."""
    intercept(sandbox, lambda call: lose(call) if call.number % 2 else call.serve())

    outcomes = sync_until_clean(settings)
    writes = write_calls(sandbox)
    again = execute(settings, kind="sync")

    assert outcomes == ["clean"]
    assert_same_crm(outcome_of(sandbox), fault_free)
    assert again.plan.operations == []
    assert write_calls(sandbox) == writes
    assert dead_letters(settings) == 0


def test_sync_merge_whose_answer_is_lost_is_confirmed_by_the_next_run(
    sandbox: SandboxServer, settings: Settings
) -> None:
    """A merge applied but unanswered is neither repeated nor kept as a dead letter."""
    merging = with_sync(settings, merge_policy="auto", merge_threshold=0.5)
    lost: list[Call] = []

    def lose_first_merge(call: Call) -> Reply:
        if call.endpoint != "companies.merge" or lost:
            return call.serve()
        lost.append(call)
        return drop_after_applying(call)

    intercept(sandbox, lose_first_merge)

    first = execute(merging, kind="sync")
    left_unconfirmed = unfinished(merging)
    second = execute(merging, kind="sync")

    assert first.applied is not None
    [lost_key] = first.applied.failed
    [merge] = [op for op in first.plan.merges if op.key == lost_key]
    id_map = company_id_map(merging)
    assert id_map[merge.company_id or ""] == id_map[merge.merged_id or ""]
    pair = {merge.company_id, merge.merged_id}
    assert not any({op.company_id, op.merged_id} & pair for op in second.plan.merges)
    assert left_unconfirmed == 1
    assert unfinished(merging) == 0
    assert dead_letters(merging) == 0


def company_id_map(settings: Settings) -> dict[str, str]:
    """Return the merged-away company ids the state store knows, to their survivors."""
    store = open_store(settings.state.url)
    try:
        return store.ledger.company_id_map()
    finally:
        store.close()
