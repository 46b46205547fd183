"""The workbook plan: defined names, input cells, formulas and validation, without a file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from lks_templates.layout import WorkbookPlan, period_slots, period_starts, plan_workbook
from lks_templates.layout.fields import MESSAGE_LIMIT, TITLE_LIMIT, shorten, validation_options
from lks_templates.spec import ResolvedTemplate, load_specs
from lks_templates.spec.models import FieldSpec, Period

SHIPPED = Path(__file__).parent.parent / "template_specs"


def _cells(ref: str) -> tuple[str, list[str]]:
    """``Data!$D$14:$F$14`` -> (``Data``, [``D14``, ``E14``, ``F14``]) for one-row ranges."""
    sheet, cells = ref.split("!")
    parts = cells.replace("$", "").split(":")
    first = re.fullmatch(r"([A-Z]+)(\d+)", parts[0])
    last = re.fullmatch(r"([A-Z]+)(\d+)", parts[-1])
    assert first and last and first.group(2) == last.group(2), ref
    cols = range(ord(first.group(1)), ord(last.group(1)) + 1)  # single letters suffice here
    return sheet, [f"{chr(c)}{first.group(2)}" for c in cols]


def test_sheets_in_contract_order(plan: WorkbookPlan, form: ResolvedTemplate) -> None:
    assert [s.name for s in plan.sheets] == ["About", "Data", "Checks", "Dashboard", "Infographic"]
    assert [s.name for s in plan_workbook(form).sheets] == ["About", "Form", "Checks"]


def test_every_spec_name_is_a_defined_name_of_the_right_shape(plan: WorkbookPlan) -> None:
    names = plan.defined_names
    for field in [
        "org_name",
        "org_ods_code",
        "trust_type",
        "staff_headcount_served",
        "reporting_year",
    ]:
        sheet, cells = _cells(names[field])
        assert (sheet, len(cells)) == ("Data", 1)
    for measure in [
        "evidence_searches",
        "training_sessions",
        "training_attendees",
        "attendees_per_session",
    ]:
        sheet, cells = _cells(names[measure])
        assert (sheet, cells[0][0], cells[-1][0], len(cells)) == ("Data", "D", "O", 12)
    for kpi in ["searches_per_1000_staff", "total_attendees"]:
        assert _cells(names[kpi])[0] == "Dashboard"
        assert len(_cells(names[kpi])[1]) == 1
    sheet, cells = _cells(names["attendees_not_below_sessions"])
    assert (sheet, len(cells)) == ("Checks", 12)
    assert _cells(names["lks_failures"])[0] == "Checks"


def test_inputs_match_defined_names(plan: WorkbookPlan) -> None:
    for name, cells in plan.inputs.items():
        sheet, expected = _cells(plan.defined_names[name])
        assert cells == [(sheet, cell) for cell in expected]
    assert set(plan.inputs) == {
        "reporting_year",
        "org_name",
        "org_ods_code",
        "trust_type",
        "staff_headcount_served",
        "evidence_searches",
        "training_sessions",
        "training_attendees",
    }


def test_properties(plan: WorkbookPlan, example: ResolvedTemplate) -> None:
    from lks_templates import __version__

    assert plan.properties == {
        "lks_template_id": "monthly-activity",
        "lks_template_version": "1.0.0",
        "lks_spec_sha256": example.sha256(),
        "lks_generator_version": __version__,
    }


def test_derived_formula_is_blank_and_error_safe(plan: WorkbookPlan) -> None:
    _, sessions = _cells(plan.defined_names["training_sessions"])
    _, attendees = _cells(plan.defined_names["training_attendees"])
    _, derived = _cells(plan.defined_names["attendees_per_session"])
    s, a = sessions[0], attendees[0]
    assert plan.formulas[("Data", derived[0])] == (
        f'=IF(OR(COUNT({s})=0,COUNT({a})=0),"",IFERROR(IF({s}=0,0,{a}/{s}),""))'
    )


def test_kpi_and_rule_formulas(plan: WorkbookPlan) -> None:
    kpi_cell = plan.defined_names["searches_per_1000_staff"].split("!")[1].replace("$", "")
    assert plan.formulas[("Dashboard", kpi_cell)] == (
        '=IF(OR(COUNT(evidence_searches)=0,COUNT(staff_headcount_served)=0),"",'
        'IFERROR(SUM(evidence_searches)/staff_headcount_served*1000,""))'
    )
    _, flags = _cells(plan.defined_names["attendees_not_below_sessions"])
    _, sessions = _cells(plan.defined_names["training_sessions"])
    _, attendees = _cells(plan.defined_names["training_attendees"])
    s, a = f"Data!{sessions[1]}", f"Data!{attendees[1]}"
    assert plan.formulas[("Checks", flags[1])] == (
        f'=IF(COUNTA({s},{a})=0,"",IFERROR(IF({a}>={s},1,0),0))'
    )


def test_every_input_cell_has_validation_and_no_formula(plan: WorkbookPlan) -> None:
    for name, cells in plan.inputs.items():
        for sheet_name, a1 in cells:
            sheet = plan.sheet(sheet_name)
            covered = [
                v
                for v in sheet.validations
                if any(
                    a1 == _a1(r, c)
                    for r in range(v.first_row, v.last_row + 1)
                    for c in range(v.first_col, v.last_col + 1)
                )
            ]
            assert len(covered) == 1, (name, a1)
            options = covered[0].options
            assert len(options["input_title"]) <= TITLE_LIMIT
            assert len(options["input_message"]) <= MESSAGE_LIMIT
            assert (sheet_name, a1) not in plan.formulas


def _a1(row: int, col: int) -> str:
    return f"{chr(65 + col)}{row + 1}"


def test_form_names_point_at_form_cells(form: ResolvedTemplate) -> None:
    plan = plan_workbook(form)
    for field in ["org_name", "case_title", "time_saved_hours"]:
        assert _cells(plan.defined_names[field])[0] == "Form"
    sheet, flags = _cells(plan.defined_names["time_saved_plausible"])
    assert (sheet, len(flags)) == ("Checks", 1)
    assert plan.formulas[("Checks", flags[0])] == (
        '=IF(COUNTA(time_saved_hours)=0,"",IFERROR(IF(time_saved_hours<=1000,1,0),0))'
    )


def test_shipped_templates_name_every_field() -> None:
    for resolved in load_specs([SHIPPED]).resolved():
        plan = plan_workbook(resolved)
        spec_names = set(resolved.profile_names) | set(resolved.measure_names)
        assert spec_names <= set(plan.defined_names)


def test_reserved_names_are_refused(example: ResolvedTemplate) -> None:
    from lks_templates.errors import BuildError

    kpi = {"name": "lks_failures", "title": "T", "formula": "SUM(evidence_searches)"}
    data = example.template.model_dump()
    data["kpis"] = [*data["kpis"], kpi]
    clash = example.model_copy(update={"template": type(example.template).model_validate(data)})
    with pytest.raises(BuildError) as caught:
        plan_workbook(clash)
    assert [p.code for p in caught.value.problems] == ["reserved-name"]


def test_period_starts_follow_the_nhs_year() -> None:
    monthly = period_starts(Period(frequency="monthly", year_start_month=4), 2026)
    assert monthly[0] == dt.date(2026, 4, 1)
    assert monthly[8] == dt.date(2026, 12, 1)
    assert monthly[9] == dt.date(2027, 1, 1)
    assert monthly[-1] == dt.date(2027, 3, 1)
    quarterly = period_starts(Period(frequency="quarterly", year_start_month=4), 2026)
    assert quarterly == [
        dt.date(2026, 4, 1),
        dt.date(2026, 7, 1),
        dt.date(2026, 10, 1),
        dt.date(2027, 1, 1),
    ]
    assert [s.key for s in period_slots(Period(frequency="annual"))] == ["year"]
    assert [s.fallback for s in period_slots(Period(frequency="monthly", year_start_month=1))][
        :2
    ] == ["Jan", "Feb"]


def test_shorten_cuts_at_a_word() -> None:
    assert shorten("short", 10) == "short"
    assert shorten("one two three four", 12) == "one two…"
    assert len(shorten("x" * 300, 255)) == 255


def _field(**extra: object) -> FieldSpec:
    return FieldSpec.model_validate(
        {"name": "f", "title": "Searches", "description": "D.", **extra}
    )


def test_validation_options_from_type_and_constraints() -> None:
    whole = validation_options(_field(type="integer", constraints={"minimum": 0}))
    assert (whole["validate"], whole["criteria"], whole["value"]) == ("integer", ">=", 0)
    assert whole["error_message"] == (
        "Searches: enter a whole number of 0 or more. Leave blank if unknown."
    )
    between = validation_options(_field(type="number", constraints={"minimum": 0, "maximum": 100}))
    assert (between["validate"], between["minimum"], between["maximum"]) == ("decimal", 0, 100)
    choice = validation_options(_field(type="string", constraints={"enum": ["a", "b"]}))
    assert (choice["validate"], choice["source"]) == ("list", ["a", "b"])
    text = validation_options(_field(type="string", constraints={"maxLength": 500}))
    assert (text["validate"], text["criteria"], text["value"]) == ("length", "<=", 500)
    free = validation_options(_field(type="string"))
    assert free["validate"] == "any" and "error_message" not in free
    boolean = validation_options(_field(type="boolean"))
    assert boolean["source"] == ["Yes", "No"]
    date = validation_options(_field(type="date"))
    assert (date["validate"], date["minimum"]) == ("date", "1900-01-01")
