"""The writes the CRM refused, kept in the dead-letter table: retried or resolved.

A write whose every attempt failed in transit is kept as refused, though the CRM may
have applied it: a letter whose company holds every value it writes is confirmed as
landed, with its audit, by ``sidos retry`` and by the next sync alike. ``sidos retry``
sends the others again once their cause is fixed, each checked first against what
the CRM holds now: a change the field policies no longer allow (a ``fill`` property
a person has filled since, a ``never`` property) or whose value the CRM holds already
is dropped, as the planner drops it, and a letter left with no change is resolved as
no longer needed. A sync resolves the letters whose write its plan no longer holds.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import structlog

from connectors.base import CRM, BatchResult, CompanyWrite
from mappings.model import SourceRecord
from sync.desired import PARTNER_ID, CRMCompany
from sync.plan import NEW_COMPANY, Plan, allowed_changes
from sync.recover import holds_changes
from sync.state import StateStore
from sync.state.ledger import AuditEntry, DeadLetter

log = structlog.get_logger()

RETRY_REASON = "retry of a refused write"
UNNEEDED_REASON = (
    "refused write no longer needed: the CRM holds its values or its policies keep them"
)
SUPERSEDED_REASON = "refused write superseded: the plan no longer holds it"
LANDED_REASON = "refused write found applied: its answer was lost"


@dataclass
class RetryResult:
    """Dead letters by outcome of the retry.

    ``done`` holds the writes sent now and those found landed, with their company id.
    """

    done: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    unneeded: list[str] = field(default_factory=list)


def dead_letter_write(letter: DeadLetter) -> CompanyWrite:
    """Rebuild the write a dead letter holds."""
    changes = letter.changes.get("changes", [])
    properties = {change["field"]: change["new"] for change in changes}
    if letter.kind == "create":
        return CompanyWrite(letter.key, properties, partner_id=letter.partner_id)
    return CompanyWrite(letter.key, properties, company_id=letter.company_id)


def retry_dead_letters(
    store: StateStore,
    crm: CRM,
    run_id: str,
    letters: Sequence[DeadLetter],
    policies: Mapping[str, str],
) -> RetryResult:
    """Send the dead letters' writes again; successes are resolved, failures kept.

    Each letter's company is read back first. A letter whose company holds every
    value it writes is confirmed as landed. Of the others, only the changes the field
    policies allow now are sent, as the planner decides them (``allowed_changes``);
    a letter left with no change is resolved as no longer needed. Merges are not
    retried here: a refused merge is planned again by the next sync when its
    evidence still holds.

    Args:
        store: the state store holding the letters.
        crm: the CRM to read the companies from and write them to.
        run_id: the retry's run.
        letters: the dead letters to retry.
        policies: the policy of each CRM property, as the planner applies them.

    Returns:
        The keys written or found landed, refused again, and no longer needed.

    Raises:
        APIError: the CRM refused the whole request or stayed unavailable.
    """
    writable = _writable(letters)
    by_id, by_partner = _read_targets(crm, writable)
    landed = _confirm(store, run_id, writable, by_id, by_partner)
    rebased = [
        _rebase(letter, _company_now(letter, by_id, by_partner), policies)
        for letter in writable
        if letter.key not in landed
    ]
    unneeded = [letter for letter in rebased if not letter.changes["changes"]]
    _resolve_letters(store, run_id, unneeded, UNNEEDED_REASON)
    if unneeded:
        log.info("sync.dead_letters_unneeded", resolved=len(unneeded))
    pending = [letter for letter in rebased if letter.changes["changes"]]
    outcome = _send(store, crm, run_id, pending)
    log.info(
        "sync.dead_letters_retried",
        done=len(outcome.written),
        landed=len(landed),
        failed=len(outcome.failed),
        unneeded=len(unneeded),
    )
    return RetryResult(
        {**landed, **outcome.written},
        dict(outcome.failed),
        [letter.key for letter in unneeded],
    )


def _read_targets(
    crm: CRM, letters: Sequence[DeadLetter]
) -> tuple[dict[str, SourceRecord], dict[str, SourceRecord]]:
    """Read back the companies the letters write, as the CRM holds them now.

    An update's company is read by id; a create's by the partner id it would carry,
    as the create may have landed or the company been made since.

    Returns:
        The companies by requested id, and by partner id.

    Raises:
        APIError: the CRM could not be read.
    """
    ids = sorted(
        {
            letter.company_id
            for letter in letters
            if letter.kind == "update" and letter.company_id
        }
    )
    partner_ids = sorted(
        {
            letter.partner_id
            for letter in letters
            if letter.kind == "create" and letter.partner_id
        }
    )
    by_id = crm.fetch_companies(ids) if ids else {}
    by_partner = crm.fetch_partner_companies(partner_ids) if partner_ids else {}
    return by_id, by_partner


def confirm_landed(store: StateStore, crm_name: str, run_id: str) -> int:
    """Confirm the dead letters whose values the CRM's snapshot holds.

    A batch whose every attempt failed in transit is kept as refused, though the CRM
    may have applied it. A letter whose company now holds every value it writes is
    confirmed as if its answer had come: done in the log, with its audit, which tell
    sidos's own companies and values from people's (as ``recover.py`` does after a
    crash). Call it after the CRM's pull and before its records are mapped.

    Returns:
        The number of dead letters confirmed.
    """
    letters = _writable(store.ledger.dead_letters())
    if not letters:
        return 0
    by_id, by_partner = _snapshot(store, crm_name)
    landed = _confirm(store, run_id, letters, by_id, by_partner)
    return len(landed)


def resolve_superseded(store: StateStore, plan: Plan, run_id: str) -> int:
    """Resolve the dead letters whose operation the plan no longer holds.

    The plan compares the desired state with what the CRM holds now. A refused write
    it does not plan again under the same key is no longer needed as it was refused:
    the CRM holds its values already, or what sidos wants of that company changed
    since (a person filled a ``fill`` property, the partner's primary company
    changed), and what is still needed of it is in the plan, kept as a new dead
    letter if refused again. A write still needed as it was is planned under the same
    key, and its letter stays until that write lands. Call it between planning and
    applying, in a run that applies.

    Returns:
        The number of dead letters resolved.
    """
    planned = {operation.key for operation in plan.operations}
    superseded = [
        letter for letter in store.ledger.dead_letters() if letter.key not in planned
    ]
    _resolve_letters(store, run_id, superseded, SUPERSEDED_REASON)
    if superseded:
        log.info("sync.dead_letters_superseded", resolved=len(superseded))
    return len(superseded)


def _resolve_letters(
    store: StateStore, run_id: str, letters: Sequence[DeadLetter], reason: str
) -> None:
    """Resolve dead letters without writing them, each with an audit entry."""
    if not letters:
        return
    store.ledger.resolve_dead_letters([letter.key for letter in letters])
    store.ledger.write_audit(
        run_id,
        [
            AuditEntry(
                letter.key,
                letter.kind,
                letter.partner_id,
                letter.company_id,
                None,
                None,
                None,
                reason,
            )
            for letter in letters
        ],
    )


def _writable(letters: Sequence[DeadLetter]) -> list[DeadLetter]:
    return [letter for letter in letters if letter.kind in ("create", "update")]


def _confirm(
    store: StateStore,
    run_id: str,
    letters: Sequence[DeadLetter],
    by_id: Mapping[str, SourceRecord],
    by_partner: Mapping[str, SourceRecord],
) -> dict[str, str]:
    """Mark done, with their audit, the letters whose company holds their values.

    Returns:
        The company id of each letter confirmed, by key.
    """
    landed = {
        letter.key: (letter, record)
        for letter in letters
        if (record := _target(letter, by_id, by_partner))
        and holds_changes(letter.changes, record)
    }
    written = {key: record.ref.id for key, (_, record) in landed.items()}
    store.ledger.mark_done(written)
    confirmed = [letter for letter, _ in landed.values()]
    store.ledger.write_audit(run_id, _audit(confirmed, written, LANDED_REASON))
    if landed:
        log.info("sync.dead_letters_landed", confirmed=len(landed))
    return written


def _snapshot(
    store: StateStore, crm_name: str
) -> tuple[dict[str, SourceRecord], dict[str, SourceRecord]]:
    records = [record for record in store.records(crm_name) if not record.archived]
    by_id = {record.ref.id: record for record in records}
    by_partner = {
        str(record.fields[PARTNER_ID]): record
        for record in records
        if record.fields.get(PARTNER_ID)
    }
    return by_id, by_partner


def _target(
    letter: DeadLetter,
    by_id: Mapping[str, SourceRecord],
    by_partner: Mapping[str, SourceRecord],
) -> SourceRecord | None:
    """Return the company a letter writes: an update's by id, a create's by partner."""
    if letter.kind == "update":
        return by_id.get(letter.company_id or "")
    return by_partner.get(letter.partner_id or "")


def _company_now(
    letter: DeadLetter,
    by_id: Mapping[str, SourceRecord],
    by_partner: Mapping[str, SourceRecord],
) -> CRMCompany:
    record = _target(letter, by_id, by_partner)
    return CRMCompany(record.ref.id, record.fields) if record else NEW_COMPANY


def _rebase(
    letter: DeadLetter, company: CRMCompany, policies: Mapping[str, str]
) -> DeadLetter:
    desired = dead_letter_write(letter).properties
    changes = [
        {"field": change.field, "old": change.old, "new": change.new}
        for change in allowed_changes(company, desired, policies)
    ]
    return replace(letter, changes={**letter.changes, "changes": changes})


def _send(
    store: StateStore, crm: CRM, run_id: str, letters: Sequence[DeadLetter]
) -> BatchResult:
    if not letters:
        return BatchResult()
    operations = [
        {
            "key": letter.key,
            "kind": letter.kind,
            "partner_id": letter.partner_id,
            "company_id": letter.company_id,
            "changes": dict(letter.changes),
            "reason": RETRY_REASON,
        }
        for letter in letters
    ]
    store.ledger.mark_sent(run_id, operations)
    writes = [dead_letter_write(letter) for letter in letters]
    outcome = crm.write_companies(writes)
    store.ledger.mark_done(outcome.written)
    store.ledger.mark_failed(run_id, outcome.failed)
    store.ledger.write_audit(run_id, _audit(letters, outcome.written, RETRY_REASON))
    store.patch_records(
        crm.name,
        {
            outcome.written[write.key]: write.properties
            for write in writes
            if write.key in outcome.written
        },
        run_id,
    )
    return outcome


def _audit(
    letters: Sequence[DeadLetter], written: Mapping[str, str], reason: str
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
            reason,
        )
        for letter in letters
        if letter.key in written
        for change in letter.changes.get("changes", [])
    ]
