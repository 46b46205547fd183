"""``rollover``: next year's workbook, the profile kept, last year's figures beside.

Returns are built from the old specs with known values; next year's workbook is read with
openpyxl by defined name (not with the project's reader): the reporting year plus one,
the profile as it was (but the fields the new dataset marks ``rollover: clear``), this
year's period cells blank, and last year's values under ``lks_last_year_<measure>``,
through a rename.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from evolving_specs import NEW_VERSION, REMOVED, RENAMED, TEMPLATE, evolved_specs
from monthly_specs import (
    CLEARED,
    MONTHLY,
    NEW_MONTHLY,
    RENAMED_MEASURE,
    as_typed,
    evolved_monthly,
    named_values,
)

from lks_templates.build import build_workbook
from lks_templates.cli import main
from lks_templates.evolve.migrate import migrate_file, rollover_file
from lks_templates.preview import example_values
from lks_templates.readback import read_return
from lks_templates.spec import ResolvedTemplate, load_specs

LAST = "lks_last_year_"


def _resolve(folder: Path, spec_id: str) -> ResolvedTemplate:
    resolved = load_specs(folder).resolve(spec_id)
    assert resolved is not None
    return resolved


def _old_return(folder: Path, spec_id: str, path: Path, **changes: Any) -> dict[str, Any]:
    resolved = _resolve(folder, spec_id)
    values = {**example_values(resolved), **changes}
    build_workbook(resolved, path, values=values)
    return values


def _numbers(values: list[Any]) -> list[float | None]:
    return [None if v is None else float(v) for v in values]


def test_rollover_of_a_monthly_return_puts_every_month_under_last_year(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monthly = evolved_monthly(tmp_path)
    old = tmp_path / "this-year.xlsx"
    values = _old_return(monthly.old_folder, MONTHLY, old)
    before = old.read_bytes()
    nxt = tmp_path / "next-year.xlsx"

    code = main(["rollover", str(old), "--out", str(nxt), "--specs", str(monthly.folder)])

    assert code == 0, capsys.readouterr().out
    assert old.read_bytes() == before
    cells = named_values(nxt)
    assert cells["reporting_year"] == [values["reporting_year"] + 1]
    old_spec = _resolve(monthly.old_folder, MONTHLY)
    for name in old_spec.profile_names:
        expected = [None] if name == CLEARED else [as_typed(values[name])]
        assert cells[name] == expected, name
    renamed_from, renamed_to = RENAMED_MEASURE
    for name in old_spec.measure_names:
        target = renamed_to if name == renamed_from else name
        assert cells[target] == [None] * 12, name  # this year's cells blank
        assert _numbers(cells[LAST + target]) == _numbers(values[name]), name
    assert LAST + renamed_from not in cells
    out = capsys.readouterr().out
    assert f"cleared (counted afresh each year): {CLEARED}" in out
    assert f"reporting year {values['reporting_year'] + 1}" in out

    result = read_return(nxt, specs=monthly.folder)
    assert result.template_version == NEW_MONTHLY
    assert result.reporting_year == values["reporting_year"] + 1
    assert result.last_year[renamed_to] == values[renamed_from]
    assert all(v is None for series in result.measures.values() for v in series)


def test_rollover_of_an_annual_return_keeps_the_profile_through_the_rename(
    tmp_path: Path,
) -> None:
    evolved = evolved_specs(tmp_path)
    old = tmp_path / "this-year.xlsx"
    values = _old_return(evolved.old_folder, TEMPLATE, old)
    specs = load_specs(evolved.folder)
    item = rollover_file(old, tmp_path / "next.xlsx", specs=specs)

    assert item.to_version == NEW_VERSION
    assert [(p.code, p.field) for p in item.problems] == [("not-carried", REMOVED)]
    new = _resolve(evolved.folder, TEMPLATE)
    clear = {f.name for f in new.profile_fields if f.rollover == "clear"}
    cells = named_values(tmp_path / "next.xlsx")
    old_name, new_name = RENAMED
    for name in _resolve(evolved.old_folder, TEMPLATE).profile_names:
        if name == REMOVED:
            continue
        target = new_name if name == old_name else name
        expected = [None] if target in clear else [as_typed(values[name])]
        assert cells[target] == expected, name
    for name in new.measure_names:
        assert cells[name] == [None]
        assert _numbers(cells[LAST + name]) == _numbers(values[name])


def test_a_return_without_a_year_rolls_over_with_the_year_left_to_enter(
    tmp_path: Path,
) -> None:
    monthly = evolved_monthly(tmp_path)
    old = tmp_path / "no-year.xlsx"
    _old_return(monthly.old_folder, MONTHLY, old, reporting_year=None)
    item = rollover_file(old, tmp_path / "next.xlsx", specs=load_specs(monthly.folder))
    assert [(p.code, p.field) for p in item.problems] == [("not-carried", "reporting_year")]
    assert "next year's is not known" in item.problems[0].message
    assert named_values(tmp_path / "next.xlsx")["reporting_year"] == [None]


def test_migrate_keeps_a_returns_last_year_figures(tmp_path: Path) -> None:
    monthly = evolved_monthly(tmp_path)
    old_spec = _resolve(monthly.old_folder, MONTHLY)
    renamed_from, renamed_to = RENAMED_MEASURE
    last = [float(n) for n in range(1, 13)]
    old = tmp_path / "old.xlsx"
    build_workbook(old_spec, old, values=example_values(old_spec), last_year={renamed_from: last})
    item = migrate_file(old, tmp_path / "new.xlsx", specs=load_specs(monthly.folder))
    assert item.problems == []
    cells = named_values(tmp_path / "new.xlsx")
    assert _numbers(cells[LAST + renamed_to]) == last
    assert _numbers(cells[LAST + "loans"]) == [None] * 12


def test_a_measure_without_last_year_cells_in_the_new_version_is_listed(tmp_path: Path) -> None:
    from lks_templates.evolve.carry import roll_over

    monthly = evolved_monthly(tmp_path)
    old = tmp_path / "this-year.xlsx"
    _old_return(monthly.old_folder, MONTHLY, old)
    source = read_return(old, specs=monthly.folder)
    old_spec = load_specs(monthly.folder).resolve(MONTHLY, source.template_version)
    assert old_spec is not None
    new = _resolve(monthly.folder, MONTHLY)
    carried = roll_over(source, old_spec, new, blocks={"loans"})
    assert list(carried.last_year) == ["loans"]
    listed = {p.field for p in carried.problems}
    assert listed == set(old_spec.measure_names) - {"loans"}
    renamed_from, renamed_to = RENAMED_MEASURE
    searches = [p for p in carried.problems if p.field == renamed_from]
    assert len(searches) == 12  # one per month, each at its own cell
    assert len({p.cell for p in searches}) == 12
    assert f"has no last year's cells for `{renamed_to}`" in searches[0].message
