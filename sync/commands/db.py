"""``sidos db``: the state store's schema, upgraded by migrations."""

from __future__ import annotations

import json

import typer
from alembic.config import Config
from alembic.script import ScriptDirectory

from sync.commands.common import (
    ConfigOption,
    JsonOption,
    admin_errors,
    console,
    settings_from,
)
from sync.state.engine import (
    MIGRATIONS,
    create_state_engine,
    schema_revision,
    upgrade_schema,
)

app = typer.Typer(
    help="The state store's schema: see its revision, upgrade it.",
    no_args_is_help=True,
)


@app.command("upgrade")
@admin_errors
def upgrade(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Bring the state store's schema to the newest revision.

    Safe to run again, and from several replicas at once: on PostgreSQL they take
    turns, and the ones after the first find nothing to do. Back up the database
    before upgrading a production store.
    """
    settings = settings_from(config)
    engine = create_state_engine(settings.state.url)
    try:
        before = schema_revision(engine)
        upgrade_schema(engine)
        after = schema_revision(engine)
    finally:
        engine.dispose()
    if as_json:
        typer.echo(json.dumps({"before": before, "after": after, "head": head()}))
        return
    if before == after:
        console.print(f"Schema already at revision {after}; nothing to do.")
        return
    console.print(f"Schema upgraded from {before or 'an empty database'} to {after}.")


@app.command("current")
@admin_errors
def current(config: ConfigOption = None, as_json: JsonOption = False) -> None:
    """Show the schema's revision and whether an upgrade is due (exit code 1 if so)."""
    settings = settings_from(config)
    engine = create_state_engine(settings.state.url)
    try:
        revision = schema_revision(engine)
    finally:
        engine.dispose()
    newest = head()
    if as_json:
        typer.echo(json.dumps({"current": revision, "head": newest}))
    elif revision == newest:
        console.print(f"Schema at revision {revision}, the newest.")
    else:
        console.print(
            f"Schema at revision {revision or 'none (empty database)'}; the newest is "
            f"{newest}. Run `sidos db upgrade`."
        )
    if revision != newest:
        raise typer.Exit(1)


def head() -> str | None:
    """Return the newest revision the migrations know."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()
