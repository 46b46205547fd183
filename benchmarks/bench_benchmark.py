"""Time ``lks-templates benchmark`` beside ``collect`` on the same returns.

Usage::

    python benchmarks/bench_benchmark.py [--n 200] [--template monthly-activity]

It writes N example returns of a monthly template (``example-returns``), then runs, as
whole processes, ``collect DIR --out OUT`` and ``benchmark DIR --spec TEMPLATE-peers --out
OUT`` (the shipped spec: 4 peer groups, every KPI), and reports each one's wall time and
peak memory (the largest resident set of the child process, via ``resource.getrusage``).
The aim: benchmark adds less than collect's own time.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _timed(argv: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak resident MB and exit code of one process, run via a wrapper so
    that ``RUSAGE_CHILDREN`` holds that process alone."""
    wrapper = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "code = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)\n"
        "wall = time.perf_counter() - t\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "print(wall, peak, code)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", wrapper, sys.executable, "-m", "lks_templates", *argv],
        capture_output=True, text=True, env=env, check=True,
    ).stdout.split()  # fmt: skip
    return float(out[0]), float(out[1]), int(out[2])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--template", default="monthly-activity")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        returns = Path(temp) / "returns"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lks_templates", "example-returns", args.template,
             "--services", str(args.n), "--out", str(returns)],
            check=True, stdout=subprocess.DEVNULL, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        print(f"built {args.n} returns of {args.template} in {time.perf_counter() - start:.1f} s")
        rows = [
            ("collect", ["collect", str(returns), "--out", str(Path(temp) / "c")]),
            ("benchmark", ["benchmark", str(returns), "--spec", f"{args.template}-peers",
                           "--out", str(Path(temp) / "b")]),
        ]  # fmt: skip
        print(f"{'command':<10} {'seconds':>8} {'peak MB':>8} {'exit':>5}")
        for name, argv in rows:
            wall, peak, code = _timed(argv)
            print(f"{name:<10} {wall:>8.2f} {peak:>8.1f} {code:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
