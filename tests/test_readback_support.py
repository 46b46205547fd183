"""Shared helpers for the read-back, hostile-file and collect tests.

Every workbook here is built from the real shipped templates with ``build_workbook`` and,
where a test needs damage, edited at the level of the zip and its XML, as a careless or
hostile sender could. Other test modules import from this one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pytest

from lks_templates.build import build_workbook
from lks_templates.layout import plan_workbook
from lks_templates.spec import SpecSet, load_specs
from lks_templates.spec.specset import shipped_specs_dir

MONTHLY = "monthly-activity"
ANNUAL = "staffing-and-finance"
FORM = "impact-case-study"

# A plausible mid-sized acute trust, chosen so that the KPIs are easy to work out by hand.
PROFILE: dict[str, Any] = {
    "reporting_year": 2026,
    "org_name": "Example Valley Hospitals NHS Foundation Trust",
    "org_ods_code": "RXX",
    "trust_type": "Acute Medium",
    "nhs_region": "Midlands",
    "staff_headcount_served": 5000,
    "lks_wte_qualified": 4.0,
}
MEASURES: dict[str, list[Any]] = {
    "evidence_searches": [10] * 12,  # 120 a year: 24.0 per 1,000 staff, 30.0 per WTE
    "search_hours": [20.5] * 12,  # 246 hours: 2.05 hours per search
    "enquiries_information": list(range(1, 13)),
    "enquiries_procedural": list(range(101, 113)),
    "training_sessions": [2] * 12,
    "training_attendees": [10] * 12,
    "training_user_hours": [15.0] * 12,
    "users_inducted": [5] * 12,
    "loans": [40] * 12,
    "renewals": [30] * 12,
    "documents_supplied_users": [7] * 12,
    "documents_supplied_libraries": [3] * 12,
    "current_awareness_bulletins": [1] * 12,
    "knowledge_mobilisation": [0] * 12,
    "physical_visits": [200] * 12,
}
MONTH_KEYS = [f"m{i:02d}" for i in range(1, 13)]


def specs() -> SpecSet:
    """The shipped specs, loaded once per test session."""
    global _SPECS
    if _SPECS is None:
        _SPECS = load_specs([shipped_specs_dir()])
    return _SPECS


_SPECS: SpecSet | None = None


def monthly_values(**changes: Any) -> dict[str, Any]:
    """The standard filled monthly-activity return, with ``changes`` applied."""
    values: dict[str, Any] = {**PROFILE, **{k: list(v) for k, v in MEASURES.items()}}
    values.update(changes)
    return values


def form_values(**changes: Any) -> dict[str, Any]:
    """A filled impact case study (every field's example value), with ``changes``."""
    resolved = specs().resolve(FORM)
    assert resolved is not None
    values: dict[str, Any] = {}
    for field in resolved.profile_fields:
        example = field.example
        if field.type == "date" and isinstance(example, str):
            example = dt.date.fromisoformat(example)
        values[field.name] = example
    values.update(changes)
    return values


def shipped_version(template_id: str = MONTHLY) -> str:
    """The version of a shipped template, as its workbooks say (so a test survives a bump)."""
    resolved = specs().resolve(template_id)
    assert resolved is not None, template_id
    return resolved.template.version


def build(path: Path, template_id: str = MONTHLY, values: Mapping[str, Any] | None = None) -> Path:
    """Build the real template ``template_id`` filled with ``values`` at ``path``."""
    resolved = specs().resolve(template_id)
    assert resolved is not None, template_id
    return build_workbook(resolved, path, values=values)


def cell_of(name: str, index: int = 0, template_id: str = MONTHLY) -> tuple[str, str]:
    """(sheet, ``A1``) of input ``name`` (period ``index``), from the generator's plan."""
    resolved = specs().resolve(template_id)
    assert resolved is not None
    return plan_workbook(resolved).inputs[name][index]


def plan_of(template_id: str = MONTHLY) -> Any:
    resolved = specs().resolve(template_id)
    assert resolved is not None
    return plan_workbook(resolved)


Edit = Callable[[bytes], bytes]


def rewrite(
    source: Path,
    target: Path,
    edits: Mapping[str, Edit] | None = None,
    *,
    add: Mapping[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
) -> Path:
    """Copy the zip ``source`` to ``target``, editing, adding or dropping members."""
    edits = edits or {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            if info.filename in drop:
                continue
            data = old.read(info)
            if info.filename in edits:
                data = edits[info.filename](data)
            new.writestr(info.filename, data)
        for name, data in (add or {}).items():
            new.writestr(name, data)
    target.write_bytes(buffer.getvalue())
    return target


def sheet_part(path: Path, sheet: str) -> str:
    """Zip member of the sheet called ``sheet`` (via workbook.xml and its relationships)."""
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode()
        rels = archive.read("xl/_rels/workbook.xml.rels").decode()
    rel_id = re.search(rf'<sheet name="{re.escape(sheet)}" sheetId="\d+" r:id="(rId\d+)"', workbook)
    assert rel_id, sheet
    target = re.search(rf'Id="{rel_id.group(1)}" Type="[^"]+" Target="([^"]+)"', rels) or re.search(
        rf'Target="([^"]+)"[^>]*Id="{rel_id.group(1)}"', rels
    )
    assert target, rel_id.group(1)
    return "xl/" + target.group(1).lstrip("/").removeprefix("xl/")


def replace(pattern: str, replacement: str, count: int = 1) -> Edit:
    """An edit that substitutes a regular expression, failing if it does not match."""

    def edit(data: bytes) -> bytes:
        text, done = re.subn(pattern, replacement, data.decode("utf-8"), count=count)
        assert done, f"pattern not found: {pattern}"
        return text.encode("utf-8")

    return edit


def good_return_path(factory: pytest.TempPathFactory) -> Path:
    """The standard filled monthly-activity return, built once per session."""
    global _GOOD
    if _GOOD is None:
        _GOOD = build(factory.mktemp("good") / "good.xlsx", values=monthly_values())
    return _GOOD


_GOOD: Path | None = None


@pytest.fixture
def good_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_return_path(tmp_path_factory)


def test_plan_puts_each_measure_on_one_row_of_twelve_cells() -> None:
    # The helpers above assume the layout of the contract: a row of 12 period cells.
    cells = plan_of().inputs["evidence_searches"]
    assert len(cells) == 12
    assert len({re.sub(r"[A-Z]+", "", a1) for _, a1 in cells}) == 1


def test_rewrite_copies_every_member_unchanged(good_return: Path, tmp_path: Path) -> None:
    copy = rewrite(good_return, tmp_path / "copy.xlsx")
    with zipfile.ZipFile(good_return) as one, zipfile.ZipFile(copy) as two:
        assert [(i.filename, i.CRC) for i in one.infolist()] == [
            (i.filename, i.CRC) for i in two.infolist()
        ]
