"""``sidos review``: the pairs resolution was unsure of, merges, and people's verdicts.

``list`` shows each pending pair with its evidence; ``accept`` records that the two
records are the same organisation (a must-link), ``reject`` that they are not (a
cannot-link). ``merges`` lists the partners whose several CRM companies wait for a
merge under the ``review`` policy, and ``approve-merge`` lets the next sync merge
them. Verdicts are kept in the state store and honoured on every later run.
"""

from __future__ import annotations

import getpass
import json
from dataclasses import asdict, dataclass
from typing import Annotated

import typer
from rich.table import Table

from mappings.model import SourceRef
from sync.commands.common import (
    ConfigOption,
    JsonOption,
    admin_errors,
    console,
    fail,
    settings_from,
)
from sync.model import Link, ReviewDecision
from sync.resolve.explain import format_link
from sync.resolve.matching import MERGE
from sync.run import approved_merges
from sync.settings import Settings
from sync.state import StateStore, open_store

__all__ = ["accept", "app", "approve_merge", "list_merges", "list_pending", "reject"]

app = typer.Typer(
    help="Decide the pairs of records sidos was unsure of.", no_args_is_help=True
)

RefArgument = Annotated[str, typer.Argument(help="A record as source:id.")]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who decided. Default: the login name.")
]


@app.command("list")
@admin_errors
def list_pending(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the pairs waiting for a decision, strongest first."""
    settings = settings_from(config)
    store = open_store(settings.state.url)
    try:
        pending = store.pending_reviews()
    finally:
        store.close()
    if as_json:
        console.print_json(json.dumps([_as_dict(link) for link in pending]))
        return
    if not pending:
        console.print("No pairs are waiting for review.")
        return
    console.print(_table(pending))


@app.command("accept")
@admin_errors
def accept(
    left: RefArgument,
    right: RefArgument,
    by: ByOption = None,
    config: ConfigOption = None,
) -> None:
    """Record that two records are the same organisation."""
    _decide(left, right, "same", by, config)


@app.command("reject")
@admin_errors
def reject(
    left: RefArgument,
    right: RefArgument,
    by: ByOption = None,
    config: ConfigOption = None,
) -> None:
    """Record that two records are different organisations."""
    _decide(left, right, "different", by, config)


@dataclass(frozen=True, slots=True)
class MergeCandidate:
    """A partner with several live CRM companies: its primary and the others."""

    partner_id: str
    name: str
    primary: str
    others: tuple[str, ...]
    approved: tuple[str, ...]


@app.command("merges")
@admin_errors
def list_merges(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """List the partners whose CRM companies wait to be merged, as the last run saw.

    Each line names the partner, the company the others would be merged into, and
    which of those merges are already approved. Approve with ``approve-merge``.
    """
    settings = settings_from(config)
    store = open_store(settings.state.url)
    try:
        candidates = merge_candidates(store, settings)
    finally:
        store.close()
    if as_json:
        console.print_json(json.dumps([asdict(c) for c in candidates]))
        return
    if not candidates:
        console.print("No partner has several CRM companies: nothing to merge.")
        return
    table = Table("partner", "name", "primary company", "merged into it", "approved")
    for candidate in candidates:
        table.add_row(
            candidate.partner_id,
            candidate.name,
            candidate.primary,
            ", ".join(candidate.others),
            ", ".join(candidate.approved) or "-",
        )
    console.print(table)


@app.command("approve-merge")
@admin_errors
def approve_merge(
    partner_id: Annotated[str, typer.Argument(help="The partner, as p-….")],
    companies: Annotated[
        list[str] | None,
        typer.Argument(help="Only these of its companies. Default: all it lists."),
    ] = None,
    by: ByOption = None,
    config: ConfigOption = None,
) -> None:
    """Approve merging a partner's CRM companies into its primary company.

    The next sync merges them in the CRM, whatever the merge threshold, unless
    ``sync.merge_policy`` is ``off``. Check the pair first with ``sidos status
    --partner``; a merge cannot be undone in the CRM.
    """
    settings = settings_from(config)
    store = open_store(settings.state.url)
    try:
        candidate = _candidate(store, settings, partner_id)
        chosen = _chosen(candidate, companies or [])
        crm = settings.crm.name
        for company in chosen:
            store.record_decision(
                ReviewDecision(
                    SourceRef(crm, candidate.primary),
                    SourceRef(crm, company),
                    MERGE,
                    by or _login(),
                )
            )
    finally:
        store.close()
    console.print(
        f"Approved: {', '.join(chosen)} into {candidate.primary} "
        f"({candidate.name}). The next sync merges them."
    )


def merge_candidates(store: StateStore, settings: Settings) -> list[MergeCandidate]:
    """Return the stored partners with more than one live CRM company, by name."""
    crm = settings.crm.name
    live = {record.ref.id for record in store.records(crm) if not record.archived}
    companies: dict[str, list[str]] = {}
    for ref, partner_id in store.partners.memberships().items():
        if ref.source == crm and ref.id in live:
            companies.setdefault(partner_id, []).append(ref.id)
    approved = approved_merges(store, crm)
    candidates = []
    for row in store.partners.all():
        held = companies.get(row.partner_id, [])
        if row.company_id is None or len(held) < 2:
            continue
        others = tuple(sorted(c for c in held if c != row.company_id))
        candidates.append(
            MergeCandidate(
                row.partner_id,
                row.name,
                row.company_id,
                others,
                tuple(c for c in others if frozenset((row.company_id, c)) in approved),
            )
        )
    return candidates


def _candidate(
    store: StateStore, settings: Settings, partner_id: str
) -> MergeCandidate:
    for candidate in merge_candidates(store, settings):
        if candidate.partner_id == partner_id:
            return candidate
    fail(
        f"partner {partner_id} has no CRM companies to merge; "
        "`sidos review merges` lists those that have"
    )


def _chosen(candidate: MergeCandidate, companies: list[str]) -> list[str]:
    unknown = [c for c in companies if c not in candidate.others]
    if unknown:
        fail(
            f"{', '.join(unknown)} is not a company to merge into "
            f"{candidate.primary}; choose among {', '.join(candidate.others)}"
        )
    return companies or list(candidate.others)


def _decide(
    left: str, right: str, verdict: str, by: str | None, config: ConfigOption
) -> None:
    refs = [_parse_ref(text) for text in (left, right)]
    if refs[0] == refs[1]:
        fail(f"{left} and {right} are the same record; name two different records")
    settings = settings_from(config)
    decision = ReviewDecision(refs[0], refs[1], verdict, by or _login())
    store = open_store(settings.state.url)
    try:
        store.record_decision(decision)
    finally:
        store.close()
    word = "the same organisation" if verdict == "same" else "different organisations"
    console.print(f"Recorded: {left} and {right} are {word}. The next run honours it.")


def _parse_ref(text: str) -> SourceRef:
    ref = SourceRef.parse(text)
    if not ref.source or not ref.id:
        fail(f"{text!r} is not a record ref; write it as source:id, e.g. hubspot:123")
    return ref


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _table(links: list[Link]) -> Table:
    table = Table("left", "right", "score", "rule", "evidence")
    for link in links:
        table.add_row(
            str(link.left),
            str(link.right),
            f"{link.score:.3f}",
            link.rule,
            format_link(link),
        )
    return table


def _as_dict(link: Link) -> dict[str, object]:
    return {
        "left": str(link.left),
        "right": str(link.right),
        "decision": link.decision,
        "score": link.score,
        "rule": link.rule,
        "evidence": link.evidence,
    }
