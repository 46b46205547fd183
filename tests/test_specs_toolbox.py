"""The Statistics Toolbox specs: they validate, say what the domain says, and compute it.

Expected values are typed here from the domain notes (trust types, regions, COUNTER metric
names, the 1:1,250 ratio) or worked out by hand from the example figures, never read back
from the specs under test.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from lks_templates.compute import compute
from lks_templates.formula import BLANK, Value, dependency_order, evaluate, parse
from lks_templates.spec import SpecSet, load_specs, validate_paths
from lks_templates.spec.models import (
    DatasetSpec,
    Derived,
    FieldSpec,
    FormSpec,
    Kpi,
    Rule,
    TemplateSpec,
)
from lks_templates.spec.names import name_problem

SPECS = Path(__file__).resolve().parent.parent / "template_specs"

DASHBOARDS = [
    "monthly-activity",
    "staffing-and-finance",
    "e-resources",
    "reach-and-registration",
    "impact",
]
MODEL_HOSPITAL_TRUST_TYPES = [
    "Acute Large",
    "Acute Medium",
    "Acute Multiservice",
    "Acute Small",
    "Acute Specialist",
    "Acute Teaching",
    "Ambulance",
    "Care Trust",
    "Community",
    "Mental Health & Learning Disability",
]
# Services hosted outside an NHS trust (ICBs, hospices, NHS England) need a choice too.
TRUST_TYPES = [*MODEL_HOSPITAL_TRUST_TYPES, "Other (not a Model Hospital trust type)"]
NHS_REGIONS = [
    "East of England",
    "London",
    "Midlands",
    "North East and Yorkshire",
    "North West",
    "South East",
    "South West",
]
SECTION_FREQUENCY = {
    "Context": "annual",
    "Staffing": "annual",
    "Finance": "annual",
    "Activity": "monthly",
    "Reach": "monthly",
    "E-resources": "monthly",
    "Impact": "monthly",
}
COUNTER_METRICS = {
    "counter_total_item_requests": "Total_Item_Requests",
    "counter_unique_item_requests": "Unique_Item_Requests",
    "counter_unique_title_requests": "Unique_Title_Requests",
    "counter_searches_regular": "Searches_Regular",
    "counter_no_license": "No_License",
    "counter_limit_exceeded": "Limit_Exceeded",
}
# The brief's list, one field per item (names as the specs spell them).
REQUIRED_FIELDS = """
org_name org_ods_code trust_type nhs_region staff_headcount_served staff_wte_served
learners_on_placement sites_served registered_user_definition
lks_wte_total lks_wte_para_professional lks_wte_professional lks_wte_qualified
lks_wte_embedded lks_headcount lks_wte_vacant
spend_total spend_staff spend_e_resources spend_print spend_document_supply income_total
evidence_searches search_hours enquiries_information enquiries_procedural training_sessions
training_attendees training_user_hours loans renewals documents_supplied_users
documents_supplied_libraries current_awareness_bulletins knowledge_mobilisation
registered_users new_registrations openathens_accounts openathens_active_users
counter_total_item_requests counter_unique_item_requests counter_unique_title_requests
counter_searches_regular counter_no_license counter_limit_exceeded
impact_returns impact_returns_positive case_studies_submitted time_saved_hours
satisfaction_score satisfaction_ratings
""".split()  # noqa: SIM905  (a word list reads better than 50 quoted strings)


@pytest.fixture(scope="module")
def specs() -> SpecSet:
    return load_specs([SPECS])


@pytest.fixture(scope="module")
def dataset(specs: SpecSet) -> DatasetSpec:
    spec = specs.get("supplementary-dataset")
    assert isinstance(spec, DatasetSpec)
    return spec


def template(specs: SpecSet, spec_id: str) -> TemplateSpec:
    spec = specs.get(spec_id)
    assert isinstance(spec, TemplateSpec)
    return spec


# ------------------------------------------------------------------------------ validity


def test_every_spec_validates_without_a_problem() -> None:
    specs, problems = validate_paths([SPECS])
    assert [p.format() for p in problems] == []
    ids = sorted(s.id for s in specs.all())
    assert ids == sorted(
        [
            "supplementary-dataset",
            "case-study-fields",
            "lks-faq",
            "impact-case-study",
            "supplementary-return",
            *DASHBOARDS,
            *(f"{template}-peers" for template in [*DASHBOARDS, "supplementary-return"]),
        ]
    )
    bumped = {s.id: s.version for s in specs.all() if s.version != "1.0.0"}
    # Patch releases: the case-study wording says "select Yes" (issue 9, item 8); minor
    # bumps: `weighted_by`, the KPI titled as a mean, the ratio shown as 1 : N; then the
    # `rollover: clear` of the figures counted afresh each year (issue 10).
    assert bumped == {
        "case-study-fields": "1.0.1",
        "impact-case-study": "1.0.1",
        "supplementary-dataset": "1.2.0",
        "e-resources": "1.1.0",
        "impact": "1.1.0",
        "monthly-activity": "1.1.0",
        "reach-and-registration": "1.2.0",
        "staffing-and-finance": "1.2.0",
        "supplementary-return": "1.2.0",
    }


def test_the_figures_counted_afresh_each_year_are_cleared_on_rollover() -> None:
    # Staff served, learners, LKS staffing at 31 March and money over the year belong to
    # one year; the service's identity and definitions carry over.
    dataset = next(d for d in load_specs([SPECS]).datasets if d.id == "supplementary-dataset")
    cleared = {f.name for f in dataset.fields if f.rollover == "clear"}
    assert {"staff_headcount_served", "staff_wte_served", "lks_wte_total", "spend_total"} <= cleared
    assert not cleared & {"org_name", "org_ods_code", "trust_type", "nhs_region"}
    assert all(
        f.section in ("Context", "Staffing", "Finance") for f in dataset.fields if f.name in cleared
    )


# ------------------------------------------------------------------------------- dataset


def test_dataset_has_the_briefs_fields_and_more_than_forty(dataset: DatasetSpec) -> None:
    names = [f.name for f in dataset.fields]
    assert len(names) >= 40
    assert len(set(names)) == len(names)
    assert [n for n in REQUIRED_FIELDS if n not in names] == []


def test_sections_and_frequencies(dataset: DatasetSpec) -> None:
    wrong = [
        (f.name, f.section, f.frequency)
        for f in dataset.fields
        if SECTION_FREQUENCY.get(f.section) != f.frequency
    ]
    assert wrong == []
    assert list(dict.fromkeys(f.section for f in dataset.fields)) == list(SECTION_FREQUENCY)


@pytest.mark.parametrize("dataset_id", ["supplementary-dataset", "case-study-fields"])
def test_every_field_is_fully_defined(specs: SpecSet, dataset_id: str) -> None:
    spec = specs.get(dataset_id)
    assert isinstance(spec, DatasetSpec)
    incomplete = []
    for f in spec.fields:
        sentence = " ".join(f.description.split())
        one_sentence = sentence.endswith(".") and ". " not in sentence.rstrip(".")
        if not (f.title and one_sentence and f.unit and f.guidance and f.example is not None):
            incomplete.append(f.name)
    assert incomplete == []


def test_names_are_safe_excel_defined_names(specs: SpecSet) -> None:
    names = [f.name for d in specs.datasets for f in d.fields]
    for spec in specs.templates:
        named: list[Derived | Kpi | Rule] = [*spec.derived, *spec.kpis, *spec.rules]
        names += [x.name for x in named]
    assert [n for n in names if name_problem(n) is not None] == []
    # No trailing digits after letters (fte1, abc1), so no name reads as a cell.
    assert [n for n in names if re.search(r"[a-z]\d+$", n)] == []


def test_enums_follow_model_hospital_and_nhs_regions(dataset: DatasetSpec) -> None:
    assert dataset.field("trust_type").constraints.enum == TRUST_TYPES
    assert "left out of trust-type benchmarking" in dataset.field("trust_type").guidance
    assert dataset.field("nhs_region").constraints.enum == NHS_REGIONS


@pytest.mark.parametrize(
    ("code", "valid"),
    [("RXX", True), ("R0A", True), ("RJ122", True), ("A81001", True), ("rxx", False),
     ("RX", False), ("RXX 1", False), ("RJ1222X", False)],
)  # fmt: skip
def test_ods_code_pattern(dataset: DatasetSpec, code: str, valid: bool) -> None:
    pattern = dataset.field("org_ods_code").constraints.pattern
    assert pattern is not None
    assert (re.fullmatch(pattern, code) is not None) is valid


def test_counts_have_minimum_zero(dataset: DatasetSpec) -> None:
    counts = [f for f in dataset.fields if f.type == "integer"]
    assert len(counts) >= 30
    assert [f.name for f in counts if f.constraints.minimum != 0] == []


def test_counter_fields_name_the_exact_counter_metric(dataset: DatasetSpec) -> None:
    for name, metric in COUNTER_METRICS.items():
        spec_field = dataset.field(name)
        assert spec_field.standard == f"COUNTER R5 ({metric})"
        assert metric in spec_field.description
        assert metric in spec_field.guidance


def test_standards_are_cited(dataset: DatasetSpec) -> None:
    standards = {f.name: f.standard for f in dataset.fields}
    assert standards["loans"] == "ISO 2789 (lending)"
    assert standards["training_user_hours"] == "SCONUL (user-hours of training)"
    assert standards["enquiries_information"] == "ISO 2789 (reference questions)"
    assert standards["lks_wte_total"] == "ISO 2789 (staff, at the end of the period)"


def test_guidance_settles_the_renewals_argument(specs: SpecSet, dataset: DatasetSpec) -> None:
    loans = " ".join(dataset.field("loans").guidance.split())
    assert loans.startswith("Do renewals count as loans? No:")
    assert "Not counted as loans" in dataset.field("renewals").guidance
    # Short loan periods mean more renewals; the field and the FAQ say the same.
    faq = specs.get("lks-faq")
    assert faq is not None and faq.kind == "faq"
    renewals = next(e for e in faq.entries if e.question == "Do renewals count as loans?")
    for text in (loans, " ".join(renewals.answer.split())):
        assert "a service with short loan periods look busier" in text
    # A book lent to another library is counted once: as a document supplied to it.
    assert "Loans to other libraries are counted in documents supplied" in loans
    supplied = dataset.field("documents_supplied_libraries").guidance
    assert "counted here, not also in loans" in supplied


def _satisfies(spec_field: FieldSpec, value: Any) -> bool:
    """Whether ``value`` is allowed by the field's type and constraints."""
    c = spec_field.constraints
    if value in ("", None):
        return not c.required
    if spec_field.type == "date":
        return isinstance(value, str) and dt.date.fromisoformat(value).isoformat() == value
    checks = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }
    if not checks[spec_field.type]:
        return False
    if isinstance(value, str):
        if c.enum is not None and value not in c.enum:
            return False
        if c.pattern is not None and not re.fullmatch(c.pattern, value):
            return False
        if c.minLength is not None and len(value) < c.minLength:
            return False
        if c.maxLength is not None and len(value) > c.maxLength:
            return False
    elif not isinstance(value, bool):
        if c.minimum is not None and value < c.minimum:
            return False
        if c.maximum is not None and value > c.maximum:
            return False
    return True


