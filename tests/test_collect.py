"""Collecting a folder of returns, good and bad, into values.csv, problems.csv and a data
package; the command line, its exit codes and its start-up cost."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from test_readback_support import (
    FORM,
    MEASURES,
    PROFILE,
    build,
    cell_of,
    form_values,
    good_return_path,
    monthly_values,
    shipped_version,
    specs,
)

import lks_templates
from lks_templates.cli import main
from lks_templates.collection import (
    PROBLEM_COLUMNS,
    VALUE_COLUMNS,
    escape_text,
    find_returns,
    unescape_text,
    write_collection,
)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of returns as a regional lead receives them."""
    folder = tmp_path_factory.mktemp("returns")
    good = good_return_path(tmp_path_factory)
    shutil.copy(good, folder / "a-valley.xlsx")
    (folder / "sub").mkdir()
    build(
        folder / "sub" / "b-hill.xlsx",
        values=monthly_values(
            org_ods_code="RYY",
            org_name='=HYPERLINK("http://example.invalid")',
            evidence_searches=["many"] + [4] * 11,
            staff_headcount_served=-3,
        ),
    )
    shutil.copy(good, folder / "c-valley-again.xlsx")  # the same return sent twice
    (folder / "d-broken.xlsx").write_bytes(good.read_bytes()[:3000])
    (folder / "e-old.xls").write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512 + "Workbook".encode("utf-16-le")
    )
    build(folder / "f-case.xlsx", FORM, form_values())
    (folder / "notes.txt").write_text("not a return")
    (folder / "~$a-valley.xlsx").write_bytes(b"lock")
    return folder


