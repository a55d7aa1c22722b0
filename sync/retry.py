"""Re-attempt the writes the CRM refused, kept in the dead-letter table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import structlog

from connectors.base import CRM, CompanyWrite
from sync.state import StateStore
from sync.state.ledger import AuditEntry, DeadLetter

log = structlog.get_logger()


@dataclass
class RetryResult:
    """Dead letters by outcome of the retry."""

    done: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


def dead_letter_write(letter: DeadLetter) -> CompanyWrite:
    """Rebuild the write a dead letter holds."""
    changes = letter.changes.get("changes", [])
    properties = {change["field"]: change["new"] for change in changes}
    if letter.kind == "create":
        return CompanyWrite(letter.key, properties, partner_id=letter.partner_id)
    return CompanyWrite(letter.key, properties, company_id=letter.company_id)


def retry_dead_letters(
    store: StateStore, crm: CRM, run_id: str, letters: Sequence[DeadLetter]
) -> RetryResult:
    """Send the dead letters' writes again; successes are resolved, failures kept.

    Merges are not retried here: a refused merge is planned again by the next sync
    when its evidence still holds.

    Raises:
        APIError: the CRM refused the whole request or stayed unavailable.
    """
    writable = [letter for letter in letters if letter.kind in ("create", "update")]
    operations = [
        {
            "key": letter.key,
            "kind": letter.kind,
            "partner_id": letter.partner_id,
            "company_id": letter.company_id,
            "changes": dict(letter.changes),
            "reason": "retry of a refused write",
        }
        for letter in writable
    ]
    store.ledger.mark_sent(run_id, operations)
    outcome = crm.write_companies([dead_letter_write(letter) for letter in writable])
    store.ledger.mark_done(outcome.written)
    store.ledger.mark_failed(run_id, outcome.failed)
    store.ledger.write_audit(run_id, _audit(writable, outcome.written))
    store.patch_records(
        crm.name,
        {
            outcome.written[w.key]: w.properties
            for w in map(dead_letter_write, writable)
            if w.key in outcome.written
        },
        run_id,
    )
    log.info(
        "sync.dead_letters_retried",
        done=len(outcome.written),
        failed=len(outcome.failed),
    )
    return RetryResult(dict(outcome.written), dict(outcome.failed))


def _audit(
    letters: Sequence[DeadLetter], written: Mapping[str, str]
) -> list[AuditEntry]:
    # As in apply: the audit tells the next run which values sidos wrote itself.
    return [
        AuditEntry(
            letter.key,
            letter.kind,
            letter.partner_id,
            written[letter.key],
            change["field"],
            change["old"],
            change["new"],
            "retry of a refused write",
        )
        for letter in letters
        if letter.key in written
        for change in letter.changes.get("changes", [])
    ]