@pytest.mark.parametrize("dataset_id", ["supplementary-dataset", "case-study-fields"])
def test_examples_satisfy_their_constraints(specs: SpecSet, dataset_id: str) -> None:
    spec = specs.get(dataset_id)
    assert isinstance(spec, DatasetSpec)
    assert [f.name for f in spec.fields if not _satisfies(f, f.example)] == []


def test_shared_context_fields_are_defined_alike(specs: SpecSet, dataset: DatasetSpec) -> None:
    cases = specs.get("case-study-fields")
    assert isinstance(cases, DatasetSpec)
    for name in ("org_name", "org_ods_code"):
        assert cases.field(name).constraints == dataset.field(name).constraints
        assert cases.field(name).description == dataset.field(name).description


# ----------------------------------------------------------------------------- templates


def test_dashboards_use_the_faq_and_have_charts(specs: SpecSet) -> None:
    for spec_id in DASHBOARDS:
        spec = template(specs, spec_id)
        assert spec.faq == "lks-faq"
        assert spec.infographic is True
        assert len(spec.kpis) >= 4 and spec.rules and spec.charts
        assert {"org_name", "org_ods_code", "trust_type"} <= set(spec.profile)


def test_year_to_date_charts_are_cumulative(specs: SpecSet) -> None:
    year_to_date = [
        (spec.id, chart.title)
        for spec in specs.templates
        for chart in spec.charts
        if "year to date" in chart.title
    ]
    assert len(year_to_date) >= 4
    for spec_id, title in year_to_date:
        chart = next(c for c in template(specs, spec_id).charts if c.title == title)
        assert chart.cumulative is True


