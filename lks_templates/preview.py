"""Previews: drive LibreOffice headless to recalculate workbooks and render them as PNG.

xlsxwriter stores every formula with a cached value of 0, so the only way to see what a
workbook really computes (for previews, and for the tests that prove the formulas) is to
open it in a spreadsheet engine. LibreOffice Calc recalculates an .xlsx on load when its
user profile says so (``OOXMLRecalcMode`` = 0, "always"); each call here starts one
``soffice`` process with a throw-away profile that sets it, and converts a whole batch of
files, since start-up dominates (about a second).

This module never prints; failures raise :class:`LibreOfficeError` with soffice's output.
"""

from __future__ import annotations

import atexit
import datetime as dt
import hashlib
import os
import random
import re
import shutil
import subprocess
import tempfile
import threading
import zipfile
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from lks_templates.errors import missing_path
from lks_templates.layout import plan_workbook
from lks_templates.rules.periods import period_slots
from lks_templates.spec.models import FieldSpec, FormSpec, ResolvedTemplate

__all__ = [
    "LibreOfficeError",
    "convert",
    "example_values",
    "find_soffice",
    "only_sheets_visible",
    "preview_names",
    "rasterise",
    "render_previews",
    "split_batches",
]

# Recalculate on load, always, for both OOXML (.xlsx) and ODF files. "fuse" merges the
# item into whatever defaults the installation has.
_RECALC_PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">\
<prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""

# Output filter per target extension; "xlsx" keeps formulas and writes computed values.
_FILTERS = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "pdf": "pdf:calc_pdf_Export", "ods": "ods"}

_pool_lock = threading.Lock()
_free_profiles: dict[bool, list[Path]] = {True: [], False: []}


class LibreOfficeError(RuntimeError):
    """soffice is missing, timed out, or did not write every expected file."""


def find_soffice() -> str | None:
    """Path of the LibreOffice executable (``$LKS_SOFFICE``, ``soffice`` or ``libreoffice``)."""
    override = os.environ.get("LKS_SOFFICE")
    if override:
        return shutil.which(override)
    return shutil.which("soffice") or shutil.which("libreoffice")


@contextmanager
def _profile(recalc: bool) -> Iterator[Path]:
    """A user profile no other soffice is using; profiles are reused, and removed at exit.

    soffice refuses to share a profile between running processes, so concurrent
    conversions each take their own.
    """
    with _pool_lock:
        free = _free_profiles[recalc]
        root = free.pop() if free else None
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="lks-soffice-profile-"))
        atexit.register(shutil.rmtree, root, True)
        if recalc:
            (root / "user").mkdir()
            (root / "user" / "registrymodifications.xcu").write_text(
                _RECALC_PROFILE, encoding="utf-8"
            )
    try:
        yield root
    finally:
        with _pool_lock:
            _free_profiles[recalc].append(root)


def _check_inputs(paths: Sequence[Path], outdir: Path) -> None:
    stems: dict[str, Path] = {}
    for path in paths:
        if not path.is_file():
            raise LibreOfficeError(missing_path(path).format())
        if path.resolve().parent == outdir.resolve():
            raise LibreOfficeError(
                f"{path}: the output folder is the file's own folder; choose another --outdir."
            )
        if path.stem in stems:
            raise LibreOfficeError(
                f"{path} and {stems[path.stem]} would both be written as {path.stem}.*; "
                "convert them in separate batches."
            )
        stems[path.stem] = path


