"""``lks-templates import-counter`` on the command line: damaged and foreign reports,
conflicts with and without ``--replace``, exit codes, the About note, the CSV table."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
import pytest
from counter_samples import SAMPLES, build_return, in_year, json51_sum, tsv_sum

from lks_templates import import_counter, read_return
from lks_templates.build import build_workbook
from lks_templates.cli import main
from lks_templates.spec import load_specs, shipped_specs_dir

ROOT = Path(__file__).resolve().parents[1]
PRP1_TSV = SAMPLES / "PRP1_sample_r51.tsv"
PRP1_JSON = SAMPLES / "PRP1_sample_r51.json"
PRP1_XLSX = SAMPLES / "PRP1_sample_r51.xlsx"
TOTAL = "counter_total_item_requests"


def _tsv_lines() -> list[str]:
    return PRP1_TSV.read_text(encoding="utf-8-sig").split("\n")


def _first_data_line() -> int:
    """1-based line of the TSV sample's first row of usage."""
    return next(i for i, line in enumerate(_tsv_lines(), 1) if line.startswith("Platform 1\t"))


def _edited_tsv(old: str, new: str) -> bytes:
    text = PRP1_TSV.read_text(encoding="utf-8-sig")
    assert text.count(old) == 1, old
    return text.replace(old, new).encode("utf-8")


