"""COUNTER Release 5 and 5.1 usage reports, read into rows of monthly counts.

Every form COUNTER allows is read: tabular reports as tab-separated text (TSV, also with
commas) or as an Excel workbook, and JSON as the COUNTER API (SUSHI) returns it, in the R5
shape (``Performance`` lists of ``Instance``) and the R5.1 shape (``Attribute_Performance``
with counts by month). The form and the release come from the content, never from the
file name. A damaged or foreign file gives one located problem and no report: never a
traceback.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lks_templates.errors import Problem

MAX_REPORT_BYTES = 256 * 1024 * 1024
"""Largest report file read; a year's title report of a big platform is well under this."""
REPORT_IDS = frozenset(
    {
        "PR", "PR_P1", "DR", "DR_D1", "DR_D2", "TR", "TR_B1", "TR_B2", "TR_B3",
        "TR_J1", "TR_J2", "TR_J3", "TR_J4", "IR", "IR_A1", "IR_M1",
    }
)  # fmt: skip
"""Every report of the COUNTER R5 and R5.1 Codes of Practice."""
METRICS = frozenset(
    {
        "Total_Item_Investigations", "Total_Item_Requests", "Unique_Item_Investigations",
        "Unique_Item_Requests", "Unique_Title_Investigations", "Unique_Title_Requests",
        "Searches_Regular", "Searches_Automated", "Searches_Federated", "Searches_Platform",
        "No_License", "Limit_Exceeded",
    }
)  # fmt: skip
"""Every Metric_Type of COUNTER R5 and R5.1."""
RELEASES = {"5": "5", "5.0": "5", "5.1": "5.1"}
"""Release as written -> as reported."""
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}
_MONTH_HEADING = re.compile(r"^([A-Za-z]{3})-(\d{4})$")
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?")


@dataclass(frozen=True)
class UsageRow:
    """One metric of one platform in one month, as the report gives it."""

    platform: str
    metric: str
    month: dt.date
    """The first day of the month."""
    count: int
    data_type: str = ""
    access_method: str = ""


@dataclass
class Report:
    """One COUNTER report, read and checked."""

    file: str
    form: str
    """``tsv``, ``xlsx`` or ``json``."""
    report_id: str
    release: str
    """``5`` or ``5.1``."""
    begin: dt.date
    end: dt.date
    registry: str = ""
    """The platform's COUNTER registry record or platform ID, when the header gives one."""
    filters: dict[str, str] = field(default_factory=dict)
    metric_types: frozenset[str] = frozenset()
    """The header's Metric_Types; empty when it lists none, which means every metric."""
    exceptions: list[str] = field(default_factory=list)
    rows: list[UsageRow] = field(default_factory=list)

    def carries(self, metric: str) -> bool:
        """Whether the report has ``metric`` at all (a report customised to leave a metric
        out is no source of it, even though it covers the platform and month)."""
        return not self.metric_types or metric in self.metric_types

    @property
    def months(self) -> list[dt.date]:
        """The first day of every month of the reporting period."""
        months, month = [], self.begin.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = next_month(month)
        return months

    @property
    def platforms(self) -> list[str]:
        """The platforms the rows name, in order of appearance."""
        return list(dict.fromkeys(row.platform for row in self.rows))

    def same_content(self, other: Report) -> bool:
        """Whether ``other`` holds the same counts (a second download of this report)."""
        return sorted(self.rows, key=_row_key) == sorted(other.rows, key=_row_key)


def _row_key(row: UsageRow) -> tuple[str, str, dt.date, str, str, int]:
    return (row.platform, row.metric, row.month, row.data_type, row.access_method, row.count)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``."""
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


class Damaged(Exception):
    """The report cannot be used; ``problem`` says why and where."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def damaged(code: str, file: str, message: str, *, line: int | None = None) -> Damaged:
    """A :class:`Damaged` with one error about ``file`` (at ``line``, for tabular text)."""
    return Damaged(Problem(code, message, file=file, line=line, column=1 if line else None))