def convert(
    paths: Sequence[Path],
    outdir: Path,
    to: str = "xlsx",
    *,
    recalc: bool = True,
    timeout: float | None = None,
    jobs: int | None = None,
) -> list[Path]:
    """Convert ``paths`` into ``outdir``; return the new files.

    Start-up dominates, so files are converted in batches: ``jobs`` soffice processes
    (default: up to 4, one per 8 files, no more than the CPUs) share them out.

    ``to`` is ``xlsx`` (formulas kept, computed values cached), ``pdf`` or ``ods``. With
    ``recalc`` (the default) every formula is recalculated on load. The result lists
    ``outdir/<stem>.<to>`` in the order of ``paths``. Raises :class:`LibreOfficeError`
    when soffice is missing, times out, or a file does not come out.
    """
    if to not in _FILTERS:
        raise ValueError(f"cannot convert to {to!r}; use one of {sorted(_FILTERS)}")
    paths = [Path(p) for p in paths]
    if not paths:
        return []
    soffice = find_soffice()
    if soffice is None:
        raise LibreOfficeError(
            "LibreOffice (soffice) is not installed; on Debian or Ubuntu: "
            "apt-get install libreoffice-calc-nogui"
        )
    outdir.mkdir(parents=True, exist_ok=True)
    _check_inputs(paths, outdir)
    expected = [outdir / f"{p.stem}.{to}" for p in paths]
    for old in expected:
        old.unlink(missing_ok=True)
    limit = timeout if timeout is not None else 120.0 + 5.0 * len(paths)
    chunks = split_batches(paths, jobs)
    with ThreadPoolExecutor(len(chunks)) as pool:
        runs = list(
            pool.map(lambda chunk: _soffice(soffice, chunk, outdir, to, recalc, limit), chunks)
        )
    done = "\n".join(runs)
    missing = [str(p) for p in expected if not p.is_file()]
    if missing:
        raise LibreOfficeError(f"soffice did not write: {', '.join(missing)}\n{done}")
    return expected


def split_batches(paths: Sequence[Path], jobs: int | None = None) -> list[list[Path]]:
    """Share ``paths`` out among ``jobs`` soffice runs (default: one per 8 files, at most 4
    and no more than the CPUs); every batch is non-empty."""
    count = jobs if jobs is not None else min(os.cpu_count() or 1, 4, 1 + len(paths) // 8)
    count = max(1, min(count, len(paths)))
    return [list(paths[i::count]) for i in range(count)]


def only_sheets_visible(source: Path, target: Path, sheets: Sequence[str]) -> Path:
    """Copy a workbook with every sheet but ``sheets`` hidden, the first of them active.

    Converting the copy to PDF prints just these sheets, each with its own page setup and
    with its charts (which an openpyxl round trip would drop). LibreOffice skips hidden
    sheets unless they have a print area, so the hidden sheets' print areas are removed.
    Only ``xl/workbook.xml`` changes; every other part is copied as is.
    """
    names = [escape(s, {'"': "&quot;"}) for s in sheets]
    with zipfile.ZipFile(source) as zin:
        xml = zin.read("xl/workbook.xml").decode("utf-8")
        found: list[str] = []

        def visibility(match: re.Match[str]) -> str:
            tag = re.sub(r'\s+state="[^"]*"', "", match.group(0))
            name = re.search(r'\bname="([^"]*)"', tag)
            if name and name.group(1) in names:
                found.append(name.group(1))
                return tag
            return tag.replace("<sheet ", '<sheet state="hidden" ', 1)

        xml = re.sub(r"<sheet\b[^>]*/>", visibility, xml)
        missing = [s for s, n in zip(sheets, names, strict=True) if n not in found]
        if missing:
            raise LibreOfficeError(f"{source}: no sheet named {', '.join(missing)}.")
        order = re.findall(r'<sheet\b[^>]*\bname="([^"]*)"', xml)
        # LibreOffice prints a hidden sheet's print area anyway: drop those of hidden sheets.
        hidden = "|".join(str(i) for i, name in enumerate(order) if name not in names)
        if hidden:
            xml = re.sub(
                rf'<definedName name="_xlnm\.Print_[A-Za-z]+" localSheetId="(?:{hidden})"'
                r"[^>]*>[^<]*</definedName>",
                "",
                xml,
            )
        active = f'<workbookView activeTab="{order.index(names[0])}"'
        xml = re.sub(
            r"<workbookView\b[^>]*>",
            lambda m: re.sub(r'\s(?:activeTab|firstSheet)="\d+"', "", m.group(0)),
            xml,
        ).replace("<workbookView", active, 1)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                data = xml.encode("utf-8") if item.filename == "xl/workbook.xml" else None
                zout.writestr(item, data if data is not None else zin.read(item.filename))
    return target


def _soffice(
    soffice: str, paths: Sequence[Path], outdir: Path, to: str, recalc: bool, limit: float
) -> str:
    """Run one soffice over ``paths``; return its exit code and output, for messages."""
    with _profile(recalc) as profile:
        command = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--nolockcheck",
            "--convert-to",
            _FILTERS[to],
            "--outdir",
            str(outdir),
            *[str(p) for p in paths],
        ]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=limit, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise LibreOfficeError(
                f"soffice did not finish converting {len(paths)} file{'s' * (len(paths) != 1)} "
                f"in {limit:.0f} s."
            ) from exc
    return f"soffice exit {done.returncode}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"


