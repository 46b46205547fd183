"""Build template workbooks into a folder (``dist/``), atomically and reproducibly; check it.

- :func:`build_workbook`: one resolved template (or form) to one .xlsx.
- :func:`build_all`: every template found under some spec paths, plus ``README.md``.
- :func:`check_dist`: rebuild into a temporary folder and list what differs from ``dist/``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path

from lks_templates.atomic import write_atomically, write_text_atomically
from lks_templates.cells import split_cell
from lks_templates.errors import BuildError, Problem
from lks_templates.formula.values import date_to_serial
from lks_templates.layout import WorkbookPlan
from lks_templates.layout.fields import BOOLEAN_CHOICES, DATE_FORMAT
from lks_templates.layout.model import Cell, CellValue
from lks_templates.plancheck import latest_resolved, plan_problems
from lks_templates.render import render_workbook
from lks_templates.spec.models import FaqSpec, FormSpec, ResolvedTemplate
from lks_templates.spec.specset import SpecPaths

README = "README.md"
PREVIEWS = "previews"
DEFAULT_SPECS = ("template_specs",)
DEFAULT_OUT = "dist"

InputValue = CellValue | dt.date
Values = Mapping[str, InputValue | Sequence[InputValue]]


def build_workbook(
    spec: ResolvedTemplate,
    path: str | os.PathLike[str],
    *,
    values: Values | None = None,
    faq: FaqSpec | None = None,
    notes: Sequence[str] = (),
    last_year: Mapping[str, Sequence[float | None]] | None = None,
) -> Path:
    """Write the workbook of ``spec`` to ``path`` atomically; return the path.

    ``values`` (optional) fills input cells: ``{field: value}`` for profile fields,
    ``{measure: [value per period]}`` for measures and ``{"reporting_year": 2026}``;
    used for previews, benchmarks and tests. Unknown names are ignored. ``notes``
    (optional): paragraphs the About sheet shows under "Notes on this workbook" (what
    ``import-counter`` did); without them the workbook is byte-identical to the template's.
    ``last_year`` (optional): ``{measure: [value per period]}``, last year's values, in
    period order, for the Last year block (``lks_last_year_<measure>``; what ``rollover``
    fills); None leaves a blank. Unknown measures are ignored; a form has no such block.
    """
    plan, problems = plan_problems(spec, faq, notes=notes)
    if problems or plan is None:
        raise BuildError(problems)
    if values:
        fill_plan(plan, values)
    if last_year:
        fill_plan(plan, last_year, plan.last_year_inputs)
    return write_atomically(Path(path), lambda temp: render_workbook(plan, temp), suffix=".xlsx")


def fill_plan(
    plan: WorkbookPlan,
    values: Values,
    cells_of: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> None:
    """Put ``values`` into the plan's input cells (in period order for measures);
    ``cells_of``: which cells each name fills (default ``plan.inputs``)."""
    targets = plan.inputs if cells_of is None else cells_of
    for name, value in values.items():
        cells = targets.get(name)
        if not cells:
            continue
        items: list[InputValue] = (
            list(value) if isinstance(value, list | tuple) else [value]  # type: ignore[list-item]
        )
        for (sheet_name, a1), item in zip(cells, items, strict=False):
            sheet = plan.sheet(sheet_name)
            row, col = _parse_a1(a1)
            old = sheet.cells.get((row, col), Cell())
            item = _as_typed(item, old.number_format)
            sheet.cells[(row, col)] = Cell(
                value=item, style=old.style, number_format=old.number_format
            )


def _as_typed(item: InputValue, number_format: str | None) -> CellValue:
    """A value as staff would type it: dates as serial days, booleans as Yes / No."""
    if isinstance(item, str) and number_format == DATE_FORMAT:
        try:
            item = dt.date.fromisoformat(item)
        except ValueError:
            return str(item)
    if isinstance(item, dt.date):
        return date_to_serial(item)
    if isinstance(item, bool):
        return BOOLEAN_CHOICES[0] if item else BOOLEAN_CHOICES[1]
    return item


def _parse_a1(a1: str) -> tuple[int, int]:
    """0-based (row, column) of an ``A1`` address the layout wrote."""
    position = split_cell(a1)
    if position is None:
        raise ValueError(f"not a cell address: {a1!r}")
    return position[0] - 1, position[1] - 1


def latest_templates(paths: SpecPaths) -> list[ResolvedTemplate]:
    """The latest version of every template and form under ``paths``, sorted by id.

    Raises :class:`~lks_templates.errors.SpecError` with every problem when a spec is invalid.
    """
    from lks_templates.spec import load_specs

    return latest_resolved(load_specs(paths))


def build_all(
    paths: SpecPaths = DEFAULT_SPECS, out: str | os.PathLike[str] = DEFAULT_OUT
) -> list[Path]:
    """Build every template under ``paths`` into ``out`` with a ``README.md`` index and the
    ``index.html`` download page.

    All or nothing: every workbook is built into a temporary folder first, and ``out`` is
    touched only once all of them are ready, so a spec refused (or a failure) part way
    leaves ``out`` exactly as it was. Each file is then moved into place atomically.
    Returns the files written (workbooks, then the README and the page).
    """
    from lks_templates.page import PAGE, download_page
    from lks_templates.spec import load_specs

    out = Path(out)
    # Read and checked once, for the templates and for the dictionary anchors of the page.
    specs = load_specs(paths)
    templates = latest_resolved(specs)
    plans: list[WorkbookPlan] = []
    problems: list[Problem] = []
    for resolved in templates:  # every template planned and checked before any is built
        plan, found = plan_problems(resolved)
        problems += found
        plans += [plan] if plan is not None else []
    if problems:
        raise BuildError(problems)
    with tempfile.TemporaryDirectory(prefix="lks-build-") as temp:
        staged = Path(temp)
        names = []
        for plan in plans:
            name = f"{plan.template_id}.xlsx"
            write_atomically(staged / name, partial(render_workbook, plan), suffix=".xlsx")
            names.append(name)
        from lks_templates.benchmarking.preview_service import service_previews

        pictures = service_previews(specs)
        write_text_atomically(staged / README, dist_readme(templates, pictures))
        names.append(README)
        # The page reads the sizes and digests of the workbooks it lists: the staged ones,
        # which are byte for byte what lands in ``out``.
        write_text_atomically(staged / PAGE, download_page(templates, staged, specs, pictures))
        names.append(PAGE)
        # The staging folder may be on another file system, so each file is copied beside
        # its target and renamed there (never a half-written file under its real name).
        return [
            write_atomically(out / name, partial(shutil.copyfile, staged / name),
                             suffix=Path(name).suffix)
            for name in names
        ]  # fmt: skip


def dist_readme(
    templates: Sequence[ResolvedTemplate], benchmark_previews: Sequence[tuple[str, str]] = ()
) -> str:
    """The ``dist/README.md`` index: each template, what it is for, its fields, previews;
    then the pictures of a service's benchmark workbook, (file, alt text) each."""
    lines = [
        "# Statistics templates",
        "",
        "Blank workbooks for NHS library and knowledge services statistics, built by "
        "`lks-templates build` from the specs in `template_specs/`. Download one, fill it "
        "in Excel or LibreOffice, and send it on. Do not edit these files by hand: "
        "`lks-templates check` fails when they differ from what the specs produce.",
        "",
    ]
    for resolved in templates:
        spec = resolved.template
        kind = "Form" if isinstance(spec, FormSpec) else "Template"
        lines += [
            f"## {spec.title}",
            "",
            f"- File: [{spec.id}.xlsx]({spec.id}.xlsx)",
            f"- {kind} `{spec.id}`, version {spec.version}; fields from "
            f"`{resolved.dataset.id}` version {resolved.dataset.version}",
        ]
        if spec.description:
            lines.append(f"- What it is for: {' '.join(spec.description.split())}")
        lines.append("")
        if not isinstance(spec, FormSpec):
            lines += [f"![Dashboard of {spec.title}]({PREVIEWS}/{spec.id}-dashboard.png)", ""]
            if spec.infographic:
                lines += [
                    f"![Infographic of {spec.title}]({PREVIEWS}/{spec.id}-infographic.png)",
                    "",
                ]
        lines += ["| Field | Unit | Entered |", "| --- | --- | --- |"]
        for f in resolved.profile_fields:
            lines.append(f"| {f.title} (`{f.name}`) | {f.unit} | once |")
        for f in resolved.measure_fields:
            per = "per period" if isinstance(spec, FormSpec) else f"each {_period_word(spec)}"
            lines.append(f"| {f.title} (`{f.name}`) | {f.unit} | {per} |")
        lines.append("")
    if benchmark_previews:
        lines += [BENCHMARK_HEADING, "", BENCHMARK_TEXT, ""]
        for name, alt in benchmark_previews:
            lines += [f"![{alt}]({PREVIEWS}/{name})", ""]
    return "\n".join(lines)


