"""``sidos serve``: scheduled runs, with health and metrics endpoints."""

from __future__ import annotations

import logging
import os
from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from sync.commands.common import ConfigOption, admin_errors, fail
from sync.logs import configure_logging
from sync.service.lifecycle import EXIT_CLEAN, Service, install_signal_handlers
from sync.service.reload import validate_config
from sync.settings import Settings, config_path

HostOption = Annotated[
    str | None,
    typer.Option(
        "--host",
        help="Address of the endpoints. Default: service.host "
        "(127.0.0.1). In a container use 0.0.0.0.",
        show_default=False,
    ),
]
PortOption = Annotated[
    int | None,
    typer.Option(
        "--port",
        help="Port of the endpoints. Default: service.port (9464).",
        show_default=False,
        min=0,
        max=65535,
    ),
]


@admin_errors
def serve(
    config: ConfigOption = None, host: HostOption = None, port: PortOption = None
) -> None:
    """Run sidos as a service: the jobs of service.jobs on their schedules.

    Serves /healthz, /readyz and /metrics (Prometheus). Logs are JSON lines. A change
    to the config file (or SIGHUP) is checked first and applied only if valid.
    SIGTERM or Ctrl-C stops after the batch in flight; exit code 0 when it stopped in
    time. Several replicas can share one PostgreSQL state store: each scheduled run
    happens on one of them.
    """
    path = config_path(config)
    settings = validate_config(path)
    configure_logging(
        level=settings.logging.level, json=True, secrets=secrets_of(settings)
    )
    service = Service(path, settings, host=host, port=port)
    _start(service, settings)
    install_signal_handlers(service)
    code = service.run()
    logging.shutdown()
    if code != EXIT_CLEAN:
        # A run still in flight would hold the interpreter's exit; end it now.
        os._exit(code)


def secrets_of(settings: Settings) -> list[str]:
    """Return the secret values that must never appear in a log line."""
    secrets = []
    if settings.crm.token is not None:
        secrets.append(settings.crm.token.get_secret_value())
    try:
        password = make_url(settings.state.url).password
    except ArgumentError:
        password = None
    if password:
        secrets.append(str(password))

    return secrets


def _start(service: Service, settings: Settings) -> None:
    try:
        service.start()
    except SQLAlchemyError as exc:
        fail(
            f"The state store at {_safe_url(settings.state.url)} cannot be used "
            f"({type(exc).__name__}). Check state.url (or SIDOS_STATE__URL) and that "
            "the database server is running."
        )
    except OSError as exc:
        fail(
            f"Cannot listen on {service.host}:{service.port} ({exc.strerror}). "
            "Choose another address with --host/--port or service.host/port."
        )


def _safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "state.url"