def _cut_tsv() -> bytes:
    lines = _tsv_lines()
    at = _first_data_line() + 2  # a row in the middle of the table, cut half-way
    return "\n".join([*lines[: at - 1], lines[at - 1][: len(lines[at - 1]) // 2]]).encode()


def _value_row() -> bytes:
    lines = _tsv_lines()
    at = _first_data_line()
    cells = lines[at - 1].split("\t")
    cells[5] = "87x"
    lines[at - 1] = "\t".join(cells)
    return "\n".join(lines).encode("utf-8")


def _json_error() -> tuple[int, int]:
    text = PRP1_JSON.read_text(encoding="utf-8")
    try:
        json.loads(text[: len(text) // 2])
    except json.JSONDecodeError as error:
        return error.lineno, error.colno
    raise AssertionError("half a JSON document parsed")


SUSHI_EXCEPTION = json.dumps(
    {"Code": 3030, "Severity": "Error", "Message": "No Usage Available for Requested Dates"}
).encode()
DAMAGED: dict[str, tuple[bytes, str, str]] = {
    # name: (file content, code, where: "" for the whole file, or ":line:column")
    "tsv cut short": (_cut_tsv(), "counter-bad-row", f":{_first_data_line() + 2}:1"),
    "json cut short": (
        PRP1_JSON.read_bytes()[: len(PRP1_JSON.read_bytes()) // 2],
        "counter-unreadable",
        ":{}:{}".format(*_json_error()),
    ),
    "excel cut short": (
        PRP1_XLSX.read_bytes()[: len(PRP1_XLSX.read_bytes()) // 2], "counter-unreadable", ""
    ),
    "a count that is not a number": (_value_row(), "counter-bad-row", f":{_first_data_line()}:1"),
    "release 4": (_edited_tsv("Release\t5.1", "Release\t4"), "counter-bad-header", ""),
    "a COUNTER 4 report id": (_edited_tsv("Report_ID\tPR_P1", "Report_ID\tJR1"),
                              "counter-bad-header", ""),
    "a period that is not dates": (
        _edited_tsv("Begin_Date=2022-01-01; End_Date=2022-12-31", "Begin_Date=last year"),
        "counter-bad-header",
        "",
    ),
    "a metric that is not COUNTER's": (
        _edited_tsv("Unique_Item_Requests; Unique_Title_Requests",
                    "Unique_Item_Requests; Full_Text_Requests"),
        "counter-bad-header",
        "",
    ),
    "a row of another metric": (
        _edited_tsv("Platform 1\tArticle\tTotal_Item_Requests", "Platform 1\tArticle\tft_total"),
        "counter-bad-row",
        f":{_first_data_line()}:1",
    ),
    "an LKS workbook": ((ROOT / "dist" / "e-resources.xlsx").read_bytes(),
                        "counter-not-a-report", ""),
    "a picture": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), "counter-not-a-report", ""),
    "some other CSV": (b"name,value\nalpha,1\n", "counter-not-a-report", ""),
    "an API exception": (SUSHI_EXCEPTION, "counter-not-a-report", ""),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(DAMAGED))
def test_a_damaged_or_foreign_report_is_named_and_the_others_still_count(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    content, code, where = DAMAGED[case]
    bad = tmp_path / "report.xlsx" if content.startswith(b"PK") else tmp_path / "report.tsv"
    bad.write_bytes(content)
    into = build_return(tmp_path / "return.xlsx")
    out = tmp_path / "new.xlsx"
    assert main(["import-counter", str(bad), str(PRP1_JSON), "--into", str(into),
                 "--out", str(out)]) == 1  # fmt: skip
    captured = capsys.readouterr()
    [line] = [line for line in captured.out.splitlines() if line.startswith(f"{bad}")]
    assert line.startswith(f"{bad}{where}: {code} "), line
    assert "Traceback" not in captured.err
    # The good report beside it is imported all the same.
    sums = json51_sum(PRP1_JSON, "Total_Item_Requests")
    assert read_return(out).measures[TOTAL] == in_year(sums, 2022)


def test_an_exception_in_the_header_is_a_warning_and_the_figures_count(tmp_path: Path) -> None:
    report = tmp_path / "partial.tsv"
    report.write_bytes(_edited_tsv("Exceptions\t", "Exceptions\t3040: Partial Data Returned"))
    into = build_return(tmp_path / "return.xlsx")
    result = import_counter([report], into, tmp_path / "new.xlsx")
    assert [(p.code, p.severity) for p in result.problems if p.file == str(report)] == [
        ("counter-exception", "warning"),
        ("counter-outside-year", "warning"),
    ]
    assert "3040: Partial Data Returned" in result.problems[0].message
    assert not result.failed


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _first_cell(path: Path, name: str) -> str:
    book = openpyxl.load_workbook(path)
    sheet, ref = next(iter(book.defined_names[name].destinations))
    return f"{sheet}!{ref.replace('$', '').split(':')[0]}"


def test_a_conflict_is_left_as_it_was_unless_replace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sums = in_year(tsv_sum(PRP1_TSV, "Total_Item_Requests"), 2022)
    searches = [None] * 12
    into = build_return(
        tmp_path / "return.xlsx",
        counter_total_item_requests=[999, sums[1]],  # April differs; May is the same
        counter_searches_regular=searches,
    )
    before = _sha(into)
    cell = _first_cell(into, TOTAL)
    out = tmp_path / "new.xlsx"
    argv = ["import-counter", str(PRP1_TSV), "--into", str(into), "--out", str(out)]
    assert main(argv) == 1
    printed = capsys.readouterr().out
    assert printed.splitlines()[0].split() == ["field", "month", "platform", "report", "file",
                                               "value"]  # fmt: skip
    [conflict] = [line for line in printed.splitlines() if "counter-conflict" in line]
    assert conflict.startswith(f"{into} {cell}: counter-conflict {TOTAL} for Apr-2022 holds 999;")
    assert f"the reports give {sums[0]:,}." in conflict
    assert read_return(out).measures[TOTAL] == [999, *sums[1:]]
    assert _sha(into) == before  # the return given is never changed
    assert main([*argv, "--replace"]) == 0
    printed = capsys.readouterr().out
    assert "counter-conflict" not in printed
    [replaced] = [line for line in printed.splitlines() if "counter-replaced" in line]
    assert replaced.startswith(f"{into} {cell}: counter-replaced {TOTAL} for Apr-2022 was 999;")
    assert read_return(out).measures[TOTAL] == sums
    assert _sha(into) == before


def test_usage_errors_exit_2_and_write_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    into = build_return(tmp_path / "return.xlsx")
    assert main(["import-counter", str(PRP1_TSV), "--into", str(into), "--out", str(into)]) == 2
    assert "is the return given to --into" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["import-counter", str(PRP1_TSV), "--out", str(tmp_path / "new.xlsx")])
    assert exit_info.value.code == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["return.xlsx"]


@pytest.mark.parametrize("case", ["another template", "no reporting year"])
def test_a_return_that_cannot_take_the_import(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if case == "another template":
        into = ROOT / "dist" / "monthly-activity.xlsx"
    else:
        into = build_return(tmp_path / "return.xlsx", year=None)
    out = tmp_path / "new.xlsx"
    assert main(["import-counter", str(PRP1_TSV), "--into", str(into), "--out", str(out)]) == 1
    assert f"{into}: counter-wrong-return " in capsys.readouterr().out
    assert not out.exists() and not (tmp_path / "new.counter.csv").exists()


def test_the_about_sheet_notes_the_import_and_a_plain_build_is_unchanged(
    tmp_path: Path,
) -> None:
    into = build_return(tmp_path / "return.xlsx")
    when = dt.datetime(2026, 5, 1, 9, 30, tzinfo=dt.UTC)
    out = tmp_path / "new.xlsx"
    import_counter([PRP1_TSV, PRP1_JSON], into, out, now=when)
    book = openpyxl.load_workbook(out, read_only=True)
    texts = [c for row in book["About"].values for c in row if isinstance(c, str)]
    book.close()
    assert (
        "COUNTER usage figures were imported on 2026-05-01 at 09:30 UTC from 1 report by "
        "lks-templates import-counter, for 2022-04 to 2022-12. Where each figure came from "
        "is listed in new.counter.csv."
    ) in texts
    assert "Notes on this workbook" in texts
    # Without notes, the template builds byte for byte as shipped in dist/.
    resolved = load_specs([shipped_specs_dir()]).resolve("e-resources")
    assert resolved is not None
    plain = build_workbook(resolved, tmp_path / "e-resources.xlsx")
    assert plain.read_bytes() == (ROOT / "dist" / "e-resources.xlsx").read_bytes()


def test_the_sources_table_is_safe_to_open_in_a_spreadsheet(tmp_path: Path) -> None:
    hostile = '=HYPERLINK("http://example.invalid","open")\r\nsecond line'
    text = PRP1_JSON.read_text(encoding="utf-8").replace('"Platform 1"', json.dumps(hostile))
    report = tmp_path / "hostile.json"
    report.write_text(text, encoding="utf-8")
    into = build_return(tmp_path / "return.xlsx")
    import_counter([report], into, tmp_path / "new.xlsx")
    with (tmp_path / "new.counter.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert rows and {row["platform"] for row in rows} == {"'" + hostile}
    raw = (tmp_path / "new.counter.csv").read_bytes().decode("utf-8")
    # No line starts a formula; the line break is quoted inside its cell.
    assert "\n=" not in raw and ',"\'=HYPERLINK(""http' in raw and '\r\nsecond line",' in raw