BENCHMARK_HEADING = "## Benchmark workbook for each service"
BENCHMARK_TEXT = (
    "After `collect`, a regional lead runs `lks-templates benchmark`, which writes one "
    "workbook for each service: its KPIs beside similar services' quartiles and funnel "
    "plots, naming no other service (see docs/benchmarking.md). These pages are from "
    "made-up example returns (`lks-templates example-returns`)."
)


def _period_word(spec: object) -> str:
    frequency = getattr(getattr(spec, "period", None), "frequency", "monthly")
    return {"monthly": "month", "quarterly": "quarter", "annual": "year"}[frequency]


def check_dist(
    paths: SpecPaths = DEFAULT_SPECS, dist: str | os.PathLike[str] = DEFAULT_OUT
) -> list[Problem]:
    """Rebuild into a temporary folder and compare with ``dist``: one problem per file.

    Workbooks and ``README.md`` must be byte-identical; files under ``dist/previews/``
    are only checked for presence (rendering varies between LibreOffice versions).
    """
    dist = Path(dist)
    problems: list[Problem] = []
    with tempfile.TemporaryDirectory(prefix="lks-check-") as temp:
        fresh = Path(temp)
        build_all(paths, fresh)
        expected = {p.name: p for p in fresh.iterdir() if p.is_file()}
        actual = {p.name: p for p in dist.iterdir() if p.is_file()} if dist.is_dir() else {}
        actual = {k: v for k, v in actual.items() if not k.startswith(".")}
        for name in sorted(expected.keys() | actual.keys()):
            where = str(dist / name)
            if name not in actual:
                problems.append(
                    Problem(
                        "dist-missing",
                        "This file is missing; run `lks-templates build` and commit the result.",
                        where,
                    )
                )
            elif name not in expected:
                if name.endswith((".xlsx", ".md")):
                    problems.append(
                        Problem(
                            "dist-extra",
                            "No spec produces this file; delete it or restore its spec.",
                            where,
                        )
                    )
            elif actual[name].read_bytes() != expected[name].read_bytes():
                problems.append(
                    Problem(
                        "dist-different",
                        "This file is not what the specs "
                        "produce (a spec changed or the file was edited); run "
                        "`lks-templates build` and commit the result.",
                        where,
                    )
                )
        problems += _missing_previews(expected, dist)
    return problems


def _missing_previews(expected: Mapping[str, Path], dist: Path) -> list[Problem]:
    """Previews are checked for presence only, when the previews folder exists."""
    folder = dist / PREVIEWS
    if not folder.is_dir():
        return []
    readme = expected.get(README)
    wanted = []
    if readme is not None:
        for line in readme.read_text(encoding="utf-8").splitlines():
            if line.startswith("![") and f"({PREVIEWS}/" in line:
                wanted.append(line.split(f"({PREVIEWS}/", 1)[1].rstrip(")"))
    return [
        Problem(
            "dist-missing",
            "This preview is missing; run `lks-templates preview`.",
            str(folder / name),
        )
        for name in wanted
        if not (folder / name).is_file()
    ]
