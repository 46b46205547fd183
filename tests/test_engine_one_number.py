"""One name, one number: figures with the same title agree, recalculated in LibreOffice.

Every shipped template is built, filled with a plausible year (each field's example,
varied month by month within its constraints) and recalculated. Each figure is gathered
under its title: a KPI (its tile shows the KPI's cell), the Year to date of a measure and
of a derived figure. Titles that read the same (same words, ignoring case, punctuation,
"year to date" and small words; "%" is a word) must give the same value, and ``compute()`` must
give what LibreOffice shows. The Impact satisfaction case is also worked by hand.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from engine import Computed, fill_by_names, read_computed, recalculate

from lks_templates.build import build_workbook, latest_templates
from lks_templates.compute import compute
from lks_templates.rules.periods import period_slots
from lks_templates.spec import ResolvedTemplate
from lks_templates.spec.models import FieldSpec, TemplateSpec

pytestmark = pytest.mark.engine

SPECS = Path(__file__).parent.parent / "template_specs"
TEMPLATES = [r for r in latest_templates([SPECS]) if isinstance(r.template, TemplateSpec)]
SMALL_WORDS = {"of", "an", "a", "the", "in", "so", "far", "year", "to", "date"}


def words(title: str) -> frozenset[str]:
    """What a title says, for matching: "Returns reporting an impact (%)" and "Returns
    reporting an impact, %" read the same."""
    text = title.lower().replace("%", " percent ")  # a share is not the count it shares
    return frozenset(re.findall(r"[a-z0-9]+", text)) - SMALL_WORDS


def test_words_match_the_issues_case() -> None:
    # The case the issue saw: these two titles read the same, so must agree.
    assert words("Potential users registered (%)") == words("% of potential users registered")
    assert words("Mean % of potential users registered") != words("Potential users registered (%)")
    assert words("Returns reporting an impact") != words("Returns reporting an impact, %")


def _plausible(field: FieldSpec, month: int) -> Any:
    """The field's example, varied a little by month, inside its minimum and maximum."""
    example = field.example
    if field.type not in ("number", "integer") or not isinstance(example, int | float):
        return example
    value = float(example) * (0.9 + 0.02 * month)
    low, high = field.constraints.minimum, field.constraints.maximum
    if low is not None:
        value = max(value, float(low))
    if high is not None:
        value = min(value, float(high))
    return round(value) if field.type == "integer" else round(value, 1)


def _scenario(resolved: ResolvedTemplate) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    assert isinstance(resolved.template, TemplateSpec)
    periods = len(period_slots(resolved.template.period))
    profile = {f.name: _plausible(f, 0) for f in resolved.profile_fields}
    measures = {f.name: [_plausible(f, m) for m in range(periods)] for f in resolved.measure_fields}
    return profile, measures


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Computed]:
    """Template id -> what LibreOffice computed for its plausible year (one batch)."""
    work = tmp_path_factory.mktemp("one-number")
    filled = []
    for resolved in TEMPLATES:
        blank = build_workbook(resolved, work / f"{resolved.template.id}-blank.xlsx")
        profile, measures = _scenario(resolved)
        values = {"reporting_year": 2025, **profile, **measures}
        filled.append(fill_by_names(blank, work / f"{resolved.template.id}.xlsx", values))
    out = recalculate(filled, tmp_path_factory.mktemp("one-number-recalculated"))
    return {r.template.id: read_computed(p) for r, p in zip(TEMPLATES, out, strict=True)}


def _figures(resolved: ResolvedTemplate, computed: Computed) -> list[tuple[str, str, Any]]:
    """(title, where, value shown) for every KPI and Year to date."""
    spec = resolved.template
    assert isinstance(spec, TemplateSpec)
    found = [(k.title, f"KPI {k.name}", computed.names[k.name][0]) for k in spec.kpis]
    if len(computed.names[spec.measures[0]]) > 1:  # a Year to date column
        found += [(f.title, f"Year to date {f.name}", computed.beside[f.name])
                  for f in resolved.measure_fields]  # fmt: skip
        found += [(d.title, f"Year to date {d.name}", computed.beside[d.name])
                  for d in spec.derived]  # fmt: skip
    return [(t, w, v) for t, w, v in found if isinstance(v, int | float)]


@pytest.mark.parametrize("resolved", TEMPLATES, ids=lambda r: r.template.id)
def test_same_title_same_value(resolved: ResolvedTemplate, shown: dict[str, Computed]) -> None:
    figures = _figures(resolved, shown[resolved.template.id])
    assert len(figures) >= len(resolved.template.kpis)  # type: ignore[union-attr]
    by_words: dict[frozenset[str], list[tuple[str, str, Any]]] = {}
    for figure in figures:
        by_words.setdefault(words(figure[0]), []).append(figure)
    for group in by_words.values():
        first = group[0]
        for other in group[1:]:
            assert other[2] == pytest.approx(first[2], rel=1e-9), (first, other)


@pytest.mark.parametrize("resolved", TEMPLATES, ids=lambda r: r.template.id)
def test_compute_gives_what_libreoffice_shows(
    resolved: ResolvedTemplate, shown: dict[str, Computed]
) -> None:
    computed = shown[resolved.template.id]
    profile, measures = _scenario(resolved)
    result = compute(resolved, profile, measures, 2025)
    for name, value in result.kpis.items():
        cell = computed.names[name][0]
        if value == "":
            assert cell in (None, ""), name
        else:
            assert cell == pytest.approx(value, rel=1e-9), name
    for name, value in {**result.measure_totals, **result.derived_totals}.items():
        if value == "":
            assert computed.beside[name] in (None, ""), name
        else:
            assert computed.beside[name] == pytest.approx(value, rel=1e-9), name


def test_impact_satisfaction_year_to_date_is_the_weighted_kpi(
    shown: dict[str, Computed],
) -> None:
    impact = next(r for r in TEMPLATES if r.template.id == "impact")
    _, measures = _scenario(impact)
    scores, ratings = measures["satisfaction_score"], measures["satisfaction_ratings"]
    by_hand = sum(s * r for s, r in zip(scores, ratings, strict=True)) / sum(ratings)
    plain = sum(scores) / len(scores)
    assert abs(by_hand - plain) > 1e-3  # the scenario tells the two apart
    computed = shown["impact"]
    assert computed.beside["satisfaction_score"] == pytest.approx(by_hand, rel=1e-12)
    assert computed.names["mean_satisfaction"][0] == pytest.approx(by_hand, rel=1e-12)
