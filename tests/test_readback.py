"""Reading one filled workbook back: values by defined name, typed, checked and located."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from test_readback_support import (
    ANNUAL,
    FORM,
    MEASURES,
    MONTH_KEYS,
    PROFILE,
    build,
    cell_of,
    form_values,
    good_return_path,
    monthly_values,
    replace,
    rewrite,
    sheet_part,
    shipped_version,
    specs,
)

from lks_templates.readback import Return, read_return


@pytest.fixture
def good_return(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_return_path(tmp_path_factory)


def codes(result: Return) -> list[tuple[str, str, str, str]]:
    """(code, cell, field, period) of every problem, in order."""
    return [
        (p.code, f"{p.sheet}!{p.cell}" if p.sheet else "", p.field, p.period)
        for p in result.problems
    ]


def test_good_return_reads_every_value_without_problems(good_return: Path) -> None:
    result = read_return(good_return, specs=specs())
    assert result.readable
    assert (result.template_id, result.template_version) == ("monthly-activity", shipped_version())
    assert result.problems == []
    assert result.reporting_year == 2026
    assert result.org_ods_code == "RXX"
    assert {k: v for k, v in result.profile.items()} == {
        k: v for k, v in PROFILE.items() if k != "reporting_year"
    }
    assert result.measures == MEASURES
    assert [p.key for p in result.periods] == MONTH_KEYS
    assert result.periods[0].start == dt.date(2026, 4, 1)
    assert result.periods[11].start == dt.date(2027, 3, 1)


def test_kpis_and_derived_are_recomputed_not_read_from_cached_zeros(good_return: Path) -> None:
    result = read_return(good_return, specs=specs())
    # 120 searches a year, 5,000 staff, 4.0 qualified WTE, 246 search hours.
    assert result.kpis["evidence_searches_ytd"] == 120
    assert result.kpis["searches_per_1000_staff"] == pytest.approx(24.0)
    assert result.kpis["searches_per_qualified_wte"] == pytest.approx(30.0)
    assert result.kpis["mean_hours_per_search"] == pytest.approx(2.05)
    assert result.derived["enquiries_total"] == [102 + 2 * i for i in range(12)]
    assert result.derived["attendees_per_session"] == [5.0] * 12


def test_values_frame_has_one_row_per_period(good_return: Path) -> None:
    frame = read_return(good_return, specs=specs()).values
    assert list(frame.index) == MONTH_KEYS
    assert frame.loc["m03", "period_start"] == dt.date(2026, 6, 1)
    assert frame.loc["m12", "enquiries_information"] == 12
    assert frame.loc["m01", "hours_per_search"] == pytest.approx(2.05)


def test_partly_filled_year_keeps_blanks_blank(tmp_path: Path) -> None:
    half = {name: values[:6] for name, values in MEASURES.items()}
    result = read_return(
        build(tmp_path / "half.xlsx", values=monthly_values(**half)), specs=specs()
    )
    assert result.problems == []
    assert result.measures["evidence_searches"] == [10] * 6 + [None] * 6
    assert result.kpis["evidence_searches_ytd"] == 60
    assert result.derived["enquiries_total"][6:] == [None] * 6


def test_mistyped_values_are_located_and_good_ones_kept(tmp_path: Path) -> None:
    searches = ["12", "many", 3.5, 4, "1,200"] + [1] * 7
    result = read_return(
        build(
            tmp_path / "typed.xlsx",
            values=monthly_values(
                evidence_searches=searches,
                staff_headcount_served=-5,
                org_ods_code="rxx!",
                trust_type="Big hospital",
            ),
        ),
        specs=specs(),
    )
    row = cell_of("evidence_searches")[1][1:]  # the row number, e.g. "17"
    col = [cell_of("evidence_searches", i)[1].rstrip("0123456789") for i in range(12)]
    found = codes(result)
    assert ("number-as-text", f"Data!{col[0]}{row}", "evidence_searches", "m01") in found
    assert ("type-error", f"Data!{col[1]}{row}", "evidence_searches", "m02") in found
    assert ("type-error", f"Data!{col[2]}{row}", "evidence_searches", "m03") in found
    assert ("number-as-text", f"Data!{col[4]}{row}", "evidence_searches", "m05") in found
    sheet, ods = cell_of("org_ods_code")
    assert ("constraint-error", f"{sheet}!{ods}", "org_ods_code", "") in found
    assert ("constraint-error", f"Data!{cell_of('trust_type')[1]}", "trust_type", "") in found
    assert (
        "constraint-error",
        f"Data!{cell_of('staff_headcount_served')[1]}",
        "staff_headcount_served",
        "",
    ) in found
    assert result.measures["evidence_searches"] == [12, None, None, 4, 1200] + [1] * 7
    assert result.raw_errors[("evidence_searches", "m02")] == "many"
    assert result.raw_errors[("evidence_searches", "m03")] == 3.5
    # Out-of-range values are kept (and flagged), never silently dropped.
    assert result.profile["staff_headcount_served"] == -5
    severities = {p.code: p.severity for p in result.problems}
    assert severities["number-as-text"] == "warning"
    assert severities["type-error"] == "error"


def test_missing_required_values(tmp_path: Path) -> None:
    half = {name: values[:3] for name, values in MEASURES.items()}
    result = read_return(
        build(
            tmp_path / "blank.xlsx",
            values=monthly_values(org_name=None, reporting_year=None, **half),
        ),
        specs=specs(),
    )
    found = codes(result)
    assert ("required-missing", f"Data!{cell_of('org_name')[1]}", "org_name", "") in found
    assert (
        "required-missing",
        f"Data!{cell_of('reporting_year')[1]}",
        "reporting_year",
        "",
    ) in found
    # No measure is required here, so blank later months are not problems.
    assert [c for c in found if c[0] == "required-missing"] == [
        ("required-missing", f"Data!{cell_of('reporting_year')[1]}", "reporting_year", ""),
        ("required-missing", f"Data!{cell_of('org_name')[1]}", "org_name", ""),
    ]
    assert result.periods[0].start is None


def test_rules_are_evaluated_in_python_per_period(tmp_path: Path) -> None:
    attendees = [10] * 12
    attendees[4] = 1  # fewer attendees than the 2 sessions in August
    hours = [15.0] * 12
    hours[7] = 0.0  # attendees but 0 user-hours in November (a blank is "not recorded")
    result = read_return(
        build(
            tmp_path / "rules.xlsx",
            values=monthly_values(training_attendees=attendees, training_user_hours=hours),
        ),
        specs=specs(),
    )
    failed = [
        (p.field, p.period, p.severity, p.sheet) for p in result.problems if p.code == "rule-failed"
    ]
    assert failed == [
        ("attendees_not_below_sessions", "m05", "error", "Checks"),
        ("user_hours_with_attendees", "m08", "warning", "Checks"),
        # August's 15 user-hours for 1 attendee look like minutes.
        ("user_hours_not_minutes", "m05", "warning", "Checks"),
    ]


def test_rules_are_not_checked_on_a_cell_that_could_not_be_read(tmp_path: Path) -> None:
    # search_hours_with_searches: IF(search_hours > 0, evidence_searches > 0, TRUE).
    # April's "fifteen" counts as blank, which alone would fail the rule in April; June's
    # 0 searches with 20.5 search hours really fails it.
    searches: list[object] = ["fifteen"] + [10] * 11
    searches[2] = 0
    result = read_return(
        build(tmp_path / "typed.xlsx", values=monthly_values(evidence_searches=searches)),
        specs=specs(),
    )
    assert codes(result) == [
        ("type-error", f"Data!{cell_of('evidence_searches')[1]}", "evidence_searches", "m01"),
        ("rule-failed", "Checks!F9", "search_hours_with_searches", "m03"),
    ]
    # A check of another field in the same period is still made: sessions without
    # attendees fail attendees_not_below_sessions in April.
    attendees = [10] * 12
    attendees[0] = 1
    result = read_return(
        build(
            tmp_path / "typed2.xlsx",
            values=monthly_values(
                evidence_searches=["fifteen"] + [10] * 11,
                training_attendees=attendees,
                training_user_hours=[1.0] * 12,
            ),
        ),
        specs=specs(),
    )
    assert [(p.code, p.field, p.period) for p in result.problems] == [
        ("type-error", "evidence_searches", "m01"),
        ("rule-failed", "attendees_not_below_sessions", "m01"),
    ]


def test_annual_template_has_one_period(tmp_path: Path) -> None:
    resolved = specs().resolve(ANNUAL)
    assert resolved is not None
    values = {f.name: f.example for f in resolved.profile_fields + resolved.measure_fields}
    values["reporting_year"] = 2025
    result = read_return(build(tmp_path / "annual.xlsx", ANNUAL, values), specs=specs())
    assert result.problems == []
    assert [(p.key, p.start) for p in result.periods] == [("year", dt.date(2025, 4, 1))]
    assert result.measures["loans"] == [420]
    assert result.profile["spend_total"] == 520000


def test_form_reads_every_field_once(tmp_path: Path) -> None:
    result = read_return(build(tmp_path / "case.xlsx", FORM, form_values()), specs=specs())
    assert result.problems == []
    assert result.kind == "form"
    assert result.periods == []
    assert result.profile["case_date"] == dt.date(2025, 6, 12)
    assert result.profile["impact_cost_saving"] is False
    assert result.profile["case_time_saved_hours"] == 15


def test_form_boolean_and_date_typed_as_text(tmp_path: Path) -> None:
    result = read_return(
        build(
            tmp_path / "case.xlsx",
            FORM,
            form_values(
                case_date="12/06/2025", impact_patient_care="maybe", consent_to_share="TRUE"
            ),
        ),
        specs=specs(),
    )
    found = {(p.code, p.field) for p in result.problems}
    assert found == {
        ("date-as-text", "case_date"),
        ("type-error", "impact_patient_care"),
        ("boolean-as-text", "consent_to_share"),
    }
    assert result.profile["case_date"] == dt.date(2025, 6, 12)
    assert result.profile["consent_to_share"] is True


def test_problems_are_listed_by_sheet_then_row_then_column(tmp_path: Path) -> None:
    attendees = [10] * 12
    attendees[0] = 1  # fewer attendees than the 2 sessions in April: a rule on Checks
    built = build(
        tmp_path / "order.xlsx",
        values=monthly_values(
            org_ods_code=None,
            trust_type=None,
            staff_headcount_served=-5,
            evidence_searches=["lots"] + [10] * 11,
            training_attendees=attendees,
        ),
    )
    # A changed spec hash concerns the whole file, so it comes first.
    path = rewrite(
        built,
        tmp_path / "order-sha.xlsx",
        {
            "docProps/custom.xml": replace(
                r"(<property[^>]*name=\"lks_spec_sha256\"><vt:lpwstr>)[0-9a-f]{64}",
                r"\g<1>" + "0" * 64,
            )
        },
    )
    result = read_return(path, specs=specs())
    cells = [
        f"Data!{cell_of(name)[1]}"
        for name in ("org_ods_code", "trust_type", "staff_headcount_served", "evidence_searches")
    ]
    # The period table comes first (its header near the top), the profile below it.
    assert [cell.split("!")[1] for cell in cells] == ["D32", "D33", "D35", "D6"]
    assert codes(result) == [
        ("spec-mismatch", "", "", ""),
        ("type-error", cells[3], "evidence_searches", "m01"),
        ("required-missing", cells[0], "org_ods_code", ""),
        ("required-missing", cells[1], "trust_type", ""),
        ("constraint-error", cells[2], "staff_headcount_served", ""),
        # "lots" is not checked by search_hours_with_searches (see the test below).
        ("rule-failed", "Checks!D7", "attendees_not_below_sessions", "m01"),
        # 15 user-hours for April's 1 attendee look like minutes.
        ("rule-failed", "Checks!D11", "user_hours_not_minutes", "m01"),
    ]


def test_formula_typed_into_an_entry_cell_is_reported_not_read(
    good_return: Path, tmp_path: Path
) -> None:
    import openpyxl

    book = openpyxl.load_workbook(good_return)
    sheet, ods = cell_of("org_ods_code")
    book[sheet][ods] = '=HYPERLINK("x")'  # openpyxl stores no result: calamine sees blank
    book[sheet][cell_of("enquiries_information", 1)[1]] = "=A1*2"
    book.save(tmp_path / "formulas.xlsx")
    result = read_return(tmp_path / "formulas.xlsx", specs=specs())
    enquiries = f"{sheet}!{cell_of('enquiries_information', 1)[1]}"
    assert codes(result) == [
        ("formula-in-input", enquiries, "enquiries_information", "m02"),
        ("formula-in-input", f"{sheet}!{ods}", "org_ods_code", ""),
    ]
    assert result.problems[1].severity == "error"
    assert result.problems[1].message == (
        f'ODS code in {sheet}!{ods} holds the formula =HYPERLINK("x") instead of a typed '
        "value; formulas in entry cells are not read. Type the value itself."
    )
    assert result.profile["org_ods_code"] is None
    assert result.raw_errors[("org_ods_code", "")] == '=HYPERLINK("x")'
    assert result.raw_errors[("enquiries_information", "m02")] == "=A1*2"
    assert result.measures["enquiries_information"][:3] == [1, None, 3]
    # m02: 102 + a cell not read: blank, never 102 + 0.
    assert result.derived["enquiries_total"][:3] == [102, None, 106]


def test_stored_result_of_a_typed_formula_is_not_used(good_return: Path, tmp_path: Path) -> None:
    # Excel stores each formula's last result: here a plausible 10 searches in April and
    # 2026 as the year. Neither is used: the sender must type the values.
    _, searches = cell_of("evidence_searches")
    _, year = cell_of("reporting_year")
    path = rewrite(
        good_return,
        tmp_path / "cached.xlsx",
        {
            sheet_part(good_return, "Data"): (
                lambda data: replace(
                    rf'<c r="{searches}"( s="\d+")><v>10</v>',
                    rf'<c r="{searches}"\1><f>5+5</f><v>10</v>',
                )(
                    replace(
                        rf'<c r="{year}"( s="\d+")><v>2026</v>',
                        rf'<c r="{year}"\1><f>YEAR(TODAY())</f><v>2026</v>',
                    )(data)
                )
            )
        },
    )
    result = read_return(path, specs=specs())
    assert codes(result) == [
        # April's searches count as blank, but the rules that use them are not checked
        # in April (search_hours_with_searches would fail).
        ("formula-in-input", f"Data!{searches}", "evidence_searches", "m01"),
        ("formula-in-input", f"Data!{year}", "reporting_year", ""),
    ]
    assert result.reporting_year is None
    assert result.periods[0].start is None
    assert result.measures["evidence_searches"] == [None] + [10] * 11
    assert result.kpis["evidence_searches_ytd"] == 110


@pytest.mark.engine
def test_workbook_resaved_by_libreoffice_reads_the_same(good_return: Path, tmp_path: Path) -> None:
    from engine import recalculate

    (resaved,) = recalculate([good_return], tmp_path)
    result = read_return(resaved, specs=specs())
    assert result.readable
    assert codes(result) == []
    assert result.measures == MEASURES
    assert result.kpis["searches_per_1000_staff"] == pytest.approx(24.0)
