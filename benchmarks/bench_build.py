"""Build benchmark: time to build each template and all of dist/, beside tableschema-to-template.

Run from the repository root (``pip install -e '.[bench]'`` installs the comparison tool):

    python benchmarks/bench_build.py [--repeat 15] [--compare supplementary-return]

The first figures are build times in this one process, after a warm-up build, so without
Python start-up; the last are whole processes, start-up included, as a user runs them.
Printed as Markdown, ready for docs/performance.md.

- Each template: median of ``--repeat`` builds of its blank workbook (``build_workbook``).
- All of dist/: median of ``build_all`` into a temporary folder (loading and validating
  every spec, building every workbook and the index).
- tableschema-to-template: median of ``create_xlsx`` on a Table Schema with exactly the
  fields of the ``--compare`` template (``export_tableschema`` of its dataset, restricted to
  those fields), side by side with our build of that template.
- Whole processes (``--runs``): ``python -m lks_templates build`` of the ``--compare``
  template (given the three spec files it is made of: template, dataset, FAQ) against
  ``python -m tableschema_to_template.ts2xl`` on that Table Schema, and
  ``python -m lks_templates validate`` of the whole ``--specs`` folder, beside an empty
  Python process. The tools run in turn within each round (alternated, so that a busy
  moment on the machine slows all of them), after one warm-up round with Python's bytecode
  cache switched on in a temporary folder: start-up is that of an installed package, not of
  compiling every module from source (as ``PYTHONDONTWRITEBYTECODE`` would make it).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from lks_templates import __version__
from lks_templates.build import build_all, build_workbook, latest_templates
from lks_templates.layout import plan_workbook
from lks_templates.spec import load_specs
from lks_templates.spec.models import ResolvedTemplate
from lks_templates.tableschema import export_tableschema

AIM_SECONDS = 0.3
VALIDATE_AIM_SECONDS = 0.15
"""Aim for ``lks-templates validate`` of the shipped specs, as a whole process."""


def median_seconds(action: Callable[[int], object], repeat: int) -> float:
    """Median wall time of ``action(i)`` over ``repeat`` runs, after one warm-up run."""
    action(-1)
    times = []
    for index in range(repeat):
        start = time.perf_counter()
        action(index)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def table_schema_for(resolved: ResolvedTemplate) -> dict[str, Any]:
    """A Frictionless Table Schema with the fields this template collects, in its order."""
    used = [*resolved.profile_names, *resolved.measure_names]
    fields = {
        f["name"]: f for f in export_tableschema(resolved.dataset, extensions=False)["fields"]
    }
    return {"fields": [fields[name] for name in used]}


def _builder(resolved: ResolvedTemplate, out: Path) -> Callable[[int], Path]:
    """The action :func:`median_seconds` times: build copy ``i`` of ``resolved`` into ``out``."""
    return lambda i: build_workbook(resolved, out / f"{resolved.template.id}-{i}.xlsx")


def _describe(resolved: ResolvedTemplate) -> tuple[int, int, int]:
    """Fields, formulas and charts in the built workbook."""
    plan = plan_workbook(resolved)
    charts = sum(len(sheet.charts) for sheet in plan.sheets)
    return len(resolved.profile_names) + len(resolved.measure_names), len(plan.formulas), charts


def run(specs: Path, repeat: int, compare: str, runs: int = 0) -> str:
    """Time everything; return the Markdown report."""
    from tableschema_to_template import create_xlsx  # type: ignore[import-untyped]  # bench extra

    templates = latest_templates([specs])
    lines = [
        f"lks-templates {__version__}, xlsxwriter {xlsxwriter.__version__}, "
        f"Python {platform.python_version()}, {platform.machine()}; "
        f"median of {repeat} runs after a warm-up.",
        "",
        "| Workbook | Fields | Formulas | Charts | Median build (s) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    slow = []
    with tempfile.TemporaryDirectory(prefix="lks-bench-") as temp:
        out = Path(temp)
        mine: dict[str, float] = {}
        for resolved in templates:
            ident = resolved.template.id
            seconds = median_seconds(_builder(resolved, out), repeat)
            mine[ident] = seconds
            fields, formulas, charts = _describe(resolved)
            lines.append(f"| {ident} | {fields} | {formulas} | {charts} | {seconds:.3f} |")
            if seconds >= AIM_SECONDS:
                slow.append(ident)
        everything = median_seconds(lambda i: build_all([specs], out / f"dist-{i}"), repeat)
        lines.append(
            f"| all of dist/ ({len(templates)} workbooks + index) | | | | {everything:.3f} |"
        )

        [target] = [r for r in templates if r.template.id == compare]
        schema = table_schema_for(target)
        theirs = median_seconds(
            lambda i: create_xlsx(schema, str(out / f"ts2xl-{i}.xlsx"), idempotent=True), repeat
        )
        processes = whole_processes(specs, compare, runs, out) if runs else {}
    fields, formulas, charts = _describe(target)
    ratio = theirs / mine[compare]
    lines += [
        "",
        f"Same {fields} fields ({compare}):",
        "",
        "| Tool | Output | Median (s) |",
        "| --- | --- | ---: |",
        f"| lks-templates `build_workbook` | guidance, entry with validation, {formulas} "
        f"formulas, checks, dashboard, {charts} charts | {mine[compare]:.3f} |",
        f"| tableschema-to-template `create_xlsx` | one entry sheet with validation | "
        f"{theirs:.3f} |",
        "",
        f"tableschema-to-template takes {ratio:.2f}x the time of lks-templates on these fields.",
        f"Aim (every template under {AIM_SECONDS} s): "
        + ("met." if not slow else f"NOT met by {', '.join(slow)}."),
    ]
    if processes:
        lines += whole_process_report(processes, compare, fields)
    return "\n".join(lines)


def spec_files(specs: Path, compare: str) -> list[str]:
    """The spec files the ``compare`` template is made of: itself, its dataset, its FAQ."""
    loaded = load_specs([specs])
    resolved = loaded.resolve(compare)
    if resolved is None:
        raise SystemExit(f"no template {compare!r} in {specs}")
    parts = [resolved.template, resolved.dataset, *([resolved.faq] if resolved.faq else [])]
    return [loaded.source_of(part) for part in parts]


def whole_processes(
    specs: Path, compare: str, runs: int, temp: Path
) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds of each whole-process command, ``runs`` times, alternated by round.

    CPU is the user and system time of the process (``resource.getrusage`` of children): on
    a machine shared with other work it moves far less than the wall time does.
    """
    [target] = [r for r in latest_templates([specs]) if r.template.id == compare]
    schema = temp / f"{compare}.schema.json"
    schema.write_text(json.dumps(table_schema_for(target)), encoding="utf-8")
    python = sys.executable
    files = spec_files(specs, compare)
    commands: dict[str, Callable[[int], list[str]]] = {
        "empty": lambda i: [python, "-c", "pass"],
        "ts2xl": lambda i: [
            python, "-m", "tableschema_to_template.ts2xl", str(schema),
            str(temp / f"ts2xl-process-{i}.xlsx"), "--idempotent",
        ],
        "build": lambda i: [
            python, "-m", "lks_templates", "build", *files,
            "--out", str(temp / f"build-process-{i}"), "-q",
        ],
        "validate": lambda i: [python, "-m", "lks_templates", "validate", str(specs)],
    }  # fmt: skip
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(temp / "bytecode")
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
    for index in range(-1, runs):  # round -1 is the warm-up: it fills the bytecode cache
        for name, command in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(
                command(index), check=True, env=env,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
            if index >= 0:
                times[name].append((wall, cpu))
    return times


def whole_process_report(
    times: dict[str, list[tuple[float, float]]], compare: str, fields: int
) -> list[str]:
    """The Markdown lines of the whole-process comparison."""
    wall = {name: statistics.median(w for w, _ in values) for name, values in times.items()}
    low = {name: min(w for w, _ in values) for name, values in times.items()}
    cpu = {name: statistics.median(c for _, c in values) for name, values in times.items()}
    runs = len(times["empty"])
    ratio = wall["build"] / wall["ts2xl"]
    rows = [
        ("empty Python process (`python -c pass`)", "empty"),
        (f"tableschema-to-template command, one sheet of the {fields} fields", "ts2xl"),
        (f"`lks-templates build` of {compare} (its three spec files)", "build"),
        ("`lks-templates validate` of every shipped spec", "validate"),
    ]
    lines = [
        "",
        f"Whole processes, start-up included ({runs} alternated runs of each):",
        "",
        "| Process | Median (s) | Fastest (s) | Median CPU (s) | x theirs | x theirs, CPU |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for label, name in rows:
        lines.append(
            f"| {label} | {wall[name]:.3f} | {low[name]:.3f} | {cpu[name]:.3f} | "
            f"{wall[name] / wall['ts2xl']:.2f} | {cpu[name] / cpu['ts2xl']:.2f} |"
        )
    lines += [
        "",
        f"As whole processes, our build of {compare} takes {ratio:.2f}x the time of "
        f"tableschema-to-template ({cpu['build'] / cpu['ts2xl']:.2f}x its CPU time). "
        "Aim (faster than it): "
        + ("met." if ratio < 1 else "NOT met.")
        + f" Aim (`validate` under {VALIDATE_AIM_SECONDS} s): "
        + ("met." if wall["validate"] < VALIDATE_AIM_SECONDS else "NOT met.")
        + f" An empty Python process takes {wall['empty']:.3f} s.",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--specs", type=Path, default=Path("template_specs"))
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per figure")
    parser.add_argument(
        "--compare", default="supplementary-return", help="template to compare, by id"
    )
    parser.add_argument(
        "--runs", type=int, default=11, help="whole-process runs of each command; 0: none"
    )
    args = parser.parse_args(argv)
    try:
        import tableschema_to_template  # noqa: F401
    except ImportError:
        print("Install the comparison tool first: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    print(run(args.specs, args.repeat, args.compare, args.runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
