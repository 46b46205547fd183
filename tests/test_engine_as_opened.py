"""What a LibreOffice user sees on opening a blank template, with LibreOffice's default settings.

By default LibreOffice shows the results cached in an .xlsx instead of recalculating it.
The workbooks must therefore look right without a recalculation: every cell must show what
a full recalculation computes (blank KPIs, period labels, zero failures), never a stale
cached 0 or a "Dec 1899" date.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from engine import recalculate

from lks_templates.preview import convert

DIST = Path(__file__).resolve().parents[1] / "dist"
WORKBOOKS = sorted(DIST.glob("*.xlsx"))

pytestmark = pytest.mark.engine


def _cells(path: Path) -> dict[tuple[str, str], object]:
    book = openpyxl.load_workbook(path, data_only=True)
    values: dict[tuple[str, str], object] = {
        (sheet.title, cell.coordinate): cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    }
    book.close()
    return values


@pytest.fixture(scope="module")
def opened(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    as_opened = convert(WORKBOOKS, tmp_path_factory.mktemp("as-opened"), recalc=False)
    recalculated = recalculate(WORKBOOKS, tmp_path_factory.mktemp("recalculated"))
    return {p.name: (a, r) for p, a, r in zip(WORKBOOKS, as_opened, recalculated, strict=True)}


def test_dist_has_workbooks() -> None:
    assert len(WORKBOOKS) >= 7


@pytest.mark.parametrize("name", [p.name for p in WORKBOOKS])
def test_blank_template_shows_computed_values_without_recalculation(
    opened: dict[str, tuple[Path, Path]], name: str
) -> None:
    as_opened, recalculated = opened[name]
    seen, computed = _cells(as_opened), _cells(recalculated)
    differ = {
        cell: (seen.get(cell), computed.get(cell))
        for cell in sorted(seen.keys() | computed.keys())
        if seen.get(cell) != computed.get(cell)
    }
    assert differ == {}
