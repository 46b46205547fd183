"""A monthly template that evolves, and workbooks read with openpyxl by defined name.

``evolved_monthly(tmp)`` copies the shipped monthly-activity template (with its dataset
and FAQ) and makes two versions of it, so that ``migrate`` and ``rollover`` are proven on
twelve periods:

- version 1.0.0, released (its snapshot written by ``release``);
- version 2.0.0 with the measure ``evidence_searches`` renamed ``searches_delivered``
  (``renamed_from: evidence_searches``) and the profile field ``staff_headcount_served``
  marked ``rollover: clear``; the dataset bumped to a new major version.

:func:`named_values` reads a workbook's defined names with openpyxl, independently of the
project's reader.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from lks_templates.evolve.release import RELEASED_FOLDER, release
from lks_templates.spec import load_specs
from lks_templates.spec.specset import shipped_specs_dir

MONTHLY = "monthly-activity"
DATASET_FILE = "supplementary-dataset.yaml"
MONTHLY_FILE = f"{MONTHLY}.yaml"
OLD_MONTHLY = "1.0.0"
NEW_MONTHLY = "2.0.0"
RENAMED_MEASURE = ("evidence_searches", "searches_delivered")
CLEARED = "staff_headcount_served"


@dataclass
class Monthly:
    """The two folders of specs."""

    folder: Path
    """Specs after the change (template 2.0.0) with ``released/`` holding 1.0.0."""
    old_folder: Path
    """The specs before it (template 1.0.0)."""


def _set_version(text: str, version: str) -> str:
    return re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)


def evolved_monthly(tmp: Path) -> Monthly:
    """Write the two versions under ``tmp`` (see the module docstring)."""
    source = shipped_specs_dir()
    old = tmp / "monthly-old"
    old.mkdir(parents=True)
    for name in (DATASET_FILE, MONTHLY_FILE, "faq.yaml"):
        shutil.copy(source / name, old / name)
    # Whatever the shipped dataset says of rollover, this copy says it once, below.
    dataset = (old / DATASET_FILE).read_text(encoding="utf-8")
    dataset = re.sub(r"(?m)^    rollover: .*\n", "", dataset)
    (old / DATASET_FILE).write_text(dataset, encoding="utf-8")
    template = (old / MONTHLY_FILE).read_text(encoding="utf-8")
    (old / MONTHLY_FILE).write_text(_set_version(template, OLD_MONTHLY), encoding="utf-8")

    new = tmp / "monthly-new"
    shutil.copytree(old, new)
    release(load_specs(new), new / RELEASED_FOLDER, dt.date(2026, 4, 1))
    before, after = RENAMED_MEASURE
    dataset = (new / DATASET_FILE).read_text(encoding="utf-8")
    dataset = re.sub(r"(?m)^version: (\d+)\..*$", _major_bump, dataset, count=1)
    dataset = re.sub(rf"\b{before}\b", after, dataset)
    dataset = dataset.replace(
        f"  - name: {after}\n", f"  - name: {after}\n    renamed_from: {before}\n"
    )
    rule = "clear"
    dataset = dataset.replace(
        f"  - name: {CLEARED}\n", f"  - name: {CLEARED}\n    rollover: {rule}\n"
    )
    (new / DATASET_FILE).write_text(dataset, encoding="utf-8")
    template = (new / MONTHLY_FILE).read_text(encoding="utf-8")
    template = re.sub(rf"\b{before}\b", after, _set_version(template, NEW_MONTHLY))
    (new / MONTHLY_FILE).write_text(template, encoding="utf-8")
    return Monthly(folder=new, old_folder=old)


def _major_bump(match: re.Match[str]) -> str:
    return f"version: {int(match.group(1)) + 1}.0.0"


def named_values(path: Path) -> dict[str, list[object]]:
    """Every defined name of the workbook -> the values of its cells, in order (row by
    row), read with openpyxl."""
    book = openpyxl.load_workbook(path)
    found: dict[str, list[object]] = {}
    for name, defined in book.defined_names.items():
        values: list[object] = []
        for sheet, ref in defined.destinations:
            area = book[sheet][ref.replace("$", "")]
            rows = area if isinstance(area, tuple) else ((area,),)
            for row in rows:
                cells = row if isinstance(row, tuple) else (row,)
                values.extend(cell.value for cell in cells)
        found[name] = values
    return found


def as_typed(value: object) -> object:
    """A value as a spreadsheet cell stores it once typed: Yes/No for booleans, a
    datetime for a date."""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value
