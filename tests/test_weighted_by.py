"""``weighted_by``: a ``mean`` field's Year to date weighted by another field.

Values worked by hand; hostile specs are the shipped ones with one line changed, and each
must give its exact code at the exact line. The LibreOffice proof is in
``test_engine_one_number.py``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lks_templates.compute import compute
from lks_templates.formula import BLANK, Value
from lks_templates.rules.semantics import year_to_date_value
from lks_templates.spec import load_specs, validate_paths

SPECS = Path(__file__).parent.parent / "template_specs"

SCORES: list[Value] = [4.0, 5.0, BLANK, 4.5]
RATINGS: list[Value] = [10.0, 2.0, BLANK, 30.0]


def test_weighted_mean_by_hand() -> None:
    # (4 x 10 + 5 x 2 + 4.5 x 30) / 42 = 185 / 42; the plain mean would be 4.5.
    assert year_to_date_value("mean", SCORES, RATINGS) == pytest.approx(185 / 42, rel=1e-15)
    assert year_to_date_value("mean", SCORES) == pytest.approx(4.5, rel=1e-15)


def test_weighted_mean_is_blank_without_a_score_or_a_weight() -> None:
    assert year_to_date_value("mean", [BLANK, BLANK], RATINGS[:2]) == ""
    assert (
        year_to_date_value("mean", SCORES, [BLANK, BLANK, BLANK, BLANK]) == ""
    )  # ratings add up to 0
    assert year_to_date_value("mean", SCORES, [0.0] * 4) == ""


def test_impact_year_to_date_satisfaction_is_the_kpi() -> None:
    impact = load_specs([SPECS]).resolve("impact")
    assert impact is not None
    scores = [4.5, 4.7, 4.5]
    ratings = [40, 10, 50]
    result = compute(
        impact,
        {"staff_headcount_served": 5000},
        {"satisfaction_score": scores, "satisfaction_ratings": ratings},
    )
    by_hand = (4.5 * 40 + 4.7 * 10 + 4.5 * 50) / 100  # 4.52; the mean of means is 4.5667
    assert result.measure_totals["satisfaction_score"] == pytest.approx(by_hand, rel=1e-12)
    assert result.kpis["mean_satisfaction"] == pytest.approx(by_hand, rel=1e-12)


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "specs"
    shutil.copytree(SPECS, target)
    return target


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_weight_not_a_measure_of_the_template_is_located(tmp_path: Path) -> None:
    specs = _copy(tmp_path)
    impact = specs / "impact.yaml"
    impact.write_text(impact.read_text().replace("  - satisfaction_ratings\n", "", 1))
    line = _line_of(impact, "  - satisfaction_score")
    _, problems = validate_paths([specs])
    found = [(p.code, Path(p.file).name, p.line) for p in problems if p.code.startswith("weight")]
    assert found == [("weight-not-measure", "impact.yaml", line)]
    assert "`satisfaction_ratings`" in next(p.message for p in problems if p.line == line)


@pytest.mark.parametrize(
    ("field", "weight"),
    [
        ("time_saved_hours", "impact_returns"),  # a weight on a field that is not a mean
        ("satisfaction_score", "satisfaction_rating"),  # a field that does not exist
        ("satisfaction_score", "org_name"),  # a text field
    ],
)
def test_bad_weight_in_the_dataset_is_located(tmp_path: Path, field: str, weight: str) -> None:
    specs = _copy(tmp_path)
    dataset = specs / "supplementary-dataset.yaml"
    text = dataset.read_text().replace("    weighted_by: satisfaction_ratings\n", "", 1)
    name = f"  - name: {field}\n"
    assert name in text
    dataset.write_text(text.replace(name, f"{name}    weighted_by: {weight}\n", 1))
    line = _line_of(dataset, f"weighted_by: {weight}")
    _, problems = validate_paths([specs])
    found = [(p.code, Path(p.file).name, p.line) for p in problems]
    assert ("bad-weight", "supplementary-dataset.yaml", line) in found
    assert [p.code for p in problems if "weight" in p.code] == ["bad-weight"]
