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
from collections.abc import Sequence
from pathlib import Path

import openpyxl
import xlsxwriter

from lks_templates.preview import LibreOfficeError, convert, find_soffice

__all__ = [
    "CANARY_STEM",
    "LibreOfficeError",
    "assert_recalculated",
    "pdf_page_count",
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


def recalculate(paths: Sequence[Path], outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Recalculate workbooks in one soffice run; return ``outdir/<stem>.xlsx`` per input.

    Formulas are kept; openpyxl with ``data_only=True`` then reads the computed values.
    Raises LibreOfficeError (with soffice's output) if a file does not come out, and
    AssertionError if the canary shows that recalculation did not happen.
    """
    paths = [Path(p) for p in paths]
    if any(p.stem == CANARY_STEM for p in paths):
        raise ValueError(f"{CANARY_STEM} is reserved for the recalculation canary")
    with tempfile.TemporaryDirectory(prefix="lks-canary-") as tmp:
        canary = write_canary(Path(tmp) / f"{CANARY_STEM}.xlsx")
        written = convert([*paths, canary], outdir, "xlsx", recalc=True, timeout=timeout)
    assert_recalculated(written[-1])
    written[-1].unlink()
    return written[:-1]


def to_pdf(paths: Sequence[Path], outdir: Path, *, timeout: float | None = None) -> list[Path]:
    """Recalculate and print workbooks to PDF in one soffice run; one PDF per input.

    LibreOffice prints every visible sheet with its own page setup (orientation, paper,
    fit-to-pages), so a workbook whose other sheets are hidden prints just the one.
    """
    return convert([Path(p) for p in paths], outdir, "pdf", recalc=True, timeout=timeout)


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
