"""Plausible, clearly synthetic filled returns, so that ``collect`` and ``benchmark`` can be
tried in two commands. Every name says "Example"; ODS codes start ``EX``. Deterministic:
the same template, count and seed give the same values.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

from lks_templates.spec.models import FieldSpec, ResolvedTemplate, TemplateSpec

_SIZES = {
    "Acute Teaching": 12000, "Acute Large": 8000, "Acute Medium": 5000, "Acute Small": 3000,
    "Acute Specialist": 2500, "Acute Multiservice": 7000,
    "Mental Health & Learning Disability": 4000,
    "Community": 3500, "Ambulance": 4500, "Care Trust": 2000,
}  # fmt: skip
"""Typical NHS staff headcount served, by trust type (illustrative, not data)."""
_PER_1000_STAFF = {
    "evidence_searches": 2.0, "search_hours": 6.0, "enquiries_information": 8.0,
    "enquiries_procedural": 15.0, "training_sessions": 1.5, "training_attendees": 9.0,
    "training_user_hours": 12.0, "users_inducted": 6.0, "loans": 20.0, "renewals": 10.0,
    "documents_supplied_users": 4.0, "documents_supplied_libraries": 1.0,
    "current_awareness_bulletins": 0.3, "knowledge_mobilisation": 0.5, "physical_visits": 60.0,
    "new_registrations": 8.0, "openathens_active_users": 150.0,
    "counter_total_item_requests": 300.0, "counter_unique_item_requests": 200.0,
    "counter_unique_title_requests": 40.0, "counter_searches_regular": 250.0,
    "counter_no_license": 6.0, "counter_limit_exceeded": 1.0, "impact_returns": 0.8,
    "impact_returns_positive": 0.7, "case_studies_submitted": 0.05, "time_saved_hours": 2.0,
    "satisfaction_ratings": 1.0,
}  # fmt: skip
"""Monthly activity per 1,000 staff served (illustrative)."""


def _known(index: int, staff: int, trust_type: str, rng: random.Random) -> dict[str, object]:
    """Consistent values of the profile fields the shipped templates use."""
    wte_lks = max(1.0, round(staff / 1000 * rng.uniform(0.6, 1.6), 1))
    fixed: dict[str, object] = {
        "org_name": f"Example Trust {index:03d} Library and Knowledge Service",
        "org_ods_code": f"EX{index:03d}",
        "trust_type": trust_type,
        "staff_headcount_served": staff,
        "staff_wte_served": round(staff * rng.uniform(0.8, 0.9), 1),
        "learners_on_placement": int(staff * rng.uniform(0.05, 0.2)),
        "sites_served": rng.randint(1, 6),
        "lks_wte_total": wte_lks,
        "lks_wte_professional": round(wte_lks * 0.6, 1),
        "lks_wte_para_professional": round(wte_lks - round(wte_lks * 0.6, 1), 1),
        "lks_wte_qualified": round(wte_lks * 0.5, 1),
        "lks_wte_embedded": round(wte_lks * 0.1, 1),
        "lks_headcount": int(wte_lks * 1.2) + 1,
        "lks_wte_vacant": round(wte_lks * rng.choice([0, 0, 0.05, 0.1]), 1),
        "spend_staff": int(wte_lks * 38000),
        "spend_e_resources": int(staff * rng.uniform(8, 20)),
        "spend_print": int(staff * rng.uniform(0.5, 2)),
        "spend_document_supply": int(staff * rng.uniform(0.2, 1)),
        "income_total": int(staff * rng.uniform(0, 3)),
        "registered_user_notes": "Example data, not a real service.",
    }
    parts = ("spend_staff", "spend_e_resources", "spend_print", "spend_document_supply")
    fixed["spend_total"] = sum(int(str(fixed[p])) for p in parts) + int(staff * 2)
    return fixed


def _profile(field: FieldSpec, fixed: dict[str, object], rng: random.Random) -> object:
    name, rules = field.name, field.constraints
    if name in fixed:
        return fixed[name]
    if rules.enum:
        return rng.choice(rules.enum)
    if field.type in ("integer", "number"):
        return rules.minimum if rules.minimum is not None else 0
    return "Example"


def _measure(
    field: FieldSpec, staff: int, rng: random.Random, profile: dict[str, object]
) -> float | int:
    name, rules = field.name, field.constraints
    if name == "satisfaction_score":
        return round(rng.uniform(3.8, 4.9), 1)
    if name in ("registered_users", "openathens_accounts"):
        share = rng.uniform(0.3, 0.7) if name == "registered_users" else rng.uniform(0.3, 0.6)
        return int(staff * share)
    rate = _PER_1000_STAFF.get(name, 1.0)
    value = staff / 1000 * rate * rng.uniform(0.6, 1.5)
    if rules.maximum is not None:
        value = min(value, float(rules.maximum))
    return round(value) if field.type == "integer" else round(value, 1)


def example_values(resolved: ResolvedTemplate, index: int, seed: int = 1) -> dict[str, Any]:
    """The values of example return number ``index`` of ``resolved`` (deterministic)."""
    rng = random.Random(f"{seed}:{resolved.template.id}:{index}")
    trust_type = rng.choice(sorted(_SIZES))
    staff = int(_SIZES[trust_type] * rng.uniform(0.6, 1.5))
    fixed = _known(index, staff, trust_type, rng)
    profile = {f.name: _profile(f, fixed, rng) for f in resolved.profile_fields}
    values: dict[str, Any] = {"reporting_year": 2025, **profile}
    periods = {"monthly": 12, "quarterly": 4, "annual": 1}
    spec = resolved.template
    count = periods[spec.period.frequency] if isinstance(spec, TemplateSpec) else 1
    for field in resolved.measure_fields:
        monthly = [_measure(field, staff, rng, profile) for _ in range(count)]
        if count == 1 and field.aggregate == "sum" and field.name not in ("satisfaction_score",):
            monthly = [int(m * 12) if isinstance(m, int) else round(m * 12, 1) for m in monthly]
        values[field.name] = monthly
    # Parts never exceed their whole (the templates' rules check this).
    for part, whole in (
        ("impact_returns_positive", "impact_returns"),
        ("counter_unique_item_requests", "counter_total_item_requests"),
        ("counter_unique_title_requests", "counter_unique_item_requests"),
    ):
        if part in values and whole in values:
            pairs = zip(values[part], values[whole], strict=True)
            values[part] = [min(p, w) for p, w in pairs]
    return values


def write_examples(
    resolved: ResolvedTemplate, services: int, out: Path, *, seed: int = 1
) -> list[Path]:
    """Write ``services`` example returns of ``resolved`` into ``out``; return their paths."""
    from lks_templates.build import build_workbook

    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(1, services + 1):
        path = out / f"{resolved.template.id}-example-{index:03d}.xlsx"
        build_workbook(
            resolved, path, values=example_values(resolved, index, seed), faq=resolved.faq
        )
        paths.append(path)
    return paths
