"""Benchmark ``lks-templates collect`` against the python-calamine floor and pandas/openpyxl.

Usage::

    python benchmarks/bench_collect.py [--n 1000] [--repeats 3] [--template monthly-activity]

It builds N filled returns from a real template (a few distinct builds, each copied with a
different organisation code, so that no return is a duplicate), then times whole
processes, side by side in one run, on N/4 and on N files:

- ``collect``: ``python -m lks_templates collect DIR --out OUT`` (and with ``--jobs 2``);
- ``calamine``: python-calamine alone reading every cell of every sheet (the floor);
- ``pandas``: ``pandas.read_excel(sheet_name=None, engine="openpyxl")`` on every file;
- ``python``: an empty Python process, for scale.

The cost per file is the difference between the N and N/4 runs divided by 3N/4, so that
start-up does not hide it; start-up is what is left of the N/4 run. Times are medians over
the repeats. Peak memory is the largest resident set of the process tree (children of a
wrapper process, via ``resource.getrusage``), at N/4 and at N: flat means streaming.

Every process runs once on a single file before timing, with Python's bytecode cache
switched on (in a temporary folder), so start-up is that of an installed package, not of
compiling every module from source (as ``PYTHONDONTWRITEBYTECODE`` would make it).
"""

from __future__ import annotations

import argparse
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

CALAMINE = """
import sys
from pathlib import Path
from python_calamine import CalamineWorkbook
cells = 0
for path in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    book = CalamineWorkbook.from_path(str(path))
    for name in book.sheet_names:
        for row in book.get_sheet_by_name(name).to_python():
            cells += len(row)
print(cells)
"""

PANDAS = """
import sys
from pathlib import Path
import pandas as pd
cells = 0
for path in sorted(Path(sys.argv[1]).rglob("*.xlsx")):
    for frame in pd.read_excel(path, sheet_name=None, engine="openpyxl").values():
        cells += frame.size
print(cells)
"""

# Runs one command and reports its wall time and the peak memory of its process tree.
WRAPPER = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(elapsed, peak, done.returncode)
"""


def make_returns(folder: Path, n: int, template_id: str, distinct: int = 20) -> None:
    """N filled returns: ``distinct`` real builds, each copied with a new ODS code."""
    from lks_templates.build import InputValue, build_workbook
    from lks_templates.spec import TemplateSpec, load_specs
    from lks_templates.spec.specset import shipped_specs_dir

    resolved = load_specs([shipped_specs_dir()]).resolve(template_id)
    assert resolved is not None, template_id
    bases = []
    for index in range(distinct):
        rng = random.Random(index)
        values: dict[str, InputValue | list[InputValue]] = {"reporting_year": 2026}
        for field in resolved.profile_fields:
            values[field.name] = field.example
        values["org_ods_code"] = "RQQ"
        template = resolved.template
        monthly = isinstance(template, TemplateSpec) and template.period.frequency == "monthly"
        periods = 12 if monthly else 1
        for field in resolved.measure_fields:
            values[field.name] = [rng.randint(1, 400) for _ in range(periods)]
        path = folder / f"base-{index:02d}.xlsx"
        build_workbook(resolved, path, values=values)
        bases.append(path.read_bytes())
        path.unlink()
    for number in range(n):
        data = _with_code(bases[number % distinct], f"R{number:04d}")
        (folder / f"return-{number:05d}.xlsx").write_bytes(data)


def _with_code(workbook: bytes, code: str) -> bytes:
    """The workbook with the ODS code RQQ replaced (it is a shared string)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as old,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new,
    ):
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "xl/sharedStrings.xml":
                data = data.replace(b"<t>RQQ</t>", f"<t>{code}</t>".encode())
            new.writestr(info, data)
    return out.getvalue()


_ENV: dict[str, str] = {}
"""Environment of the timed processes (set by :func:`main`)."""