def test_supplementary_return_holds_every_field(specs: SpecSet, dataset: DatasetSpec) -> None:
    spec = template(specs, "supplementary-return")
    assert spec.period.frequency == "annual"
    assert spec.profile == [f.name for f in dataset.fields if f.frequency == "annual"]
    assert spec.measures == [f.name for f in dataset.fields if f.frequency == "monthly"]


def test_staffing_and_finance_is_annual_with_the_ratio_target(specs: SpecSet) -> None:
    spec = template(specs, "staffing-and-finance")
    assert spec.period.frequency == "annual"
    ratio = next(k for k in spec.kpis if k.name == "staff_per_qualified_librarian")
    assert (ratio.target, ratio.direction) == (1250, "lower")


# --------------------------------------------------------------- formulas on example data


def _environment(spec: TemplateSpec, dataset: DatasetSpec, **overrides: Any) -> dict[str, Any]:
    """Example values for the profile and every period, then derived figures per period."""
    periods = {"monthly": 12, "quarterly": 4, "annual": 1}[spec.period.frequency]
    env: dict[str, Any] = {n: dataset.field(n).example for n in spec.profile}
    env.update({n: [dataset.field(n).example] * periods for n in spec.measures})
    env.update(overrides)
    derived = {d.name: parse(d.formula) for d in spec.derived}
    for name in dependency_order(derived):
        values = []
        for period in range(periods):
            scope = {k: (v[period] if isinstance(v, list) else v) for k, v in env.items()}
            values.append(evaluate(derived[name], scope))
        env[name] = values
    return env


