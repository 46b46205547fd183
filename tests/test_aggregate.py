"""A field's ``aggregate``: how its periods make the Year to date, in the workbook and compute().

The spreadsheet-engine proof is in ``test_engine_year_to_date.py``; here, the Python side on
hand-worked values and the formulas the Data sheet holds.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl.utils.cell import column_index_from_string

from lks_templates.build import latest_templates
from lks_templates.compute import InputValue, compute
from lks_templates.errors import SpecError
from lks_templates.formula import BLANK
from lks_templates.layout import WorkbookPlan, plan_workbook
from lks_templates.layout.model import Cell
from lks_templates.rules.periods import period_slots
from lks_templates.rules.semantics import year_to_date_value
from lks_templates.spec import ResolvedTemplate, load_specs
from lks_templates.spec.models import DatasetSpec, Period
from lks_templates.tableschema import export_tableschema, import_tableschema

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parent.parent
AGGREGATE_SPECS = DATA / "aggregate"


@pytest.fixture(scope="module")
def resolved() -> ResolvedTemplate:
    found = load_specs([AGGREGATE_SPECS]).resolve("aggregate-template")
    assert found is not None
    return found


# --- the values ---------------------------------------------------------------------------

GAPPY = [5.0, BLANK, 7.0, "n/a", BLANK, 3.0, BLANK]
"""A gap, text typed into a number cell, and blanks after the last number."""


@pytest.mark.parametrize(
    ("aggregate", "expected"),
    [("sum", 15.0), ("mean", 5.0), ("last", 3.0), ("none", "")],
)
def test_year_to_date_value_skips_blanks_and_text(aggregate: str, expected: object) -> None:
    assert year_to_date_value(aggregate, GAPPY) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("aggregate", ["sum", "mean", "last", "none"])
def test_year_to_date_value_is_blank_without_a_number(aggregate: str) -> None:
    assert year_to_date_value(aggregate, [BLANK] * 12) == ""  # type: ignore[arg-type]
    assert year_to_date_value(aggregate, [BLANK, "n/a"]) == ""  # type: ignore[arg-type]


def test_last_is_the_latest_period_not_the_largest() -> None:
    assert year_to_date_value("last", [9.0, 8.0, 0.0, BLANK]) == 0.0
    assert year_to_date_value("last", [BLANK, BLANK, 2.0]) == 2.0
    assert year_to_date_value("last", [4.0] + [BLANK] * 11) == 4.0


def test_compute_combines_each_measure_by_its_aggregate(resolved: ResolvedTemplate) -> None:
    measures: dict[str, list[InputValue]] = {
        "searches": [10, None, 20, "n/a", 5],
        "members": [3000, 3050, None, 3100, None],
        "score": [4.0, None, 4.5, 5.0],
        "active": [900, 950],
    }
    result = compute(resolved, {"staff_served": 4000, "staff_wte": 3500}, measures)
    # 10 + 20 + 5; the last month entered (Jul); (4 + 4.5 + 5) / 3; not combined.
    assert result.measure_totals == {
        "searches": 35.0,
        "members": 3100.0,
        "score": 4.5,
        "active": "",
    }
    assert result.derived_totals["members_share"] == pytest.approx(77.5)  # 3,100 / 4,000
    assert result.derived_totals["searches_per_member"] == pytest.approx(35 / 3100 * 1000)
    assert result.derived_totals["score_doubled"] == pytest.approx(9.0)
    # Depends on a measure whose periods cannot be combined: blank, though both are entered.
    assert result.derived_totals["active_share"] == ""
    # Per period nothing changes: May's share is 950 / 3,050.
    assert result.derived["active_share"][1] == pytest.approx(950 / 3050 * 100)


def test_compute_with_a_stock_never_entered(resolved: ResolvedTemplate) -> None:
    result = compute(resolved, {"staff_served": 4000}, {"searches": [12, 8]})
    assert result.measure_totals == {"searches": 20.0, "members": "", "score": "", "active": ""}
    # members_share has no input; searches per member divides by a blank Year to date.
    assert result.derived_totals["members_share"] == ""
    assert result.derived_totals["searches_per_member"] == ""


def test_single_period_has_no_year_to_date(resolved: ResolvedTemplate) -> None:
    annual = resolved.template.model_copy(update={"period": Period(frequency="annual")})
    one = resolved.model_copy(update={"template": annual})
    result = compute(one, {"staff_served": 10}, {"members": [5]})
    assert result.measure_totals == {}
    assert result.derived_totals == {}


# --- the formulas ---------------------------------------------------------------------------


def _expected_formula(aggregate: str, cells: str, weights: str | None = None) -> str | None:
    """Written out by hand for each aggregate (the formulas test_engine_year_to_date proves)."""
    guard = f'=IF(COUNT({cells})=0,"",'
    if weights is not None:
        return f'{guard}IFERROR(SUMPRODUCT({cells},{weights})/SUM({weights}),""))'
    return {
        "sum": f"{guard}SUM({cells}))",
        "mean": f"{guard}AVERAGE({cells}))",
        "last": f"{guard}LOOKUP(2,1/ISNUMBER({cells}),{cells}))",
        "none": None,
    }[aggregate]


def _all_templates() -> list[ResolvedTemplate]:
    folders = [ROOT / "template_specs", DATA / "specs", AGGREGATE_SPECS]
    return [r for folder in folders for r in latest_templates([folder]) if not r.is_form]


def _year_to_date_cell(plan: WorkbookPlan, name: str) -> tuple[str, Cell | None]:
    """The period cells of a Data-sheet row (``D13:O13``) and the cell right of them."""
    match = re.fullmatch(r"Data!\$([A-Z]+)\$(\d+):\$([A-Z]+)\$(\d+)", plan.defined_names[name])
    assert match is not None, plan.defined_names[name]
    first, row, last, _ = match.groups()
    data = next(s for s in plan.sheets if s.name == "Data")
    # Plan cells are 0-based: the row, and the column after the last period.
    return f"{first}{row}:{last}{row}", data.cells.get(
        (int(row) - 1, column_index_from_string(last))
    )


@pytest.mark.parametrize("template", _all_templates(), ids=lambda r: r.template.id)
def test_each_year_to_date_formula_matches_the_field_aggregate(template: ResolvedTemplate) -> None:
    if len(period_slots(template.template.period)) == 1:  # type: ignore[union-attr]
        return  # a single period: no Year to date column
    plan = plan_workbook(template)
    for field in template.measure_fields:
        cells, total = _year_to_date_cell(plan, field.name)
        assert total is not None and total.style == "total", field.name
        weights = None
        if field.weighted_by is not None and field.aggregate == "mean":
            weights = _year_to_date_cell(plan, field.weighted_by)[0]
        assert total.formula == _expected_formula(field.aggregate, cells, weights), field.name


def test_reach_and_registration_year_to_date_column() -> None:
    reach = load_specs([ROOT / "template_specs"]).resolve("reach-and-registration")
    assert reach is not None
    aggregates = {f.name: f.aggregate for f in reach.measure_fields}
    assert aggregates == {
        "registered_users": "last",
        "new_registrations": "sum",
        "openathens_accounts": "last",
        "openathens_active_users": "none",
    }
    plan = plan_workbook(reach)
    data = next(s for s in plan.sheets if s.name == "Data")
    assert data.cells[(3, 1)].value == (
        "Year to date adds up the months, except: the latest month entered for Registered "
        "users and OpenAthens accounts; left blank for Active OpenAthens users, whose months "
        "cannot be combined."
    )
    # The share of accounts used has no Year to date: its numerator has none.
    _, share = _year_to_date_cell(plan, "openathens_active_share")
    assert share is not None and share.formula is None and share.style == "total"
    _, registered = _year_to_date_cell(plan, "registered_share")
    assert registered is not None and registered.formula is not None


def test_no_note_when_every_measure_adds_up(example: ResolvedTemplate) -> None:
    data = next(s for s in plan_workbook(example).sheets if s.name == "Data")
    assert (3, 1) not in data.cells


# --- the spec --------------------------------------------------------------------------------


def test_aggregate_on_an_annual_field_is_accepted_and_ignored(resolved: ResolvedTemplate) -> None:
    assert resolved.dataset.field("staff_wte").aggregate == "last"
    assert resolved.dataset.field("searches").aggregate == "sum"  # the default


def test_aggregate_survives_the_table_schema_round_trip(
    resolved: ResolvedTemplate, tmp_path: Path
) -> None:
    exported = export_tableschema(resolved.dataset)
    by_name = {f["name"]: f for f in exported["fields"]}
    assert by_name["members"]["lks:aggregate"] == "last"
    assert "lks:aggregate" not in by_name["searches"]  # sum, the default, is left out
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(exported), encoding="utf-8")
    assert DatasetSpec.model_validate(import_tableschema(path)) == resolved.dataset


def test_an_unknown_aggregate_in_a_table_schema_is_invalid(tmp_path: Path) -> None:
    schema = {
        "fields": [
            {"name": "loans", "type": "integer", "description": "Loans.", "lks:aggregate": "max"}
        ]
    }
    path = tmp_path / "schema.json"
    path.write_text(json.dumps(schema), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        import_tableschema(path)
    [problem] = [p for p in raised.value.problems if p.code == "invalid-value"]
    assert "`lks:aggregate` must be one of sum, mean, last, none, not 'max'." in problem.message
