"""Time ``lks-templates benchmark`` beside ``collect`` on the same returns.

Usage::

    python benchmarks/bench_benchmark.py [--n 200] [--template monthly-activity]
        [--repeat 3] [--jobs 1,2] [--code DIR]

It writes N example returns of a monthly template (``example-returns``), then runs, as
whole processes, ``collect DIR --out OUT`` and ``benchmark DIR --spec TEMPLATE-peers --out
OUT --date 2026-01-01`` (the shipped spec: 4 peer groups, every KPI), each with every
``--jobs`` given, in turn in each of ``--repeat`` rounds, and reports for each the median
wall time, CPU time (the child's user + system time) and peak memory (its largest resident
set, via ``resource.getrusage``), and benchmark's time as a multiple of collect's with the
same jobs. The aim: benchmark adds less than collect's own time (a ratio under 2).
``--code DIR``: time the lks_templates of another checkout (e.g. an older commit
unpacked with ``git archive``); ``--jobs 1`` for code without ``benchmark --jobs``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(argv: list[str], code: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds, peak resident MB and exit code of one process, run via
    a wrapper so that ``RUSAGE_CHILDREN`` holds that process alone."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        "use = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(wall, use.ru_utime + use.ru_stime, use.ru_maxrss / 1024, code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(code)}
    out = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "lks_templates", *argv],
        capture_output=True, text=True, env=env, check=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]), float(out[1]), float(out[2]), int(out[3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--template", default="monthly-activity")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", default="1,2", help="comma-separated --jobs to time")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout to time")
    args = parser.parse_args()
    jobs = [int(j) for j in args.jobs.split(",")]
    with tempfile.TemporaryDirectory() as temp:
        returns = Path(temp) / "returns"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lks_templates", "example-returns", args.template,
             "--services", str(args.n), "--out", str(returns)],
            check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        print(f"built {args.n} returns of {args.template} in {time.perf_counter() - start:.1f} s")
        rows: list[tuple[str, list[str]]] = []
        for j in jobs:
            extra = ["--jobs", str(j)] if j != 1 else []
            rows.append(
                (
                    f"collect{' --jobs ' + str(j) if j != 1 else ''}",
                    ["collect", str(returns), "--out", str(Path(temp) / "c"), *extra],
                )
            )
            rows.append(
                (
                    f"benchmark{' --jobs ' + str(j) if j != 1 else ''}",
                    [
                        "benchmark",
                        str(returns),
                        "--spec",
                        f"{args.template}-peers",
                        "--out",
                        str(Path(temp) / "b"),
                        "--date",
                        "2026-01-01",
                        *extra,
                    ],
                )
            )
        runs: dict[str, list[tuple[float, float, float, int]]] = {name: [] for name, _ in rows}
        for _round in range(args.repeat):  # alternated, so a busy spell hits every row
            for name, argv in rows:
                runs[name].append(_timed(argv, args.code))
        load = os.getloadavg()[0]
        print(f"medians of {args.repeat} rounds; load average {load:.1f} at the end\n")
        print(
            "| process | wall (s) | CPU (s) | peak (MB) | exit | x collect, wall | x collect, CPU |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|")
        medians = {}
        for name, _argv in rows:
            got = runs[name]
            medians[name] = tuple(statistics.median(r[i] for r in got) for i in range(3))
            wall, cpu, peak = medians[name]
            codes = ",".join(sorted({str(r[3]) for r in got}))
            base = medians.get(name.replace("benchmark", "collect"))
            ratio = (f"{wall / base[0]:.2f} | {cpu / base[1]:.2f}"
                     if name.startswith("benchmark") and base else " | ")  # fmt: skip
            print(f"| {name} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {codes} | {ratio} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
