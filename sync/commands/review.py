"""``sidos review``: the pairs resolution was unsure of, and people's verdicts.

``list`` shows each pending pair with its evidence; ``accept`` records that the two
records are the same organisation (a must-link), ``reject`` that they are not (a
cannot-link). Verdicts are kept in the state store and honoured on every later run.
"""

from __future__ import annotations

import getpass
import json
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
from sync.state import open_store

__all__ = ["accept", "app", "list_pending", "reject"]

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
