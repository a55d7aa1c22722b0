"""Job locks: one holder at a time, waits that give up, and a lost lock noticed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from sync.service.locks import JobLocks, LocalLocks, PostgresLocks, job_locks, lock_key
from sync.state.engine import create_state_engine


@pytest.fixture(params=["local", pytest.param("postgres", marks=pytest.mark.postgres)])
def locks_pair(request: pytest.FixtureRequest) -> Iterator[tuple[JobLocks, JobLocks]]:
    """Two lock holders: two threads' view in one process, or two replicas."""
    if request.param == "local":
        shared = LocalLocks()
        yield shared, shared
        return
    engine = create_state_engine(request.getfixturevalue("postgres_url"))
    first, second = PostgresLocks(engine), PostgresLocks(engine)
    yield first, second
    first.close()
    second.close()
    engine.dispose()


def test_lock_key_is_stable_and_distinct() -> None:
    """Every replica derives the same 64-bit key; different jobs get different keys."""
    assert lock_key("sync") == lock_key("sync")
    assert lock_key("sync") != lock_key("nightly_resync")
    assert -(2**63) <= lock_key("sync") < 2**63


def test_sqlite_store_gets_process_local_locks(sqlite_url: str) -> None:
    """A SQLite store serves one replica, so its locks live in the process."""
    assert isinstance(job_locks(create_state_engine(sqlite_url)), LocalLocks)


class TestHold:
    def test_second_holder_is_refused_while_the_first_holds(
        self, locks_pair: tuple[JobLocks, JobLocks]
    ) -> None:
        """While one holds a job's lock, another cannot take it; after, it can."""
        first, second = locks_pair
        never = threading.Event()

        with first.hold("sync", lost=never) as held:
            with second.hold("sync", lost=never) as also:
                refused = not also
            with second.hold("other_job", lost=never) as other:
                independent = other
        with second.hold("sync", lost=never) as again:
            taken_after = again

        assert held and refused and independent and taken_after

    def test_wait_takes_the_lock_once_released(
        self, locks_pair: tuple[JobLocks, JobLocks]
    ) -> None:
        """A holder waiting with a bound gets the lock when the other lets go."""
        first, second = locks_pair
        never, taken = threading.Event(), threading.Event()

        def release_soon() -> None:
            with first.hold("all-runs", lost=never):
                taken.set()
                time.sleep(0.3)

        holder = threading.Thread(target=release_soon)
        holder.start()
        assert taken.wait(5)
        with second.hold("all-runs", lost=never, wait_seconds=5) as held:
            waited = held
        holder.join(5)

        assert waited

    def test_wait_ends_early_when_asked_to_stop(
        self, locks_pair: tuple[JobLocks, JobLocks]
    ) -> None:
        """Setting the event ends a wait at once, without the lock."""
        first, second = locks_pair
        never, stop = threading.Event(), threading.Event()
        threading.Timer(0.2, stop.set).start()

        with first.hold("all-runs", lost=never):
            started = time.monotonic()
            with second.hold("all-runs", lost=stop, wait_seconds=30) as held:
                got = held
            waited = time.monotonic() - started

        assert not got
        assert waited < 5


@pytest.mark.postgres
def test_lost_lock_connection_is_noticed(postgres_url: str) -> None:
    """If the server ends the lock's session, the run is told to stop."""
    engine = create_state_engine(postgres_url)
    locks = PostgresLocks(engine, watch_seconds=0.1)
    lost = threading.Event()
    admin = _admin(postgres_url)

    with locks.hold("sync", lost=lost) as held:
        with admin.connect() as db:
            db.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'sidos job lock'"
                )
            )
        noticed = lost.wait(5)

    locks.close()
    admin.dispose()
    engine.dispose()
    assert held and noticed


def _admin(url: str) -> Engine:
    return create_engine(
        url.replace("postgresql://", "postgresql+psycopg://", 1),
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
    )
