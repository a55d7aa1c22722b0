"""A HubSpot-compatible CRM on loopback, for the demo, the tests and the benchmarks.

``SandboxServer`` serves the CRM v3 companies, owners and properties APIs with
HubSpot's shapes, rate limits and errors, seeded with the demo account or with N
generated companies, and injects faults on request. Start it from the command line
with ``sidos sandbox`` or from Python::

    with SandboxServer(seed="demo", token="demo-token") as sandbox:
        client = HubSpot(access_token="demo-token", host=sandbox.url)
"""

from __future__ import annotations

from connectors.hubspot.sandbox.limits import parse_rate_limit
from connectors.hubspot.sandbox.seed import (
    SeedData,
    generate_companies,
    load_demo_truth,
    load_seed,
    read_demo,
)
from connectors.hubspot.sandbox.server import SandboxServer

__all__ = [
    "SandboxServer",
    "SeedData",
    "generate_companies",
    "load_demo_truth",
    "load_seed",
    "parse_rate_limit",
    "read_demo",
]
