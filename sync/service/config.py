"""The ``service:`` settings: schedules, the HTTP address, reloads and shutdown.

Each job names what to run (``kind``) and when: ``every`` for an interval (``30s``,
``15m``, ``6h``, ``1d``) or ``cron`` for a crontab line read in ``timezone``. Intervals
are counted from a fixed instant, so every replica of a fleet computes the same fire
times and each fire time can be claimed once. A ``report`` job writes the partner
report to its ``out`` file, whose name may hold ``{date}``.
"""

from __future__ import annotations

import re
import string
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

JobKind = Literal["sync", "resync", "plan", "report"]
# The placeholder a report job's file name may hold, filled with the run's date.
DATE_PLACEHOLDER = "date"

_EVERY = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_JOB_ID = re.compile(r"[a-z][a-z0-9_]{0,62}")


def parse_every(text: str) -> timedelta:
    """Read an interval such as ``30s``, ``15m``, ``6h`` or ``1d``.

    Args:
        text: a number followed by ``s``, ``m``, ``h`` or ``d``.

    Returns:
        The interval, at least one second long.

    Raises:
        ValueError: the text is not of that form, or shorter than a second.
    """
    match = _EVERY.fullmatch(text)
    if match is None:
        raise ValueError(f"every {text!r} must look like 30s, 15m, 6h or 1d")
    interval = timedelta(seconds=float(match[1]) * _UNIT_SECONDS[match[2]])
    if interval < timedelta(seconds=1):
        raise ValueError(f"every {text!r} is shorter than one second; use 1s or more")

    return interval


def check_crontab(text: str) -> str:
    """Check a five-field crontab line: minute, hour, day, month, weekday.

    Weekdays must be names (``mon-fri``, ``sun``): cron dialects disagree on what
    their numbers mean, so a number could silently move a run to another day.

    Args:
        text: the crontab line.

    Returns:
        The line with its fields separated by single spaces.

    Raises:
        ValueError: the line is not a valid crontab line or numbers a weekday.
    """
    from apscheduler.triggers.cron import CronTrigger

    fields = text.split()
    if len(fields) != 5:
        raise ValueError(
            f"cron {text!r} has {len(fields)} fields; write minute hour day month "
            "weekday, e.g. '30 2 * * *'"
        )
    if any(character.isdigit() for character in fields[4]):
        raise ValueError(
            f"cron {text!r}: write the weekday as a name (mon-fri, sat, sun), "
            "not a number"
        )
    CronTrigger.from_crontab(" ".join(fields), timezone="UTC")

    return " ".join(fields)


