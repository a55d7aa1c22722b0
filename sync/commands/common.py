"""What every command shares: loading settings, logging, and turning errors into
messages an admin can act on, with a distinct exit code for each kind of failure."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, NoReturn, ParamSpec, TypeVar

import typer
from rich.console import Console

from connectors.errors import APIError, FatalAPIError
from mappings.errors import ConfigError
from sync.logs import configure_logging
from sync.settings import Settings, config_path, load_settings

P = ParamSpec("P")
R = TypeVar("R")

EXIT_CONFIG = 2
EXIT_API = 3

console = Console()
errors = Console(stderr=True)

ConfigOption = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        help="Settings file. Default: $SIDOS_CONFIG, else config/sidos.yaml.",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON for scripts.")
]


def settings_from(path: Path | None, *, level: str | None = None) -> Settings:
    """Load the settings and configure logging from them.

    Args:
        path: the ``--config`` option, if given.
        level: a log level that replaces the configured one.

    Raises:
        ConfigError: the settings file is missing or invalid.
    """
    settings = load_settings(config_path(path))
    secrets = [settings.crm.token.get_secret_value()] if settings.crm.token else []
    configure_logging(
        level=level or settings.logging.level,
        json=settings.logging.format == "json",
        secrets=secrets,
    )
    return settings


def admin_errors(command: Callable[P, R]) -> Callable[P, R]:
    """Turn sidos's errors into a short message and an exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return command(*args, **kwargs)
        except ConfigError as exc:
            errors.print(f"[bold red]Configuration error[/]\n{exc}", highlight=False)
            raise typer.Exit(EXIT_CONFIG) from None
        except FatalAPIError as exc:
            errors.print(
                f"[bold red]The CRM refused the request:[/] {exc}", highlight=False
            )
            raise typer.Exit(EXIT_API) from None
        except APIError as exc:
            errors.print(
                f"[bold red]The CRM stayed unavailable:[/] {exc}. Nothing was lost: "
                "run the command again later.",
                highlight=False,
            )
            raise typer.Exit(EXIT_API) from None

    return wrapper


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for the admin and exit with ``code``."""
    errors.print(f"[bold red]{message}[/]", highlight=False)
    sys.stderr.flush()
    raise typer.Exit(code)