# --- previews -----------------------------------------------------------------------------

PREVIEW_DPI = 80
PREVIEW_YEAR = 2025
"""Reporting year of the example data (April 2025 to March 2026)."""
PREVIEW_SHEETS = {"Dashboard": "dashboard", "Infographic": "infographic"}
"""Sheet name -> file suffix: ``<template-id>-dashboard.png``."""

# A year of library activity (April to March): quieter in August and December.
_SEASON = (1.0, 1.05, 0.95, 0.9, 0.75, 1.05, 1.1, 1.05, 0.8, 1.1, 1.05, 1.0)
# Counts of people or accounts on the books are levels, not flows: an annual return holds
# the year-end level, not twelve months added up.
_LEVEL_SUFFIXES = ("_users", "_accounts")


def _rng(name: str) -> random.Random:
    """A generator seeded by the field name, so example data never depends on order."""
    return random.Random(int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big"))


def _is_level(field: FieldSpec) -> bool:
    return field.name.endswith(_LEVEL_SUFFIXES) or field.constraints.maximum is not None


def _example_scalar(field: FieldSpec) -> Any:
    """One value for a field entered once: its ``example``, else something of its type."""
    example = field.example
    enum = field.constraints.enum
    if field.type == "boolean":
        return "Yes" if example in (None, True, "Yes", "yes", "true") else "No"
    if field.type == "date":
        return example if isinstance(example, dt.date) else dt.date(PREVIEW_YEAR, 10, 15)
    if field.type in ("integer", "number"):
        if isinstance(example, int | float) and not isinstance(example, bool):
            return example
        low = field.constraints.minimum or 0
        return low + (10 if field.type == "integer" else 2.5)
    if enum:
        return example if example in enum else enum[0]
    if isinstance(example, str) and example:
        return example
    return f"Example {field.title.lower()}"[: field.constraints.maxLength or 200]


def _example_series(field: FieldSpec, periods: int) -> list[Any]:
    """Period values for a measure: its monthly example with a season and some noise."""
    base = _example_scalar(field)
    if not isinstance(base, int | float) or isinstance(base, bool):
        return [base] * periods
    rng = _rng(field.name)
    months = 12 // periods
    values: list[Any] = []
    for index in range(periods):
        season = sum(_SEASON[index * months : (index + 1) * months])
        noise = rng.uniform(-0.12, 0.12)
        # Levels (users on the books, scores) neither add up over months nor move much.
        value = base * (1 + noise / 3) if _is_level(field) else base * season * (1 + noise)
        low, high = field.constraints.minimum, field.constraints.maximum
        value = max(value, low) if low is not None else value
        value = min(value, high) if high is not None else value
        values.append(round(value) if field.type == "integer" else round(value, 1))
    return values


def example_values(resolved: ResolvedTemplate) -> dict[str, Any]:
    """Plausible, deterministic values for a mid-sized acute trust, by input name.

    Profile fields take their ``example``; measures take it as a typical month, with a
    seasonal pattern and a little noise seeded by the field name, summed per period for
    quarterly and annual templates (but for levels such as registered users).
    """
    values: dict[str, Any] = {"reporting_year": PREVIEW_YEAR}
    values.update({f.name: _example_scalar(f) for f in resolved.profile_fields})
    if not isinstance(resolved.template, FormSpec):
        periods = len(period_slots(resolved.template.period))
        values.update({f.name: _example_series(f, periods) for f in resolved.measure_fields})
    return values


def preview_names(resolved: ResolvedTemplate) -> dict[str, str]:
    """Sheet -> PNG file name of the previews a template gets (none for forms)."""
    if isinstance(resolved.template, FormSpec):
        return {}
    sheets = {s.name for s in plan_workbook(resolved).sheets}
    return {
        sheet: f"{resolved.template.id}-{suffix}.png"
        for sheet, suffix in PREVIEW_SHEETS.items()
        if sheet in sheets
    }


def render_previews(
    templates: Sequence[ResolvedTemplate], out: Path, *, dpi: int = PREVIEW_DPI
) -> list[Path]:
    """Render each template's Dashboard and Infographic, filled with example values, as PNG.

    Workbooks are built with :func:`example_values`, recalculated and printed to PDF by
    LibreOffice (one batch), and the first page of each sheet is rasterised by ``pdftoppm``
    at ``dpi``. Each PNG is written atomically into ``out``; returns them, sorted. Raises
    :class:`LibreOfficeError` when soffice or pdftoppm is missing or fails.
    """
    from lks_templates.build import build_workbook

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise LibreOfficeError(
            "pdftoppm is not installed; on Debian or Ubuntu: apt-get install poppler-utils"
        )
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lks-preview-") as temp:
        work = Path(temp)
        (work / "sheets").mkdir()
        copies: list[tuple[Path, str]] = []
        for resolved in templates:
            names = preview_names(resolved)
            if not names:
                continue
            whole = work / f"{resolved.template.id}.xlsx"
            build_workbook(resolved, whole, values=example_values(resolved))
            for sheet, png in names.items():
                copy = work / "sheets" / f"{Path(png).stem}.xlsx"
                copies.append((only_sheets_visible(whole, copy, [sheet]), png))
        pdfs = convert([c for c, _ in copies], work / "pdf", "pdf")
        return sorted(
            _rasterise(pdftoppm, pdf, out / png, dpi)
            for pdf, (_, png) in zip(pdfs, copies, strict=True)
        )


def rasterise(pdf: Path, target: Path, dpi: int = PREVIEW_DPI, *, page: int = 1) -> Path:
    """Page ``page`` of ``pdf`` as a PNG at ``target`` (its folder made), written atomically.

    Raises :class:`LibreOfficeError` when pdftoppm is missing or fails.
    """
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise LibreOfficeError(
            "pdftoppm is not installed; on Debian or Ubuntu: apt-get install poppler-utils"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    return _rasterise(pdftoppm, pdf, target, dpi, page)


def _rasterise(pdftoppm: str, pdf: Path, target: Path, dpi: int, page: int = 1) -> Path:
    """Page ``page`` of ``pdf`` as a PNG at ``target``, written atomically."""
    stem = target.parent / f".{target.stem}-tmp"
    command = [pdftoppm, "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile"]
    done = subprocess.run(
        [*command, str(pdf), str(stem)], capture_output=True, text=True, timeout=120, check=False
    )
    made = stem.with_suffix(".png")
    if done.returncode != 0 or not made.is_file():
        made.unlink(missing_ok=True)
        raise LibreOfficeError(f"pdftoppm could not render {pdf.name}: {done.stderr.strip()}")
    os.replace(made, target)
    return target
