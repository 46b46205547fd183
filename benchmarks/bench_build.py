"""Build benchmark: time to build each template and all of dist/, beside tableschema-to-template.

Run from the repository root (``pip install -e '.[bench]'`` installs the comparison tool):

    python benchmarks/bench_build.py [--repeat 15] [--compare supplementary-return]

Everything runs in this one process, after a warm-up build, so the figures are build times,
not Python start-up. Printed as Markdown, ready for docs/performance.md.

- Each template: median of ``--repeat`` builds of its blank workbook (``build_workbook``).
- All of dist/: median of ``build_all`` into a temporary folder (loading and validating
  every spec, building every workbook and the index).
- tableschema-to-template: median of ``create_xlsx`` on a Table Schema with exactly the
  fields of the ``--compare`` template (``export_tableschema`` of its dataset, restricted to
  those fields), side by side with our build of that template.
"""

from __future__ import annotations

import argparse
import platform
import statistics
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
from lks_templates.spec.models import ResolvedTemplate
from lks_templates.tableschema import export_tableschema

AIM_SECONDS = 0.3


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


def run(specs: Path, repeat: int, compare: str) -> str:
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
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--specs", type=Path, default=Path("template_specs"))
    parser.add_argument("--repeat", type=int, default=15, help="timed runs per figure")
    parser.add_argument(
        "--compare", default="supplementary-return", help="template to compare, by id"
    )
    args = parser.parse_args(argv)
    try:
        import tableschema_to_template  # noqa: F401
    except ImportError:
        print("Install the comparison tool first: pip install -e '.[bench]'", file=sys.stderr)
        return 2
    print(run(args.specs, args.repeat, args.compare))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
