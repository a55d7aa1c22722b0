"""A pure function of many strings, run in worker processes beside the caller.

Normalising a name or reading how it is written is pure Python at several
microseconds a name; a million names hold one core for ten seconds while the others
wait. Threads would share one interpreter lock, so ``ProcessMap`` starts worker
processes as ``python -m sync.parallel MODULE:FUNCTION``, writes each its
share of the values from a thread, and reads the results back when the caller asks,
after doing other work meanwhile. A fresh interpreter copies neither the caller's
``__main__`` nor its threads, as multiprocessing's spawn or fork would.

Below ``PARALLEL_FROM`` values, starting interpreters costs more than it saves and
the function runs in the calling process when its result is asked for. A share
whose worker fails is computed in the calling process too, and ``failures`` says
why, so a run never depends on the workers.
"""

from __future__ import annotations

import importlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Generic, TypeVar

import structlog

__all__ = ["PARALLEL_FROM", "ProcessMap", "available_cores"]

PARALLEL_FROM = 200_000

T = TypeVar("T")
log = structlog.get_logger(__name__)
Function = Callable[[Sequence[str]], list[T]]


def available_cores() -> int:
    """Return the number of cores this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1


class ProcessMap(Generic[T]):
    """``function(values)``, computed by worker processes while the caller goes on.

    Use as a context manager: the workers start on entry, ``result`` waits for
    them, and leaving stops any still running.
    """

    def __init__(
        self,
        function: Function[T],
        values: Sequence[str],
        *,
        processes: int,
        caller_share: float = 0.0,
        parallel_from: int | None = None,
    ) -> None:
        """Plan the work.

        Args:
            function: a module-level function returning one result per value, in
                order, that depends on nothing but its values.
            values: the values.
            processes: the cores to use, the caller's included; 1 starts no
                worker.
            caller_share: the part of the values the caller computes itself when
                it asks for the result; the workers share the rest equally.
            parallel_from: the fewest values worth starting workers for;
                ``PARALLEL_FROM`` when not given.

        Raises:
            ValueError: when ``function`` is not importable by its name.
        """
        if "<" in function.__qualname__:
            raise ValueError(
                f"{function.__qualname__} is not a module-level function; a worker "
                "process can only import those"
            )
        self._function = function
        self._values = values
        least = PARALLEL_FROM if parallel_from is None else parallel_from
        self._processes = processes if len(values) >= least else 1
        self._own = round(len(values) * caller_share) if self._processes > 1 else 0
        self._workers: list[_Worker[T]] = []
        self.failures: list[str] = []

    def __enter__(self) -> ProcessMap[T]:
        if self._processes > 1:
            # The caller goes on with other work, on a core of its own.
            rest = self._values[self._own :]
            size = -(-len(rest) // (self._processes - 1))
            self._workers = [
                _Worker(self._function, rest[start : start + size])
                for start in range(0, len(rest), size)
            ]
            log.info(
                "workers.started",
                function=self._function.__qualname__,
                workers=len(self._workers),
                values=len(self._values),
            )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for worker in self._workers:
            worker.stop()

    @property
    def workers(self) -> int:
        """Return the number of worker processes started."""
        return len(self._workers)

    def result(self) -> list[T]:
        """Return the function's results for every value, in the order given."""
        if not self._workers:
            return self._function(self._values)
        results = self._function(self._values[: self._own]) if self._own else []
        for worker in self._workers:
            part, failure = worker.result()
            results.extend(part)
            if failure:
                self.failures.append(failure)
                log.warning(
                    "workers.failed",
                    function=self._function.__qualname__,
                    reason=failure,
                    values=len(self._values),
                )
        return results


class _Worker(Generic[T]):
    """One worker process, fed by a thread and read when asked.

    The thread only writes: it spends its time in system calls that release the
    interpreter lock. The worker's output waits in its pipe until ``result``.
    """

    def __init__(self, function: Function[T], values: Sequence[str]) -> None:
        self._function = function
        self._values = values
        self._failure: str | None = None
        self._process: subprocess.Popen[bytes] | None = None
        self._feeder: threading.Thread | None = None
        target = f"{function.__module__}:{function.__qualname__}"
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", __name__, target],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            )
        except OSError as error:
            self._failure = f"not started: {type(error).__name__}"
            return
        data = pickle.dumps(list(values), protocol=pickle.HIGHEST_PROTOCOL)
        self._feeder = threading.Thread(target=self._send, args=(data,), daemon=True)
        self._feeder.start()

    def _send(self, data: bytes) -> None:
        if self._process is None or self._process.stdin is None:
            return
        try:
            with self._process.stdin as stdin:
                stdin.write(data)
        except OSError:
            # The worker died before reading everything; ``result`` says why.
            return

    def result(self) -> tuple[list[T], str | None]:
        """Return the worker's results and None, or compute here and say why."""
        process = self._process
        if self._failure is None and process and process.stdout and process.stderr:
            output = process.stdout.read()
            errors = process.stderr.read()
            if self._feeder is not None:
                self._feeder.join()
            if process.wait() == 0:
                results: list[T] = pickle.loads(output)
                return results, None
            # Only the exception's type: its message may quote a value.
            last = errors.decode(errors="replace").strip().splitlines()[-1:]
            kind = last[0].partition(":")[0] if last else "no error output"
            self._failure = f"exit {process.returncode}: {kind}"
        return self._function(self._values), self._failure

    def stop(self) -> None:
        """Stop the process if it still runs, and close its pipes."""
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
        for pipe in (self._process.stdout, self._process.stderr):
            if pipe is not None:
                pipe.close()
        self._process.wait()
        if self._feeder is not None:
            self._feeder.join()


def _serve(target: str) -> None:
    module, _, name = target.partition(":")
    function = getattr(importlib.import_module(module), name)
    values = pickle.load(sys.stdin.buffer)
    pickle.dump(function(values), sys.stdout.buffer, protocol=pickle.HIGHEST_PROTOCOL)


if __name__ == "__main__":
    _serve(sys.argv[1])
