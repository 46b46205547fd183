"""COUNTER's own sample reports (tests/data/counter/, CC BY 4.0, see LICENSE.md there) and
the sums a test expects, worked from the files directly: the csv module over the TSV,
json over the JSON, openpyxl over the Excel files. Nothing here imports the importer.

Also: a filled e-resources return built from the shipped template, to import into.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

from lks_templates.build import build_workbook
from lks_templates.spec import load_specs, shipped_specs_dir

SAMPLES = Path(__file__).parent / "data" / "counter"
PROFILE: dict[str, object] = {
    "org_name": "Sample Institution Library",
    "org_ods_code": "RXX",
    "trust_type": "Acute Teaching",
    "nhs_region": "London",
    "staff_headcount_served": 3000,
    "spend_e_resources": 12000,
}
"""Every profile field of the e-resources template, valid, so a return reads back clean."""

Monthly = dict[dt.date, int]
Row = Mapping[str, str]


def build_return(path: Path, year: int | None = 2022, **measures: Sequence[object]) -> Path:
    """A filled e-resources return of ``year`` built from the shipped template."""
    resolved = load_specs([shipped_specs_dir()]).resolve("e-resources")
    assert resolved is not None
    values: dict[str, Any] = {**PROFILE, **measures}
    if year is not None:
        values["reporting_year"] = year
    return build_workbook(resolved, path, values=values)


def year_months(year: int) -> list[dt.date]:
    """April of ``year`` to March of the next: the months of a return, in order."""
    return [dt.date(year + (m < 4), m, 1) for m in [*range(4, 13), 1, 2, 3]]


def _tabular_sum(rows: list[list[str]], metric: str, keep: Callable[[Row], bool]) -> Monthly:
    at = next(i for i, row in enumerate(rows) if "Metric_Type" in row)
    heading = rows[at]
    sums: Monthly = {}
    for row in rows[at + 1 :]:
        if not any(row):
            continue
        record = dict(zip(heading, row, strict=False))
        if record["Metric_Type"] != metric or not keep(record):
            continue
        for name, text in record.items():
            try:
                month = dt.datetime.strptime(name, "%b-%Y").date()
            except ValueError:
                continue
            sums[month] = sums.get(month, 0) + int(text or 0)
    return sums


def tsv_sum(path: Path, metric: str, keep: Callable[[Row], bool] = lambda row: True) -> Monthly:
    """Month -> the sum of ``metric`` over the rows ``keep`` accepts, by the csv module."""
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return _tabular_sum(list(csv.reader(stream, delimiter="\t")), metric, keep)


def xlsx_sum(path: Path, metric: str) -> Monthly:
    """The same over an Excel report, by openpyxl."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = [["" if c is None else str(c) for c in row] for row in book.worksheets[0].values]
    book.close()
    return _tabular_sum(rows, metric, lambda row: True)


def json51_sum(path: Path, metric: str) -> Monthly:
    """The same over an R5.1 JSON report (Attribute_Performance, counts by month)."""
    sums: Monthly = {}
    for item in json.loads(path.read_text(encoding="utf-8"))["Report_Items"]:
        for group in item["Attribute_Performance"]:
            for month, count in group["Performance"].get(metric, {}).items():
                key = dt.date.fromisoformat(month + "-01")
                sums[key] = sums.get(key, 0) + count
    return sums


def json5_sum(path: Path, metric: str) -> Monthly:
    """The same over an R5 JSON report (Performance periods of Instances)."""
    sums: Monthly = {}
    for item in json.loads(path.read_text(encoding="utf-8"))["Report_Items"]:
        for performance in item["Performance"]:
            month = dt.date.fromisoformat(performance["Period"]["Begin_Date"])
            for instance in performance["Instance"]:
                if instance["Metric_Type"] == metric:
                    sums[month] = sums.get(month, 0) + instance["Count"]
    return sums


def added(*sums: Monthly) -> Monthly:
    """Month by month, the sum of several."""
    total: Monthly = {}
    for one in sums:
        for month, count in one.items():
            total[month] = total.get(month, 0) + count
    return total


def in_year(sums: Monthly, year: int) -> list[int | None]:
    """``sums`` laid out in the return's twelve months (None where there is none)."""
    return [sums.get(month) for month in year_months(year)]
