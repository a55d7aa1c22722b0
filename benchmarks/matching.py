"""Matching benchmarks: sidos against Splink on Chicago, names, and scale.

Run from the repository root::

    .venv/bin/python -m benchmarks.matching [DATA] [--scale 100000 1000000]
        [--processes 0 1] [--skip-splink]

``DATA`` is the shared data folder (default ``../shared/data``). Each of sidos's and
Splink's runs, and each scale run, is a separate process, so that wall time counts
imports and peak memory is the run's own. Figures are printed as JSON.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["main"]

DEFAULT_DATA = Path("..") / "shared" / "data"
NAME_THRESHOLDS = (0.5, 0.7, 0.88)


def main(argv: list[str] | None = None) -> None:
    """Run the benchmarks named by the arguments and print their figures.

    Args:
        argv: the command-line arguments, ``sys.argv[1:]`` when None.
    """
    arguments = _parser().parse_args(argv)
    if arguments.worker:
        from benchmarks.workers import run_worker

        figures = run_worker(
            arguments.worker, arguments.data, arguments.size, arguments.processes[0]
        )
        print(json.dumps(figures))
        return
    report: dict[str, Any] = {"data": str(arguments.data)}
    report["chicago_sidos"] = _in_subprocess("sidos-chicago", arguments.data)
    if not arguments.skip_splink:
        report["chicago_splink"] = _in_subprocess("splink-chicago", arguments.data)
    report["name_pairs"] = _name_pairs(arguments.data)
    for size in arguments.scale:
        for processes in arguments.processes:
            key = f"scale_{size}" + (f"_processes_{processes}" if processes else "")
            report[key] = _in_subprocess("sidos-scale", arguments.data, size, processes)
    print(json.dumps(report, indent=2))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument(
        "--scale",
        type=int,
        nargs="*",
        default=[100_000],
        help="record counts of the synthetic scale runs",
    )
    parser.add_argument(
        "--processes",
        type=int,
        nargs="*",
        default=[0],
        help="the matching.processes setting of each scale run, side by side: 0 "
        "uses every core, 1 only the run's own process",
    )
    parser.add_argument("--skip-splink", action="store_true")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--size", type=int, default=0, help=argparse.SUPPRESS)
    return parser


def _in_subprocess(
    worker: str, data: Path, size: int = 0, processes: int = 0
) -> dict[str, Any]:
    command = [
        sys.executable,
        "-m",
        "benchmarks.matching",
        str(data),
        "--worker",
        worker,
        "--size",
        str(size),
        "--processes",
        str(processes),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-5:]}
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _name_pairs(data: Path) -> dict[str, Any]:
    from benchmarks.names_bench import run_name_pairs

    return run_name_pairs(data, NAME_THRESHOLDS)


if __name__ == "__main__":
    main()
