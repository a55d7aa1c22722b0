"""Recover from a run that stopped between sending a batch and recording its outcome.

The log then holds operations marked ``sent``. Their companies are read back by id
(never by search, which lags writes) and folded into the snapshot, so the next plan
compares against what the CRM really holds: a write that landed is not repeated, and
one that did not is planned again. A create has no id yet; repeating it is safe, as it
is an upsert on the unique partner id. A merge that landed shows as its companies
answering under a new id.
"""

from __future__ import annotations

import structlog

from connectors.base import CRM
from sync.state import StateStore

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
    moves = {
        old: record.ref.id for old, record in found.items() if old != record.ref.id
    }
    records = {record.ref.id: record for record in found.values()}
    store.save_records(crm.name, list(records.values()), run_id, full=False)
    if moves:
        store.ledger.record_company_ids(moves)
        store.remove_records(crm.name, moves)
    store.ledger.mark_unconfirmed([op.key for op in unfinished])
    log.warning(
        "sync.unfinished_recovered",
        operations=len(unfinished),
        companies=len(found),
        merged=len(moves),
    )
    return len(unfinished)
