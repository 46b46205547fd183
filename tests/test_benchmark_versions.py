"""``benchmark`` over returns of two versions of one template (``evolving_specs``): old
returns read through their snapshot and compared under the current names; a KPI whose
formula changed compares only the returns of the current version, the others left out of
it with ``kpi-changed``. Every figure is worked with numpy from the values typed in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from evolving_specs import NEW_VERSION, OLD_VERSION, RENAMED, TEMPLATE, evolved_specs
from test_collect_versions import change_kpi_formula

import lks_templates
from lks_templates.benchmarking.examples import example_values
from lks_templates.build import build_workbook
from lks_templates.spec import load_specs

OLD_NAME, NEW_NAME = RENAMED
SAME = "staff_per_qualified_librarian"
"""staff_wte_served / lks_wte_qualified in both versions."""
CHANGED = "spend_per_staff_wte"
"""spend_total / staff_wte_served in 2.4.0; spend_total / staff_headcount_served in 3.0.0."""
BENCHMARK = f"""spec: 1
kind: benchmark
id: versions-peers
version: 1.0.0
title: Staffing compared across versions
description: Test benchmark over returns of two template versions.
template: {TEMPLATE}
min_group_size: 2
peer_groups:
  - name: same_type
    title: Same trust type
    same: [trust_type]
  - name: team
    title: Team size
    bands: {{field: {NEW_NAME}, breaks: [15]}}
"""
HEADCOUNTS = {1: 10, 2: 20, 3: 12, 4: 30, 5: 11, 6: 25}
"""Service index -> its LKS headcount; 1-3 send version 2.4.0, 4-6 version 3.0.0."""


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[int, dict[str, Any]]]:
    tmp = tmp_path_factory.mktemp("versions")
    evolved = evolved_specs(tmp / "specs")
    change_kpi_formula(evolved, CHANGED, "spend_total / staff_headcount_served")
    (evolved.folder / "peers.yaml").write_text(BENCHMARK, encoding="utf-8")
    old = load_specs(evolved.old_folder).resolve(TEMPLATE)
    new = load_specs(evolved.folder).resolve(TEMPLATE)
    assert old is not None and new is not None
    folder = tmp / "returns"
    folder.mkdir()
    typed = {}
    for index, headcount in HEADCOUNTS.items():
        resolved, name = (old, OLD_NAME) if index <= 3 else (new, NEW_NAME)
        values = {**example_values(resolved, index), "trust_type": "Acute Large", name: headcount}
        typed[index] = values
        build_workbook(resolved, folder / f"s{index}.xlsx", values=values)
    result = lks_templates.benchmark([folder], "versions-peers", specs=evolved.folder)
    return result, typed


def _cell(frame: Any, group: str, kpi: str, column: str) -> Any:
    rows = frame[(frame["peer_group"] == group) & (frame["kpi"] == kpi)]
    assert len(rows) == 1, rows
    return rows.iloc[0][column]


def test_a_kpi_with_the_same_formula_compares_every_version(run: tuple[Any, Any]) -> None:
    result, typed = run
    assert result.returns == 6
    expected = [v["staff_wte_served"] / v["lks_wte_qualified"] for v in typed.values()]
    assert _cell(result.benchmark, "same_type", SAME, "n") == 6
    assert _cell(result.benchmark, "same_type", SAME, "median") == pytest.approx(
        float(np.median(expected))
    )


def test_a_changed_kpi_compares_the_current_version_only(run: tuple[Any, Any]) -> None:
    result, typed = run
    new = [typed[i]["spend_total"] / typed[i]["staff_headcount_served"] for i in (4, 5, 6)]
    assert _cell(result.benchmark, "same_type", CHANGED, "n") == 3
    assert _cell(result.benchmark, "same_type", CHANGED, "median") == pytest.approx(
        float(np.median(new))
    )
    problems = result.problems
    changed = problems[problems["code"] == "kpi-changed"]
    assert sorted(Path(f).name for f in changed["file"]) == ["s1.xlsx", "s2.xlsx", "s3.xlsx"]
    assert set(changed["field"]) == {CHANGED}
    assert set(changed["template_version"]) == {OLD_VERSION}
    assert all(f"version {NEW_VERSION}" in m for m in changed["message"])
    positions = result.positions
    old_rows = positions[(positions["kpi"] == CHANGED) & positions["org_ods_code"].isin(
        [typed[i]["org_ods_code"] for i in (1, 2, 3)]
    )]  # fmt: skip
    assert old_rows["value"].isna().all() and len(old_rows) > 0


def test_a_renamed_field_groups_old_returns_under_its_new_name(run: tuple[Any, Any]) -> None:
    result, typed = run
    positions = result.positions
    team = positions[(positions["peer_group"] == "team") & (positions["kpi"] == SAME)]
    groups = {row["org_ods_code"]: row["group"] for _, row in team.iterrows()}
    small = {typed[i]["org_ods_code"] for i, h in HEADCOUNTS.items() if h < 15}
    assert set(groups) == {v["org_ods_code"] for v in typed.values()}
    assert len({groups[code] for code in small}) == 1
    assert len({groups[code] for code in set(groups) - small}) == 1
    assert len(set(groups.values())) == 2
    assert "no-peer-group" not in set(result.problems["code"])
