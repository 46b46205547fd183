"""A KPI that sets an annual figure against part of a year says so, proved in LibreOffice.

e-resources divides the year's e-resources spend, and multiplies the staff served, by
requests counted month by month. Filled April to June (3 of 12 months) its tiles and
Infographic figures for those KPIs say "Annual figure over 3 of 12 months"; filled for
the whole year, nothing; a KPI of requests alone never. The expected texts are written
out by hand; the KPIs that take the note are read from the spec's formulas by eye:
cost_per_use and cost_per_unique_item (spend_e_resources), item_requests_per_1000_staff
(staff_headcount_served).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl
import pytest
from engine import fill_by_names, recalculate

from lks_templates.build import build_workbook, latest_templates
from lks_templates.readback import read_return
from lks_templates.spec.models import ResolvedTemplate

pytestmark = pytest.mark.engine

ROOT = Path(__file__).resolve().parent.parent
ERES = {r.template.id: r for r in latest_templates([ROOT / "template_specs"])}["e-resources"]
NOTE = "Annual figure over 3 of 12 months"
NOTED = {"cost_per_use", "cost_per_unique_item", "item_requests_per_1000_staff"}
PLAIN = {"item_requests_ytd", "book_title_requests_ytd", "unique_share_of_requests"}


def _examples(resolved: ResolvedTemplate, months: int) -> dict[str, Any]:
    """Every input at its spec example; measures in the first ``months`` periods only."""
    values: dict[str, Any] = {"reporting_year": 2025}
    for f in resolved.profile_fields:
        values[f.name] = f.example
    for f in resolved.measure_fields:
        values[f.name] = [f.example if i < months else None for i in range(12)]
    return values


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory, soffice: str) -> dict[int, Path]:
    del soffice
    folder = tmp_path_factory.mktemp("part-year")
    blank = build_workbook(ERES, folder / "blank.xlsx")
    filled = [
        fill_by_names(Path(blank), folder / f"months-{n}.xlsx", _examples(ERES, n)) for n in (3, 12)
    ]
    out = folder / "out"
    out.mkdir()
    return dict(zip((3, 12), recalculate(filled, out), strict=True))


def _tile_notes(path: Path) -> dict[str, Any]:
    """KPI -> the text of its tile's last row: three rows below its value (the name)."""
    book = openpyxl.load_workbook(path, data_only=True)
    found = {}
    for kpi in NOTED | PLAIN:
        ((sheet, ref),) = book.defined_names[kpi].destinations
        cell = book[sheet][ref.replace("$", "")]
        found[kpi] = book[sheet].cell(cell.row + 3, cell.column).value
    return found


def _infographic_texts(path: Path) -> list[str]:
    sheet = openpyxl.load_workbook(path, data_only=True)["Infographic"]
    return [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]


def test_part_year_tiles_say_the_annual_figure_covers_3_of_12_months(
    books: dict[int, Path],
) -> None:
    notes = _tile_notes(books[3])
    assert {kpi: notes[kpi] for kpi in NOTED} == dict.fromkeys(NOTED, NOTE)
    assert {kpi: notes[kpi] for kpi in PLAIN} == dict.fromkeys(PLAIN, None)
    # The Infographic shows every KPI of e-resources (7 of at most 8): three notes.
    assert _infographic_texts(books[3]).count(NOTE) == 3


def test_a_whole_year_has_no_note(books: dict[int, Path]) -> None:
    notes = _tile_notes(books[12])
    assert set(notes.values()) <= {None, ""}
    assert not [t for t in _infographic_texts(books[12]) if t.startswith("Annual figure")]


def test_read_gives_the_same_notes_as_the_tiles(books: dict[int, Path]) -> None:
    assert read_return(books[3]).kpi_notes == dict.fromkeys(NOTED, NOTE)
    assert read_return(books[12]).kpi_notes == {}