def _kpis(spec: TemplateSpec, env: dict[str, Any]) -> dict[str, Any]:
    formulas = {k.name: parse(k.formula) for k in spec.kpis}
    for name in dependency_order(formulas):
        env[name] = evaluate(formulas[name], env)
    return {name: env[name] for name in formulas}


# Worked by hand from the examples: 5,200 staff (headcount), 4,400 WTE, 3.8 qualified WTE,
# GBP 520,000 spent (95,000 on e-resources), 650 learners on placement, and each month 35
# searches, 140 search hours, 85 attendees, 420 loans, 140 documents supplied, 4,200 item
# requests (3,300 unique), 18 impact returns (15 positive), 30 hours saved, a satisfaction
# score of 4.6, 3,100 registered users, 2,700 OpenAthens accounts.
EXPECTED_KPIS = [
    ("monthly-activity", "searches_per_1000_staff", 35 * 12 / 5200 * 1000),
    ("monthly-activity", "mean_hours_per_search", 4.0),
    ("monthly-activity", "searches_per_qualified_wte", 420 / 3.8),
    ("monthly-activity", "attendees_per_1000_staff", 85 * 12 / 5200 * 1000),
    ("staffing-and-finance", "staff_per_qualified_librarian", 4400 / 3.8),
    ("staffing-and-finance", "vacancy_rate", 0.6 / 9.0 * 100),
    ("staffing-and-finance", "spend_per_staff_wte", 520000 / 4400),
    ("staffing-and-finance", "cost_per_collection_use", 520000 / (420 + 140 + 4200)),
    # Twelve months entered: twelve twelfths of the spend over the year's requests.
    ("e-resources", "cost_per_use", 95000 / (4200 * 12)),
    ("e-resources", "cost_per_unique_item", 95000 / (3300 * 12)),
    ("e-resources", "item_requests_ytd", 50400),
    # Potential users: 5,200 staff + 650 learners.
    ("reach-and-registration", "staff_registered_pct", 3100 / 5850 * 100),
    ("reach-and-registration", "openathens_pct", 2700 / 5850 * 100),
    ("reach-and-registration", "openathens_active_rate", 900 / 2700 * 100),
    ("impact", "positive_impact_rate", 15 / 18 * 100),
    ("impact", "time_saved_per_return", 30 / 18),
    ("impact", "mean_satisfaction", 4.6),
    ("impact", "returns_per_100_searches", 18 / 35 * 100),
    ("supplementary-return", "cost_per_use", 95000 / 4200),
    ("supplementary-return", "staff_registered_pct", 3100 / 5850 * 100),
]


def _computed(
    specs: SpecSet, spec_id: str, profile: dict[str, Any], measures: dict[str, list[Any]]
) -> Any:
    """The workbook's figures (blank and error wrappers included) for a partial return."""
    resolved = specs.resolve(spec_id)
    assert resolved is not None
    return compute(resolved, profile, measures)


