"""Recover from a run that stopped between sending a batch and recording its outcome.

The log then holds operations marked ``sent``. Their companies are read back by id
(never by search, which lags writes) and folded into the snapshot, so the next plan
compares against what the CRM really holds: a write that landed is not repeated, and
one that did not is planned again. A create has no id yet, so its company is read by
the unique partner id it carries; repeating a create is safe anyway, as it is an
upsert on that id. A create or an update whose values the company now holds is
confirmed with its audit, as if its answer had come: the log of creates and the audit
are what tell sidos's own companies and values from people's
(``pipeline.RecordMapper``). A merge that landed shows as its companies answering
under a new id; they are kept as merged away by sidos (``sync/merged.py``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import structlog

from connectors.base import CRM
from mappings.model import SourceRecord
from sync.state import StateStore
from sync.state.ledger import AuditEntry, LoggedOperation

log = structlog.get_logger()


def recover_unfinished(store: StateStore, crm: CRM, run_id: str) -> int:
    """Fold the CRM's current state of unconfirmed writes into the snapshot.

    Returns:
        The number of unconfirmed operations found.

    Raises:
        APIError: the CRM could not be read.
    """
    unfinished = store.ledger.unfinished()
    if not unfinished:
        return 0

    ids = sorted(
        {op.company_id for op in unfinished if op.company_id}
        | {
            str(op.changes.get("merged_id"))
            for op in unfinished
            if op.changes.get("merged_id")
        }
    )
    found = crm.fetch_companies(ids) if ids else {}
    partner_ids = [
        op.partner_id for op in unfinished if op.kind == "create" and op.partner_id
    ]
    created = crm.fetch_partner_companies(partner_ids) if partner_ids else {}
    moves = {
        old: record.ref.id for old, record in found.items() if old != record.ref.id
    }
    records = {r.ref.id: r for r in [*found.values(), *created.values()]}
    store.save_records(crm.name, list(records.values()), run_id, full=False)
    if moves:
        store.ledger.record_company_ids(moves)
        ours = _merged_by_sidos(unfinished, moves)
        store.merged.retire(crm.name, moves, run_id, ours=ours)
    landed = {
        op.key: (op, record)
        for op in unfinished
        if (record := _target(op, found, created)) and holds_changes(op.changes, record)
    }
    store.ledger.mark_done({key: record.ref.id for key, (_, record) in landed.items()})
    store.ledger.write_audit(
        run_id,
        [entry for op, record in landed.values() for entry in _audit(op, record)],
    )
    store.ledger.mark_unconfirmed([op.key for op in unfinished if op.key not in landed])
    log.warning(
        "sync.unfinished_recovered",
        operations=len(unfinished),
        companies=len(found) + len(created),
        confirmed=len(landed),
        merged=len(moves),
    )
    return len(unfinished)


def _merged_by_sidos(
    unfinished: Sequence[LoggedOperation], moves: Mapping[str, str]
) -> set[str]:
    """Return the moved ids that an unfinished merge of sidos's took away."""
    return {
        str(company_id)
        for op in unfinished
        if op.kind == "merge"
        for company_id in (op.company_id, op.changes.get("merged_id"))
        if company_id in moves
    }


def _target(
    operation: LoggedOperation,
    found: Mapping[str, SourceRecord],
    created: Mapping[str, SourceRecord],
) -> SourceRecord | None:
    if operation.kind == "update":
        return found.get(operation.company_id or "")
    if operation.kind == "create":
        return created.get(operation.partner_id or "")
    return None


def holds_changes(changes: Mapping[str, Any], record: SourceRecord) -> bool:
    """Tell whether a company holds every value a logged write would give it.

    Args:
        changes: the write's changes, as the operation log and dead letters hold them.
        record: the company as the CRM holds it now.

    Returns:
        True when the write has changes and the company holds each new value.
    """
    written = changes.get("changes") or []
    return bool(written) and all(
        str(record.fields.get(change["field"]) or "").strip() == change["new"]
        for change in written
    )


def _audit(operation: LoggedOperation, record: SourceRecord) -> list[AuditEntry]:
    return [
        AuditEntry(
            operation.key,
            operation.kind,
            operation.partner_id,
            record.ref.id,
            change["field"],
            change["old"],
            change["new"],
            operation.reason,
        )
        for change in operation.changes.get("changes") or []
    ]
