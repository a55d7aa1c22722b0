"""``sidos sync`` killed at any point, then run again, ends as an uninterrupted run.

The sync runs as a real process against an in-process sandbox, which holds the call
on which the process is to die: the k-th write, killed either before the sandbox
applies it or after it did but before the answer leaves (the batch is then logged
as sent and never as done), or a page of the listing. The rerun must recover and
leave the CRM as one uninterrupted run does, with no company created twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from pydantic import SecretStr

from connectors.hubspot.sandbox import SandboxServer
from connectors.hubspot.sandbox.routing import Reply
from connectors.hubspot.sandbox.server import _Dropped
from sync.run import execute
from sync.settings import Settings, load_settings
from tests.sync.conftest import (
    TOKEN,
    Call,
    CRMOutcome,
    assert_same_crm,
    dead_letters,
    intercept,
    outcome_of,
    sync_until_clean,
    write_calls,
    write_config,
)

pytestmark = pytest.mark.slow

SIDOS = Path(sys.executable).parent / "sidos"
# A first sync of the demo account writes the property group, the properties, then
# its company batches; a kill point past its last write is skipped.
MOST_WRITES = 6
KILL_POINTS = [
    *[("write", k, "received") for k in range(1, MOST_WRITES + 1)],
    *[("write", k, "applied") for k in range(1, MOST_WRITES + 1)],
    ("companies.list", 2, "received"),
]


@dataclass
class Killer:
    """Kills the sync process on the chosen call, before or after serving it."""

    target: str
    number: int
    when: str
    process: subprocess.Popen[bytes] | None = None
    seen: int = 0
    killed_on: list[str] = field(default_factory=list)

    def __call__(self, call: Call) -> Reply:
        """Serve the call, unless it is the one to die on."""
        if self.target not in ("write", call.endpoint) or (
            self.target == "write" and not call.is_write
        ):
            return call.serve()
        self.seen += 1
        if self.seen != self.number or self.process is None:
            return call.serve()
        if self.when == "applied":
            call.serve()
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)
        self.killed_on.append(call.endpoint)
        raise _Dropped


def run_sync_process(
    config: Path, sandbox: SandboxServer, state_file: Path, log: Path
) -> subprocess.Popen[bytes]:
    """Start ``sidos sync`` against the sandbox, its output going to ``log``."""
    environment = {
        **os.environ,
        "SIDOS_CRM__BASE_URL": sandbox.url,
        "SIDOS_CRM__TOKEN": TOKEN,
        "SIDOS_STATE__URL": f"sqlite:///{state_file}",
        "SIDOS_LOGGING__LEVEL": "warning",
    }
    with log.open("wb") as output:
        return subprocess.Popen(
            [str(SIDOS), "sync", "--config", str(config)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def settings_of(
    config: Path, sandbox: SandboxServer, state_file: Path, *, later: bool
) -> Settings:
    """Return the settings the process ran with, for the reruns in this process.

    ``later`` makes the reruns see every write at once, as a run does once the
    search horizon has passed; otherwise they run at once, within it.
    """
    settings = load_settings(config)
    horizon = {"search_horizon_seconds": 0.0, "search_lookback_seconds": 0.0}
    crm = settings.crm.model_copy(
        update={
            "base_url": sandbox.url,
            "token": SecretStr(TOKEN),
            **(horizon if later else {}),
        }
    )
    state = settings.state.model_copy(update={"url": f"sqlite:///{state_file}"})
    return settings.model_copy(update={"crm": crm, "state": state})


@pytest.mark.parametrize("rerun", ["at-once", "later"])
@pytest.mark.parametrize(("target", "number", "when"), KILL_POINTS)
def test_sync_killed_then_rerun_ends_as_an_uninterrupted_run(
    target: str,
    number: int,
    when: str,
    rerun: str,
    sandbox: SandboxServer,
    fault_free: CRMOutcome,
    tmp_path: Path,
) -> None:
    """A sync killed on one call and run again leaves the uninterrupted run's CRM."""
    config = write_config(tmp_path / "config")
    state_file = tmp_path / "state.db"
    killer = Killer(target, number, when)
    intercept(sandbox, killer, writes_only=target == "write")
    killer.process = run_sync_process(config, sandbox, state_file, tmp_path / "log")

    exit_code = killer.process.wait(timeout=120)
    settings = settings_of(config, sandbox, state_file, later=rerun == "later")
    outcomes = sync_until_clean(settings)
    writes = write_calls(sandbox)
    again = execute(settings, kind="sync")

    log = (tmp_path / "log").read_text(errors="replace")
    if exit_code == 0 and not killer.killed_on:
        pytest.skip(f"the sync made fewer than {number} writes")
    assert exit_code == -signal.SIGKILL, log
    assert outcomes == ["clean"]
    assert_same_crm(outcome_of(sandbox), fault_free)
    assert again.plan.operations == []
    assert write_calls(sandbox) == writes
    assert dead_letters(settings) == 0


def test_sync_process_uninterrupted_makes_no_more_writes_than_kill_points(
    sandbox: SandboxServer, fault_free: CRMOutcome, tmp_path: Path
) -> None:
    """Every write of the process's first sync has its kill points, and it succeeds."""
    config = write_config(tmp_path / "config")
    process = run_sync_process(config, sandbox, tmp_path / "state.db", tmp_path / "log")

    exit_code = process.wait(timeout=120)

    assert exit_code == 0, (tmp_path / "log").read_text(errors="replace")
    assert write_calls(sandbox) + properties_written(sandbox) <= MOST_WRITES
    assert_same_crm(outcome_of(sandbox), fault_free)


def properties_written(sandbox: SandboxServer) -> int:
    """Return the calls that created sidos's property group and properties."""
    served = sandbox.stats["calls"]
    return int(
        served.get("properties.create_group", 0)
        + served.get("properties.batch_create", 0)
    )