def test_cost_per_use_is_pro_rated_to_the_months_entered(specs: SpecSet) -> None:
    profile = {"spend_e_resources": 95000}
    april = _computed(
        specs,
        "e-resources",
        profile,
        {"counter_total_item_requests": [4200], "counter_unique_item_requests": [3300]},
    )
    # One month: a twelfth of the spend, 7,916.67, over April's requests.
    assert april.kpis["cost_per_use"] == pytest.approx(95000 / 12 / 4200, rel=1e-12)
    assert april.kpis["cost_per_unique_item"] == pytest.approx(95000 / 12 / 3300, rel=1e-12)
    quarter = _computed(
        specs, "e-resources", profile, {"counter_total_item_requests": [4200, 3000, 4800]}
    )
    # Three months: 23,750 over 12,000 requests.
    assert quarter.kpis["cost_per_use"] == pytest.approx(23750 / 12000, rel=1e-12)


def test_hours_per_search_only_where_hours_are_recorded(specs: SpecSet) -> None:
    profile = {"staff_headcount_served": 5200}
    none = _computed(specs, "monthly-activity", profile, {"evidence_searches": [35, 30, 40]})
    assert none.kpis["mean_hours_per_search"] == ""
    assert none.derived["hours_per_search"][:3] == ["", "", ""]
    # Hours for April only: 140 hours over April's 35 searches, not over all 105.
    some = _computed(
        specs,
        "monthly-activity",
        profile,
        {"evidence_searches": [35, 30, 40], "search_hours": [140, None, None]},
    )
    assert some.kpis["mean_hours_per_search"] == pytest.approx(4.0)
    assert some.derived["hours_per_search"][:3] == [pytest.approx(4.0), "", ""]
    # Blank hours are "not recorded": no warning. A 0 beside searches is.
    assert some.rules["searches_with_hours"][:3] == [True, True, True]
    zero = _computed(
        specs, "monthly-activity", profile, {"evidence_searches": [35], "search_hours": [0]}
    )
    assert zero.rules["searches_with_hours"][0] is False


def test_mean_satisfaction_is_the_mean_of_all_ratings(specs: SpecSet) -> None:
    result = _computed(
        specs, "impact", {}, {"satisfaction_score": [5.0, 3.0], "satisfaction_ratings": [3, 60]}
    )
    # 3 ratings of 5 and 60 of 3: 195 / 63, not (5 + 3) / 2 = 4.
    assert result.kpis["mean_satisfaction"] == pytest.approx(195 / 63, rel=1e-12)


def test_no_qualified_librarian_is_blank_not_best(specs: SpecSet) -> None:
    result = _computed(
        specs, "staffing-and-finance", {"staff_wte_served": 4400, "lks_wte_qualified": 0}, {}
    )
    assert result.derived["staff_ratio"] == [""]
    assert result.kpis["staff_per_qualified_librarian"] == ""
    # Spending shares with no total spend are blank too, not 0%.
    shares = _computed(specs, "staffing-and-finance", {"spend_total": 0, "spend_staff": 0}, {})
    assert shares.derived["share_spend_staff"] == [""]


@pytest.mark.parametrize(("spec_id", "kpi", "expected"), EXPECTED_KPIS)
def test_kpis_compute_what_they_say(
    specs: SpecSet, dataset: DatasetSpec, spec_id: str, kpi: str, expected: float
) -> None:
    spec = template(specs, spec_id)
    assert _kpis(spec, _environment(spec, dataset))[kpi] == pytest.approx(expected, rel=1e-9)


@pytest.mark.parametrize("spec_id", [*DASHBOARDS, "supplementary-return"])
def test_example_figures_pass_every_rule(
    specs: SpecSet, dataset: DatasetSpec, spec_id: str
) -> None:
    spec = template(specs, spec_id)
    env = _environment(spec, dataset)
    scope = {k: (v[0] if isinstance(v, list) else v) for k, v in env.items()}
    results = {rule.name: evaluate(parse(rule.check), scope) for rule in spec.rules}
    assert results == {rule.name: True for rule in spec.rules}


@pytest.mark.parametrize("spec_id", [*DASHBOARDS, "supplementary-return"])
def test_a_blank_return_passes_every_error_rule(specs: SpecSet, spec_id: str) -> None:
    """Nothing typed yet must not be shown as a mistake."""
    spec = template(specs, spec_id)
    blank: dict[str, Value] = {n: BLANK for n in (*spec.profile, *spec.measures)}
    derived = {d.name: parse(d.formula) for d in spec.derived}
    for name in dependency_order(derived):
        blank[name] = evaluate(derived[name], blank)
    failing = [
        r.name
        for r in spec.rules
        if r.severity == "error" and evaluate(parse(r.check), blank) is not True
    ]
    assert failing == []