def run(command: list[str]) -> tuple[float, int]:
    """(seconds, peak KiB) of ``command`` as a whole process."""
    done = subprocess.run(
        [sys.executable, "-c", WRAPPER, *command],
        capture_output=True,
        text=True,
        check=True,
        env=_ENV or None,
    )
    elapsed, peak, code = done.stdout.split()
    if code not in ("0", "1"):
        raise RuntimeError(f"{command} exited with {code}")
    return float(elapsed), int(peak)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="returns in the large run")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--template", default="monthly-activity")
    parser.add_argument("--no-pandas", action="store_true", help="skip the slow pandas runs")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="lks-bench-"))
    _ENV.update(os.environ)
    _ENV.pop("PYTHONDONTWRITEBYTECODE", None)
    _ENV["PYTHONPYCACHEPREFIX"] = str(work / "bytecode")
    try:
        full, quarter, one = work / "full", work / "quarter", work / "one"
        full.mkdir()
        quarter.mkdir()
        one.mkdir()
        started = time.perf_counter()
        make_returns(full, args.n, args.template)
        for path in sorted(full.iterdir())[: args.n // 4]:
            os.link(path, quarter / path.name)
        first = sorted(full.iterdir())[0]
        os.link(first, one / first.name)
        print(
            f"Built {args.n} returns of {args.template} in {time.perf_counter() - started:.1f} s",
            file=sys.stderr,
        )
        report(measure(args, work, full, quarter, one), args.n)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def measure(
    args: argparse.Namespace, work: Path, full: Path, quarter: Path, one: Path
) -> dict[str, dict[str, list[tuple[float, int]]]]:
    collect = [sys.executable, "-m", "lks_templates", "collect"]
    tools: dict[str, object] = {
        "python": lambda folder: [sys.executable, "-c", "pass"],
        "calamine": lambda folder: [sys.executable, "-c", CALAMINE, str(folder)],
        "collect": lambda folder: [*collect, str(folder), "--out", str(work / "out")],
        "collect --jobs 2": lambda folder: [
            *collect,
            str(folder),
            "--out",
            str(work / "out"),
            "--jobs",
            "2",
        ],
    }
    if not args.no_pandas:
        tools["pandas+openpyxl"] = lambda folder: [sys.executable, "-c", PANDAS, str(folder)]
    results: dict[str, dict[str, list[tuple[float, int]]]] = {
        name: {"quarter": [], "full": []} for name in tools
    }
    for command in tools.values():  # warm-up: fills the bytecode cache
        run(command(one))  # type: ignore[operator]
    for repeat in range(args.repeats):
        for name, command in tools.items():
            for size, folder in (("quarter", quarter), ("full", full)):
                results[name][size].append(run(command(folder)))  # type: ignore[operator]
        print(f"repeat {repeat + 1} of {args.repeats} done", file=sys.stderr)
    return results


def report(results: dict[str, dict[str, list[tuple[float, int]]]], n: int) -> None:
    quarter_n = n // 4
    rows = {}
    for name, sizes in results.items():
        small = statistics.median(t for t, _ in sizes["quarter"])
        large = statistics.median(t for t, _ in sizes["full"])
        per_file = (large - small) / (n - quarter_n) if name != "python" else 0.0
        start = small - per_file * quarter_n
        peak_small = max(p for _, p in sizes["quarter"]) / 1024
        peak_large = max(p for _, p in sizes["full"]) / 1024
        rows[name] = (per_file * 1000, start, small, large, peak_small, peak_large)
    floor = rows["calamine"][0]
    pandas = rows.get("pandas+openpyxl", (float("nan"),))[0]
    print(
        f"| process | per file (ms) | x calamine | x pandas | start-up (s) | N/4={quarter_n} "
        f"(s) | N={n} (s) | peak MiB N/4 | peak MiB N |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, (per_file, start, small, large, peak_small, peak_large) in rows.items():
        ratio = f"{per_file / floor:.2f}" if name != "python" else ""
        versus = f"{per_file / pandas:.2f}" if name != "python" else ""
        print(
            f"| {name} | {per_file:.2f} | {ratio} | {versus} | {start:.2f} | {small:.2f} | "
            f"{large:.2f} | {peak_small:.0f} | {peak_large:.0f} |"
        )


if __name__ == "__main__":
    raise SystemExit(main())
