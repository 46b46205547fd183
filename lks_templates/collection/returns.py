"""returns.csv: one row per return read, its periods, its problem counts and its KPIs.

The row of a file is made when it is read (:func:`record_of`); its ``errors`` and
``warnings`` are counted when it is written, after duplicates are marked, so they always
equal that file's rows of ``problems.csv`` of each severity (a later copy of the same
return keeps its row, its ``duplicate-return`` error counted, as ``values.csv`` keeps its
values). A file that could not be read still has its row, its error counted.

The KPI columns are known only once every file is read, so the rows (one short row a
file) are kept until the end. Their order is stable: templates by id, and within a
template the KPIs of its current version (the newest the specs know, see
:mod:`~lks_templates.collection.versions`) in the order of its spec, then any KPI only an
older version collected has, as first read; a KPI name already placed is not repeated. A
return of a version without one of the current KPIs has it blank.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lks_templates.collection.rows import FileRows
    from lks_templates.readback.result import Return

RETURN_COLUMNS = (
    "file",
    "template_id",
    "template_version",
    "org_ods_code",
    "org_name",
    "reporting_year",
    "periods_expected",
    "periods_entered",
    "first_period",
    "last_period",
    "errors",
    "warnings",
)
"""The fixed columns of returns.csv; one column per KPI follows them."""
_COUNTS = RETURN_COLUMNS.index("errors")


@dataclass
class ReturnRecord:
    """The row of one file in returns.csv, before its problems are counted."""

    head: list[str]
    """The columns ``file`` .. ``last_period`` (raw text)."""
    kpis: dict[str, str] = field(default_factory=dict)
    """KPI name -> its value as text; "" when blank. In the spec's order."""
    text: frozenset[str] = frozenset()
    """The KPIs whose value is text (escaped in CSV), not a number."""


def record_of(result: Return) -> ReturnRecord:
    """The returns.csv row of a read (or refused) return."""
    from lks_templates.readback.values import format_value

    name = result.profile.get("org_name")
    entered = result.entered_periods
    head = [result.file, result.template_id, result.template_version, result.org_ods_code]
    if not result.readable:
        return ReturnRecord(head=[*head, "", "", "", "", "", ""])
    head += [
        name.strip() if isinstance(name, str) else "",
        "" if result.reporting_year is None else str(result.reporting_year),
        str(len(result.periods)),
        str(result.periods_entered),
        entered[0] if entered else "",
        entered[-1] if entered else "",
    ]
    kpis: dict[str, str] = {}
    text = set()
    for kpi, figure in result.kpis.items():
        if figure is None or figure == "":
            kpis[kpi] = ""
            continue
        kpis[kpi] = format_value(figure)
        if isinstance(figure, bool) or not isinstance(figure, int | float):
            text.add(kpi)
    return ReturnRecord(head=head, kpis=kpis, text=frozenset(text))


def record_of_file(file: str) -> ReturnRecord:
    """The row of a file that gave no return at all (its reading crashed)."""
    return ReturnRecord(head=[file, *[""] * (_COUNTS - 1)])


class ReturnsTable:
    """The rows of returns.csv, kept file by file (call it with each file's rows)."""

    def __init__(self) -> None:
        self.rows: list[tuple[ReturnRecord, int, int]] = []
        self.order: dict[str, dict[str, None]] = {}
        """Template id -> its KPI names, in the order first read."""
        self.numeric: dict[str, bool] = {}
        """KPI name -> whether every value of it is a number (or blank)."""
        from lks_templates.collection.versions import VersionsSeen

        self.versions = VersionsSeen()
        """The versions collected of each template, for the data package."""

    def __call__(self, rows: FileRows) -> None:
        record = rows.record
        if record is None:
            return
        self.rows.append((record, rows.severities["error"], rows.severities["warning"]))
        names = self.order.setdefault(record.head[1], {})
        if rows.version is not None:
            self.versions.add(rows.version)
            names.update(dict.fromkeys(rows.version.kpis))  # the current version's first
        for kpi in record.kpis:
            names.setdefault(kpi, None)
            self.numeric[kpi] = self.numeric.get(kpi, True) and kpi not in record.text

    @property
    def kpi_columns(self) -> list[str]:
        """The KPI columns: templates by id, each one's KPIs in spec order, no repeats."""
        columns: dict[str, None] = {}
        for template in sorted(self.order):
            columns.update(dict.fromkeys(self.order[template]))
        return list(columns)

    @property
    def columns(self) -> list[str]:
        """Every column of returns.csv, in order."""
        return [*RETURN_COLUMNS, *self.kpi_columns]

    def records(self, *, escape: bool) -> Iterator[list[str]]:
        """Each row as text, in file order; with ``escape``, text guarded as in CSV."""
        from lks_templates.collection.escaping import escape_text

        kpis = self.kpi_columns
        for record, errors, warnings in self.rows:
            head = [escape_text(cell) for cell in record.head] if escape else list(record.head)
            row = [*head, str(errors), str(warnings)]
            for kpi in kpis:
                value = record.kpis.get(kpi, "")
                row.append(escape_text(value) if escape and kpi in record.text else value)
            yield row

    def kpi_types(self) -> Sequence[tuple[str, str]]:
        """(KPI column, Frictionless type) for the data package."""
        return [
            (kpi, "number" if self.numeric.get(kpi, True) else "string") for kpi in self.kpi_columns
        ]
