"""Compare the desired CRM state with the CRM's current state: the plan.

The plan is a list of operations, each with its reason and the old and new value of
every property it changes. Computing it changes nothing; ``sidos plan`` prints it.
Operations come in phases: phase 0 frees unique partner ids held by the wrong company,
so that phase 1 can give them to the right one without a uniqueness conflict.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync.desired import (
    DUPLICATE_OF,
    PARTNER_ID,
    CRMCompany,
    PartnerState,
    choose_primary,
    filled_values,
    sidos_values,
)

# A company yet to be created holds nothing: a create writes every allowed value.
NEW_COMPANY = CRMCompany("", {})


@dataclass(frozen=True, slots=True)
class Change:
    """One property's old and new value."""

    field: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Operation:
    """One intended change in the CRM, keyed for idempotency."""

    kind: str
    partner_id: str
    reason: str
    changes: tuple[Change, ...] = ()
    company_id: str | None = None
    merged_id: str | None = None
    phase: int = 1
    needs_review: bool = False

    @property
    def key(self) -> str:
        """Return the idempotency key: a hash of what the operation does."""
        payload = [
            self.kind,
            self.partner_id,
            self.company_id,
            self.merged_id,
            [(c.field, c.new) for c in self.changes],
        ]
        text = json.dumps(payload, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]

    @property
    def properties(self) -> dict[str, str]:
        """Return the new values this operation writes."""
        return {change.field: change.new for change in self.changes}

    def as_dict(self) -> dict[str, Any]:
        """Return the operation as plain data, for JSON output and the log."""
        return {
            "key": self.key,
            "kind": self.kind,
            "partner_id": self.partner_id,
            "company_id": self.company_id,
            "merged_id": self.merged_id,
            "reason": self.reason,
            "phase": self.phase,
            "needs_review": self.needs_review,
            "changes": [
                {"field": c.field, "old": c.old, "new": c.new} for c in self.changes
            ],
        }


@dataclass
class Plan:
    """The operations a run applies, and the merges it only proposes.

    ``operations`` are what a sync would change in the CRM now; ``proposals`` are
    merges that wait for a person (policy ``review``, or evidence under the merge
    threshold) and are never applied by a sync.
    """

    operations: list[Operation] = field(default_factory=list)
    proposals: list[Operation] = field(default_factory=list)

    @property
    def writes(self) -> list[Operation]:
        """Return the creates and updates to apply, phase by phase, kind by kind.

        Creates and updates go to different endpoints, so keeping each kind
        together lets a batch of operations travel in one call.
        """
        ready = [op for op in self.operations if op.kind != "merge"]
        return sorted(ready, key=lambda op: (op.phase, op.kind))

    @property
    def merges(self) -> list[Operation]:
        """Return the merges to apply."""
        return [op for op in self.operations if op.kind == "merge"]

    def counts(self) -> dict[str, int]:
        """Return the number of operations by kind, proposals apart."""
        counts: dict[str, int] = {}
        for op in self.operations:
            counts[op.kind] = counts.get(op.kind, 0) + 1
        if self.proposals:
            counts["merge_proposal"] = len(self.proposals)
        return counts


@dataclass(frozen=True, slots=True)
class PlanPolicy:
    """The settings that shape a plan."""

    fields: Mapping[str, str]
    policies: Mapping[str, str]
    merge_policy: str = "review"
    merge_threshold: float = 0.95
    create_missing: bool = True
    approved_merges: frozenset[frozenset[str]] = frozenset()


def build_plan(partners: Sequence[PartnerState], policy: PlanPolicy) -> Plan:
    """Return the operations that bring the CRM to the partners' desired state."""
    plan = Plan()
    for partner in sorted(partners, key=lambda p: p.partner_id):
        for operation in _plan_partner(partner, policy):
            target = plan.proposals if operation.needs_review else plan.operations
            target.append(operation)
    return plan


