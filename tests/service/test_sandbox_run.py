"""The service driving sidos's own run against the sandbox CRM, with a known token.

This is the end-to-end check of what reaches the log: the real pull, resolve, plan
and apply, with the token and the demo data's staff e-mail addresses in play.
"""

from __future__ import annotations

import io
import logging
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
import yaml

from mappings.errors import ConfigError
from sync.logs import configure_logging
from sync.service.lifecycle import Service
from sync.service.reload import validate_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "pat-na1-7e6d5c4b-3a29-4817-a6b5-c4d3e2f1a0b9"
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


@pytest.fixture
def sandbox_url() -> Iterator[str]:
    """Start the sandbox CRM, seeded with the demo account, for one test."""
    sandbox_module = pytest.importorskip("connectors.hubspot.sandbox")
    sandbox = sandbox_module.SandboxServer(port=0, seed="demo", token=TOKEN)
    sandbox.start()
    yield str(sandbox.url)
    sandbox.stop()


@pytest.fixture
def real_config(
    tmp_path: Path, sandbox_url: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The repository's config, pointed at the sandbox and a new SQLite store."""
    config_dir = tmp_path / "config"
    shutil.copytree(ROOT / "config", config_dir)
    path = config_dir / "sidos.yaml"
    settings = yaml.safe_load(path.read_text(encoding="utf-8"))
    for source in settings.get("sources", []):
        source["path"] = str((ROOT / "config" / source["path"]).resolve())
    settings["service"] = {"port": 0, "jobs": {"sync": {"every": "1s"}}}
    path.write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("SIDOS_CRM__BASE_URL", sandbox_url)
    monkeypatch.setenv("SIDOS_CRM__TOKEN", TOKEN)
    monkeypatch.setenv("SIDOS_STATE__URL", f"sqlite:///{tmp_path / 'state.db'}")
    try:
        validate_config(path)
    except ConfigError as exc:
        pytest.skip(f"the repository's config cannot run yet: {exc.problems[0]}")
    return path


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """Send every log line, as the service writes it, to a buffer for the test."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    buffer = io.StringIO()
    configure_logging(level="debug", json=True, secrets=[TOKEN], stream=buffer)
    yield buffer
    structlog.reset_defaults()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_scheduled_real_run_logs_no_token_or_email(
    real_config: Path, output: io.StringIO
) -> None:
    """A scheduled sync against the sandbox succeeds; its log holds no secrets."""
    settings = validate_config(real_config)
    service = Service(real_config, settings)
    service.start()
    try:
        slot = _wait_for_finished_slot(service)
    finally:
        service.shutdown("test over")

    text = output.getvalue()
    print(f"\nreal run against the sandbox: {slot}")
    calls = service.metrics.registry.get_sample_value(
        "sidos_api_calls_total", {"crm": settings.crm.name}
    )
    assert slot["status"] == "succeeded"
    assert calls is not None and calls > 0
    assert TOKEN not in text
    assert EMAIL.findall(text) == []
    assert '"event": "service.job_finished"' in text


def _wait_for_finished_slot(service: Service, timeout: float = 60.0) -> dict[str, str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        latest = service.jobs.slots.latest().get("sync")
        if latest is not None and latest.status != "running":
            return {"status": latest.status, "run_id": latest.run_id or ""}
        time.sleep(0.2)
    raise AssertionError(f"no scheduled run finished within {timeout}s")