# Common entry mistakes, each with the rule that must catch it.
MISTAKES = [
    ("monthly-activity", "attendees_not_below_sessions",
     {"training_attendees": 3, "training_sessions": 5}),
    ("e-resources", "unique_not_above_total_requests", {"counter_unique_item_requests": 4300}),
    ("impact", "positive_not_above_returns", {"impact_returns_positive": 19}),
    ("staffing-and-finance", "banded_wte_not_above_total", {"lks_wte_professional": 5.0}),
    ("staffing-and-finance", "qualified_not_above_total", {"lks_wte_qualified": 8.5}),
    ("staffing-and-finance", "spend_parts_not_above_total", {"spend_staff": 402000}),
    ("staffing-and-finance", "served_wte_not_above_headcount", {"staff_wte_served": 5300}),
    ("staffing-and-finance", "headcount_not_below_wte", {"lks_headcount": 8}),
    ("reach-and-registration", "active_not_above_accounts", {"openathens_active_users": 2701}),
    # Twice the 5,850 potential users.
    ("reach-and-registration", "registered_not_far_above_staff", {"registered_users": 11701}),
    ("monthly-activity", "searches_with_hours", {"search_hours": 0}),
    ("monthly-activity", "user_hours_with_attendees", {"training_user_hours": 0}),
    # Minutes typed as hours: 110 user-hours as 6,600 (over 85 x 8 = 680), 140 search
    # hours as 8,400 (over 35 x 40 = 1,400).
    ("monthly-activity", "user_hours_not_minutes", {"training_user_hours": 6600}),
    ("monthly-activity", "search_hours_not_minutes", {"search_hours": 8400}),
    ("supplementary-return", "user_hours_not_minutes", {"training_user_hours": 6600}),
    ("supplementary-return", "search_hours_not_minutes", {"search_hours": 8400}),
    ("impact", "satisfaction_score_with_ratings", {"satisfaction_ratings": BLANK}),
    ("impact", "satisfaction_score_with_ratings", {"satisfaction_score": BLANK}),
    ("supplementary-return", "satisfaction_score_with_ratings", {"satisfaction_ratings": 0}),
]  # fmt: skip

# Figures that look odd but are right, each with the rule that must let them pass.
NOT_MISTAKES = [
    # Headcount not entered yet: nothing to compare the WTE with.
    ("staffing-and-finance", "served_wte_not_above_headcount", {"staff_headcount_served": BLANK}),
    ("supplementary-return", "served_wte_not_above_headcount", {"staff_headcount_served": BLANK}),
    # A service that does not record hours leaves them blank (the dataset is suggested).
    ("monthly-activity", "searches_with_hours", {"search_hours": BLANK}),
    ("monthly-activity", "user_hours_with_attendees", {"training_user_hours": BLANK}),
    # A full day's course for everyone; a 40-hour systematic review search.
    ("monthly-activity", "user_hours_not_minutes", {"training_user_hours": 680}),
    ("monthly-activity", "search_hours_not_minutes", {"search_hours": 1400}),
    ("impact", "satisfaction_score_with_ratings",
     {"satisfaction_score": BLANK, "satisfaction_ratings": 0}),
    ("reach-and-registration", "registered_not_far_above_staff", {"registered_users": 11700}),
]  # fmt: skip


@pytest.mark.parametrize(("spec_id", "rule_name", "overrides"), MISTAKES)
def test_rules_catch_common_mistakes(
    specs: SpecSet, dataset: DatasetSpec, spec_id: str, rule_name: str, overrides: dict[str, Any]
) -> None:
    spec = template(specs, spec_id)
    env = _environment(spec, dataset)
    scope = {k: (v[0] if isinstance(v, list) else v) for k, v in env.items()}
    scope.update(overrides)
    rule = next(r for r in spec.rules if r.name == rule_name)
    assert evaluate(parse(rule.check), scope) is False


@pytest.mark.parametrize(("spec_id", "rule_name", "overrides"), NOT_MISTAKES)
def test_rules_let_odd_but_right_figures_pass(
    specs: SpecSet, dataset: DatasetSpec, spec_id: str, rule_name: str, overrides: dict[str, Any]
) -> None:
    spec = template(specs, spec_id)
    env = _environment(spec, dataset)
    scope = {k: (v[0] if isinstance(v, list) else v) for k, v in env.items()}
    scope.update(overrides)
    rule = next(r for r in spec.rules if r.name == rule_name)
    assert evaluate(parse(rule.check), scope) is True


