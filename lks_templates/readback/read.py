"""Read one returned workbook: identify it, check its structure, read and check its values.

The steps, each of which may add located problems:

1. open the file safely (:mod:`.safety`): refuse what is not a plain .xlsx;
2. read the document properties and find the spec of that template id and version;
3. compare sheets, defined names and formulas with what the generator writes
   (:mod:`.contract`);
4. read the input cells by their defined names with python-calamine, check each value
   against its field (:mod:`.values`), and look for missing required values;
5. recompute derived figures, KPIs and every rule in Python (``lks_templates.compute``),
   never trusting the cached results stored in the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lks_templates.cells import split_cell
from lks_templates.errors import Problem
from lks_templates.readback.context import ReadContext, bounded
from lks_templates.readback.contract import YEAR_NAME, Contract, contract_for, fits
from lks_templates.readback.errorcells import error_cells
from lks_templates.readback.formulas import normalise_formula
from lks_templates.readback.grid import read_rows
from lks_templates.readback.moved import Move, moved_problem, moves_by_sheet
from lks_templates.readback.result import Location, PeriodInfo, Return
from lks_templates.readback.safety import Package, Refused, open_package, refuse
from lks_templates.readback.sheetxml import SheetXml, scan_sheet
from lks_templates.readback.values import (
    UNUSABLE_CODES,
    Checked,
    Value,
    check_value,
    check_year,
    error_value,
    format_value,
    plain_number,
)
from lks_templates.readback.workbook import (
    Reference,
    Structure,
    parse_reference,
    read_structure,
)

if TYPE_CHECKING:
    from lks_templates.spec import SpecSet
    from lks_templates.spec.models import ResolvedTemplate
    from lks_templates.spec.specset import SpecSource

TEMPLATE_ID = "lks_template_id"
TEMPLATE_VERSION = "lks_template_version"
SPEC_SHA = "lks_spec_sha256"


def load_spec_set(specs: SpecSource = None, context: ReadContext | None = None) -> SpecSet:
    """``specs`` as a :class:`SpecSet`: given, loaded from paths, or the shipped specs.

    Paths are loaded afresh unless ``context`` (a run) has loaded them already.
    """
    return (ReadContext() if context is None else context).spec_set(specs)


def read_return(
    path: str | os.PathLike[str],
    *,
    specs: SpecSource = None,
    file: str | None = None,
    context: ReadContext | None = None,
) -> Return:
    """Read and check one filled workbook.

    ``specs``: a :class:`~lks_templates.spec.SpecSet`, or spec files/folders to load
    (default: the specs shipped with the library). ``file`` is the name used in problems
    (default ``str(path)``). ``context``: what the reads of one run share (loaded specs,
    prepared contracts); pass one
    :class:`~lks_templates.readback.ReadContext` to every read of a batch, or none
    for a fresh one. Never raises for a problem with the file: an unreadable file gives a
    :class:`Return` with ``readable`` False and one problem saying why.
    """
    label = str(path) if file is None else file
    result = Return(file=label)
    context = ReadContext() if context is None else context
    spec_set = context.spec_set(specs)
    try:
        package = open_package(Path(path), label, known=context.document_parts)
    except Refused as refusal:
        result.problems.append(refusal.problem)
        return result
    try:
        _read_package(package, spec_set, result, context)
    except Refused as refusal:
        result.readable = False
        result.problems = [refusal.problem]
    finally:
        package.close()
    return result


def _read_package(package: Package, specs: SpecSet, result: Return, context: ReadContext) -> None:
    structure = read_structure(package, context.structures)
    resolved = _identify(structure, specs, package.file, context)
    contract = _contract(structure, resolved, context)
    result.template_id = resolved.template.id
    result.template_version = resolved.template.version
    result.spec_sha256 = contract.sha256
    result.kind = "form" if resolved.is_form else "template"
    reader = _Reader(package, structure, contract, result, context)
    reader.check_structure()
    reader.read_inputs()
    reader.check_required()
    reader.compute()
    result.problems.sort(key=problem_order([*structure.sheets, *contract.sheets]))
    result.readable = True


def _contract(structure: Structure, resolved: ResolvedTemplate, context: ReadContext) -> Contract:
    """The contract a return is checked against: today's layout of its template version,
    or an earlier build's, when the return was made before the generator changed.

    A return whose defined names are where an earlier build of this version put them (a
    layout recorded by ``release``) is checked against that build; otherwise against
    today's, so that a moved name is still found and reported.
    """
    contract = contract_for(resolved, context)
    if not any(name in structure.names for name in contract.last_year.values()):
        contract = contract.without_last_year()  # made before the Last year block existed
    if fits(structure.names, contract, context.references):
        return contract
    for index in reversed(range(len(resolved.layouts))):
        recorded = contract_for(resolved, context, layout=index)
        if fits(structure.names, recorded, context.references):
            return recorded
    return contract


def problem_order(sheets: list[str]) -> Callable[[Problem], tuple[int, int, str, int, int]]:
    """Sort key of problems: the whole file first, then by sheet (in ``sheets`` order,
    others by name), row and column, numerically (D9 before D10 before D12).

    Problems of the same cell keep the order in which they were found.
    """
    order: dict[str, int] = {}
    for name in sheets:
        order.setdefault(name, len(order))

    def key(problem: Problem) -> tuple[int, int, str, int, int]:
        if not problem.sheet:
            return (0, 0, "", 0, 0)
        row, column = split_cell(problem.cell) or (0, 0)
        return (1, order.get(problem.sheet, len(order)), problem.sheet, row, column)

    return key


def _identify(
    structure: Structure, specs: SpecSet, file: str, context: ReadContext
) -> ResolvedTemplate:
    props = structure.properties
    template_id = props.get(TEMPLATE_ID, "").strip()
    version = props.get(TEMPLATE_VERSION, "").strip()
    if not template_id:
        raise refuse(
            "not-an-lks-workbook",
            file,
            "This workbook was not made from an LKS "
            "statistics template (it has no lks_template_id property). Ask the "
            "sender to fill in the template they were sent.",
        )
    sha = props.get(SPEC_SHA, "").strip() or None
    resolved = _resolve(specs, template_id, version, context, sha)
    if resolved is not None:
        return resolved
    if _resolve(specs, template_id, None, context) is None:
        raise refuse(
            "unknown-template",
            file,
            f"The workbook says it is template "
            f'"{template_id}", which none of the specs knows. Check the spelling, '
            "or give the folder of its spec with --specs.",
        )
    raise refuse(
        "unknown-version",
        file,
        f'The workbook is version "{version}" of '
        f'"{template_id}", which the specs do not have. Give the folder of '
        "that spec version with --specs.",
    )


def _resolve(
    specs: SpecSet,
    template_id: str,
    version: str | None,
    context: ReadContext,
    sha256: str | None = None,
) -> ResolvedTemplate | None:
    # Resolving builds a new object each time; reuse one per spec set, id, version and
    # checksum so that the run's contract table recognises it.
    key = (id(specs), template_id, version, sha256)
    known = context.resolved.get(key)
    if known is None or known[0] is not specs:
        known = (specs, specs.resolve(template_id, version, sha256))
        bounded(context.resolved)[key] = known
    return known[1]


def _located(
    ref: Reference, name: str, keys: tuple[str, ...], context: ReadContext
) -> list[tuple[tuple[str, str], Location]]:
    """``((name, period key), where)`` of each cell of ``ref``, made once per reference."""
    # parse_reference gives the same object for the same text within a run, so most
    # returns of a template share these.
    cache_key = (id(ref), name, keys)
    known = context.located.get(cache_key)
    if known is None or known[0] is not ref:
        known = (
            ref,
            [
                ((name, key), Location(ref.sheet, cell))
                for cell, key in zip(ref.cells, keys, strict=True)
            ],
        )
        bounded(context.located, 4096)[cache_key] = known
    return known[1]


class _Reader:
    """The checks of one workbook, sharing what they found."""

    def __init__(
        self,
        package: Package,
        structure: Structure,
        contract: Contract,
        result: Return,
        context: ReadContext,
    ) -> None:
        self.package = package
        self.context = context
        self.structure = structure
        self.contract = contract
        self.result = result
        self.refs: dict[str, Reference] = {}
        """Input name -> where its values are read (the workbook's own defined name)."""
        self.shifted = False
        self.moves: list[Move] = []
        """Defined names that point somewhere other than the template puts them."""
        self.sheet_bytes: dict[str, bytes] = {}
        self.scans: dict[str, SheetXml] = {}
        """Sheet part -> what its XML holds (each sheet is scanned once)."""
        self.formula_cache: dict[str, dict[str, str] | None] = {}
        self.error_cells: dict[str, dict[str, str]] = {}
        """Sheet -> ``A1`` -> the error value stored there (``#N/A``), read when needed."""

    def problem(
        self,
        code: str,
        message: str,
        *,
        severity: str = "error",
        sheet: str = "",
        cell: str = "",
        field: str = "",
        period: str = "",
    ) -> None:
        self.result.problems.append(
            Problem(
                code=code,
                message=message,
                file=self.result.file,
                severity=severity,  # type: ignore[arg-type]
                sheet=sheet,
                cell=cell,
                field=field,
                period=period,
            )
        )

    # -- structure ----------------------------------------------------------------------

    def check_structure(self) -> None:
        props = self.structure.properties
        if props.get(SPEC_SHA, self.contract.sha256) != self.contract.sha256:
            against = "released snapshot" if self.contract.resolved.released else "spec here"
            self.problem(
                "spec-mismatch",
                "The workbook was made by a different build of "
                "this template version: its lks_spec_sha256 matches neither the spec "
                f"here nor a released snapshot. Values were read by name against the {against}; "
                "check the spec folder is the one the template came from.",
                severity="warning",
            )
        renamed = self._renamed_sheets()
        for sheet in self.contract.sheets:
            if sheet in self.structure.sheets:
                continue
            self.shifted = True
            if sheet in renamed:
                self.problem(
                    "missing-sheet",
                    f'The sheet "{sheet}" was renamed to '
                    f'"{renamed[sheet]}"; values were read from it by name. Rename '
                    f'it back to "{sheet}".',
                    sheet=renamed[sheet],
                )
            else:
                self.problem(
                    "missing-sheet",
                    f'The sheet "{sheet}" was deleted. Ask the '
                    "sender to use a fresh copy of the template.",
                    sheet=sheet,
                )
        for name, expected in self.contract.names.items():
            self._check_name(name, expected, renamed)
        if self.moves:
            lost = self._lost_formulas()
            for sheet, moves in moves_by_sheet(self.moves).items():
                self.result.problems.append(moved_problem(self.result.file, sheet, moves, lost))
        if not self.shifted:
            self._check_formulas()

    def _lost_formulas(self) -> int:
        """How many fewer formulas the template's sheets hold than the generator wrote.

        Once rows or columns moved, formulas can no longer be compared cell by cell (their
        cells and references moved too), but a formula typed over or deleted is still one
        formula fewer.
        """
        lost = 0
        for sheet, expected in self.contract.formulas.items():
            scan = self._scan(sheet)
            if scan is not None:
                lost += max(0, len(expected) - scan.formula_count)
        return lost

    def _renamed_sheets(self) -> dict[str, str]:
        """Contract sheet -> its new name, when the defined names followed a renamed sheet."""
        renamed: dict[str, str] = {}
        for name, expected in self.contract.names.items():
            if expected.sheet in self.structure.sheets:
                continue
            actual = self._reference(self.structure.names.get(name, ""))
            if (
                actual is not None
                and actual.corners == expected.corners
                and actual.sheet not in self.contract.sheets
            ):
                renamed.setdefault(expected.sheet, actual.sheet)
        return renamed

    def _check_name(self, name: str, expected: Reference, renamed: dict[str, str]) -> None:
        is_input = name in self.contract.fields or name == YEAR_NAME
        text = self.structure.names.get(name)
        actual = self._reference(text) if text else None
        if actual is not None and actual.sheet not in self.structure.sheets:
            # Repointed at a sheet the workbook does not have: nothing can be read there.
            shown = text if text is not None and len(text) <= 80 else f"{(text or '')[:79]}…"
            self.problem(
                "missing-name",
                f'The defined name "{name}" points at {shown}, on a sheet '
                f'"{actual.sheet}" the workbook does not have, so '
                f"{'its values were not read' if is_input else 'it cannot be checked'}"
                ". Use a fresh copy of the template and copy the figures across.",
                sheet=expected.sheet,
                cell=expected.first_cell,
                field=name,
            )
            return
        if actual is None:
            how = "was deleted" if text is None else f"points at nothing usable ({text})"
            self.problem(
                "missing-name",
                f'The defined name "{name}" {how}, so '
                f"{'its values cannot be read' if is_input else 'it cannot be checked'}"
                ". Use a fresh copy of the template and copy the figures across.",
                sheet=expected.sheet,
                cell=expected.first_cell,
                field=name,
            )
            return
        # Corners first: a name repointed at millions of cells is never listed cell by cell.
        moved = actual.corners != expected.corners or (
            actual.sheet != expected.sheet and renamed.get(expected.sheet) != actual.sheet
        )
        if moved:
            self.shifted = True
            self.moves.append(Move(name, expected, actual, is_input))
            if not self.moves[-1].same_shape:
                return
        if is_input:
            self.refs[name] = actual

    def _reference(self, text: str) -> Reference | None:
        return parse_reference(text, self.context.references)

    def _sheet_data(self, sheet: str) -> bytes | None:
        part = self.structure.sheets.get(sheet)
        if part is None:
            return None
        if part not in self.sheet_bytes:
            self.sheet_bytes[part] = self.package.read(part)
        return self.sheet_bytes[part]

    def _scan(self, sheet: str) -> SheetXml | None:
        """What the XML of ``sheet`` holds (extent checked); None when it is missing."""
        data = self._sheet_data(sheet)
        if data is None:
            return None
        part = self.structure.sheets[sheet]
        if part not in self.scans:
            self.scans[part] = scan_sheet(
                data,
                self.package.file,
                part,
                self._wanted(sheet),
                known=bounded(self.context.scans, 64),
            )
        return self.scans[part]

    def _wanted(self, sheet: str) -> set[str]:
        """Cells of ``sheet`` whose formulas matter: the template's and the input cells."""
        wanted = set(self.contract.formulas.get(sheet, ()))
        for ref in self.refs.values():
            if ref.sheet == sheet:
                wanted.update(ref.cells)
        return wanted

    def _changed_formulas(self, sheet: str) -> dict[str, str] | None:
        """The formulas of the cells that matter in ``sheet`` (``A1`` -> text), or None
        when exactly the template's formula cells hold exactly its formulas (or the sheet
        is missing)."""
        if sheet not in self.formula_cache:
            scan = self._scan(sheet)
            found: dict[str, str] | None = None
            # Fast: the sheet holds exactly the generator's formulas, byte for byte, in
            # exactly its cells (so none in an input cell).
            if scan is not None and scan.raw != self.contract.stored_formulas.get(sheet, {}):
                wanted = self._wanted(sheet)
                found = {cell: text for cell, text in scan.formulas.items() if cell in wanted}
                expected = self.contract.formulas.get(sheet, {})
                if found.keys() == expected.keys() and all(
                    normalise_formula(text) == expected[cell] for cell, text in found.items()
                ):
                    found = None
            self.formula_cache[sheet] = found
        return self.formula_cache[sheet]

    def _check_formulas(self) -> None:
        for sheet, expected in self.contract.formulas.items():
            stored = self._changed_formulas(sheet)
            if stored is None:
                continue
            for cell, formula in expected.items():
                found = stored.get(cell)
                if found is not None and normalise_formula(found) == formula:
                    continue
                what = "replaced by a typed value" if found is None else "changed"
                self.problem(
                    "formula-overwritten",
                    f"The formula in {sheet}!{cell} was {what}. "
                    "Collected figures are recomputed from the inputs, but the "
                    "workbook's own totals and dashboard may be wrong: restore the "
                    "formula from a fresh copy of the template.",
                    severity="warning",
                    sheet=sheet,
                    cell=cell,
                )

    # -- values -------------------------------------------------------------------------

    def read_inputs(self) -> None:
        rows = self._sheet_rows()
        year_ref = self.refs.get(YEAR_NAME)
        if year_ref is not None:
            self._read_year(rows, year_ref)
        keys = self.contract.period_keys
        starts = self._period_starts()
        self.result.periods = [
            PeriodInfo(key, start) for key, start in zip(keys, starts, strict=True)
        ]
        for name in self.contract.resolved.profile_names:
            checked = self._read_cells(rows, name, [""])
            self.result.profile[name] = checked[0] if checked else None
        for name in self.contract.resolved.measure_names:
            values = self._read_cells(rows, name, list(keys))
            self.result.measures[name] = values if values else [None] * len(keys)
        for measure, name in self.contract.last_year.items():
            values = self._read_cells(rows, name, list(keys))
            if values:
                self.result.last_year[measure] = values

    def _sheet_rows(self) -> dict[str, list[list[object]]]:
        last_rows: dict[str, int] = {}
        for ref in self.refs.values():
            last_rows[ref.sheet] = max(last_rows.get(ref.sheet, 0), ref.bottom)
        sheets: dict[str, tuple[bytes, int]] = {}
        for sheet, last_row in sorted(last_rows.items()):
            data = self._sheet_data(sheet)
            # The extent is checked (by the scan) before calamine lays the sheet out.
            if data is not None and self._scan(sheet) is not None:
                sheets[sheet] = (data, last_row)
        return read_rows(self.package, self.structure, sheets)

    def _read_year(self, rows: dict[str, list[list[object]]], ref: Reference) -> None:
        row, col = ref.positions[0]
        table = rows.get(ref.sheet, [])
        raw = table[row][col] if row < len(table) and col < len(table[row]) else None
        self.result.locations[(YEAR_NAME, "")] = Location(ref.sheet, ref.cells[0])
        typed = self._changed_formulas(ref.sheet) or {}
        if ref.cells[0] in typed:
            self._formula_typed(
                "Reporting year", YEAR_NAME, "", ref.sheet, ref.cells[0], typed[ref.cells[0]]
            )
            return
        checked = self._error_value(ref.sheet, ref.cells[0], raw) or check_year(raw)
        for finding in checked.findings:
            self.problem(
                finding.code,
                f"Reporting year in {ref.sheet}!{ref.cells[0]}: {finding.detail}",
                severity=finding.severity,
                sheet=ref.sheet,
                cell=ref.cells[0],
                field=YEAR_NAME,
            )
        if isinstance(checked.value, int):
            self.result.reporting_year = checked.value
        elif checked.findings:
            self.result.raw_errors[(YEAR_NAME, "")] = checked.raw

    def _error_value(self, sheet: str, cell: str, raw: object) -> Checked | None:
        """An ``error-value`` finding when the cell stores an error value (``#N/A``).

        The value reader shows such a cell as empty text, so only those are looked up.
        """
        if raw != "":
            return None
        if sheet not in self.error_cells:
            data = self._sheet_data(sheet)
            part = self.structure.sheets.get(sheet, "")
            self.error_cells[sheet] = (
                {} if data is None else error_cells(data, self.result.file, part)
            )
        text = self.error_cells[sheet].get(cell)
        return None if text is None else Checked(None, text, (error_value(text),))

    def _period_starts(self) -> list[Any]:
        year = self.result.reporting_year
        if year is None or self.contract.resolved.is_form:
            return [None] * len(self.contract.period_keys)
        from lks_templates.rules.periods import period_starts

        return list(period_starts(self.contract.resolved.template.period, year))  # type: ignore[union-attr]

    def _read_cells(
        self, rows: dict[str, list[list[object]]], name: str, keys: list[str]
    ) -> list[Value | None]:
        ref = self.refs.get(name)
        if ref is None or ref.size != len(keys):
            return []
        field = self.contract.fields[name]
        table = rows.get(ref.sheet, [])
        values: list[Value | None] = []
        located = _located(ref, name, tuple(keys), self.context)
        self.result.locations.update(located)
        typed = self._changed_formulas(ref.sheet)
        for (row, col), (cell_key, where) in zip(ref.positions, located, strict=True):
            if typed and where.cell in typed:
                self._formula_typed(
                    field.title, name, cell_key[1], ref.sheet, where.cell, typed[where.cell]
                )
                values.append(None)
                continue
            line = table[row] if row < len(table) else ()
            raw = line[col] if col < len(line) else None
            if raw is None:  # blank: no value, nothing to report
                values.append(None)
                continue
            if type(raw) is float:
                number = plain_number(field, raw)
                if number is not None:
                    values.append(number)
                    continue
            checked = self._error_value(ref.sheet, where.cell, raw) or check_value(field, raw)
            if checked.findings:
                self._report(checked, name, cell_key[1], ref.sheet, where.cell)
            values.append(checked.value)
        return values

    def _report(self, checked: Checked, name: str, key: str, sheet: str, cell: str) -> None:
        title = self.contract.fields[name].title
        for finding in checked.findings:
            self.problem(
                finding.code,
                f"{title} in {sheet}!{cell}: {finding.detail}",
                severity=finding.severity,
                sheet=sheet,
                cell=cell,
                field=name,
                period=key,
            )
            if finding.code in UNUSABLE_CODES:
                self.result.raw_errors[(name, key)] = checked.raw

    def _formula_typed(
        self, title: str, name: str, key: str, sheet: str, cell: str, formula: str
    ) -> None:
        # The stored result of such a formula is not used: xlsxwriter and openpyxl store
        # none or 0, Excel the result of its last calculation, a hostile file anything.
        text = "=" + formula
        shown = text if len(text) <= 60 else text[:59] + "…"
        self.problem(
            "formula-in-input",
            f"{title} in {sheet}!{cell} holds the formula "
            f"{shown} instead of a typed value; formulas in entry cells are not read. "
            "Type the value itself.",
            sheet=sheet,
            cell=cell,
            field=name,
            period=key,
        )
        self.result.raw_errors[(name, key)] = text

    def check_required(self) -> None:
        if (
            self.contract.names.get(YEAR_NAME) is not None
            and self.result.reporting_year is None
            and (YEAR_NAME, "") in self.result.locations
            and not any(p.field == YEAR_NAME for p in self.result.problems)
        ):
            where = self.result.locations[(YEAR_NAME, "")]
            self.problem(
                "required-missing",
                "Reporting year is blank; enter the year the "
                "reporting year starts in, such as 2026.",
                sheet=where.sheet,
                cell=where.cell,
                field=YEAR_NAME,
            )
        for name, value in self.result.profile.items():
            if value is None and self.contract.fields[name].constraints.required:
                self._missing(name, "")
        reported = [
            any(series[i] is not None for series in self.result.measures.values())
            for i in range(len(self.contract.period_keys))
        ]
        for name, series in self.result.measures.items():
            if not self.contract.fields[name].constraints.required:
                continue
            for index, value in enumerate(series):
                if value is None and reported[index]:
                    self._missing(name, self.contract.period_keys[index])

    def _missing(self, name: str, key: str) -> None:
        if (name, key) in self.result.raw_errors or (name, key) not in self.result.locations:
            return
        where = self.result.locations[(name, key)]
        title = self.contract.fields[name].title
        during = f" for {key}" if key else ""
        self.problem(
            "required-missing",
            f"{title}{during} is blank in {where.sheet}!{where.cell}; it must be filled in.",
            sheet=where.sheet,
            cell=where.cell,
            field=name,
            period=key,
        )

    # -- figures ------------------------------------------------------------------------

    def compute(self) -> None:
        from lks_templates.readback.figures import compute_figures

        compute_figures(self.contract, self.result)


__all__ = ["format_value", "load_spec_set", "read_return"]
