"""Fixtures of the sync tests: a sandbox CRM, settings pointed at it, and its state.

The integration tests run sidos over real HTTP against ``SandboxServer``, with the
repository's config, the sample project export and a SQLite state store in the
test's directory. The helpers here read what the sandbox holds, so that a test can
compare the CRM after one run with the CRM after another.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic import SecretStr

from connectors.errors import APIError
from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.sandbox.errors import SandboxAPIError
from connectors.hubspot.sandbox.routes import ROUTES
from connectors.hubspot.sandbox.routing import Reply, Route, find_route
from connectors.hubspot.sandbox.server import _Dropped
from connectors.hubspot.schema import OWN_PROPERTIES, PARTNER_ID
from sync.run import execute
from sync.settings import Settings, load_settings
from sync.state import open_store
from tests.connectors.hubspot.sandbox_client import SandboxClient

ROOT = Path(__file__).resolve().parents[2]
CONFIG_DIR = ROOT / "config"
SAMPLE_EXPORT = ROOT / "connectors" / "samples" / "rdi_projects.csv"
TOKEN = "sandbox-test-token"
HUBSPOT_LIMITS: dict[str, Any] = {"rate_limit": (190, 10.0), "search_per_second": 5}

WRITE_ENDPOINTS = frozenset(
    {
        "companies.batch_create",
        "companies.batch_update",
        "companies.batch_upsert",
        "companies.batch_archive",
        "companies.create",
        "companies.update",
        "companies.archive",
        "companies.merge",
    }
)
MAPPED_FIELDS = (
    "name",
    "y_tunnus",
    "domain",
    "city",
    "zip",
    "address",
    "phone",
    "toimialakoodi",
    "hubspot_owner_id",
)
COMPARED = (*OWN_PROPERTIES, *MAPPED_FIELDS)

CRMState = dict[str, dict[str, str]]


def start_sandbox(**options: Any) -> SandboxServer:
    """Return a started sandbox of the demo account with HubSpot's limits."""
    arguments = {"seed": "demo", "token": TOKEN, **HUBSPOT_LIMITS, **options}
    return SandboxServer(**arguments).start()


@pytest.fixture
def sandbox() -> Iterator[SandboxServer]:
    """Serve the demo account with HubSpot Professional's limits for one test."""
    server = start_sandbox()
    yield server
    server.stop()


def sandbox_settings(url: str, state_file: Path, **crm: Any) -> Settings:
    """Return the repository's settings pointed at a sandbox and a SQLite file.

    The incremental read's horizon and lookback are zero, so that a run sees an
    edit made just before it; ``crm`` overrides any other CRM setting.
    """
    settings = load_settings(CONFIG_DIR / "sidos.yaml")
    crm_settings = settings.crm.model_copy(
        update={
            "base_url": url,
            "token": SecretStr(TOKEN),
            "search_horizon_seconds": 0.0,
            "search_lookback_seconds": 0.0,
            **crm,
        }
    )
    sources = [
        source.model_copy(update={"path": SAMPLE_EXPORT})
        for source in settings.sources[:1]
    ]
    state = settings.state.model_copy(update={"url": f"sqlite:///{state_file}"})
    return settings.model_copy(
        update={"crm": crm_settings, "sources": sources, "state": state}
    )


@pytest.fixture
def settings(sandbox: SandboxServer, tmp_path: Path) -> Settings:
    """Return settings pointed at the test's sandbox and a new state store."""
    return sandbox_settings(sandbox.url, tmp_path / "state.db")


def with_sync(settings: Settings, **changes: Any) -> Settings:
    """Return ``settings`` with sync settings changed (merge policy, threshold…)."""
    sync = settings.sync.model_copy(update=changes)
    return settings.model_copy(update={"sync": sync})


def with_policies(settings: Settings, **policies: str) -> Settings:
    """Return ``settings`` with field policies set on top of the configured ones."""
    crm = settings.crm.model_copy(
        update={"policies": {**settings.crm.policies, **policies}}
    )
    return settings.model_copy(update={"crm": crm})