def read_report(
    path: str | os.PathLike[str], file: str | None = None
) -> tuple[Report | None, list[Problem]]:
    """Read one report; ``(None, [the problem])`` when it is damaged or not a report.

    The problems of a report that was read are warnings (COUNTER exceptions in its header).
    """
    label = str(path) if file is None else file
    try:
        report = _read(Path(path), label)
    except Damaged as error:
        return None, [error.problem]
    warnings = [
        Problem(
            "counter-exception",
            f"The report says: {text}. Check its figures before relying on them.",
            file=label,
            severity="warning",
        )
        for text in report.exceptions
    ]
    return report, warnings


def _read(path: Path, label: str) -> Report:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_REPORT_BYTES + 1)
    except OSError as error:
        raise damaged(
            "counter-unreadable", label, f"Cannot read the file ({error.strerror or error})."
        ) from None
    if len(data) > MAX_REPORT_BYTES:
        raise damaged(
            "counter-unreadable",
            label,
            f"The file is larger than {MAX_REPORT_BYTES:,} bytes; no COUNTER report is.",
        )
    if data.startswith(b"PK\x03\x04"):
        return _tabular(_excel_rows(path, label), label, "xlsx", excel=True)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = _legacy_text(data, label)
    stripped = text.lstrip()
    if stripped.startswith(("{", "[")):
        return _json_report(text, label)
    return _tabular(_text_rows(text), label, "tsv", excel=False)


def _legacy_text(data: bytes, label: str) -> str:
    """Text in a Windows code page, as some older platforms export; else not a report."""
    if b"\x00" in data[:4096]:
        raise damaged(
            "counter-not-a-report",
            label,
            "This is not a COUNTER report: it is neither text nor an Excel workbook "
            "(.xlsx). Download the report again as TSV, Excel or JSON.",
        )
    return data.decode("cp1252", errors="replace")


# -- tabular: TSV and Excel -----------------------------------------------------------------


def _text_rows(text: str) -> list[list[str]]:
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first or "," not in first else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _excel_rows(path: Path, label: str) -> list[list[str]]:
    """The first sheet's cells as text, after the same safety checks as a return."""
    import python_calamine

    from lks_templates.readback.safety import Refused, open_package

    try:
        package = open_package(path, label)
    except Refused as refusal:
        raise damaged("counter-unreadable", label, refusal.problem.message) from None
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(package.data))
        cells = book.get_sheet_by_index(0).to_python()
    except (python_calamine.CalamineError, IndexError, ValueError) as error:
        raise damaged(
            "counter-unreadable", label, f"The workbook cannot be read ({error})."
        ) from None
    finally:
        package.close()
    return [[_excel_text(cell) for cell in row] for row in cells]


def _excel_text(cell: object) -> str:
    """A cell as the TSV form of the report would hold it (month headings as ``Jan-2022``)."""
    if isinstance(cell, dt.datetime | dt.date):  # not strftime("%b"): that follows the locale
        return f"{_MONTH_NAMES[cell.month - 1].title()}-{cell.year}"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell)