@pytest.fixture(scope="module")
def collected(returns: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    assert main(["collect", str(returns), "--out", str(out)]) == 1  # two files unreadable
    return out


def test_finds_workbooks_recursively_in_path_order(returns: Path) -> None:
    files, missing = find_returns([returns, returns / "a-valley.xlsx"])
    assert [f.relative_to(returns).as_posix() for f in files] == [
        "a-valley.xlsx",
        "c-valley-again.xlsx",
        "d-broken.xlsx",
        "e-old.xls",
        "f-case.xlsx",
        "sub/b-hill.xlsx",
    ]
    assert missing == []


def test_every_good_value_is_in_values_csv(collected: Path, returns: Path) -> None:
    rows = read_csv(collected / "values.csv")
    assert list(rows[0]) == list(VALUE_COLUMNS)
    first = (returns / "a-valley.xlsx").as_posix()
    mine = [r for r in rows if r["file"] == first]
    entered = {
        (r["field"], r["period"]): r["value"] for r in mine if r["kind"] in ("profile", "measure")
    }
    expected = {(name, ""): str(value) for name, value in PROFILE.items()}
    expected[("lks_wte_qualified", "")] = "4"
    for name, series in MEASURES.items():
        for index, value in enumerate(series):
            expected[(name, f"m{index + 1:02d}")] = (
                f"{value:g}" if isinstance(value, float) else str(value)
            )
    assert entered == expected
    april = next(r for r in mine if (r["field"], r["period"]) == ("evidence_searches", "m01"))
    assert april["period_start"] == "2026-04-01"
    assert april["org_ods_code"] == "RXX"
    assert april["template_id"] == "monthly-activity"
    assert april["type"] == "integer"
    kpi = next(r for r in mine if r["field"] == "searches_per_1000_staff")
    assert (kpi["kind"], kpi["period"], float(kpi["value"])) == ("kpi", "", 24.0)


def test_problems_are_located(collected: Path, returns: Path) -> None:
    rows = read_csv(collected / "problems.csv")
    assert list(rows[0]) == list(PROBLEM_COLUMNS)
    hill = (returns / "sub" / "b-hill.xlsx").as_posix()
    by_code = {(r["file"], r["code"]): r for r in rows}
    typed = by_code[(hill, "type-error")]
    assert (typed["sheet"], typed["cell"], typed["field"], typed["period"]) == (
        "Data",
        cell_of("evidence_searches")[1],
        "evidence_searches",
        "m01",
    )
    assert typed["period_start"] == "2026-04-01"
    assert typed["value"] == "many"
    assert by_code[(hill, "constraint-error")]["value"] == "-3"  # a number: never escaped
    broken = by_code[((returns / "d-broken.xlsx").as_posix(), "corrupt-file")]
    assert broken["severity"] == "error"
    assert by_code[((returns / "e-old.xls").as_posix(), "old-excel-format")]


def test_bad_values_are_kept_and_flagged(collected: Path, returns: Path) -> None:
    hill = (returns / "sub" / "b-hill.xlsx").as_posix()
    rows = {
        (r["field"], r["period"]): r
        for r in read_csv(collected / "values.csv")
        if r["file"] == hill
    }
    assert rows[("evidence_searches", "m01")]["value"] == "many"
    assert rows[("evidence_searches", "m01")]["problem"] == "type-error"
    assert rows[("evidence_searches", "m01")]["type"] == "string"
    assert rows[("evidence_searches", "m02")]["value"] == "4"
    # A negative number stays a number: only text is guarded against injection.
    assert rows[("staff_headcount_served", "")]["value"] == "-3"
    assert rows[("staff_headcount_served", "")]["problem"] == "constraint-error"


def test_csv_injection_is_guarded_and_reversible(collected: Path, returns: Path) -> None:
    hill = (returns / "sub" / "b-hill.xlsx").as_posix()
    name = next(
        r
        for r in read_csv(collected / "values.csv")
        if r["file"] == hill and r["field"] == "org_name"
    )
    raw = '=HYPERLINK("http://example.invalid")'
    assert name["value"] == "'" + raw
    assert unescape_text(name["value"]) == raw
    for text in ["=1+1", "+1", "-x", "@SUM(A1)", "\tx", "\rx", "'quoted"]:
        assert escape_text(text) == "'" + text
        assert unescape_text(escape_text(text)) == text
    assert escape_text("plain") == "plain"


def test_duplicate_return_is_flagged_not_summed(collected: Path, returns: Path) -> None:
    first, again = (
        (returns / "a-valley.xlsx").as_posix(),
        (returns / "c-valley-again.xlsx").as_posix(),
    )
    values = read_csv(collected / "values.csv")
    theirs = [r for r in values if r["file"] == again]
    assert theirs and all(r["duplicate_of"] == first for r in theirs)
    assert all(r["duplicate_of"] == "" for r in values if r["file"] == first)
    assert len(theirs) == len([r for r in values if r["file"] == first])
    problems = [r for r in read_csv(collected / "problems.csv") if r["code"] == "duplicate-return"]
    assert [(r["file"], r["severity"]) for r in problems] == [(again, "error")]


def test_form_is_collected_with_empty_periods(collected: Path, returns: Path) -> None:
    case = (returns / "f-case.xlsx").as_posix()
    rows = [r for r in read_csv(collected / "values.csv") if r["file"] == case]
    assert {r["period"] for r in rows} == {""}
    date = next(r for r in rows if r["field"] == "case_date")
    assert (date["value"], date["type"]) == ("2025-06-12", "date")


def test_collecting_twice_gives_identical_files(
    collected: Path, returns: Path, tmp_path: Path
) -> None:
    assert main(["collect", str(returns), "--out", str(tmp_path), "--jobs", "2"]) == 1
    for name in ("values.csv", "problems.csv", "datapackage.json"):
        assert (tmp_path / name).read_bytes() == (collected / name).read_bytes(), name
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_frictionless_validates_the_data_package(collected: Path) -> None:
    import importlib.util

    if importlib.util.find_spec("frictionless") is None:
        # It is in the test extra: under CI the conftest turns this skip into a failure.
        pytest.skip("frictionless is not installed: pip install -e '.[test]'")
    done = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", str(collected / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_python_api_gives_the_same_tables(returns: Path) -> None:
    collection = lks_templates.collect([returns], specs=specs())
    assert list(collection.values.columns) == list(VALUE_COLUMNS)
    assert collection.summary.files == 6
    assert collection.summary.read == 4
    assert [r[1] for r in collection.summary.rejected] == ["corrupt-file", "old-excel-format"]
    hill = collection.values[collection.values["field"] == "org_name"]
    # DataFrames hold the raw text; only the CSV files are escaped.
    assert '=HYPERLINK("http://example.invalid")' in set(hill["value"])


def test_summary_and_exit_codes(
    returns: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["collect", str(returns / "a-valley.xlsx"), "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # 243 values: 7 profile values (the reporting year included), 12 months of 15 measures
    # and 4 derived figures, 8 KPIs (counted in monthly-activity.yaml).
    assert out.splitlines()[:2] == [
        "Collected 1 file: 1 read, 0 rejected.",
        "Values: 243. Problems: 0 errors, 0 warnings.",
    ]
    assert main(["collect", str(returns / "nowhere"), "--out", str(tmp_path)]) == 2
    assert "No such file or folder; check the path." in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["collect", "--out", str(tmp_path)])
    assert stop.value.code == 2


def test_write_collection_leaves_no_temporary_files(returns: Path, tmp_path: Path) -> None:
    summary = write_collection([returns / "a-valley.xlsx"], tmp_path, specs=specs())
    assert summary.read == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "datapackage.json",
        "problems.csv",
        "returns.csv",
        "values.csv",
    ]


def test_read_command(returns: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["read", str(returns / "sub" / "b-hill.xlsx")]) == 0
    out = capsys.readouterr().out
    assert f"monthly-activity {shipped_version()}, reporting year 2026" in out
    assert "type-error" in out
    assert main(["read", str(returns / "e-old.xls")]) == 1
    assert "old-excel-format" in capsys.readouterr().out
    assert main(["read", str(returns / "missing.xlsx")]) == 2
    assert capsys.readouterr().err == (
        f"{returns / 'missing.xlsx'}: missing-path No such file or folder; check the path.\n"
    )


def test_one_of_each_is_counted_in_the_singular(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(tmp_path / "in" / "short.xlsx", values=monthly_values(org_name="X"))
    shutil.copy(path, tmp_path / "in" / "short-again.xlsx")
    assert main(["collect", str(tmp_path / "in"), "--out", str(tmp_path / "out")]) == 0
    lines = capsys.readouterr().out.splitlines()
    # The copy is a duplicate of the first, and repeats its problem: 3 errors.
    assert lines[:3] == [
        "Collected 2 files: 2 read, 0 rejected.",
        "Values: 486. Problems: 3 errors, 0 warnings (constraint-error 2, duplicate-return 1).",
        "Duplicates: 1 file repeats an earlier return (see duplicate_of in values.csv).",
    ]
    assert main(["read", str(path)]) == 0
    out = capsys.readouterr().out
    _, name = cell_of("org_name")
    assert out.endswith(
        "\nProblems: 1 error, 0 warnings:\n"
        f"  {path} Data!{name}: constraint-error Organisation name in Data!{name}: the text "
        "has 1 character, fewer than 3; correct it.\n"
    )


def test_read_of_a_folder_points_to_collect(
    returns: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["read", str(returns / "sub")]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"{returns / 'sub'}: is a folder; read takes one workbook. To read "
        f"every workbook in it, run: lks-templates collect {returns / 'sub'} "
        "--out DIR\n"
    )


def test_collect_help_starts_without_pandas_or_openpyxl() -> None:
    code = (
        "import sys\nfrom lks_templates.cli import main\n"
        "try:\n    main(['collect', '--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pandas', 'openpyxl', 'python_calamine') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_problems_csv_lists_each_file_by_sheet_row_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    first = build(
        folder / "a.xlsx",
        values=monthly_values(
            trust_type=None, staff_headcount_served=-5, evidence_searches=["lots"] + [10] * 11
        ),
    )
    shutil.copy(first, folder / "b.xlsx")
    assert main(["collect", str(folder), "--out", str(tmp_path / "out")]) == 0
    rows = read_csv(tmp_path / "out" / "problems.csv")
    # The duplicate concerns the whole file, so it comes before the located problems;
    # "lots" counts as blank, but no rule is checked on it.
    # The period table comes first, the profile below it.
    expected = [
        ("type-error", "Data!D6"),
        ("required-missing", "Data!D33"),
        ("constraint-error", "Data!D35"),
    ]
    assert [(Path(r["file"]).name, r["code"], f"{r['sheet']}!{r['cell']}") for r in rows] == [
        *[("a.xlsx", code, cell) for code, cell in expected],
        ("b.xlsx", "duplicate-return", "!"),
        *[("b.xlsx", code, cell) for code, cell in expected],
    ]


def test_formula_in_an_entry_cell_is_kept_as_text_not_used(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(good_return_path(tmp_path_factory))
    sheet, ods = cell_of("org_ods_code")
    book[sheet][ods] = '=HYPERLINK("x")'
    book[sheet][cell_of("reporting_year")[1]] = "=2026"
    book.save(tmp_path / "formula.xlsx")
    collection = lks_templates.collect(
        [tmp_path / "formula.xlsx"], specs=specs(), out=tmp_path / "out"
    )
    values = {
        r["field"]: r for r in read_csv(tmp_path / "out" / "values.csv") if r["kind"] == "profile"
    }
    assert [
        values[name][key]
        for name in ("org_ods_code", "reporting_year")
        for key in ("value", "type", "problem")
    ] == ['\'=HYPERLINK("x")', "string", "formula-in-input", "'=2026", "string", "formula-in-input"]
    problems = [
        (r["code"], r["cell"], r["field"], r["value"])
        for r in read_csv(tmp_path / "out" / "problems.csv")
    ]
    assert problems == [
        ("formula-in-input", cell_of("reporting_year")[1], "reporting_year", "'=2026"),
        ("formula-in-input", ods, "org_ods_code", '\'=HYPERLINK("x")'),
    ]
    # The DataFrames hold the formula as typed.
    assert set(collection.problems["value"]) == {"=2026", '=HYPERLINK("x")'}


def test_a_year_that_is_not_a_year_is_kept_as_text(tmp_path: Path) -> None:
    build(tmp_path / "in" / "year.xlsx", values=monthly_values(reporting_year="twenty"))
    write_collection([tmp_path / "in"], tmp_path / "out", specs=specs())
    year = next(
        r for r in read_csv(tmp_path / "out" / "values.csv") if r["field"] == "reporting_year"
    )
    assert (year["value"], year["type"], year["problem"]) == ("twenty", "string", "type-error")
    (problem,) = read_csv(tmp_path / "out" / "problems.csv")
    assert (problem["code"], problem["cell"], problem["value"]) == (
        "type-error",
        cell_of("reporting_year")[1],
        "twenty",
    )


def test_read_command_prints_blanks_blank_and_whole_numbers_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = build(
        tmp_path / "lead.xlsx",
        values={
            "reporting_year": 2026,
            "org_name": "Valley",
            "org_ods_code": "RXX",
            "staff_headcount_served": 5000,
            "evidence_searches": ["lots"],
            "enquiries_information": [None, 7],
            "search_hours": [2.5],
        },
    )
    assert main(["read", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "None" not in "\n".join(lines) and "7.0" not in "\n".join(lines)
    table = lines.index(
        "Values by period (figures below the line are recomputed from those above):"
    )
    pad = " " * 30  # the longest measure name, documents_supplied_libraries, and its indent
    assert lines[table + 1 : table + 6] == [
        pad + "  Apr 2026  May 2026  Jun 2026  Jul 2026  Aug 2026  Sep 2026",
        pad + "       m01       m02       m03       m04       m05       m06",
        "  evidence_searches" + " " * 11 + "     lots*",
        "  search_hours" + " " * 16 + "       2.5",
        "  enquiries_information" + " " * 7 + "                   7",
    ]
    # All enquiries needs procedural enquiries too: blank, not 7 + 0.
    assert "  enquiries_total" in lines
    assert pad + "  Oct 2026  Nov 2026  Dec 2026  Jan 2027  Feb 2027  Mar 2027" in lines
    assert (
        max(map(len, lines[table : lines.index("KPIs (recomputed from the values entered):")]))
        <= 100
    )
    assert "  staff_headcount_served  5000" in lines
    assert "  trust_type" in lines  # blank: nothing after the name
    assert (
        "  * not read: a value of the wrong type or a formula, counted as blank (see "
        "Problems)." in lines
    )


def test_numbers_are_never_escaped_and_text_always_is(tmp_path: Path) -> None:
    build(
        tmp_path / "in" / "signs.xlsx",
        values=monthly_values(
            org_ods_code="-5",
            staff_headcount_served=-5,
            evidence_searches=[-3.5, "-7", "-x"] + [10] * 9,
        ),
    )
    write_collection([tmp_path / "in"], tmp_path / "out", specs=specs())
    values = {
        (r["field"], r["period"]): (r["value"], r["type"], r["problem"])
        for r in read_csv(tmp_path / "out" / "values.csv")
    }
    assert values[("org_ods_code", "")] == ("'-5", "string", "constraint-error")
    assert values[("staff_headcount_served", "")] == ("-5", "integer", "constraint-error")
    # A decimal in a whole-number field is unusable but still a number.
    assert values[("evidence_searches", "m01")] == ("-3.5", "number", "type-error")
    assert values[("evidence_searches", "m02")] == (
        "-7",
        "integer",
        "constraint-error;number-as-text",
    )
    assert values[("evidence_searches", "m03")] == ("'-x", "string", "type-error")
    problems = [
        (r["code"], r["field"], r["period"], r["value"])
        for r in read_csv(tmp_path / "out" / "problems.csv")
        if r["value"]
    ]
    assert problems == [
        ("type-error", "evidence_searches", "m01", "-3.5"),
        ("number-as-text", "evidence_searches", "m02", "-7"),
        ("constraint-error", "evidence_searches", "m02", "-7"),
        ("type-error", "evidence_searches", "m03", "'-x"),
        ("constraint-error", "org_ods_code", "", "'-5"),
        ("constraint-error", "staff_headcount_served", "", "-5"),
    ]
    # Each problem's value is written exactly as the same cell's value in values.csv.
    assert all(values[(field, period)][0] == value for _, field, period, value in problems)


def test_without_an_ods_code_copies_are_matched_by_organisation_name(tmp_path: Path) -> None:
    from lks_templates.readback.duplicates import normalise_name

    assert normalise_name(" St. Mary's  Hospital & Clinics ") == "st marys hospital and clinics"
    folder = tmp_path / "in"
    name = "Example Valley Hospitals NHS Foundation Trust"
    returns: dict[str, dict[str, str | None]] = {
        "a.xlsx": dict(org_ods_code=None),
        "b.xlsx": dict(
            org_ods_code=None, org_name="example valley hospitals NHS  foundation trust."
        ),
        "c.xlsx": dict(org_ods_code="RXX"),  # a code: matched by code alone
        "d.xlsx": dict(org_ods_code="RXX"),
        "e.xlsx": dict(org_ods_code=None, org_name=None),  # nothing to match on
        "f.xlsx": dict(org_ods_code=None, org_name=None),
        "g.xlsx": dict(org_ods_code=None),  # no code, the name of a, c and d: repeats a
    }
    for file, changes in returns.items():
        build(folder / file, values=monthly_values(**changes))
    collection = lks_templates.collect([folder], specs=specs())
    first = (folder / "a.xlsx").as_posix()
    duplicates = collection.problems[collection.problems["code"] == "duplicate-return"]
    assert [
        (Path(file).name, message)
        for file, message in zip(duplicates["file"], duplicates["message"], strict=True)
    ] == [
        (
            file,
            f"This return repeats {repeats} (organisation {shown}, template "
            "monthly-activity, reporting year 2026). Its values are kept, marked with "
            "duplicate_of; remove one copy or ask the service which is right.",
        )
        for file, shown, repeats in [
            ("b.xlsx", '"example valley hospitals NHS foundation trust." (no ODS code)', first),
            ("d.xlsx", "RXX", (folder / "c.xlsx").as_posix()),
            ("g.xlsx", f'"{name}" (no ODS code)', first),
        ]
    ]
    marked = collection.values.groupby("file")["duplicate_of"].agg(set)
    # The group keys are the file column's text (pandas types them only as Hashable).
    named = {Path(str(file)).name: sorted(Path(f).name for f in of) for file, of in marked.items()}
    assert named == {
        "a.xlsx": [""],
        "b.xlsx": ["a.xlsx"],
        "c.xlsx": [""],
        "d.xlsx": ["c.xlsx"],
        "e.xlsx": [""],
        "f.xlsx": [""],
        "g.xlsx": ["a.xlsx"],
    }


@pytest.mark.parametrize("command", ["read", "collect"])
def test_specs_that_do_not_load_are_a_usage_error(
    command: str, returns: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "specs").mkdir()
    (tmp_path / "specs" / "broken.yaml").write_text("kind: template\nid: [\n")
    args = [str(returns / "a-valley.xlsx"), "--specs", str(tmp_path / "specs")]
    if command == "collect":
        args += ["--out", str(tmp_path / "out")]
    assert main([command, *args]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"{tmp_path / 'specs' / 'broken.yaml'}:3:1: yaml-syntax ")
    assert err[1:] == ["The specs did not load; fix them or choose another --specs folder."]
    assert not (tmp_path / "out").exists()


def test_output_files_are_readable_like_any_other(
    returns: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import pandas as pd

    from lks_templates.commands import collect as command

    # pyarrow may be absent: a stand-in writes the table as CSV, so the file handling is tested.
    def to_parquet(frame: pd.DataFrame, path: str, index: bool = True) -> None:
        frame.to_csv(path, index=index)

    monkeypatch.setattr(pd.DataFrame, "to_parquet", to_parquet)
    monkeypatch.setattr(command, "_has_pyarrow", lambda: True)
    assert (
        main(["collect", str(returns / "a-valley.xlsx"), "--out", str(tmp_path), "--parquet"]) == 0
    )
    umask = os.umask(0)
    os.umask(umask)
    assert {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()} == {
        name: 0o666 & ~umask
        for name in (
            "values.csv",
            "problems.csv",
            "datapackage.json",
            "returns.csv",
            "values.parquet",
            "problems.parquet",
            "returns.parquet",
        )
    }
    assert (tmp_path / "values.parquet").read_text() == (tmp_path / "values.csv").read_text()


def test_parquet_holds_the_raw_text(returns: Path, tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    hill = returns / "sub" / "b-hill.xlsx"
    assert main(["collect", str(hill), "--out", str(tmp_path), "--parquet"]) == 0
    values = pd.read_parquet(tmp_path / "values.parquet")
    csv_rows = read_csv(tmp_path / "values.csv")
    assert len(values) == len(csv_rows)
    name = values[values["field"] == "org_name"]["value"].tolist()
    assert name == ['=HYPERLINK("http://example.invalid")']  # the text typed into the cell
    searches = values[values["field"] == "evidence_searches"]["value"].tolist()
    assert searches == ["many"] + ["4"] * 11
    problems = pd.read_parquet(tmp_path / "problems.parquet")
    assert "'-3" not in problems["value"].tolist()
    assert "-3" in problems["value"].tolist()


def test_an_out_that_is_a_file_is_a_usage_error(
    returns: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    taken = tmp_path / "values"
    taken.write_text("keep me")
    assert main(["collect", str(returns / "a-valley.xlsx"), "--out", str(taken)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"{taken}: cannot write here (it is a file, not a folder); choose another --out\n"
    )
    assert "Traceback" not in captured.err + captured.out
    assert taken.read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["values"]


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs Linux /proc")
def test_an_out_that_cannot_be_made_is_a_usage_error(
    returns: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # /proc refuses new folders, even to root.
    out = Path("/proc") / "lks-out"
    assert main(["collect", str(returns / "a-valley.xlsx"), "--out", str(out)]) == 2
    assert capsys.readouterr().err == (
        f"{out}: cannot write here (no such file or directory); choose another --out\n"
    )
    assert not out.exists()


def test_a_failure_while_finishing_leaves_nothing_half_written(
    returns: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lks_templates.atomic
    from lks_templates.collection import OutputError

    def disk_full(path: Path, text: str) -> Path:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(lks_templates.atomic, "write_text_atomically", disk_full)
    with pytest.raises(OutputError) as failed:
        write_collection([returns / "a-valley.xlsx"], tmp_path, specs=specs())
    assert failed.value.reason == "no space left on device"
    assert list(tmp_path.iterdir()) == []