def _plan_partner(partner: PartnerState, policy: PlanPolicy) -> list[Operation]:
    if not partner.companies:
        return [_create(partner, policy)] if policy.create_missing else []

    primary = choose_primary(partner, policy.fields)
    operations = [
        _release(c, partner)
        for c in partner.companies
        if _holds_foreign_id(c, partner, primary)
    ]
    desired = {**filled_values(partner, policy.fields), **sidos_values(partner)}
    update = _update(partner, primary, desired, policy, "keep the partner current")
    operations.extend([update] if update else [])

    for company in partner.companies:
        if company.id == primary.id:
            continue
        merge = _merge(partner, primary, company, policy)
        merged_now = merge is not None and not merge.needs_review
        mark = _mark_duplicate(partner, company, policy, merged_now=merged_now)
        operations.extend(op for op in (mark, merge) if op is not None)
    return operations


def _mark_duplicate(
    partner: PartnerState,
    company: CRMCompany,
    policy: PlanPolicy,
    *,
    merged_now: bool,
) -> Operation | None:
    # A merge's survivor takes the merged company's values where its own are empty,
    # so a company merged in this run must not carry the mark into the survivor.
    if merged_now:
        desired, reason = "", "clear the duplicate mark of a company merged now"
    else:
        desired, reason = partner.partner_id, "mark a duplicate company of the partner"
    return _update(partner, company, {DUPLICATE_OF: desired}, policy, reason)


def _create(partner: PartnerState, policy: PlanPolicy) -> Operation:
    values = {**filled_values(partner, policy.fields), **sidos_values(partner)}
    return Operation(
        kind="create",
        partner_id=partner.partner_id,
        changes=allowed_changes(NEW_COMPANY, values, policy.policies),
        reason="partner has no company in the CRM",
    )


def _update(
    partner: PartnerState,
    company: CRMCompany,
    desired: Mapping[str, str],
    policy: PlanPolicy,
    reason: str,
) -> Operation | None:
    changes = allowed_changes(company, desired, policy.policies)
    if not changes:
        return None
    return Operation(
        kind="update",
        partner_id=partner.partner_id,
        company_id=company.id,
        changes=changes,
        reason=reason,
    )


def allowed_changes(
    company: CRMCompany, desired: Mapping[str, str], policies: Mapping[str, str]
) -> tuple[Change, ...]:
    """Return the changes that bring a company to the desired values, as policies allow.

    A value the company holds already is no change. A ``never`` property (or one
    without a policy) is left alone; a ``fill`` property changes only while empty, so
    a value a person typed stays; an ``own`` property always takes sidos's value.

    Args:
        company: the company as the CRM holds it now; ``NEW_COMPANY`` for a create.
        desired: the values sidos wants, by CRM property name.
        policies: the policy of each property.

    Returns:
        The changes, by property name, each with the company's current value.
    """
    changes = []
    for name, new in sorted(desired.items()):
        old = company.get(name)
        rule = policies.get(name, "never")
        if old == new or rule == "never" or (rule == "fill" and old):
            continue
        changes.append(Change(name, old, new))
    return tuple(changes)


def _holds_foreign_id(
    company: CRMCompany, partner: PartnerState, primary: CRMCompany
) -> bool:
    held = company.get(PARTNER_ID)
    return bool(held) and (held != partner.partner_id or company.id != primary.id)


def _release(company: CRMCompany, partner: PartnerState) -> Operation:
    return Operation(
        kind="update",
        partner_id=partner.partner_id,
        company_id=company.id,
        changes=(Change(PARTNER_ID, company.get(PARTNER_ID), ""),),
        phase=0,
        reason="free a partner id this company no longer carries",
    )


def _merge(
    partner: PartnerState, primary: CRMCompany, company: CRMCompany, policy: PlanPolicy
) -> Operation | None:
    if policy.merge_policy == "off":
        return None
    if frozenset((primary.id, company.id)) in policy.approved_merges:
        needs_review = False
        reason = "same partner; merge approved in review"
    else:
        confident = partner.confidence >= policy.merge_threshold
        needs_review = policy.merge_policy == "review" or not confident
        reason = (
            f"same partner (confidence {partner.confidence:.2f}, threshold "
            f"{policy.merge_threshold:.2f}, policy {policy.merge_policy})"
        )
    return Operation(
        kind="merge",
        partner_id=partner.partner_id,
        company_id=primary.id,
        merged_id=company.id,
        reason=reason,
        phase=2,
        needs_review=needs_review,
    )