def write_config(directory: Path, **sections: Any) -> Path:
    """Copy ``config/`` into ``directory``, the sample export's path made absolute.

    Args:
        directory: where the copy goes.
        sections: top-level sections to merge into ``sidos.yaml``.

    Returns:
        The path of the copied ``sidos.yaml``.
    """
    directory.mkdir(parents=True, exist_ok=True)
    for path in CONFIG_DIR.glob("*.yaml"):
        (directory / path.name).write_text(path.read_text(encoding="utf-8"))
    target = directory / "sidos.yaml"
    data = yaml.safe_load(target.read_text(encoding="utf-8"))
    data["sources"] = [{**data["sources"][0], "path": str(SAMPLE_EXPORT)}]
    for name, values in sections.items():
        data[name] = {**data.get(name, {}), **values}
    target.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return target


@pytest.fixture
def config(
    sandbox: SandboxServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Return a copy of the config that the commands read, pointed at the sandbox.

    The search horizon is zero, so that each run sees every write made before it.
    """
    monkeypatch.setenv("SIDOS_CRM__BASE_URL", sandbox.url)
    monkeypatch.setenv("SIDOS_CRM__TOKEN", TOKEN)
    monkeypatch.setenv("SIDOS_STATE__URL", f"sqlite:///{tmp_path / 'state.db'}")
    monkeypatch.setenv("SIDOS_LOGGING__LEVEL", "warning")
    monkeypatch.setenv("SIDOS_CRM__SEARCH_HORIZON_SECONDS", "0")
    monkeypatch.setenv("SIDOS_CRM__SEARCH_LOOKBACK_SECONDS", "0")
    return write_config(tmp_path / "config")


def calls(sandbox: SandboxServer, *endpoints: str) -> int:
    """Return how many calls reached the named endpoints of the sandbox."""
    served: Mapping[str, int] = sandbox.stats["calls"]
    return sum(served.get(endpoint, 0) for endpoint in endpoints)


def write_calls(sandbox: SandboxServer) -> int:
    """Return how many calls to endpoints that change companies were served."""
    return calls(sandbox, *WRITE_ENDPOINTS)


def crm_state(sandbox: SandboxServer) -> CRMState:
    """Return the sandbox's live companies keyed by partner, with what sidos touches.

    A company holding a partner id is keyed by it; any other by ``id:`` and its id,
    which the seed fixes, so two identically seeded sandboxes compare key by key.
    """
    state: CRMState = {}
    for company in sandbox.store.active():
        values = {name: company.properties.get(name, "") for name in COMPARED}
        partner_id = values[PARTNER_ID]
        state[partner_id or f"id:{company.id}"] = values
    return state


def companies_per_partner(sandbox: SandboxServer) -> Counter[str]:
    """Return how many live companies hold each partner id."""
    return Counter(
        company.properties[PARTNER_ID]
        for company in sandbox.store.active()
        if company.properties.get(PARTNER_ID)
    )


def companies_per_name(sandbox: SandboxServer) -> Counter[str]:
    """Return how many live companies carry each name."""
    return Counter(
        company.properties.get("name", "") for company in sandbox.store.active()
    )


class Person:
    """Someone editing the CRM by hand between runs, through its public API."""

    def __init__(self, sandbox: SandboxServer) -> None:
        self.client = SandboxClient(sandbox, TOKEN)

    def edit(self, company_id: str, **properties: str) -> dict[str, Any]:
        """Change some properties of one company."""
        path = f"/crm/v3/objects/companies/{company_id}"
        reply = self.client.patch(path, {"properties": properties})
        assert reply.status_code == 200, reply.text
        body: dict[str, Any] = reply.json()
        return body

    def create(self, **properties: str) -> str:
        """Create a company and return its id."""
        return str(self.client.create(**properties)["id"])

    def archive(self, company_id: str) -> None:
        """Move one company to the recycle bin."""
        reply = self.client.delete(f"/crm/v3/objects/companies/{company_id}")
        assert reply.status_code == 204, reply.text

    def merge(self, primary_id: str, other_id: str) -> str:
        """Merge two companies and return the new company's id."""
        body = {"primaryObjectId": primary_id, "objectIdToMerge": other_id}
        reply = self.client.post("/crm/v3/objects/companies/merge", body)
        assert reply.status_code == 200, reply.text
        return str(reply.json()["id"])

    def change_property(self, name: str, **definition: Any) -> None:
        """Change a company property's definition, as an admin does in settings."""
        path = f"/crm/v3/properties/companies/{name}"
        reply = self.client.patch(path, definition)
        assert reply.status_code == 200, reply.text


@pytest.fixture
def person(sandbox: SandboxServer) -> Person:
    """Return a person who edits the test's sandbox by hand."""
    return Person(sandbox)


@dataclass(frozen=True)
class CRMOutcome:
    """What the CRM holds after a run, to compare one run with another."""

    state: CRMState
    names: Counter[str]
    per_partner: Counter[str]


def outcome_of(sandbox: SandboxServer) -> CRMOutcome:
    """Return what the sandbox holds now."""
    return CRMOutcome(
        crm_state(sandbox), companies_per_name(sandbox), companies_per_partner(sandbox)
    )


@pytest.fixture(scope="session")
def fault_free(tmp_path_factory: pytest.TempPathFactory) -> CRMOutcome:
    """Return the CRM after one uninterrupted, fault-free sync of the demo account."""
    server = start_sandbox()
    try:
        state_file = tmp_path_factory.mktemp("fault-free") / "state.db"
        report = execute(sandbox_settings(server.url, state_file), kind="sync")
        assert report.applied is not None and report.applied.failed == {}
        return outcome_of(server)
    finally:
        server.stop()


@dataclass(frozen=True)
class Call:
    """One call the sandbox received, held for a test to decide what happens.

    ``number`` counts the calls intercepted, from 1; ``serve`` serves the call as
    the sandbox would (applying a write) and returns the reply.
    """

    number: int
    endpoint: str
    is_write: bool
    serve: Callable[[], Reply]


def intercept(
    sandbox: SandboxServer,
    action: Callable[[Call], Reply],
    *,
    writes_only: bool = True,
) -> None:
    """Send the calls the sandbox receives through ``action``.

    ``action`` returns the reply to send, or raises ``_Dropped`` to close the
    connection without one. Reads pass untouched unless ``writes_only`` is off;
    the sandbox's own stats endpoint always does.
    """
    serve = sandbox.answer
    numbers = itertools.count(1)

    def answer(method: str, target: str, headers: Any, body: bytes) -> Reply:
        found = route_of(method, urlsplit(target).path)
        if found is None or (writes_only and not found.is_write):
            return serve(method, target, headers, body)
        call = Call(
            next(numbers),
            found.name,
            found.is_write,
            lambda: serve(method, target, headers, body),
        )
        return action(call)

    sandbox.answer = answer


def route_of(method: str, path: str) -> Route | None:
    """Return the sandbox's route for a call; ``None`` for its stats endpoint."""
    try:
        return find_route(ROUTES, method, path)
    except SandboxAPIError:
        return None


def drop_after_applying(call: Call) -> Reply:
    """Apply the write, then close the connection: the client never hears back."""
    call.serve()
    raise _Dropped


def truncate_after_applying(call: Call) -> Reply:
    """Apply the write, then answer 200 with JSON cut short."""
    reply = call.serve()
    return Reply(200, b'{"status":"COMPLETE","results":[{"id":', reply.headers)


def dead_letters(settings: Settings) -> int:
    """Return how many refused writes the state store keeps for a retry."""
    store = open_store(settings.state.url)
    try:
        return store.ledger.dead_letter_count()
    finally:
        store.close()


def unfinished(settings: Settings) -> int:
    """Return how many operations were sent but never confirmed."""
    store = open_store(settings.state.url)
    try:
        return len(store.ledger.unfinished())
    finally:
        store.close()


def sync_until_clean(settings: Settings, *, runs: int = 6) -> list[str]:
    """Run sync as an admin would, again after each failure; return the outcomes.

    A run is clean when it raised nothing, no write failed and no operation is
    left unconfirmed.
    """
    outcomes: list[str] = []
    for _ in range(runs):
        try:
            report = execute(settings, kind="sync")
        except APIError as exc:
            outcomes.append(type(exc).__name__)
            continue
        failed = report.applied.failed if report.applied else {}
        outcomes.append(f"{len(failed)} failed" if failed else "clean")
        if not failed and not unfinished(settings):
            return outcomes
    raise AssertionError(f"no clean sync in {runs} runs: {outcomes}")


def assert_same_crm(outcome: CRMOutcome, expected: CRMOutcome) -> None:
    """Fail unless two CRMs hold the same companies, none twice and none lost."""
    assert outcome.state == expected.state
    assert outcome.names == expected.names
    assert max(outcome.per_partner.values()) == 1