def test_banded_wte_rule_tolerates_floating_point(specs: SpecSet, dataset: DatasetSpec) -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in floating point; 0.3 WTE in total is still right.
    spec = template(specs, "staffing-and-finance")
    scope = {n: dataset.field(n).example for n in spec.profile}
    scope.update(lks_wte_para_professional=0.1, lks_wte_professional=0.2, lks_wte_total=0.3,
                 lks_wte_qualified=0.2, lks_wte_embedded=0, lks_headcount=1)  # fmt: skip
    rule = next(r for r in spec.rules if r.name == "banded_wte_not_above_total")
    assert evaluate(parse(rule.check), scope) is True


# ------------------------------------------------------------------- case study and FAQ


def test_case_study_form(specs: SpecSet) -> None:
    form = specs.get("impact-case-study")
    fields = specs.get("case-study-fields")
    assert isinstance(form, FormSpec) and isinstance(fields, DatasetSpec)
    assert form.dataset == "case-study-fields"
    assert form.fields == [f.name for f in fields.fields]
    impacts = [f for f in fields.fields if f.name.startswith("impact_")]
    assert len(impacts) == 9 and {f.type for f in impacts} == {"boolean"}
    assert fields.field("case_narrative").constraints.maxLength == 3000
    assert fields.field("case_date").type == "date"
    groups = fields.field("staff_group").constraints.enum or []
    # Electronic Staff Record groups, named as ESR names them (bar its "Additional" prefix).
    for group in (
        "Nursing and midwifery",
        "Estates and ancillary",
        "Professional scientific and technical",
        "Additional clinical services",
    ):
        assert group in groups


def test_case_study_rules(specs: SpecSet) -> None:
    form = specs.get("impact-case-study")
    assert isinstance(form, FormSpec)
    rules = {r.name: parse(r.check) for r in form.rules}
    impacts = [n for n in form.fields if n.startswith("impact_")]
    nothing_ticked: dict[str, Value] = {n: BLANK for n in form.fields}
    one_ticked = {**nothing_ticked, "impact_policy_guidance": True}
    assert evaluate(rules["at_least_one_impact"], nothing_ticked) is False
    assert evaluate(rules["at_least_one_impact"], one_ticked) is True
    assert evaluate(rules["at_least_one_impact"], {n: False for n in impacts}) is False
    hours_no_tick = {**one_ticked, "case_time_saved_hours": 4}
    assert evaluate(rules["time_saved_ticked"], hours_no_tick) is False
    hours_ticked = {**hours_no_tick, "impact_time_saving": True}
    assert evaluate(rules["time_saved_ticked"], hours_ticked) is True


def test_faq_answers_the_toolbox_questions(specs: SpecSet) -> None:
    faq = specs.get("lks-faq")
    assert faq is not None and faq.kind == "faq"
    text = " ".join(f"{e.question} {e.answer}" for e in faq.entries)
    for phrase in ("sensitive benchmarking", "1,250", "Unique_Title_Requests",
                   "registered user", "regional", "identifies a patient", "renewals"):  # fmt: skip
        assert phrase in text, phrase
    topics = list(dict.fromkeys(e.topic for e in faq.entries))
    assert topics == ["Why we collect", "How to count", "Sending your return", "Benchmarking",
                      "Confidentiality"]  # fmt: skip


def test_titles_fit_their_tiles_and_charts(specs: SpecSet) -> None:
    # Measured on the rendered dashboards: a KPI tile's heading holds about 38 characters
    # of Arial before it spills; chart titles wrap after about 60.
    long_kpis = [k.title for s in specs.templates for k in s.kpis if len(k.title) > 38]
    long_charts = [c.title for s in specs.templates for c in s.charts if len(c.title) > 60]
    assert (long_kpis, long_charts) == ([], [])


def test_figures_for_part_of_the_year_say_so(specs: SpecSet) -> None:
    # A monthly dashboard's count so far over a yearly population grows month by month;
    # a title that reads as the year's figure would understate it all year.
    partial = {
        (spec.id, k.name): k.title
        for spec in specs.templates
        if spec.period.frequency == "monthly"
        for k in spec.kpis
        if "per 1,000 staff" in k.unit or k.unit == "searches per WTE"
    }
    assert sorted(partial) == [
        ("e-resources", "item_requests_per_1000_staff"),
        ("monthly-activity", "attendees_per_1000_staff"),
        ("monthly-activity", "document_supply_per_1000_staff"),
        ("monthly-activity", "enquiries_per_1000_staff"),
        ("monthly-activity", "searches_per_1000_staff"),
        ("monthly-activity", "searches_per_qualified_wte"),
        ("reach-and-registration", "new_registrations_per_1000_staff"),
    ]
    assert [t for t in partial.values() if not t.endswith(" so far")] == []


