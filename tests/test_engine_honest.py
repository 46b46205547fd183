"""Honest figures, proved in LibreOffice on the shipped templates (issue cases 1 to 3).

Each workbook is built from a shipped spec, filled through its defined names, recalculated
by LibreOffice and read back with openpyxl; the same file is read by ``read_return``. The
expected texts and counts are worked by hand from the values filled in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engine import fill_by_names, read_computed, recalculate

from lks_templates.build import build_workbook, latest_templates
from lks_templates.readback import read_return
from lks_templates.spec.models import ResolvedTemplate

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = {r.template.id: r for r in latest_templates([ROOT / "template_specs"])}
YEAR = 2025


def _examples(resolved: ResolvedTemplate, months: int) -> dict[str, Any]:
    """Every input at its spec example; measures in the first ``months`` periods only."""
    values: dict[str, Any] = {"reporting_year": YEAR}
    for f in resolved.profile_fields:
        values[f.name] = f.example
    for f in resolved.measure_fields:
        slots = 1 if resolved.template.period.frequency == "annual" else 12  # type: ignore[union-attr]
        values[f.name] = [f.example if i < months else None for i in range(slots)]
    return values


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict[str, Path]:
    del soffice
    folder = tmp_path_factory.mktemp("honest")
    staffing, eres = SHIPPED["staffing-and-finance"], SHIPPED["e-resources"]
    cases: dict[str, tuple[ResolvedTemplate, dict[str, Any]]] = {
        "no_spend": (staffing, {**_examples(staffing, 1), "spend_total": None}),
        "no_staff": (
            staffing,
            {**_examples(staffing, 1), "staff_headcount_served": None, "lks_wte_qualified": None},
        ),
        "part_year": (eres, _examples(eres, 3)),
    }
    filled = []
    for key, (resolved, values) in cases.items():
        blank = build_workbook(resolved, folder / f"blank-{key}.xlsx")
        filled.append(fill_by_names(Path(blank), folder / f"{key}.xlsx", values))
    out = folder / "out"
    out.mkdir()
    done = recalculate(filled, out)
    return {key: path for key, path in zip(cases, done, strict=True)}


def _dashboard(path: Path) -> Any:
    return openpyxl.load_workbook(path, data_only=True)["Dashboard"]


def _status(path: Path, kpi: str) -> Any:
    """The tile's status cell: two rows below its value (the defined name)."""
    book = openpyxl.load_workbook(path, data_only=True)
    sheet, ref = next(iter(book.defined_names[kpi].destinations))
    cell = book[sheet][ref.replace("$", "")]
    return book[sheet].cell(cell.row + 2, cell.column).value


def test_a_blank_input_blanks_the_figure_and_the_tile_says_what_is_missing(
    books: dict[str, Path],
) -> None:
    path = books["no_spend"]
    shown = read_computed(path).names
    # Total expenditure blank: the three KPIs that divide it are blank, never £0.00.
    for kpi in ("spend_per_staff_wte", "cost_per_collection_use", "income_share"):
        assert shown[kpi] in ([None], [""]), kpi
        assert _status(path, kpi) == "Needs total expenditure"
    # A KPI without total expenditure is still shown: 2,200 WTE / 1.9 qualified WTE (examples).
    assert shown["staff_per_qualified_librarian"][0] == pytest.approx(
        SHIPPED["staffing-and-finance"].dataset.field("staff_wte_served").example
        / SHIPPED["staffing-and-finance"].dataset.field("lks_wte_qualified").example
    )
    result = read_return(path)
    assert result.kpis["spend_per_staff_wte"] is None
    assert result.kpi_needs["spend_per_staff_wte"] == "Needs total expenditure"
    book = openpyxl.load_workbook(path)
    _, ref = next(iter(book.defined_names["spend_per_staff_wte"].destinations))
    incomplete = [p for p in result.problems if p.code == "figure-incomplete"]
    by_field = {p.field: p for p in incomplete}
    problem = by_field["spend_per_staff_wte"]
    assert (problem.severity, problem.sheet, problem.cell) == (
        "warning",
        "Dashboard",
        ref.replace("$", ""),
    )
    assert "needs total expenditure" in problem.message
    assert {"spend_per_staff_wte", "cost_per_collection_use", "income_share"} <= set(by_field)


def test_collect_writes_no_value_for_an_incomplete_kpi(
    books: dict[str, Path], tmp_path: Path
) -> None:
    from lks_templates.cli import main

    assert main(["collect", str(books["no_spend"]), "--out", str(tmp_path / "c")]) in (0, 1)
    values = (tmp_path / "c" / "values.csv").read_text(encoding="utf-8")
    problems = (tmp_path / "c" / "problems.csv").read_text(encoding="utf-8")
    assert ",spend_per_staff_wte," not in values
    assert ",staff_per_qualified_librarian," in values
    assert "figure-incomplete" in problems and "spend_per_staff_wte" in problems


def test_status_line_counts_required_entries_left_blank(books: dict[str, Path]) -> None:
    path = books["no_staff"]
    shown = read_computed(path).names
    result = read_return(path)
    missing = [p for p in result.problems if p.code == "required-missing"]
    # By hand: NHS staff served (headcount) and qualified librarians (WTE) are blank.
    assert sorted(p.field for p in missing) == ["lks_wte_qualified", "staff_headcount_served"]
    assert shown["lks_missing"] == [2]
    failed = sum(1 for p in result.problems if p.code == "rule-failed")
    assert shown["lks_failures"] == [failed]
    line = _dashboard(path)["B3"].value
    expected = "2 required entries missing" + (
        "" if failed == 0 else f" · {failed} failed check" + ("s" if failed > 1 else "")
    )
    assert line == expected + ": see the Checks sheet"
    assert "No failed checks" not in line


def test_part_year_coverage_is_named(books: dict[str, Path]) -> None:
    path = books["part_year"]
    shown = read_computed(path).names
    assert shown["lks_coverage"] == ["April to June 2025 (3 of 12 months)"]
    assert shown["lks_periods_entered"] == [3]
    assert _dashboard(path)["B2"].value.endswith(" · April to June 2025 (3 of 12 months)")
    result = read_return(path)
    assert result.coverage == "April to June 2025 (3 of 12 months)"
    assert result.periods_entered == 3


def test_targets_read_as_policy_reads_them(books: dict[str, Path]) -> None:
    """A lower-is-better ratio under its target says "Meets target", on the tile and on
    the Infographic; the words never say above or below (issue 9, case 5)."""
    path = books["no_spend"]
    # By hand: 2,200 NHS staff WTE / 1.9 qualified WTE (the examples) = 1,158 <= 1,250.
    assert _status(path, "staff_per_qualified_librarian") == "Meets target"
    sheet = openpyxl.load_workbook(path, data_only=True)["Infographic"]
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    # As policy writes the ratio: one qualified librarian to so many staff.
    assert "Meets target (1 : 1,250 or better)" in texts
    assert not [t for t in texts if "Above target" in t or "Below target" in t]
