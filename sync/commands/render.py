"""Tables and summaries that commands print for people."""

from __future__ import annotations

from collections import Counter
from typing import Any

from rich.console import Console
from rich.table import Table

from mappings.categories import category
from sync.plan import Operation, Plan
from sync.run import RunReport


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
    render_plan(console, report.plan, limit=None if verbose else 15)
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


def render_plan(console: Console, plan: Plan, *, limit: int | None = 15) -> None:
    """Print the plan's counts and its first operations."""
    counts = plan.counts()
    if not counts:
        console.print("  plan: no operations; the CRM is up to date")
        return
    console.print("  plan: " + ", ".join(f"{n} {k}" for k, n in sorted(counts.items())))
    table = Table(show_lines=False)
    for column in ("kind", "partner", "company", "changes", "reason"):
        table.add_column(column, overflow="fold")
    shown = plan.operations if limit is None else plan.operations[:limit]
    for operation in shown:
        table.add_row(*_operation_row(operation))
    console.print(table)
    if limit is not None and len(plan.operations) > limit:
        console.print(f"  … and {len(plan.operations) - limit} more (use --json)")


def plan_as_json(plan: Plan) -> dict[str, Any]:
    """Return the plan as the object ``sidos plan --json`` prints."""
    return {
        "counts": plan.counts(),
        "operations": [operation.as_dict() for operation in plan.operations],
    }


def _operation_row(operation: Operation) -> tuple[str, str, str, str, str]:
    kind = "merge (review)" if operation.needs_review else operation.kind
    company = operation.company_id or ""
    if operation.merged_id:
        company = f"{operation.merged_id} → {company}"
    changes = "; ".join(
        f"{c.field}: {c.old or '∅'} → {c.new or '∅'}" for c in operation.changes[:4]
    )
    if len(operation.changes) > 4:
        changes += f"; +{len(operation.changes) - 4}"
    return kind, operation.partner_id, company, changes, operation.reason


def render_duplicates(console: Console, report: RunReport, *, limit: int = 8) -> None:
    """Print partners found under several records, with the names each record used."""
    if report.resolved is None:
        return
    groups = [p for p in report.resolved.partners if len(p.members) > 1]
    groups.sort(key=lambda partner: (-len(partner.members), partner.golden.name))
    if not groups:
        return
    console.print(f"[bold]Duplicates resolved[/] ({len(groups)} partners, first "
                  f"{min(limit, len(groups))}):")
    for partner in groups[:limit]:
        names = sorted({f"{m.name} [{m.ref.source}]" for m in partner.members})
        console.print(f"  {partner.golden.name} ({partner.partner_id}): "
                      + "; ".join(names))