def test_review_wording(specs: SpecSet, dataset: DatasetSpec) -> None:
    def kpi(spec_id: str, name: str) -> Any:
        return next(k for k in template(specs, spec_id).kpis if k.name == name)

    def flat(text: str) -> str:
        return " ".join(text.split())

    faq = specs.get("lks-faq")
    assert faq is not None and faq.kind == "faq"
    answers = {e.question: flat(e.answer) for e in faq.entries}
    # E-resource cost per use is pro-rated, in the KPI and the FAQ alike.
    cost_per_use = flat(kpi("e-resources", "cost_per_use").description)
    assert "spend pro-rated to the months entered" in cost_per_use
    assert (
        "spend pro-rated to the months entered"
        in answers["How is e-resource cost per use worked out?"]
    )
    # Cost per collection use is the whole service's cost, as ISO 11620 defines it.
    collection_use = kpi("staffing-and-finance", "cost_per_collection_use").description
    assert "all costs, staff included" in collection_use
    # Impact returns per search is not a response rate, nor better when higher.
    returns = kpi("impact", "returns_per_100_searches")
    assert (returns.direction, "response rate" in returns.description) == ("neutral", False)
    assert kpi("reach-and-registration", "staff_registered_pct").title == (
        "Mean % of potential users registered"
    )
    # Evidence search or enquiry: the FAQ and the field give the same 15 minutes.
    assert "under 15 minutes" in flat(dataset.field("evidence_searches").guidance)
    assert "under 15 minutes" in answers["When is an enquiry an evidence search?"]
    # The annual return counts distinct accounts over the year, never monthly sums.
    active = flat(dataset.field("openathens_active_users").guidance)
    assert "never add up the monthly figures" in active
    # Nothing promised about publication that the project cannot keep.
    cases = specs.get("case-study-fields")
    assert isinstance(cases, DatasetSpec)
    promises = [*answers.values(), flat(cases.field("consent_to_share").guidance)]
    assert [t for t in promises if "publish it" in t or "not published without" in t] == []
    assert (
        "Ask your regional lead how figures are used and shared"
        in answers["Who sees the figures I send?"]
    )
    assert "Ask your regional lead how case studies are used and shared" in flat(
        cases.field("consent_to_share").guidance
    )


# ------------------------------------------------------------------ case-study wording
# The case-study form says what a person does with its Yes/No drop-downs ("select Yes"),
# never a spreadsheet value ("set it to TRUE") or a tick box it does not have (issue 9,
# item 8). Read from the shipped workbook with openpyxl.

FORM = SPECS.parent / "dist" / "impact-case-study.xlsx"


def _form_texts(book: openpyxl.Workbook) -> list[tuple[str, str, str]]:
    """Every text a person reads: cell text that is not a formula, input prompts."""
    found: list[tuple[str, str, str]] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    found.append((sheet.title, cell.coordinate, cell.value))
        for rule in sheet.data_validations.dataValidation:
            for text in (rule.prompt, rule.promptTitle, rule.error):
                if text:
                    found.append((sheet.title, str(rule.sqref), text))
    return found


def test_checks_say_select_yes_for_the_yes_no_drop_downs() -> None:
    book = openpyxl.load_workbook(FORM)
    checks = book["Checks"]
    messages = [checks.cell(row, 2).value for row in (7, 8)]
    assert messages == [
        "No impact is marked. Select Yes for at least one impact, or say in the story why "
        "the case is worth telling without one.",
        'Time saved is given in hours but "Saved time" is not Yes; select Yes for it.',
    ]
    # The impact cells the checks name are drop-downs offering exactly Yes and No.
    form = book["Form"]
    lists = {
        str(rule.sqref): rule.formula1
        for rule in form.data_validations.dataValidation
        if rule.type == "list"
    }
    for row in range(14, 23):
        assert form.cell(row, 2).value, row
        assert lists[f"C{row}"] == '"Yes,No"', row


def test_no_text_the_person_reads_says_true_or_tick() -> None:
    wrong = [
        (sheet, where, text)
        for sheet, where, text in _form_texts(openpyxl.load_workbook(FORM))
        if re.search(r"\bTRUE\b|\btick", text, re.IGNORECASE)
    ]
    assert wrong == []
