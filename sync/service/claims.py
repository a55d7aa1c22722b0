"""Claims on scheduled fire times, so that each slot of a job runs once.

Before a replica runs a job it inserts a row keyed by the job and the fire time it
was scheduled for. The insert does nothing if the row exists, so of several replicas
firing the same slot only the first runs it, even when the others fire after the
first has finished. The row then records how the run ended.

A row left ``running`` by a replica that died is found by the next holder of the
job's lock, which marks it ``abandoned`` and its run ``interrupted``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, func, select, update
from sqlalchemy.dialects import postgresql, sqlite

from sync.state import schema
from sync.state.store import utcnow

INTERRUPTED_ERROR = "ReplicaLost"


@dataclass(frozen=True, slots=True)
class SlotRow:
    """How one scheduled slot of a job went."""

    job_id: str
    scheduled_at: datetime
    replica: str
    status: str
    run_id: str | None
    finished_at: datetime | None


class SlotBook:
    """Claims slots and records how their runs end."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def claim(self, job_id: str, scheduled_at: datetime, replica: str) -> bool:
        """Claim a job's slot for this replica.

        Args:
            job_id: the job.
            scheduled_at: the fire time the scheduler gave.
            replica: who claims it (host and process id).

        Returns:
            True if the slot was free and is now this replica's to run.
        """
        values = {
            "job_id": job_id,
            "scheduled_at": scheduled_at,
            "replica": replica,
            "claimed_at": utcnow(),
            "status": "running",
        }
        insert = (
            _insert_for(self.engine)
            .values(**values)
            .on_conflict_do_nothing()
            .returning(schema.job_runs.c.job_id)
        )
        with self.engine.begin() as db:
            claimed = db.execute(insert).first()

        return claimed is not None

    def started(self, job_id: str, scheduled_at: datetime, run_id: str) -> None:
        """Record the run id the slot's run was given."""
        self._update(job_id, scheduled_at, run_id=run_id)

    def finish(
        self, job_id: str, scheduled_at: datetime, status: str, error: str | None = None
    ) -> None:
        """Record how the slot's run ended: succeeded, failed or interrupted."""
        self._update(
            job_id, scheduled_at, status=status, error=error, finished_at=utcnow()
        )

    def recover(self, job_id: str) -> list[str]:
        """Close the slots of a job left running by a replica that stopped.

        Call it only while holding the job's lock: then no live replica runs the job,
        so a slot still marked running was abandoned.

        Returns:
            The run ids of the abandoned slots, now recorded as interrupted.
        """
        table = schema.job_runs
        stale = (table.c.job_id == job_id) & (table.c.status == "running")
        with self.engine.begin() as db:
            run_ids = [
                run_id
                for run_id in db.execute(select(table.c.run_id).where(stale)).scalars()
                if run_id
            ]
            db.execute(
                update(table)
                .where(stale)
                .values(
                    status="abandoned", finished_at=utcnow(), error=INTERRUPTED_ERROR
                )
            )
            _interrupt_runs(db, run_ids)

        return run_ids

    def latest(self) -> dict[str, SlotRow]:
        """Return each job's newest slot."""
        table = schema.job_runs
        newest = (
            select(table.c.job_id, func.max(table.c.scheduled_at).label("at"))
            .group_by(table.c.job_id)
            .subquery()
        )
        query = select(table).join(
            newest,
            (table.c.job_id == newest.c.job_id) & (table.c.scheduled_at == newest.c.at),
        )
        with self.engine.connect() as db:
            rows = db.execute(query).mappings().all()

        return {row["job_id"]: _slot(row) for row in rows}

    def last_success(self) -> dict[str, datetime]:
        """Return when each job last finished a run successfully, in UTC."""
        table = schema.job_runs
        query = (
            select(table.c.job_id, func.max(table.c.finished_at))
            .where(table.c.status == "succeeded")
            .group_by(table.c.job_id)
        )
        with self.engine.connect() as db:
            return {job: at for job, at in db.execute(query) if at is not None}

    def _update(self, job_id: str, scheduled_at: datetime, **values: Any) -> None:
        table = schema.job_runs
        key = (table.c.job_id == job_id) & (table.c.scheduled_at == scheduled_at)
        with self.engine.begin() as db:
            db.execute(update(table).where(key).values(**values))


def _insert_for(engine: Engine) -> Any:
    if engine.dialect.name == "postgresql":
        return postgresql.insert(schema.job_runs)
    return sqlite.insert(schema.job_runs)


def _interrupt_runs(db: Any, run_ids: list[str]) -> None:
    if not run_ids:
        return
    runs = schema.runs
    db.execute(
        update(runs)
        .where(runs.c.run_id.in_(run_ids), runs.c.status == "running")
        .values(status="interrupted", finished_at=utcnow(), error=INTERRUPTED_ERROR)
    )


def _slot(row: Any) -> SlotRow:
    return SlotRow(
        job_id=row["job_id"],
        scheduled_at=row["scheduled_at"],
        replica=row["replica"],
        status=row["status"],
        run_id=row["run_id"],
        finished_at=row["finished_at"],
    )
