"""Locks that let one replica at a time run a job.

On PostgreSQL a job's lock is a session-level advisory lock held on a connection of
its own for the whole run. If the replica holding it dies, the server closes that
connection, which releases the lock, and the job's next fire runs on another replica.
While the run goes on, a watchdog checks the connection: if it is lost, another replica
may take the job, so the run is asked to stop after its batch.

On SQLite, which serves a single replica, a lock per job inside the process does.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Protocol

import structlog
from sqlalchemy import Connection, Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

log = structlog.get_logger()

# The server drops the session of a replica whose host vanished after about a minute.
_KEEPALIVE = (
    "SET tcp_keepalives_idle = 30; "
    "SET tcp_keepalives_interval = 10; "
    "SET tcp_keepalives_count = 3"
)


POLL_SECONDS = 0.5


class JobLocks(Protocol):
    """Grants a named lock to one holder at a time."""

    def hold(
        self, name: str, *, lost: threading.Event, wait_seconds: float = 0.0
    ) -> AbstractContextManager[bool]:
        """Try to take the lock, waiting up to ``wait_seconds`` unless ``lost`` is set.

        Yields whether it was taken; ``lost`` is set if a held lock is lost.
        """
        ...

    def close(self) -> None:
        """Release what the locks hold open."""
        ...


def lock_key(name: str) -> int:
    """Return the advisory lock key of a lock name: a signed 64-bit hash of it.

    Args:
        name: a job's id, or the name of a lock the jobs share.

    Returns:
        The same number in every replica, for use with ``pg_try_advisory_lock``.
    """
    digest = hashlib.blake2b(f"sidos.job:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def job_locks(engine: Engine, *, watch_seconds: float = 5.0) -> JobLocks:
    """Return the locks that suit the state store behind ``engine``.

    Args:
        engine: the state store's engine.
        watch_seconds: how often a held PostgreSQL lock's connection is checked.

    Returns:
        Advisory locks on PostgreSQL, process-local locks otherwise.
    """
    if engine.dialect.name == "postgresql":
        return PostgresLocks(engine, watch_seconds=watch_seconds)
    return LocalLocks()


class LocalLocks:
    """One lock per job, shared by the threads of this process."""

    def __init__(self) -> None:
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    @contextmanager
    def hold(
        self, name: str, *, lost: threading.Event, wait_seconds: float = 0.0
    ) -> Iterator[bool]:
        """Try to take the lock, waiting up to ``wait_seconds`` unless ``lost`` is set.

        Yields:
            Whether the lock was taken.
        """
        with self._guard:
            lock = self._locks.setdefault(name, threading.Lock())
        if not _poll(lambda: lock.acquire(blocking=False), wait_seconds, lost):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()

    def close(self) -> None:
        """Nothing to release: the locks live in this process."""


class PostgresLocks:
    """Session-level advisory locks, each on a connection opened for the run."""

    def __init__(self, engine: Engine, *, watch_seconds: float = 5.0) -> None:
        self.watch_seconds = watch_seconds
        # No pool: closing the connection must end the session, and so the lock.
        self._engine = create_engine(
            engine.url,
            poolclass=NullPool,
            connect_args={"connect_timeout": 10, "application_name": "sidos job lock"},
        )

    @contextmanager
    def hold(
        self, name: str, *, lost: threading.Event, wait_seconds: float = 0.0
    ) -> Iterator[bool]:
        """Try to take an advisory lock; keep it until the block ends.

        Args:
            name: the lock: a job's id, or the name of a lock the jobs share.
            lost: set when the lock's connection fails while the block runs; when
                set while waiting, the wait ends.
            wait_seconds: how long to keep trying while another session holds it.

        Yields:
            Whether this replica now holds the lock.

        Raises:
            SQLAlchemyError: the server could not be reached to ask for the lock.
        """
        connection = self._engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        )
        try:
            connection.exec_driver_sql(_KEEPALIVE)
            key = lock_key(name)
            if not _poll(lambda: _try_lock(connection, key), wait_seconds, lost):
                yield False
                return
            watchdog = _Watchdog(connection, lost, self.watch_seconds, name)
            watchdog.start()
            try:
                yield True
            finally:
                watchdog.stop()
        finally:
            # Closing ends the session, which releases the lock even if unlock fails.
            connection.close()

    def close(self) -> None:
        """Close the lock engine; held locks end with their connections."""
        self._engine.dispose()


def _poll(
    take: Callable[[], bool], wait_seconds: float, cancel: threading.Event
) -> bool:
    deadline = time.monotonic() + wait_seconds
    while not take():
        remaining = deadline - time.monotonic()
        if remaining <= 0 or cancel.wait(min(POLL_SECONDS, remaining)):
            return False
    return True


def _try_lock(connection: Connection, key: int) -> bool:
    taken = connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": key})
    return bool(taken.scalar())


class _Watchdog:
    """Checks a lock's connection until stopped; sets ``lost`` if it fails."""

    def __init__(
        self, connection: Connection, lost: threading.Event, seconds: float, name: str
    ) -> None:
        self._connection = connection
        self._lost = lost
        self._seconds = seconds
        self._name = name
        self._done = threading.Event()
        self._thread = threading.Thread(
            target=self._watch, name=f"lock-watch-{name}", daemon=True
        )

    def start(self) -> None:
        """Start checking the connection."""
        self._thread.start()

    def stop(self) -> None:
        """Stop checking, and wait for the check in progress to end."""
        self._done.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._done.wait(self._seconds):
            try:
                self._connection.exec_driver_sql("SELECT 1")
            except SQLAlchemyError as exc:
                log.error(
                    "service.lock_lost", lock=self._name, error=type(exc).__name__
                )
                self._lost.set()
                return
