"""``collect`` over returns of two versions of one template (2.4.0 and 3.0.0, see
``evolving_specs``): every value under the current field name, the version of each row,
the names the current version no longer has kept and flagged in the data package."""

from __future__ import annotations

import csv
import json
import re
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from evolving_specs import (
    ADDED,
    NEW_VERSION,
    OLD_VERSION,
    REMOVED,
    RENAMED,
    TEMPLATE,
    Evolved,
    evolved_specs,
)
from test_collect_csv import frictionless_validate

from lks_templates.build import build_workbook
from lks_templates.collection import write_collection
from lks_templates.evolve.release import RELEASED_FOLDER, release
from lks_templates.preview import example_values
from lks_templates.spec import load_specs

OLD_NAME, NEW_NAME = RENAMED
OLD_KPI, NEW_KPI = "lks_wte_per_1000_staff", "lks_wte_per_thousand_staff"


def table(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


def _text(value: Any) -> str:
    """A value as values.csv writes it, worked out here: whole numbers without a point."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Returns:
    """Two returns (one per version) and the values they were built with."""

    def __init__(self, tmp: Path, evolved: Evolved) -> None:
        self.evolved = evolved
        self.folder = tmp / "returns"
        self.folder.mkdir()
        old = load_specs(evolved.old_folder).resolve(TEMPLATE)
        new = load_specs(evolved.folder).resolve(TEMPLATE)
        assert old is not None and new is not None
        self.old_values = {**example_values(old), OLD_NAME: 17, REMOVED: "London", "loans": [1234]}
        self.new_values = {
            **example_values(new),
            "org_ods_code": "RYY",
            "org_name": "Other Hospital",
            NEW_NAME: 23,
            ADDED: 4,
        }
        self.old = build_workbook(old, self.folder / "a-old.xlsx", values=self.old_values)
        self.new = build_workbook(new, self.folder / "b-new.xlsx", values=self.new_values)
        self.old_kpis = [k.name for k in old.template.kpis]  # type: ignore[union-attr]
        self.new_kpis = [k.name for k in new.template.kpis]  # type: ignore[union-attr]


@pytest.fixture
def returns(tmp_path: Path) -> Returns:
    return Returns(tmp_path, evolved_specs(tmp_path / "specs"))


def _collect(returns: Returns, out: Path, specs: Path | None = None) -> list[dict[str, str]]:
    write_collection([returns.folder], out, specs=specs or returns.evolved.folder)
    return table(out / "values.csv")


def _profile(rows: list[dict[str, str]], file: Path) -> dict[str, str]:
    return {
        r["field"]: r["value"]
        for r in rows
        if r["file"] == file.as_posix() and r["kind"] == "profile"
    }


def test_values_are_under_the_current_names_with_their_versions(
    returns: Returns, tmp_path: Path
) -> None:
    rows = _collect(returns, tmp_path / "out")
    versions = {(r["file"], r["template_version"]) for r in rows}
    assert versions == {
        (returns.old.as_posix(), OLD_VERSION),
        (returns.new.as_posix(), NEW_VERSION),
    }
    old, new = _profile(rows, returns.old), _profile(rows, returns.new)
    # The old return's headcount is under the new name; the old name appears nowhere.
    assert (old[NEW_NAME], new[NEW_NAME]) == ("17", "23")
    assert not [r for r in rows if r["field"] == OLD_NAME]
    # The removed field is kept under its old name, for the old return only.
    assert old[REMOVED] == "London" and REMOVED not in new
    # The added field: the new return's value, nothing for the old one.
    assert new[ADDED] == "4" and ADDED not in old
    # Every other profile value is the one the workbook was built with.
    for built, found in ((returns.old_values, old), (returns.new_values, new)):
        for name, value in built.items():
            if name not in (OLD_NAME, "reporting_year") and not isinstance(value, list):
                assert found[name] == _text(value), name
    # The measure (one period, the year), as built.
    loans = {r["file"]: (r["period"], r["value"]) for r in rows if r["field"] == "loans"}
    assert {file: value for file, (_, value) in loans.items()} == {
        returns.old.as_posix(): _text(returns.old_values["loans"][0]),
        returns.new.as_posix(): _text(returns.new_values["loans"][0]),
    }
    assert {period for period, _ in loans.values()} == {"year"}


def test_the_data_package_flags_the_rename_and_the_removed_field(
    returns: Returns, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    _collect(returns, out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert package["lks:templates"] == [
        {
            "id": TEMPLATE,
            "version": NEW_VERSION,
            "versions": [OLD_VERSION, NEW_VERSION],
            "fields": [
                {"name": NEW_NAME, "kind": "profile", "lks:renamed_from": [OLD_NAME]},
                {
                    "name": REMOVED,
                    "kind": "profile",
                    "lks:removed_in": NEW_VERSION,
                    "versions": [OLD_VERSION],
                    "description": f"No longer in version {NEW_VERSION} of {TEMPLATE}: kept "
                    f"under its old name, for returns of version {OLD_VERSION}.",
                },
            ],
        }
    ]
    assert "older version" in package["description"]
    frictionless_validate(out / "datapackage.json")


def test_one_version_only_gives_the_package_as_before(returns: Returns, tmp_path: Path) -> None:
    returns.old.unlink()
    out = tmp_path / "out"
    _collect(returns, out)
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert "lks:templates" not in package
    assert "older version" not in package["description"]


def change_kpi_formula(evolved: Evolved, kpi: str, formula: str) -> None:
    """In 3.0.0 only: the one-line formula of ``kpi`` replaced by ``formula``."""
    spec = evolved.folder / f"{TEMPLATE}.yaml"
    text = spec.read_text(encoding="utf-8")
    pattern = rf"(?m)(^  - name: {kpi}\n(?:    .*\n)*?    formula: ).*$"
    text, count = re.subn(pattern, lambda m: m.group(1) + formula, text, count=1)
    assert count == 1
    spec.write_text(text, encoding="utf-8")


def _rename_kpi(evolved: Evolved) -> None:
    """In 3.0.0 only: one KPI renamed (so one KPI removed and one added)."""
    spec = evolved.folder / f"{TEMPLATE}.yaml"
    text = spec.read_text(encoding="utf-8")
    assert f"  - name: {OLD_KPI}\n" in text
    spec.write_text(text.replace(f"  - name: {OLD_KPI}\n", f"  - name: {NEW_KPI}\n"), "utf-8")


def test_kpi_columns_follow_the_current_version_and_an_old_kpi_is_flagged(
    tmp_path: Path,
) -> None:
    evolved = evolved_specs(tmp_path / "specs")
    _rename_kpi(evolved)
    returns = Returns(tmp_path, evolved)
    out = tmp_path / "out"
    _collect(returns, out)
    rows = {Path(r["file"]).name: r for r in table(out / "returns.csv")}
    header = list(rows["a-old.xlsx"])
    # The current version's KPIs in its order, then the one only the old version has.
    assert header[header.index("warnings") + 1 :] == [*returns.new_kpis, OLD_KPI]
    assert NEW_KPI in returns.new_kpis and OLD_KPI not in returns.new_kpis
    # lks_wte_total / staff_wte_served * 1000, worked from the values built.
    built = returns.old_values
    expected = built["lks_wte_total"] / built["staff_wte_served"] * 1000
    assert float(rows["a-old.xlsx"][OLD_KPI]) == pytest.approx(expected)
    assert rows["a-old.xlsx"][NEW_KPI] == "" and rows["b-new.xlsx"][OLD_KPI] == ""
    assert float(rows["b-new.xlsx"][NEW_KPI]) == pytest.approx(
        returns.new_values["lks_wte_total"] / returns.new_values["staff_wte_served"] * 1000
    )
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "returns")
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields[OLD_KPI]["lks:removed_in"] == NEW_VERSION
    assert "lks:removed_in" not in fields[NEW_KPI]
    kept = package["lks:templates"][0]["fields"]
    assert {"kpi": OLD_KPI} in [{f["kind"]: f["name"]} for f in kept]
    frictionless_validate(out / "datapackage.json")


def test_with_only_released_snapshots_the_newest_is_current(
    returns: Returns, tmp_path: Path
) -> None:
    evolved = returns.evolved
    release(load_specs(evolved.folder), evolved.folder / RELEASED_FOLDER)
    snapshots = tmp_path / "snapshots"
    shutil.copytree(evolved.folder / RELEASED_FOLDER, snapshots / RELEASED_FOLDER)
    assert not list(snapshots.glob("*.yaml"))  # no current spec at all
    rows = _collect(returns, tmp_path / "out", specs=snapshots)
    assert _profile(rows, returns.old)[NEW_NAME] == "17"
    assert _profile(rows, returns.new)[NEW_NAME] == "23"
    assert not [r for r in rows if r["field"] == OLD_NAME]


def test_a_return_of_an_unknown_version_is_refused_and_the_others_kept(
    returns: Returns, tmp_path: Path
) -> None:
    forged = returns.folder / "c-forged.xlsx"
    with zipfile.ZipFile(returns.old) as source, zipfile.ZipFile(forged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/custom.xml":
                pattern = rb'(name="lks_template_version"[^>]*>\s*<vt:lpwstr>)[^<]*<'
                data, count = re.subn(pattern, rb"\g<1>9.9.9<", data)
                assert count == 1
            target.writestr(item, data)
    out = tmp_path / "out"
    rows = _collect(returns, out)
    problems = [p for p in table(out / "problems.csv") if p["file"] == forged.as_posix()]
    assert [p["code"] for p in problems] == ["unknown-version"]
    assert not [r for r in rows if r["file"] == forged.as_posix()]
    assert _profile(rows, returns.old)[NEW_NAME] == "17"


def test_several_processes_give_the_same_files(returns: Returns, tmp_path: Path) -> None:
    write_collection([returns.folder], tmp_path / "one", specs=returns.evolved.folder)
    write_collection([returns.folder], tmp_path / "two", specs=returns.evolved.folder, jobs=2)
    for name in ("values.csv", "problems.csv", "returns.csv", "datapackage.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_a_kpi_whose_formula_changed_is_flagged(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path / "specs")
    change_kpi_formula(evolved, "spend_per_staff_wte", "spend_total / staff_headcount_served")
    returns = Returns(tmp_path, evolved)
    out = tmp_path / "out"
    _collect(returns, out)
    rows = {Path(r["file"]).name: r for r in table(out / "returns.csv")}
    old, new = returns.old_values, returns.new_values
    # Each return's KPI by its own version's formula, worked here.
    assert float(rows["a-old.xlsx"]["spend_per_staff_wte"]) == pytest.approx(
        old["spend_total"] / old["staff_wte_served"]
    )
    assert float(rows["b-new.xlsx"]["spend_per_staff_wte"]) == pytest.approx(
        new["spend_total"] / new["staff_headcount_served"]
    )
    package = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["name"] == "returns")
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["spend_per_staff_wte"]["lks:formula_changed_in"] == [OLD_VERSION]
    # The KPIs whose formula is the same are not flagged.
    flagged = {name for name, f in fields.items() if "lks:formula_changed_in" in f}
    assert flagged == {"spend_per_staff_wte"}
    kept = package["lks:templates"][0]["fields"]
    assert [f["name"] for f in kept if "lks:formula_changed_in" in f] == ["spend_per_staff_wte"]
    frictionless_validate(out / "datapackage.json")


def test_a_problem_of_a_renamed_field_joins_its_value(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path / "specs")
    returns = Returns(tmp_path, evolved)
    old = load_specs(evolved.old_folder).resolve(TEMPLATE)
    assert old is not None
    # A negative headcount: a constraint-error on the old name lks_headcount.
    bad = build_workbook(
        old,
        returns.folder / "c-bad.xlsx",
        values={**returns.old_values, "org_ods_code": "RZZ", OLD_NAME: -3},
    )
    out = tmp_path / "out"
    rows = _collect(returns, out)
    problems = [p for p in table(out / "problems.csv") if p["file"] == bad.as_posix()]
    located = [p for p in problems if p["field"]]
    assert located and {p["field"] for p in located} == {NEW_NAME}
    assert not [p for p in problems if p["field"] == OLD_NAME]
    value = next(r for r in rows if r["file"] == bad.as_posix() and r["field"] == NEW_NAME)
    assert value["value"] == "-3"
    assert "constraint-error" in value["problem"].split(";")
