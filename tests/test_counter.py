"""``import-counter``: COUNTER's sample reports into the shipped e-resources return.

Every expected figure is worked in the test from the sample files themselves
(``counter_samples``: csv, json, openpyxl), never through the importer.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from counter_samples import (
    SAMPLES,
    added,
    build_return,
    in_year,
    json5_sum,
    json51_sum,
    tsv_sum,
    xlsx_sum,
    year_months,
)

from lks_templates import import_counter, read_return
from lks_templates.counter import read_report

PRP1_TSV = SAMPLES / "PRP1_sample_r51.tsv"
PRP1_JSON = SAMPLES / "PRP1_sample_r51.json"
PRP1_XLSX = SAMPLES / "PRP1_sample_r51.xlsx"
PR_TSV = SAMPLES / "PR_sample_r51.tsv"
DRD1_JSON = SAMPLES / "DRD1_sample_r51.json"
DRD2_XLSX = SAMPLES / "DRD2_sample_r51.xlsx"
TRB1_JSON = SAMPLES / "TRB1_sample_r51.json"
TRB2_TSV = SAMPLES / "TRB2_sample_r51.tsv"
TRJ2_TSV = SAMPLES / "TRJ2_sample_r51.tsv"
R5_TRB1_TSV = SAMPLES / "Sample-TR_B1.tsv"
R5_PRP1_JSON = SAMPLES / "Sample-PR_P1.json"
FIELDS = (
    "counter_total_item_requests",
    "counter_unique_item_requests",
    "counter_unique_title_requests",
    "counter_searches_regular",
    "counter_no_license",
    "counter_limit_exceeded",
)


def renamed_platform(tmp_path: Path, name: str) -> Path:
    """The R5.1 PR_P1 JSON sample as the report of another platform (its own registry)."""
    text = PRP1_JSON.read_text(encoding="utf-8").replace('"Platform 1"', json.dumps(name))
    text = text.replace("99999999-9999-9999-9999-999999999999", "88888888-8888-8888-8888-8")
    path = tmp_path / "platform-2.json"
    path.write_text(text, encoding="utf-8")
    return path


def title_only_platform(tmp_path: Path) -> Path:
    """The R5 TR_B1 sample (platform PPDelta) moved from Jan-Mar 2016 to Apr-Jun 2022."""
    text = R5_TRB1_TSV.read_text(encoding="utf-8-sig")
    for old, new in [
        (
            "Begin_Date=2016-01-01; End_Date=2016-03-31",
            "Begin_Date=2022-04-01; End_Date=2022-06-30",
        ),
        ("Jan-2016", "Apr-2022"),
        ("Feb-2016", "May-2022"),
        ("Mar-2016", "Jun-2022"),
    ]:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "ppdelta-trb1.tsv"
    path.write_text(text, encoding="utf-8")
    return path


# -- the three forms and both releases ----------------------------------------------------


def test_tsv_json_and_excel_of_one_report_give_the_same_counts(tmp_path: Path) -> None:
    expected = tsv_sum(PRP1_TSV, "Total_Item_Requests")
    assert xlsx_sum(PRP1_XLSX, "Total_Item_Requests") == expected  # the samples agree
    assert json51_sum(PRP1_JSON, "Total_Item_Requests") == expected
    # The form comes from the content: the TSV named .json and the JSON named .tsv.
    misnamed_tsv = shutil.copy(PRP1_TSV, tmp_path / "report.json")
    misnamed_json = shutil.copy(PRP1_JSON, tmp_path / "report.tsv")
    for path, form in [(PRP1_TSV, "tsv"), (PRP1_JSON, "json"), (PRP1_XLSX, "xlsx"),
                       (misnamed_tsv, "tsv"), (misnamed_json, "json")]:  # fmt: skip
        report, problems = read_report(path)
        assert problems == []
        assert report is not None
        assert (report.form, report.report_id, report.release) == (form, "PR_P1", "5.1")
        sums: dict[dt.date, int] = {}
        for row in report.rows:
            if row.metric == "Total_Item_Requests":
                sums[row.month] = sums.get(row.month, 0) + row.count
        assert sums == expected, path


def test_release_5_json_and_tabular_are_read(tmp_path: Path) -> None:
    report, problems = read_report(R5_PRP1_JSON)
    assert problems == [] and report is not None
    assert (report.release, report.form) == ("5", "json")
    got = {r.month: r.count for r in report.rows if r.metric == "Unique_Title_Requests"}
    assert got == json5_sum(R5_PRP1_JSON, "Unique_Title_Requests")
    assert got == {dt.date(2016, 1, 1): 61, dt.date(2016, 2, 1): 117, dt.date(2016, 3, 1): 200}
    report, problems = read_report(R5_TRB1_TSV)
    assert report is not None and (report.release, report.form) == ("5", "tsv")
    assert report.platforms == ["PPDelta"]


# -- which report supplies which field ------------------------------------------------------


@pytest.fixture
def two_platforms(tmp_path: Path) -> tuple[Path, list[Path]]:
    into = build_return(tmp_path / "return.xlsx")
    reports = [PRP1_TSV, renamed_platform(tmp_path, "Platform 2"), DRD1_JSON, DRD2_XLSX,
               title_only_platform(tmp_path)]  # fmt: skip
    return into, reports


def test_two_platforms_and_a_title_only_platform(
    two_platforms: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    into, reports = two_platforms
    out = tmp_path / "new.xlsx"
    result = import_counter(reports, into, out)
    p2 = reports[1]
    ppdelta = reports[4]
    expected = {
        "counter_total_item_requests": added(
            tsv_sum(PRP1_TSV, "Total_Item_Requests"), json51_sum(p2, "Total_Item_Requests")
        ),
        "counter_unique_item_requests": added(
            tsv_sum(PRP1_TSV, "Unique_Item_Requests"), json51_sum(p2, "Unique_Item_Requests")
        ),
        "counter_unique_title_requests": added(
            tsv_sum(PRP1_TSV, "Unique_Title_Requests"),
            json51_sum(p2, "Unique_Title_Requests"),
            tsv_sum(ppdelta, "Unique_Title_Requests"),
        ),
        "counter_searches_regular": json51_sum(DRD1_JSON, "Searches_Regular"),
        "counter_no_license": xlsx_sum(DRD2_XLSX, "No_License"),
        "counter_limit_exceeded": xlsx_sum(DRD2_XLSX, "Limit_Exceeded"),
    }
    # The PPDelta title report adds to April-June only (its 5 requests fall in June).
    assert tsv_sum(ppdelta, "Unique_Title_Requests")[dt.date(2022, 6, 1)] == 5
    back = read_return(out)
    assert back.problems == []  # the new return reads back clean
    for name in FIELDS:
        wanted = in_year(expected[name], 2022)
        assert wanted[9:] == [None, None, None]  # Jan-Mar 2023: no report
        assert back.measures[name] == wanted, name
    # One platform without a platform report is named; its title requests still count.
    lacking = [p for p in result.problems if p.code == "counter-no-platform-report"]
    assert [(p.file, "'PPDelta'" in p.message) for p in lacking] == [(str(ppdelta), True)]
    assert not result.failed
    # The table of sources adds up to every figure written, and names each platform.
    with (tmp_path / "new.counter.csv").open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert list(rows[0]) == ["field", "month", "platform", "report", "file", "value"]
    total: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["field"], row["month"])
        total[key] = total.get(key, 0) + int(row["value"])
    for name in FIELDS:
        for month, value in zip(year_months(2022), back.measures[name], strict=True):
            assert total.get((name, f"{month:%Y-%m}")) == value
    assert {(r["platform"], r["report"]) for r in rows if r["field"] == FIELDS[2]} == {
        ("Platform 1", "PR_P1"),
        ("Platform 2", "PR_P1"),
        ("PPDelta", "TR_B1"),
    }


def test_a_platform_report_wins_over_title_reports_so_nothing_counts_twice(
    tmp_path: Path,
) -> None:
    into = build_return(tmp_path / "return.xlsx")
    # PR_P1, PR and TR_B1 of one platform all carry Unique_Title_Requests; TR_B2 and TR_J2
    # carry denials that DR_D2 has already.
    reports = [TRB1_JSON, PR_TSV, PRP1_TSV, TRB2_TSV, TRJ2_TSV, DRD2_XLSX]
    import_counter(reports, into, tmp_path / "new.xlsx")
    back = read_return(tmp_path / "new.xlsx")
    assert back.measures["counter_unique_title_requests"] == in_year(
        tsv_sum(PRP1_TSV, "Unique_Title_Requests"), 2022
    )
    assert back.measures["counter_no_license"] == in_year(xlsx_sum(DRD2_XLSX, "No_License"), 2022)
    # Without PR_P1, the PR master report supplies item requests: Regular rows only.
    import_counter([PR_TSV, TRB1_JSON], into, tmp_path / "pr.xlsx")
    regular = tsv_sum(PR_TSV, "Total_Item_Requests", lambda r: r["Access_Method"] == "Regular")
    everything = tsv_sum(PR_TSV, "Total_Item_Requests")
    assert regular != everything  # the sample has TDM rows to leave out
    pr = read_return(tmp_path / "pr.xlsx")
    assert pr.measures["counter_total_item_requests"] == in_year(regular, 2022)
    # Without DR reports, title denial reports supply denials: TR_J2 and TR_B2 together.
    import_counter([TRB2_TSV, TRJ2_TSV], into, tmp_path / "tr.xlsx")
    denials = added(tsv_sum(TRB2_TSV, "No_License"), tsv_sum(TRJ2_TSV, "No_License"))
    tr = read_return(tmp_path / "tr.xlsx")
    assert tr.measures["counter_no_license"] == in_year(denials, 2022)


def test_a_duplicate_is_counted_once_and_named(tmp_path: Path) -> None:
    into = build_return(tmp_path / "return.xlsx")
    again = shutil.copy(PRP1_TSV, tmp_path / "downloaded-again.tsv")
    result = import_counter([PRP1_TSV, PRP1_JSON, again], into, tmp_path / "new.xlsx")
    duplicates = [p for p in result.problems if p.code == "counter-duplicate"]
    assert sorted(p.file for p in duplicates) == sorted([str(PRP1_JSON), str(again)])
    assert all(str(PRP1_TSV) in p.message and p.severity == "warning" for p in duplicates)
    back = read_return(tmp_path / "new.xlsx")
    assert back.measures["counter_total_item_requests"] == in_year(
        tsv_sum(PRP1_TSV, "Total_Item_Requests"), 2022
    )
    assert not result.failed


def test_a_month_report_inside_a_year_report_is_counted_once(tmp_path: Path) -> None:
    into = build_return(tmp_path / "return.xlsx")
    document = json.loads(PRP1_JSON.read_text(encoding="utf-8"))
    document["Report_Header"]["Report_Filters"].update(Begin_Date="2022-05-01",
                                                        End_Date="2022-05-31")  # fmt: skip
    for item in document["Report_Items"]:
        for group in item["Attribute_Performance"]:
            for metric, months in group["Performance"].items():
                group["Performance"][metric] = {"2022-05": months["2022-05"]}
    may = tmp_path / "may.json"
    may.write_text(json.dumps(document), encoding="utf-8")
    result = import_counter([PRP1_TSV, may], into, tmp_path / "new.xlsx")
    assert [(p.code, p.file) for p in result.problems if p.file == str(may)] == [
        ("counter-duplicate", str(may))
    ]
    back = read_return(tmp_path / "new.xlsx")
    assert back.measures["counter_total_item_requests"][1] == 20702  # May, once
    assert tsv_sum(PRP1_TSV, "Total_Item_Requests")[dt.date(2022, 5, 1)] == 20702


# -- months ---------------------------------------------------------------------------------


@pytest.mark.parametrize("year", [2021, 2022])
def test_a_calendar_year_report_against_an_april_to_march_return(year: int, tmp_path: Path) -> None:
    into = build_return(tmp_path / "return.xlsx", year=year)
    result = import_counter([PRP1_TSV], into, tmp_path / "new.xlsx")
    sums = tsv_sum(PRP1_TSV, "Total_Item_Requests")  # January to December 2022
    back = read_return(tmp_path / "new.xlsx")
    got = back.measures["counter_total_item_requests"]
    if year == 2021:  # April 2021 to March 2022: only January to March are in the year
        assert got == [None] * 9 + [sums[dt.date(2022, m, 1)] for m in (1, 2, 3)]
        outside = "Apr-2022 to Dec-2022"
    else:  # April 2022 to March 2023: April to December
        assert got == [sums[dt.date(2022, m, 1)] for m in range(4, 13)] + [None] * 3
        outside = "Jan-2022 to Mar-2022"
    [note] = [p for p in result.problems if p.code == "counter-outside-year"]
    assert note.file == str(PRP1_TSV) and f"covers {outside} outside" in note.message


def test_a_missing_month_between_reports_is_a_gap(tmp_path: Path) -> None:
    into = build_return(tmp_path / "return.xlsx")
    paths = []
    for month in ("2022-04", "2022-06"):
        document = json.loads(PRP1_JSON.read_text(encoding="utf-8"))
        document["Report_Header"]["Report_Filters"].update(
            Begin_Date=f"{month}-01", End_Date=f"{month}-30"
        )
        for item in document["Report_Items"]:
            for group in item["Attribute_Performance"]:
                for metric, months in group["Performance"].items():
                    group["Performance"][metric] = {month: months[month]}
        paths.append(tmp_path / f"{month}.json")
        paths[-1].write_text(json.dumps(document), encoding="utf-8")
    result = import_counter(paths, into, tmp_path / "new.xlsx")
    [gap] = [p for p in result.problems if p.code == "counter-gap"]
    assert "'Platform 1'" in gap.message and "none for May-2022:" in gap.message
    got = read_return(tmp_path / "new.xlsx").measures["counter_total_item_requests"]
    sums = json51_sum(PRP1_JSON, "Total_Item_Requests")
    assert got[:3] == [sums[dt.date(2022, 4, 1)], None, sums[dt.date(2022, 6, 1)]]


def test_a_report_customised_without_a_metric_is_no_source_of_it(tmp_path: Path) -> None:
    lines = PRP1_TSV.read_text(encoding="utf-8-sig").split("\n")
    header = "Metric_Types\tSearches_Platform; Total_Item_Requests; Unique_Item_Requests; "
    assert sum(line.startswith(header + "Unique_Title_Requests") for line in lines) == 1
    kept = [line.replace("; Unique_Title_Requests", "") if line.startswith(header) else line
            for line in lines if "\tUnique_Title_Requests\t" not in line]  # fmt: skip
    custom = tmp_path / "prp1-without-titles.tsv"
    custom.write_text("\n".join(kept), encoding="utf-8")
    into = build_return(tmp_path / "return.xlsx")
    import_counter([custom, TRB1_JSON], into, tmp_path / "new.xlsx")
    back = read_return(tmp_path / "new.xlsx")
    # Title requests come from TR_B1, item requests still from the PR_P1.
    assert back.measures["counter_unique_title_requests"] == in_year(
        json51_sum(TRB1_JSON, "Unique_Title_Requests"), 2022
    )
    assert back.measures["counter_total_item_requests"] == in_year(
        tsv_sum(PRP1_TSV, "Total_Item_Requests"), 2022
    )


def test_platforms_are_matched_by_registry_record_across_names(tmp_path: Path) -> None:
    # The same platform's PR_P1 as JSON under another name but the same registry record.
    text = PRP1_JSON.read_text(encoding="utf-8").replace('"Platform 1"', '"PLATFORM  one"')
    other_name = tmp_path / "other-name.json"
    other_name.write_text(text, encoding="utf-8")
    into = build_return(tmp_path / "return.xlsx")
    result = import_counter([PRP1_TSV, other_name], into, tmp_path / "new.xlsx")
    back = read_return(tmp_path / "new.xlsx")
    assert back.measures["counter_total_item_requests"] == in_year(
        tsv_sum(PRP1_TSV, "Total_Item_Requests"), 2022
    )
    [duplicate] = [p for p in result.problems if p.code == "counter-duplicate"]
    assert duplicate.file == str(other_name) and str(PRP1_TSV) in duplicate.message
    assert {s.platform for s in result.sources} == {"Platform 1"}
    # Without the registry record, another name is another platform: both count.
    text = text.replace("99999999-9999-9999-9999-999999999999", "77777777-7777")
    other_name.write_text(text, encoding="utf-8")
    result = import_counter([PRP1_TSV, other_name], into, tmp_path / "two.xlsx")
    assert {s.platform for s in result.sources} == {"Platform 1", "PLATFORM  one"}
