"""A real spreadsheet engine for tests: LibreOffice Calc, headless.

Use from a test module (``tests/`` is on ``sys.path`` under pytest)::

    from engine import recalculate, to_pdf, pdf_page_count

Mark such tests ``@pytest.mark.engine`` (``tests/conftest.py`` skips them locally when
soffice is missing, and fails them when ``CI`` is set). Start-up costs about a second per
call, so convert every file a module needs in ONE call, from a module- or session-scoped
fixture.

``recalculate`` adds a canary workbook (``=1+1``, cached by xlsxwriter as 0) to each batch
and raises unless it comes back as 2, so a silently skipped recalculation can never make a
test pass on xlsxwriter's cached zeros.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import xlsxwriter

from lks_templates.preview import (
    LibreOfficeError,
    convert,
    find_soffice,
    only_sheets_visible,
    split_batches,
)

__all__ = [
    "CANARY_STEM",
    "ERROR_VALUES",
    "Computed",
    "LibreOfficeError",
    "assert_recalculated",
    "error_cells",
    "fill_by_names",
    "only_sheets_visible",
    "pdf_page_count",
    "pdf_page_sizes",
    "read_by_names",
    "read_computed",
    "recalculate",
    "soffice_path",
    "to_pdf",
    "write_canary",
]

CANARY_STEM = "lks-engine-canary"
_CANARY_FORMULA = "=1+1"
_CANARY_VALUE = 2


def soffice_path() -> str | None:
    """Path of soffice, or None when LibreOffice is not installed."""
    return find_soffice()


def write_canary(path: Path) -> Path:
    """Write a workbook whose only formula is ``=1+1``; xlsxwriter caches it as 0."""
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Canary").write_formula("A1", _CANARY_FORMULA)
    workbook.close()
    return path


def assert_recalculated(path: Path) -> None:
    """Raise AssertionError unless the canary workbook at ``path`` holds 2 in A1."""
    workbook = openpyxl.load_workbook(path, data_only=True, read_only=True)
    try:
        value = workbook["Canary"]["A1"].value
    finally:
        workbook.close()
    if value != _CANARY_VALUE:
        raise AssertionError(
            f"{path}: canary =1+1 came back as {value!r}; LibreOffice did not recalculate "
            "on load (check the OOXMLRecalcMode profile setting)."
        )


def recalculate(
    paths: Sequence[Path], outdir: Path, *, timeout: float | None = None, jobs: int | None = None
) -> list[Path]:
    """Recalculate workbooks; return ``outdir/<stem>.xlsx`` per input, in order.

    Files are shared among a few concurrent soffice runs (``split_batches``), each with
    its own canary. Formulas are kept; openpyxl with ``data_only=True`` then reads the
    computed values. Raises LibreOfficeError (with soffice's output) if a file does not
    come out, and AssertionError if a canary shows that recalculation did not happen.
    """
    paths = [Path(p) for p in paths]
    if any(p.stem.startswith(CANARY_STEM) for p in paths):
        raise ValueError(f"{CANARY_STEM}* is reserved for the recalculation canary")
    if not paths:
        return []
    batches = split_batches(paths, jobs)
    with tempfile.TemporaryDirectory(prefix="lks-canary-") as tmp:

        def run(index: int) -> None:
            canary = write_canary(Path(tmp) / f"{CANARY_STEM}-{index}.xlsx")
            written = convert([*batches[index], canary], outdir, "xlsx", timeout=timeout, jobs=1)
            assert_recalculated(written[-1])
            written[-1].unlink()

        with ThreadPoolExecutor(len(batches)) as pool:
            list(pool.map(run, range(len(batches))))
    return [outdir / f"{p.stem}.xlsx" for p in paths]


def to_pdf(
    paths: Sequence[Path], outdir: Path, *, timeout: float | None = None, jobs: int | None = None
) -> list[Path]:
    """Recalculate and print workbooks to PDF in one soffice run; one PDF per input.

    LibreOffice prints every visible sheet with its own page setup (orientation, paper,
    fit-to-pages), so a workbook whose other sheets are hidden prints just the one.
    """
    return convert([Path(p) for p in paths], outdir, "pdf", recalc=True, timeout=timeout, jobs=jobs)


def pdf_page_count(pdf: Path) -> int:
    """Number of pages in a PDF (pdfinfo from poppler-utils, else a count of page objects)."""
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo:
        out = subprocess.run(
            [pdfinfo, str(pdf)], capture_output=True, text=True, check=True, timeout=60
        ).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE)
        if match:
            return int(match.group(1))
    # LibreOffice writes uncompressed page dictionaries: count "/Type /Page" (not /Pages).
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf.read_bytes()))


def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, via ``pdfinfo -f 1 -l N``."""
    count = pdf_page_count(pdf)
    out = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", str(count), str(pdf)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    sizes = re.findall(r"^Page\s+\d+\s+size:\s+([\d.]+) x ([\d.]+) pts", out, re.MULTILINE)
    return [(float(w), float(h)) for w, h in sizes]


def _name_cells(workbook: Any, name: str) -> list[Any]:
    """The cells a workbook-scope defined name refers to, row by row."""
    if name not in workbook.defined_names:
        raise KeyError(f"the workbook has no defined name {name!r}")
    cells: list[Any] = []
    for sheet_title, ref in workbook.defined_names[name].destinations:
        block = workbook[sheet_title][ref.replace("$", "")]
        if not isinstance(block, tuple):  # one cell
            cells.append(block)
        else:
            for row in block:
                cells.extend(row if isinstance(row, tuple) else (row,))
    return cells


def fill_by_names(source: Path, target: Path, values: Mapping[str, Any]) -> Path:
    """Copy ``source`` to ``target`` with input cells written through their defined names.

    A value may be a scalar (a one-cell name, e.g. a profile field) or a sequence (one value
    per cell of the name, e.g. per period); ``None`` leaves a cell blank. openpyxl drops
    charts on save, which does not matter for computed values.
    """
    workbook = openpyxl.load_workbook(source)
    for name, value in values.items():
        cells = _name_cells(workbook, name)
        given = list(value) if isinstance(value, list | tuple) else [value]
        if len(given) != len(cells):
            raise ValueError(f"{name}: {len(given)} value(s) for {len(cells)} cell(s)")
        for cell, item in zip(cells, given, strict=True):
            cell.value = item
    workbook.save(target)
    return target


@dataclass
class Computed:
    """What a recalculated workbook shows: every defined name's values and every error cell."""

    names: dict[str, list[Any]]
    """Workbook-scope defined name (not ``_xlnm.``) -> cell values, row by row."""
    errors: list[str]
    """``Sheet!A1 = #DIV/0!`` for every cell of every sheet holding an error value."""
    beside: dict[str, Any]
    """Defined name -> the value of the cell just right of its last cell (on the Data
    sheet, a measure's or derived figure's Year to date)."""


ERROR_VALUES = ("#DIV/0!", "#VALUE!", "#NAME?", "#REF!", "#N/A", "#NUM!", "#NULL!", "Err:")


def read_computed(path: Path) -> Computed:
    """Read a recalculated workbook once (``data_only``): names' values and error cells."""
    workbook = openpyxl.load_workbook(path, data_only=True)
    try:
        cells = {
            name: _name_cells(workbook, name)
            for name in workbook.defined_names
            if not name.startswith("_xlnm")
        }
        names = {name: [cell.value for cell in found] for name, found in cells.items()}
        beside = {
            name: found[-1].parent.cell(found[-1].row, found[-1].column + 1).value
            for name, found in cells.items()
        }
        errors = [
            f"{sheet.title}!{cell.coordinate} = {cell.value}"
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and cell.value.startswith(ERROR_VALUES)
        ]
    finally:
        workbook.close()
    return Computed(names, errors, beside)


def read_by_names(path: Path, names: Sequence[str] | None = None) -> dict[str, list[Any]]:
    """Computed values of each defined name (all of them when ``names`` is None)."""
    found = read_computed(path).names
    return found if names is None else {name: found[name] for name in names}


def error_cells(path: Path) -> list[str]:
    """``Sheet!A1 = #DIV/0!`` for every cell of every sheet holding an error value."""
    return read_computed(path).errors