def check_placeholders(text: str) -> str:
    """Check that a file name holds no placeholder other than ``{date}``.

    Args:
        text: the file name as written.

    Returns:
        The file name, unchanged.

    Raises:
        ValueError: it holds another placeholder, a format after ``date``, or an
            unpaired brace.
    """
    hint = "the only placeholder is {date}; write a literal brace as {{ or }}"
    try:
        fields = [
            (name, spec, conversion)
            for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None
        ]
    except ValueError:
        raise ValueError(f"out {text!r} has an unpaired brace; {hint}") from None
    for name, spec, conversion in fields:
        if name != DATE_PLACEHOLDER or spec or conversion:
            written = name + (f"!{conversion}" if conversion else "")
            written += f":{spec}" if spec else ""
            raise ValueError(f"out {text!r} holds {{{written}}}; {hint}")

    return text


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class JobSettings(_Section):
    """One scheduled job: what it runs and when."""

    kind: JobKind = "sync"
    every: str | None = Field(None, description="interval: 30s, 15m, 6h, 1d")
    cron: str | None = Field(None, description="crontab line read in the timezone")
    full: bool = Field(False, description="read every record, not only changes")
    source: str | None = Field(None, description="with resync: only this source")
    out: Path | None = Field(
        None,
        description="with report: the file to write, relative to the config file; "
        "{date} in it becomes the run's date",
    )
    enabled: bool = True

    @field_validator("every", "cron", "source", "out", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("out")
    @classmethod
    def _out_placeholders(cls, value: Path | None) -> Path | None:
        if value is not None:
            check_placeholders(str(value))
        return value

    @field_validator("every")
    @classmethod
    def _every_valid(cls, value: str | None) -> str | None:
        if value is not None:
            parse_every(value)
        return value

    @field_validator("cron")
    @classmethod
    def _cron_valid(cls, value: str | None) -> str | None:
        return None if value is None else check_crontab(value)

    @model_validator(mode="after")
    def _one_trigger(self) -> JobSettings:
        if (self.every is None) == (self.cron is None):
            raise ValueError(
                "give a job exactly one of every: (15m) or cron: (30 2 * * *)"
            )
        if self.source is not None and self.kind != "resync":
            raise ValueError("source: applies only to a job of kind resync")
        if self.kind == "report" and self.out is None:
            raise ValueError(
                "a job of kind report needs out: the file to write, e.g. "
                "reports/partners-{date}.csv"
            )
        if self.out is not None and self.kind != "report":
            raise ValueError("out: applies only to a job of kind report")
        if self.full and self.kind == "report":
            raise ValueError("full: does not apply to a job of kind report")
        return self

    def describe(self) -> str:
        """Return the trigger as written: ``every 15m`` or ``cron 30 2 * * *``."""
        return f"every {self.every}" if self.every is not None else f"cron {self.cron}"

    def out_for(self, day: date) -> Path:
        """Return a report job's file for a run on ``day``, with ``{date}`` filled in.

        Args:
            day: the run's date, written as ``2026-03-02``.

        Raises:
            ValueError: the job has no ``out`` file (it is not a report job).
        """
        if self.out is None:
            raise ValueError("only a job of kind report has an out: file")
        return Path(str(self.out).format_map({DATE_PLACEHOLDER: day.isoformat()}))


def default_jobs() -> dict[str, JobSettings]:
    """Return the schedule used when the settings name none."""
    return {
        "sync": JobSettings(kind="sync", every="15m"),
        "nightly_resync": JobSettings(kind="resync", full=True, cron="30 2 * * *"),
    }


class ServiceSettings(_Section):
    """How ``sidos serve`` schedules runs and answers health checks."""

    host: str = Field("127.0.0.1", description="address of the HTTP endpoints")
    port: int = Field(9464, ge=0, le=65535)
    timezone: str = "Europe/Helsinki"
    misfire_grace_seconds: int = Field(
        300, ge=1, description="how late a run may still start after its fire time"
    )
    shutdown_seconds: float = Field(
        30.0, gt=0, description="longest wait for the batch in flight on shutdown"
    )
    reload_poll_seconds: float = Field(
        10.0, ge=0, description="how often the config file is checked; 0 = only SIGHUP"
    )
    runner: str = Field(
        "sync.run:execute", description="module:function that performs one run"
    )
    jobs: dict[str, JobSettings] = Field(default_factory=default_jobs)

    @field_validator("timezone")
    @classmethod
    def _timezone_known(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone {value!r}; use a name such as Europe/Helsinki or UTC"
            ) from None
        return value

    @field_validator("runner")
    @classmethod
    def _runner_form(cls, value: str) -> str:
        if value.count(":") != 1 or not all(value.split(":")):
            raise ValueError(f"runner {value!r} must be of the form module:function")
        return value

    @field_validator("jobs")
    @classmethod
    def _job_ids(cls, jobs: dict[str, JobSettings]) -> dict[str, JobSettings]:
        bad = sorted(job_id for job_id in jobs if not _JOB_ID.fullmatch(job_id))
        if bad:
            raise ValueError(
                f"job names {bad} must be lower-case letters, digits and _, "
                "starting with a letter"
            )
        return jobs

    @property
    def zone(self) -> ZoneInfo:
        """Return the timezone in which cron lines are read."""
        return ZoneInfo(self.timezone)
