"""``sidos sandbox``: serve the built-in HubSpot-compatible CRM until stopped."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Annotated

import structlog
import typer

from connectors.hubspot.sandbox import SandboxServer, parse_rate_limit

log = structlog.get_logger(__name__)

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def sandbox(
    port: Annotated[
        int, typer.Option(help="Port to listen on; 0 picks a free one.", min=0)
    ] = 8765,
    seed: Annotated[
        str,
        typer.Option(
            help="'demo' for the demo university's ~300 organisations, or a number "
            "of companies to generate (e.g. 100000).",
        ),
    ] = "demo",
    token: Annotated[
        str | None,
        typer.Option(
            help="Bearer token clients must send; without it any token is accepted. "
            "Can also be set with SIDOS_SANDBOX_TOKEN.",
            envvar="SIDOS_SANDBOX_TOKEN",
            show_envvar=False,
        ),
    ] = None,
    rate_limit: Annotated[
        str | None,
        typer.Option(
            "--rate-limit",
            help="HubSpot's rolling limit per token as CALLS/SECONDS, e.g. 190/10s "
            "(Professional and Enterprise) or 100/10s (Free and Starter). Off when "
            "not given.",
        ),
    ] = None,
    search_rate: Annotated[
        int | None,
        typer.Option(
            "--search-rate",
            help="Search calls allowed per second per token (HubSpot allows 5). "
            "Off when not given.",
            min=1,
        ),
    ] = None,
    faults: Annotated[
        float,
        typer.Option(
            help="Probability per call of an injected fault: 429 storms, 5xx, slow "
            "answers, dropped connections, truncated JSON. 0 turns them off.",
            min=0.0,
            max=1.0,
        ),
    ] = 0.0,
    fault_seed: Annotated[
        int, typer.Option(help="Seed of the fault generator, to repeat a run.")
    ] = 0,
    host: Annotated[
        str, typer.Option(help="Address to bind. Keep the sandbox on loopback.")
    ] = "127.0.0.1",
) -> None:
    """Serve a HubSpot-compatible CRM API for demos, tests and benchmarks.

    The sandbox answers the HubSpot CRM v3 companies, owners and properties APIs
    (listing, search, batch read/create/update/upsert/archive, merge) with HubSpot's
    response shapes, error bodies and, when asked, its rate limits. It holds its data
    in memory: every start begins from the seed again.

    Point sidos at it with SIDOS_CRM__BASE_URL=http://127.0.0.1:PORT and
    SIDOS_CRM__TOKEN=TOKEN. Call counts are at GET /_sandbox/stats (a sandbox-only
    endpoint, not part of HubSpot's API). Stop it with Ctrl-C or SIGTERM.

    Example: sidos sandbox --port 8765 --seed demo --token demo-token
    --rate-limit 190/10s --search-rate 5
    """
    limit = _rate_limit(rate_limit)
    _check_seed(seed)
    if host not in LOOPBACK:
        log.warning("sandbox.not_loopback", host=host)

    server = SandboxServer(
        host=host,
        port=port,
        seed=int(seed) if seed.isdigit() else seed,
        token=token,
        rate_limit=limit,
        search_per_second=search_rate,
        faults=faults,
        fault_seed=fault_seed,
    )
    server.start()
    typer.echo(f"HubSpot sandbox listening on {server.url} (seed {seed}); Ctrl-C stops")

    _wait_for_stop()
    server.stop()


def _rate_limit(text: str | None) -> tuple[int, float] | None:
    if text is None:
        return None
    try:
        return parse_rate_limit(text)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--rate-limit") from exc


def _check_seed(seed: str) -> None:
    if seed != "demo" and not seed.isdigit():
        raise typer.BadParameter(
            f"{seed!r} is neither 'demo' nor a number of companies",
            param_hint="--seed",
        )


def _wait_for_stop() -> None:
    stopped = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stopped.set()

    previous = signal.signal(signal.SIGTERM, request_stop)
    try:
        # A timeout keeps the main thread responsive to Ctrl-C.
        while not stopped.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
