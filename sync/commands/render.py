"""Tables and summaries that commands print for people."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table

from mappings.categories import category
from sync.plan import Operation, Plan
from sync.run import RunReport

KAM_LIMIT = 5


def render_run(console: Console, report: RunReport, *, verbose: bool = False) -> None:
    """Print what a run pulled, resolved, planned and applied."""
    stats = report.stats()
    console.print(f"[bold]Run {report.run_id}[/] ({report.kind})")
    for pull in report.pulls:
        changes = pull.changes
        state = (
            "unchanged"
            if pull.skipped
            else (
                f"{changes.new} new, {changes.changed} changed, "
                f"{changes.unchanged} unchanged, {changes.removed} removed"
            )
        )
        console.print(f"  pulled {pull.source}: {state}")
    console.print(
        f"  records: {stats['records']}, set aside: {stats['set_aside']}, "
        f"partners: {stats['partners']}, with duplicates: {stats['duplicates']}, "
        f"pairs for review: {stats['reviews']}"
    )
    render_duplicates(console, report)
    render_categories(console, report)
    render_kams(console, report, limit=None if verbose else KAM_LIMIT)
    render_plan(console, report.plan, limit=None if verbose else 12)
    if report.applied is not None:
        applied = report.applied
        console.print(
            f"  applied: {len(applied.done)} written ({len(applied.created)} created), "
            f"{len(applied.merged)} merged, {len(applied.failed)} failed"
        )
    if report.api_calls:
        calls = ", ".join(
            f"{kind} {count}"
            for kind, count in sorted(report.api_calls.items())
            if count
        )
        console.print(f"  API calls: {calls}")


def render_categories(console: Console, report: RunReport) -> None:
    """Print the number of partners per Karvi category."""
    if report.resolved is None:
        return
    counts = Counter(c.primary for c in report.resolved.classifications.values())
    table = Table(title="Partners by Karvi category", title_justify="left")
    table.add_column("category")
    table.add_column("partners", justify="right")
    for category_id, count in counts.most_common():
        table.add_row(category(category_id).en, str(count))
    console.print(table)


def render_plan(console: Console, plan: Plan, *, limit: int | None = 12) -> None:
    """Print the plan's counts and its operations, one line each."""
    if not plan.operations:
        console.print("  plan: no operations; the CRM is up to date")
    else:
        counts = ", ".join(
            f"{n} {k}"
            for k, n in sorted(plan.counts().items())
            if k != "merge_proposal"
        )
        console.print(f"  plan: {counts}")
        _print_some(console, plan.operations, limit)
    if plan.proposals:
        console.print(f"  merge proposals waiting for review: {len(plan.proposals)}")
        _print_some(console, plan.proposals, limit)


def _print_some(
    console: Console, operations: list[Operation], limit: int | None
) -> None:
    shown = operations if limit is None else operations[:limit]
    for operation in shown:
        console.print("    " + describe_operation(operation), highlight=False)
    if limit is not None and len(operations) > limit:
        console.print(
            f"    … and {len(operations) - limit} more "
            "(--verbose lists all, --json gives every value)"
        )


def describe_operation(operation: Operation) -> str:
    """Return one line saying what an operation does and why."""
    if operation.kind == "merge":
        verb = "merge?" if operation.needs_review else "merge"
        return (
            f"{verb:7} {operation.partner_id}  {operation.merged_id} into "
            f"{operation.company_id}: {operation.reason}"
        )
    target = operation.company_id or "new company"
    changes = ", ".join(
        f"{c.field} {c.old or '∅'}→{c.new or '∅'}" for c in operation.changes[:3]
    )
    if len(operation.changes) > 3:
        changes += f", +{len(operation.changes) - 3} more"
    return f"{operation.kind:7} {operation.partner_id}  {target}: {changes}"


def render_kams(
    console: Console, report: RunReport, *, limit: int | None = KAM_LIMIT
) -> None:
    """Print KAM coverage and the problems an admin should act on.

    Args:
        console: where to print.
        report: the run.
        limit: the most strategic partners without a KAM to name; None names all.
    """
    kam = report.kam
    if not (kam.assignments or kam.strategic_without_kam or kam.unknown_kams):
        return
    names = _partner_names(report)
    console.print(f"  KAMs: {len(kam.assignments)} partners have one")
    by_kam: dict[str, list[str]] = {}
    for partner_id, assignment in sorted(kam.assignments.items()):
        by_kam.setdefault(assignment.email, []).append(
            names.get(partner_id, partner_id)
        )
    for email, partners in sorted(by_kam.items(), key=lambda item: -len(item[1])):
        console.print(
            f"    {email} ({len(partners)}): " + _some_names(sorted(partners), limit),
            markup=False,
            highlight=False,
        )
    if kam.strategic_without_kam:
        missing = [names.get(pid, pid) for pid in kam.strategic_without_kam]
        console.print(
            f"    strategic partners without a KAM ({len(missing)}): "
            + _some_names(missing, limit),
            markup=False,
            highlight=False,
        )
    for email, partner_ids in sorted(kam.unknown_kams.items()):
        console.print(
            f"    KAM {email} is not an active CRM user ({len(partner_ids)} partners)"
        )
    for partner_id, rules in sorted(kam.conflicts.items()):
        console.print(
            f"    {names.get(partner_id, partner_id)} is claimed by "
            f"rules: {'; '.join(rules)} (the first wins)"
        )


def _some_names(names: list[str], limit: int | None) -> str:
    shown = names if limit is None else names[:limit]
    listed = ", ".join(shown)
    if len(shown) < len(names):
        listed += f" … and {len(names) - len(shown)} more (--verbose lists all)"
    return listed


def _partner_names(report: RunReport) -> dict[str, str]:
    if report.resolved is None:
        return {}
    return {p.partner_id: p.golden.name for p in report.resolved.partners}


def plan_as_json(plan: Plan) -> dict[str, Any]:
    """Return the plan as the object ``sidos plan --json`` prints."""
    return {
        "counts": plan.counts(),
        "operations": [operation.as_dict() for operation in plan.operations],
        "proposals": [operation.as_dict() for operation in plan.proposals],
    }


def render_duplicates(console: Console, report: RunReport, *, limit: int = 8) -> None:
    """Print partners found under several records, with the names each record used."""
    if report.resolved is None:
        return
    groups = [p for p in report.resolved.partners if len(p.records) > 1]
    groups.sort(key=lambda partner: (-len(partner.records), partner.golden.name))
    if not groups:
        return
    console.print(
        f"[bold]Duplicates resolved[/] ({len(groups)} partners, first "
        f"{min(limit, len(groups))}):"
    )
    for partner in groups[:limit]:
        names = sorted({f"{m.name} [{m.ref.source}]" for m in partner.records})
        console.print(
            f"  {partner.golden.name} ({partner.partner_id}): " + "; ".join(names),
            markup=False,
            highlight=False,
        )
