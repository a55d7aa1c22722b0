"""Apply a plan to the CRM in batches, logging each batch before and after.

Each batch is logged as sent before it goes out and as done or failed after, so a
crash leaves a log from which the next run recovers. Creates are upserts on the unique
partner-id property, so a create repeated after a crash finds the company it made.
A write the CRM refuses goes to the dead-letter table with its reason; the rest go on.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import structlog

from connectors.base import CRM, CompanyWrite
from connectors.errors import APIError, RetriableAPIError
from mappings.errors import SidosError
from sync.plan import Operation, Plan
from sync.state import StateStore
from sync.state.ledger import AuditEntry

log = structlog.get_logger()


class RunStopped(SidosError):
    """Raised between batches when the service asked the run to stop.

    Everything applied so far is recorded; the next run resumes from there.
    """


@dataclass
class ApplyResult:
    """What apply did: operation keys by outcome."""

    done: dict[str, str] = field(default_factory=dict)
    created: set[str] = field(default_factory=set)
    failed: dict[str, str] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)

    @property
    def writes(self) -> int:
        """Return the number of operations that changed the CRM."""
        return len(self.done) + len(self.merged)


def apply_plan(
    plan: Plan,
    crm: CRM,
    store: StateStore,
    run_id: str,
    *,
    batch_size: int = 100,
    stop: threading.Event | None = None,
) -> ApplyResult:
    """Send the plan's writes and allowed merges to the CRM.

    ``stop`` is checked between batches: once set, the batch in flight finishes and is
    recorded, then ``RunStopped`` is raised.

    Raises:
        RunStopped: ``stop`` was set.
        FatalAPIError: the CRM refused a whole request for a reason a retry won't fix.
        RetriableAPIError: the CRM stayed unavailable through every retry.
    """
    result = ApplyResult()
    for batch in _batches(plan.writes, batch_size):
        check_stop(stop)
        _apply_batch(batch, crm, store, run_id, result)
    for operation in plan.merges:
        check_stop(stop)
        _apply_merge(operation, crm, store, run_id, result)
    log.info(
        "sync.plan_applied",
        written=len(result.done),
        created=len(result.created),
        failed=len(result.failed),
        merged=len(result.merged),
    )
    return result


def _apply_batch(
    batch: Sequence[Operation],
    crm: CRM,
    store: StateStore,
    run_id: str,
    result: ApplyResult,
) -> None:
    store.ledger.mark_sent(run_id, [_log_row(op) for op in batch])
    writes = [_company_write(op) for op in batch]
    outcome = crm.write_companies(writes)

    store.ledger.mark_done(outcome.written)
    store.ledger.mark_failed(run_id, outcome.failed)
    by_key = {op.key: op for op in batch}
    done = [by_key[key] for key in outcome.written]
    store.ledger.write_audit(run_id, _audit(done, outcome.written))
    store.patch_records(
        crm.name,
        {outcome.written[op.key]: op.properties for op in done},
        run_id,
    )
    result.done.update(outcome.written)
    result.created.update(outcome.created)
    result.failed.update(outcome.failed)


def _apply_merge(
    operation: Operation, crm: CRM, store: StateStore, run_id: str, result: ApplyResult
) -> None:
    assert operation.company_id and operation.merged_id
    store.ledger.mark_sent(run_id, [_log_row(operation)])
    try:
        survivor = crm.merge_companies(operation.company_id, operation.merged_id)
    except RetriableAPIError as exc:
        # The merge may have run before its answer was lost. It stays logged as sent,
        # so the next run reads both companies back and sees (``recover.py``).
        result.failed[operation.key] = f"outcome unknown, checked next run: {exc}"
        log.warning(
            "sync.merge_unconfirmed", key=operation.key, error=type(exc).__name__
        )
        return
    except APIError as exc:
        store.ledger.mark_failed(run_id, {operation.key: str(exc)})
        result.failed[operation.key] = str(exc)
        return

    # A primary merged earlier in this run answers under that merge's survivor,
    # which this merge replaces in turn.
    earlier = store.ledger.company_id_map().get(operation.company_id)
    moves = {operation.company_id: survivor, operation.merged_id: survivor}
    if earlier and earlier != survivor:
        moves[earlier] = survivor
    store.ledger.record_company_ids(moves)
    store.ledger.mark_done({operation.key: survivor})
    store.ledger.write_audit(
        run_id,
        [
            AuditEntry(
                operation.key,
                "merge",
                operation.partner_id,
                survivor,
                None,
                f"{operation.company_id};{operation.merged_id}",
                survivor,
                operation.reason,
            )
        ],
    )
    result.merged[operation.key] = survivor


def check_stop(stop: threading.Event | None) -> None:
    """Raise ``RunStopped`` when ``stop`` is set; called at step boundaries.

    Raises:
        RunStopped: ``stop`` is set.
    """
    if stop is not None and stop.is_set():
        raise RunStopped("the run was asked to stop; applied batches are recorded")


def _company_write(operation: Operation) -> CompanyWrite:
    if operation.kind == "create":
        return CompanyWrite(
            key=operation.key,
            properties=operation.properties,
            partner_id=operation.partner_id,
        )
    return CompanyWrite(
        key=operation.key,
        properties=operation.properties,
        company_id=operation.company_id,
    )


def _log_row(operation: Operation) -> dict[str, object]:
    data = operation.as_dict()
    return {
        "key": operation.key,
        "kind": operation.kind,
        "partner_id": operation.partner_id,
        "company_id": operation.company_id,
        "changes": {"changes": data["changes"], "merged_id": operation.merged_id},
        "reason": operation.reason,
    }


def _audit(done: Sequence[Operation], written: dict[str, str]) -> list[AuditEntry]:
    return [
        AuditEntry(
            operation.key,
            operation.kind,
            operation.partner_id,
            written[operation.key],
            change.field,
            change.old,
            change.new,
            operation.reason,
        )
        for operation in done
        for change in operation.changes
    ]


def _batches(operations: Sequence[Operation], size: int) -> Iterator[list[Operation]]:
    """Split operations into batches that never mix phases, nor creates and updates.

    Creates and updates go to different endpoints: a batch of one kind is one call.
    """
    batch: list[Operation] = []
    for operation in operations:
        group = (operation.phase, operation.kind)
        if batch and (len(batch) == size or (batch[-1].phase, batch[-1].kind) != group):
            yield batch
            batch = []
        batch.append(operation)
    if batch:
        yield batch