def _tabular(rows: list[list[str]], label: str, form: str, *, excel: bool) -> Report:
    def where(index: int) -> str:
        return f"row {index + 1}" if excel else f"line {index + 1}"

    header: dict[str, str] = {}
    index = 0
    while index < len(rows) and any(cell.strip() for cell in rows[index]):
        row = rows[index]
        if row[0].strip():
            header[row[0].strip().lstrip("\ufeff")] = row[1].strip() if len(row) > 1 else ""
        index += 1
    if "Report_ID" not in header or "Release" not in header:
        raise damaged(
            "counter-not-a-report",
            label,
            "This is not a COUNTER report: its header has no Report_ID and Release rows. "
            "Check that the right file was given.",
        )
    report = _checked_header(
        label,
        form,
        header.get("Report_ID", ""),
        header.get("Release", ""),
        _period_text(header.get("Reporting_Period", "")),
        filters=_pairs(header.get("Report_Filters", "")),
        registry=header.get("Registry_Record", ""),
        metric_types=header.get("Metric_Types", ""),
    )
    report.exceptions = [
        part.strip() for part in header.get("Exceptions", "").split(";") if part.strip()
    ]
    while index < len(rows) and not any(cell.strip() for cell in rows[index]):
        index += 1
    if index >= len(rows):
        raise damaged(
            "counter-bad-header",
            label,
            "The report ends after its header: the table of usage is missing. The file may "
            "be cut short; download it again.",
        )
    headings = [cell.strip() for cell in rows[index]]
    heading_at = index
    found = {col: _month_of_heading(text) for col, text in enumerate(headings)}
    months = {col: month for col, month in found.items() if month is not None}
    missing = [name for name in ("Platform", "Metric_Type") if name not in headings]
    if missing or not (months or "Reporting_Period_Total" in headings):
        lacking = " and ".join(missing) or "month columns (Jan-2022 ...)"
        raise damaged(
            "counter-bad-header",
            label,
            f"The headings at {where(heading_at)} lack {lacking}: this is not the table of a "
            "COUNTER report. Download the report again.",
            line=None if excel else heading_at + 1,
        )
    if not months:
        months = _single_month(report, headings, label)
    col = {name: headings.index(name) for name in headings if name}
    width = max(col.values()) + 1 if not months else max(max(months) + 1, max(col.values()) + 1)
    for number, row in enumerate(rows[heading_at + 1 :], start=heading_at + 1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < width:
            raise damaged(
                "counter-bad-row",
                label,
                f"The row at {where(number)} has {len(row)} cells where the headings have "
                f"{width}: the file looks cut short. Download the report again.",
                line=None if excel else number + 1,
            )
        metric = row[col["Metric_Type"]].strip()
        if metric not in METRICS:
            raise damaged(
                "counter-bad-row",
                label,
                f"The Metric_Type at {where(number)} is {metric!r}, which is not a COUNTER "
                "Release 5 metric. Download the report again.",
                line=None if excel else number + 1,
            )
        for month_col, month in months.items():
            report.rows.append(
                UsageRow(
                    platform=row[col["Platform"]].strip(),
                    metric=metric,
                    month=month,
                    count=_count(row[month_col], label, where(number), headings[month_col],
                                 None if excel else number + 1),
                    data_type=_cell(row, col, "Data_Type") or report.filters.get("Data_Type", ""),
                    access_method=_cell(row, col, "Access_Method")
                    or report.filters.get("Access_Method", ""),
                )
            )  # fmt: skip
    return report


def _cell(row: Sequence[str], col: Mapping[str, int], name: str) -> str:
    return row[col[name]].strip() if name in col and col[name] < len(row) else ""


def _single_month(report: Report, headings: list[str], label: str) -> dict[int, dt.date]:
    """A report without monthly columns (Exclude_Monthly_Details) covering one month."""
    if len(report.months) != 1:
        raise damaged(
            "counter-bad-header",
            label,
            "The report has no month columns and covers more than one month, so its figures "
            "cannot be placed in months. Download it again with monthly details.",
        )
    return {headings.index("Reporting_Period_Total"): report.months[0]}


def _month_of_heading(text: str) -> dt.date | None:
    match = _MONTH_HEADING.match(text)
    if match and match.group(1).lower() in _MONTHS:
        return dt.date(int(match.group(2)), _MONTHS[match.group(1).lower()], 1)
    return None


def _count(text: str, label: str, where: str, heading: str, line: int | None) -> int:
    text = text.strip().replace(",", "")
    if not text:
        return 0  # R5.1 allows empty cells for months without usage
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if number < 0 or not number.is_integer():
        raise damaged(
            "counter-bad-row",
            label,
            f"The count for {heading} at {where} is {text!r}, not a whole number of uses. "
            "Download the report again.",
            line=line,
        )
    return int(number)


def _pairs(text: str) -> dict[str, str]:
    """``Name=value; Name=value`` as a mapping (COUNTER's tabular header lists)."""
    pairs = {}
    for part in text.split(";"):
        name, sep, value = part.partition("=")
        if sep:
            pairs[name.strip()] = value.strip()
    return pairs


def _period_text(text: str) -> tuple[str, str]:
    pairs = _pairs(text)
    return pairs.get("Begin_Date", ""), pairs.get("End_Date", "")


def _date(text: str, end: bool) -> dt.date | None:
    match = _ISO_MONTH.match(text.strip())
    if not match:
        return None
    try:
        year, month = int(match.group(1)), int(match.group(2))
        if match.group(3):
            return dt.date(year, month, int(match.group(3)))
        first = dt.date(year, month, 1)
    except ValueError:
        return None
    return next_month(first) - dt.timedelta(days=1) if end else first


def _checked_header(
    label: str,
    form: str,
    report_id: str,
    release: str,
    period: tuple[str, str],
    *,
    filters: dict[str, str],
    registry: str,
    metric_types: str,
) -> Report:
    """A :class:`Report` with no rows yet, once its header values are sound."""

    def bad(message: str) -> Damaged:
        return damaged("counter-bad-header", label, message)

    if report_id not in REPORT_IDS:
        raise bad(
            f"Report_ID is {report_id!r}, which is not a COUNTER Release 5 report "
            "(PR, PR_P1, DR, DR_D1, DR_D2, TR, TR_B1 ...)."
        )
    if release not in RELEASES:
        raise bad(
            f"Release is {release!r}; only COUNTER Release 5 and 5.1 reports can be imported "
            "(Release 4 metrics are not the same)."
        )
    begin, end = _date(period[0], False), _date(period[1], True)
    if begin is None or end is None or end < begin:
        raise bad(
            f"Reporting_Period is 'Begin_Date={period[0]}; End_Date={period[1]}', which "
            "is not a period of whole dates (Begin_Date=2026-04-01; End_Date=2026-04-30)."
        )
    metrics = frozenset(m.strip() for m in re.split(r"[;|]", metric_types) if m.strip())
    unknown = sorted(metrics - METRICS)
    if unknown:
        raise bad(
            f"Metric_Types lists {', '.join(map(repr, unknown))}, which "
            f"{'is not a COUNTER metric' if len(unknown) == 1 else 'are not COUNTER metrics'} "
            "(Total_Item_Requests, Searches_Regular, No_License ...)."
        )
    return Report(
        file=label,
        form=form,
        report_id=report_id,
        release=RELEASES[release],
        begin=begin,
        end=end,
        registry=registry.strip(),
        filters=filters,
        metric_types=metrics,
    )


# -- JSON: the COUNTER API ------------------------------------------------------------------


def _json_report(text: str, label: str) -> Report:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise Damaged(
            Problem(
                "counter-unreadable",
                f"The JSON is damaged ({error.msg}): the file may be cut short. Download "
                "the report again.",
                file=label,
                line=error.lineno,
                column=error.colno,
            )
        ) from None
    except RecursionError:
        raise damaged("counter-unreadable", label, "The JSON is nested too deeply.") from None
    if not isinstance(document, dict) or not isinstance(document.get("Report_Header"), dict):
        raise damaged("counter-not-a-report", label, _not_a_report_reason(document))
    head: dict[str, Any] = document["Report_Header"]
    filters = _json_filters(head.get("Report_Filters"))
    report = _checked_header(
        label,
        "json",
        str(head.get("Report_ID", "")),
        str(head.get("Release", "")),
        (filters.get("Begin_Date", ""), filters.get("End_Date", "")),
        filters=filters,
        registry=str(head.get("Registry_Record", "") or ""),
        metric_types=filters.get("Metric_Type", ""),
    )
    report.exceptions = [_exception_text(e) for e in _as_list(head.get("Exceptions"))]
    items = document.get("Report_Items", [])
    if not isinstance(items, list):
        raise damaged("counter-bad-row", label, "Report_Items is not a list of items.")
    for number, item in enumerate(items):
        try:
            report.rows.extend(_json_item(item, report))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise damaged(
                "counter-bad-row",
                label,
                f"Report_Items[{number}] is not a COUNTER item ({type(error).__name__}: "
                f"{error}). Download the report again.",
            ) from None
    return report


def _not_a_report_reason(document: object) -> str:
    errors = document if isinstance(document, list) else [document]
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    if "Code" in first and "Message" in first:
        return (
            f"The COUNTER API answered with an exception instead of a report: "
            f"{_exception_text(first)}. Ask for the report again."
        )
    return (
        "This JSON is not a COUNTER report: it has no Report_Header. Check that the right "
        "file was given."
    )


def _exception_text(exception: object) -> str:
    if not isinstance(exception, dict):
        return str(exception)
    text = f"{exception.get('Code', '')}: {exception.get('Message', '')}".strip(": ")
    data = exception.get("Data")
    return f"{text} ({data})" if data else text


def _as_list(value: object) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _json_filters(value: object) -> dict[str, str]:
    """R5 lists ``{"Name", "Value"}``; R5.1 maps names to a value or a list of values."""
    if isinstance(value, list):
        return {
            str(f.get("Name", "")): str(f.get("Value", "")) for f in value if isinstance(f, dict)
        }
    if isinstance(value, dict):
        return {
            str(k): "|".join(map(str, v)) if isinstance(v, list) else str(v)
            for k, v in value.items()
        }
    return {}


def _json_item(item: dict[str, Any], report: Report) -> Iterator[UsageRow]:
    platform = str(item.get("Platform", "")).strip()
    if "Attribute_Performance" in item:  # R5.1
        for group in item["Attribute_Performance"]:
            data_type = str(group.get("Data_Type") or report.filters.get("Data_Type", ""))
            method = str(group.get("Access_Method") or report.filters.get("Access_Method", ""))
            for metric, by_month in group["Performance"].items():
                _known(metric)
                for month_text, count in by_month.items():
                    yield UsageRow(
                        platform, str(metric), _json_month(month_text), _whole(count),
                        data_type, method,
                    )  # fmt: skip
        return
    data_type = str(item.get("Data_Type") or report.filters.get("Data_Type", ""))
    method = str(item.get("Access_Method") or report.filters.get("Access_Method", ""))
    for performance in item.get("Performance", []):  # R5
        month = _json_month(performance["Period"]["Begin_Date"])
        for instance in performance["Instance"]:
            _known(instance["Metric_Type"])
            yield UsageRow(
                platform, str(instance["Metric_Type"]), month, _whole(instance["Count"]),
                data_type, method,
            )  # fmt: skip


def _known(metric: object) -> None:
    if metric not in METRICS:
        raise ValueError(f"{metric!r} is not a COUNTER Release 5 metric")


def _json_month(text: object) -> dt.date:
    month = _date(str(text), False)
    if month is None:
        raise ValueError(f"{text!r} is not a month")
    return month.replace(day=1)


def _whole(count: object) -> int:
    if isinstance(count, bool) or not isinstance(count, int | float) or count < 0:
        raise ValueError(f"the count {count!r} is not a whole number of uses")
    if isinstance(count, float) and not count.is_integer():
        raise ValueError(f"the count {count!r} is not a whole number of uses")
    return int(count)


DAMAGED_CODES = frozenset(
    {"counter-unreadable", "counter-not-a-report", "counter-bad-header", "counter-bad-row"}
)
"""Codes of a report that was not used at all."""
