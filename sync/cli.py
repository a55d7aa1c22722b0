"""The ``sidos`` command: every admin task, each with its own ``--help``."""

from __future__ import annotations

import typer

from sync.commands import (
    db,
    demo,
    mappings,
    match,
    report,
    retry,
    review,
    runs,
    sandbox,
    serve,
    status,
)

app = typer.Typer(
    name="sidos",
    help=(
        "sidos keeps a university's partner organisations in one place: it pulls them "
        "from the CRM and project systems, resolves duplicates across units, "
        "classifies them into the Karvi stakeholder categories and pushes the result "
        "back to the CRM. Settings: config/sidos.yaml (or --config / SIDOS_CONFIG); "
        "secrets from the environment (SIDOS_CRM__TOKEN)."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)

app.command("demo")(demo.demo)
app.command("sandbox")(sandbox.sandbox)
app.command("plan")(runs.plan)
app.command("sync")(runs.sync)
app.command("resync")(runs.resync)
app.command("status")(status.status)
app.command("report")(report.report)
app.command("retry")(retry.retry)
app.command("serve")(serve.serve)
app.command("match")(match.match)
app.add_typer(review.app, name="review")
app.add_typer(db.app, name="db")
app.add_typer(mappings.app, name="mappings")


def main() -> None:
    """Run the ``sidos`` command line."""
    app()
