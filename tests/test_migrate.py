"""``migrate``: a filled return carried into a newer version, every value exactly.

Old returns are built from the old specs with known values; the migrated workbook is read
back with openpyxl by defined name (not with the project's reader) and compared with
those values, mapped through the rename by hand; then the project's reader must find it
clean. Values the new version cannot take are located ``not-carried`` problems and are
absent from the output.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from evolving_specs import (
    ADDED,
    DATASET_FILE,
    NEW_VERSION,
    OLD_VERSION,
    REMOVED,
    RENAMED,
    TEMPLATE,
    evolved_specs,
)
from monthly_specs import (
    MONTHLY,
    NEW_MONTHLY,
    OLD_MONTHLY,
    RENAMED_MEASURE,
    as_typed,
    evolved_monthly,
    named_values,
)

from lks_templates.build import build_workbook
from lks_templates.cli import main
from lks_templates.evolve.migrate import migrate_file
from lks_templates.preview import example_values
from lks_templates.readback import read_return
from lks_templates.spec import load_specs


def _old_return(folder: Path, spec_id: str, path: Path, **changes: Any) -> dict[str, Any]:
    """Build a return of the spec in ``folder`` filled with example values (``changes``
    replacing some); return the values put in."""
    resolved = load_specs(folder).resolve(spec_id)
    assert resolved is not None
    values = {**example_values(resolved), **changes}
    build_workbook(resolved, path, values=values)
    return values


def _input_names(folder: Path, spec_id: str) -> list[str]:
    resolved = load_specs(folder).resolve(spec_id)
    assert resolved is not None
    return [*resolved.profile_names, *resolved.measure_names]


def _cell_of(path: Path, name: str) -> str:
    """``Sheet!A1`` of a one-cell defined name, read from workbook.xml directly."""
    with zipfile.ZipFile(path) as archive:
        xml = archive.read("xl/workbook.xml").decode()
    found = re.search(rf'<definedName name="{name}"[^>]*>([^<]+)<', xml)
    assert found, name
    sheet, cell = found.group(1).split("!")
    return f"{sheet.strip(chr(39))}!{cell.replace('$', '')}"


def _expected(values: dict[str, Any], name: str) -> list[object]:
    value = values[name]
    return [as_typed(v) for v in value] if isinstance(value, list) else [as_typed(value)]


def test_migrate_carries_every_value_exactly_through_the_rename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evolved = evolved_specs(tmp_path)
    old = tmp_path / "old.xlsx"
    values = _old_return(evolved.old_folder, TEMPLATE, old)
    before = old.read_bytes()
    new = tmp_path / "out" / "new.xlsx"

    code = main(["migrate", str(old), "--out", str(new), "--specs", str(evolved.folder)])

    assert code == 1  # the removed field's value was not carried
    assert old.read_bytes() == before
    cells = named_values(new)
    old_name, new_name = RENAMED
    by_hand = {name: name for name in _input_names(evolved.old_folder, TEMPLATE)}
    by_hand[old_name] = new_name
    del by_hand[REMOVED]
    for name, target in by_hand.items():
        assert cells[target] == _expected(values, name), name
    assert cells["reporting_year"] == [values["reporting_year"]]
    assert cells[ADDED] == [None]
    assert REMOVED not in cells and old_name not in cells
    # The removed value is nowhere in the new workbook.
    assert values[REMOVED] not in {v for found in cells.values() for v in found}

    out = capsys.readouterr().out
    where = _cell_of(old, REMOVED)
    assert f"{old} {where}: not-carried NHS region (`{REMOVED}`) in {where} was not carried" in out
    assert f"{old} -> {new}: {TEMPLATE} {OLD_VERSION} -> {NEW_VERSION}\n" in out
    assert f"{old_name} -> {new_name}" in out
    assert f"new in {NEW_VERSION}, left blank: {ADDED}" in out

    result = read_return(new, specs=evolved.folder)
    assert (result.template_version, result.problems) == (NEW_VERSION, [])
    assert result.profile[new_name] == values[old_name]


def test_a_value_the_new_constraints_refuse_is_listed_and_left_out(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path)
    old_name, new_name = RENAMED
    dataset = evolved.folder / DATASET_FILE
    text = dataset.read_text(encoding="utf-8")
    block = re.search(rf"(?ms)^  - name: {new_name}\n.*?(?=^  - name: )", text)
    assert block and "constraints: {minimum: 0}" in block.group(0)
    narrowed = block.group(0).replace("constraints: {minimum: 0}", "constraints: {maximum: 10}")
    dataset.write_text(text.replace(block.group(0), narrowed), encoding="utf-8")
    old = tmp_path / "old.xlsx"
    values = _old_return(evolved.old_folder, TEMPLATE, old, **{old_name: 11})

    item = migrate_file(old, tmp_path / "new.xlsx", specs=load_specs(evolved.folder))

    refused = [p for p in item.problems if p.field == old_name]
    assert len(refused) == 1
    problem = refused[0]
    assert (problem.code, problem.file) == ("not-carried", str(old))
    assert f"{problem.sheet}!{problem.cell}" == _cell_of(old, old_name)
    assert f"version {NEW_VERSION} refuses it: 11 is more than the maximum 10" in problem.message
    cells = named_values(tmp_path / "new.xlsx")
    assert cells[new_name] == [None]
    assert cells["staff_headcount_served"] == [values["staff_headcount_served"]]
    result = read_return(tmp_path / "new.xlsx", specs=evolved.folder)
    assert [p.code for p in result.errors] == []


def test_the_returns_own_errors_are_not_carried_but_clean_values_are(tmp_path: Path) -> None:
    # Documented choice: carry what read cleanly; a cell the return itself flags as an
    # error (a typed word, a value below the old minimum) is listed, never carried.
    evolved = evolved_specs(tmp_path)
    old = tmp_path / "old.xlsx"
    values = _old_return(evolved.old_folder, TEMPLATE, old, staff_wte_served="lots", spend_total=-5)
    item = migrate_file(old, tmp_path / "new.xlsx", specs=load_specs(evolved.folder))

    own = {(p.code, p.field) for p in item.own_problems if p.severity == "error"}
    assert {("type-error", "staff_wte_served"), ("constraint-error", "spend_total")} <= own
    reasons = {p.field: p.message for p in item.problems}
    assert 'holds "lots", which it could not use (type-error)' in reasons["staff_wte_served"]
    assert "the return itself has a constraint-error problem there" in reasons["spend_total"]
    cells = named_values(tmp_path / "new.xlsx")
    assert cells["staff_wte_served"] == [None]
    assert cells["spend_total"] == [None]
    assert cells["spend_staff"] == [values["spend_staff"]]


def test_every_period_of_a_monthly_return_is_carried_through_a_renamed_measure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monthly = evolved_monthly(tmp_path)
    old = tmp_path / "old.xlsx"
    values = _old_return(monthly.old_folder, MONTHLY, old)
    new = tmp_path / "new.xlsx"

    code = main(["migrate", str(old), "--out", str(new), "--specs", str(monthly.folder)])

    assert code == 0, capsys.readouterr().out
    before, after = RENAMED_MEASURE
    cells = named_values(new)
    names = _input_names(monthly.old_folder, MONTHLY)
    for name in names:
        target = after if name == before else name
        assert cells[target] == _expected(values, name), name
    assert len(cells[after]) == 12 and None not in cells[after]
    assert before not in cells
    out = capsys.readouterr().out
    measures = len(load_specs(monthly.old_folder).resolve(MONTHLY).measure_names)  # type: ignore[union-attr]
    assert f"carried: 6 profile values, {measures * 12} period values" in out
    result = read_return(new, specs=monthly.folder)
    assert (result.template_version, result.problems) == (NEW_MONTHLY, [])


def test_to_chooses_the_version_and_an_unknown_one_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monthly = evolved_monthly(tmp_path)
    old = tmp_path / "old.xlsx"
    _old_return(monthly.old_folder, MONTHLY, old)
    same = tmp_path / "same.xlsx"
    specs = ["--specs", str(monthly.folder)]
    assert main(["migrate", str(old), "--out", str(same), "--to", OLD_MONTHLY, *specs]) == 0
    assert RENAMED_MEASURE[0] in named_values(same)  # the released 1.0.0, not 2.0.0
    capsys.readouterr()

    assert main(["migrate", str(old), "--out", str(tmp_path / "x.xlsx"), "--to", "9.9.9", *specs])
    captured = capsys.readouterr()
    assert captured.err == "--to 9.9.9: no template or form among the specs has that version.\n"
    assert not (tmp_path / "x.xlsx").exists()
    assert main(["migrate", str(old), "--out", str(old), *specs]) == 2
    assert "the returns are never changed" in capsys.readouterr().err


def test_a_newer_return_is_not_carried_back(tmp_path: Path) -> None:
    monthly = evolved_monthly(tmp_path)
    specs = load_specs(monthly.folder)
    newer = specs.resolve(MONTHLY)
    assert newer is not None
    build_workbook(newer, tmp_path / "new.xlsx", values=example_values(newer))
    item = migrate_file(tmp_path / "new.xlsx", tmp_path / "back.xlsx", specs=specs, to=OLD_MONTHLY)
    assert [p.code for p in item.problems] == ["cannot-migrate"]
    assert item.out is None and not (tmp_path / "back.xlsx").exists()


def test_a_folder_migrates_in_one_call_and_one_bad_file_costs_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    evolved = evolved_specs(tmp_path)
    returns = tmp_path / "returns"
    (returns / "north").mkdir(parents=True)
    first = _old_return(evolved.old_folder, TEMPLATE, returns / "a.xlsx")
    second = _old_return(
        evolved.old_folder, TEMPLATE, returns / "north" / "b.xlsx", spend_total=610000
    )
    (returns / "broken.xlsx").write_bytes(b"not a workbook")
    before = {p: p.read_bytes() for p in returns.rglob("*.xlsx")}
    out = tmp_path / "migrated"

    code = main(["migrate", str(returns), "--out", str(out), "--specs", str(evolved.folder)])

    assert code == 1
    assert {p: p.read_bytes() for p in returns.rglob("*.xlsx")} == before
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.xlsx"))
    assert written == ["a.xlsx", "north/b.xlsx"]
    assert named_values(out / "a.xlsx")["spend_total"] == [first["spend_total"]]
    assert named_values(out / "north" / "b.xlsx")["spend_total"] == [second["spend_total"]]
    text = capsys.readouterr().out
    assert f"{(returns / 'broken.xlsx').as_posix()}: not migrated" in text
    assert "Migrated 2 files of 3:" in text


@pytest.mark.parametrize("command", ["migrate", "rollover"])
def test_help_ends_with_the_exit_codes(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "Exit codes: 0 every " in text
    assert "1 some value was not carried (each is listed, located)" in text
    assert "2 usage error" in text
