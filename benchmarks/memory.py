"""Resident memory of a process and the worker processes it starts.

``resource.getrusage`` knows a process's own peak exactly, but of its children only
the largest one's, and not when it ran. ``TreeSampler`` reads ``/proc`` every few
milliseconds and keeps the largest sum of this process and its descendants, which
is what the machine had to hold.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from types import TracebackType

__all__ = ["TreeSampler"]

INTERVAL_S = 0.02


class TreeSampler:
    """The peak resident memory of this process tree while the block runs."""

    def __init__(self) -> None:
        """Prepare a sampler; it starts on entering the block."""
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(INTERVAL_S):
            total = sum(_resident_kb(pid) for pid in _tree(os.getpid()))
            self.peak_mb = max(self.peak_mb, total / 1024)


def _tree(pid: int) -> list[int]:
    found, waiting = [], [pid]
    while waiting:
        current = waiting.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*"):
            try:
                waiting.extend(map(int, (task / "children").read_text().split()))
            except OSError:
                continue
    return found


def _resident_kb(pid: int) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0
