"""Work handed to worker processes gives what the calling process would."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import pytest
import structlog

from mappings.model import Organisation
from mappings.names import name_parts
from sync import parallel
from sync.parallel import ProcessMap
from sync.resolve import resolve
from sync.settings import MatchingSettings
from tests.resolve.helpers import make_org

NAMES = [
    "Kattomestarit Oy",
    "KATTOMESTARIT OY, Tampere",
    "Oy Karl Fazer Ab",
    "Tampereen kaupunki",
    "Vanhan Kirjaston Ystävät ry",
    "",
]


def shout_unless_in_worker(values: Sequence[str]) -> list[str]:
    """Upper-case each value, and fail when run as a worker process."""
    if sys.modules["__main__"].__spec__ is not None and (
        sys.modules["__main__"].__spec__.name == "sync.parallel"
    ):
        raise RuntimeError("failing on purpose in a worker")
    return [value.upper() for value in values]


def test_workers_give_what_the_caller_gives() -> None:
    """Shares computed in workers come back complete and in order."""
    names = NAMES * 5
    with ProcessMap(
        name_parts, names, processes=3, caller_share=0.25, parallel_from=1
    ) as mapping:
        result = mapping.result()

    assert mapping.workers == 2
    assert mapping.failures == []
    assert result == name_parts(names)


def test_few_values_start_no_worker() -> None:
    """Below the threshold the caller computes everything itself."""
    with ProcessMap(name_parts, NAMES, processes=4) as mapping:
        result = mapping.result()

    assert mapping.workers == 0
    assert result == name_parts(NAMES)


def test_a_failing_worker_is_made_up_for_and_logged() -> None:
    """A worker that fails costs its share's time, not the run."""
    values = ["a", "b", "c", "d"]
    with (
        structlog.testing.capture_logs() as logs,
        ProcessMap(
            shout_unless_in_worker, values, processes=2, parallel_from=1
        ) as mapping,
    ):
        result = mapping.result()

    assert result == ["A", "B", "C", "D"]
    assert mapping.failures == ["exit 1: RuntimeError"]
    failed = [log for log in logs if log["event"] == "workers.failed"]
    assert failed[0]["function"] == "shout_unless_in_worker"


def test_a_function_a_worker_cannot_import_is_refused() -> None:
    """A local function would fail in every worker; it is refused up front."""

    def local(values: Sequence[str]) -> list[str]:
        return list(values)

    with pytest.raises(ValueError, match="not a module-level function"):
        ProcessMap(local, ["a"], processes=2)


def test_resolve_with_workers_equals_resolve_without(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Names normalised and read in workers give the same partners and names."""
    records: list[Organisation] = [
        make_org("crm:1", "Kattomestarit Oy"),
        make_org("crm:2", "KATTOMESTARIT OY, Tampere"),
        make_org("projects:1", "Kattomestarit"),
        make_org("crm:3", "Oy Karl Fazer Ab"),
        make_org("projects:2", "Karl Fazer"),
        make_org("crm:4", "Tampereen kaupunki"),
        make_org("projects:3", "Tampereen kaupunki, Tilakeskus"),
    ]
    alone = resolve(records, settings=MatchingSettings(processes=1))

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    with structlog.testing.capture_logs() as logs:
        shared = resolve(records, settings=MatchingSettings(processes=2))

    started = {log["function"] for log in logs if log["event"] == "workers.started"}
    assert started == {"name_parts", "read_names"}
    assert [
        (p.partner_id, p.golden.name, [m.ref for m in p.members])
        for p in shared.partners
    ] == [
        (p.partner_id, p.golden.name, [m.ref for m in p.members])
        for p in alone.partners
    ]
    assert any(len(p.members) > 1 for p in alone.partners)
