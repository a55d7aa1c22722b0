"""Real ``sidos serve`` processes for tests, with their JSON log lines at hand."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

Event = dict[str, Any]


@dataclass
class ServeProcess:
    """One ``python -m sync.service`` process writing its log to a file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path

    @property
    def pid(self) -> int:
        """Return the process id."""
        return self.process.pid

    def output(self) -> str:
        """Return everything the process wrote so far."""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def events(self, name: str | None = None) -> list[Event]:
        """Return the JSON events logged so far, only those called ``name`` if given."""
        events = []
        for line in self.output().splitlines():
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event, dict) and name in (None, event.get("event")):
                events.append(event)
        return events

    def wait_for_event(
        self,
        name: str,
        *,
        timeout: float,
        where: Callable[[Event], bool] = lambda event: True,
    ) -> Event:
        """Wait for an event called ``name`` that satisfies ``where``; return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [event for event in self.events(name) if where(event)]
            if found:
                return found[0]
            if self.process.poll() is not None:
                break
            time.sleep(0.05)
        raise AssertionError(
            f"{self.name}: no {name} event within {timeout}s; output:\n"
            + self.output()[-4000:]
        )

    def url(self, timeout: float = 30.0) -> str:
        """Return the endpoints' base URL, once the service has started."""
        return str(self.wait_for_event("service.started", timeout=timeout)["url"])

    def send(self, signum: signal.Signals) -> None:
        """Send a signal to the process."""
        self.process.send_signal(signum)

    def wait(self, timeout: float) -> int:
        """Wait for the process to exit and return its exit code."""
        return self.process.wait(timeout=timeout)


def start_serve(
    name: str, config: Path, log_dir: Path, env: dict[str, str]
) -> ServeProcess:
    """Start ``python -m sync.service --config CONFIG`` in the project directory."""
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "sync.service", "--config", str(config)],
            cwd=ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
        )
    return ServeProcess(name, process, log_path)


def read_run_log(path: Path) -> list[Event]:
    """Return the lines the test runner wrote, in order."""
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]
