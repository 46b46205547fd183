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

import pytest

from lks_templates.formula import BLANK, dependency_order, evaluate, parse
from lks_templates.spec import SpecSet, load_specs, validate_paths
from lks_templates.spec.models import DatasetSpec, FieldSpec, FormSpec, TemplateSpec
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
satisfaction_score
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
        ]
    )
    assert {s.version for s in specs.all()} == {"1.0.0"}


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
        names += [x.name for x in (*spec.derived, *spec.kpis, *spec.rules)]
    assert [n for n in names if name_problem(n) is not None] == []
    # No trailing digits after letters (fte1, abc1), so no name reads as a cell.
    assert [n for n in names if re.search(r"[a-z]\d+$", n)] == []


def test_enums_follow_model_hospital_and_nhs_regions(dataset: DatasetSpec) -> None:
    assert dataset.field("trust_type").constraints.enum == MODEL_HOSPITAL_TRUST_TYPES
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


def test_guidance_settles_the_renewals_argument(dataset: DatasetSpec) -> None:
    assert dataset.field("loans").guidance.startswith("Do renewals count as loans? No:")
    assert "Not counted as loans" in dataset.field("renewals").guidance


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
# GBP 520,000 spent (95,000 on e-resources), and each month 35 searches, 140 search hours,
# 85 attendees, 420 loans, 140 documents supplied, 4,200 item requests, 18 impact returns
# (15 positive), 30 hours saved, 3,100 registered users, 2,700 OpenAthens accounts.
EXPECTED_KPIS = [
    ("monthly-activity", "searches_per_1000_staff", 35 * 12 / 5200 * 1000),
    ("monthly-activity", "mean_hours_per_search", 4.0),
    ("monthly-activity", "searches_per_qualified_wte", 420 / 3.8),
    ("monthly-activity", "attendees_per_1000_staff", 85 * 12 / 5200 * 1000),
    ("staffing-and-finance", "staff_per_qualified_librarian", 4400 / 3.8),
    ("staffing-and-finance", "vacancy_rate", 0.6 / 9.0 * 100),
    ("staffing-and-finance", "spend_per_staff_wte", 520000 / 4400),
    ("staffing-and-finance", "cost_per_collection_use", 520000 / (420 + 140 + 4200)),
    ("e-resources", "cost_per_use", 95000 / (4200 * 12)),
    ("e-resources", "item_requests_ytd", 50400),
    ("reach-and-registration", "staff_registered_pct", 3100 / 5200 * 100),
    ("reach-and-registration", "openathens_active_rate", 900 / 2700 * 100),
    ("impact", "positive_impact_rate", 15 / 18 * 100),
    ("impact", "time_saved_per_return", 30 / 18),
    ("supplementary-return", "cost_per_use", 95000 / 4200),
]


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
    blank = {n: BLANK for n in (*spec.profile, *spec.measures)}
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
    assert "Nursing and midwifery" in (fields.field("staff_group").constraints.enum or [])


def test_case_study_rules(specs: SpecSet) -> None:
    form = specs.get("impact-case-study")
    assert isinstance(form, FormSpec)
    rules = {r.name: parse(r.check) for r in form.rules}
    impacts = [n for n in form.fields if n.startswith("impact_")]
    nothing_ticked = {n: BLANK for n in form.fields}
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
