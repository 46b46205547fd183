"""Targets read as policy reads them: a ratio shown as ``1 : 1,447``, "Target 1 : 1,250 or
better", on the Dashboard tile and the Infographic, worked out by hand from the spec."""

from __future__ import annotations

from pathlib import Path

import pytest

from lks_templates.layout import plan_workbook
from lks_templates.layout.dashboard import target_text
from lks_templates.rules.numbers import format_number, is_ratio, split_literals
from lks_templates.spec import load_specs

SPECS = Path(__file__).parent.parent / "template_specs"
RATIO = '"1 : "#,##0'


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (1447.4, RATIO, "1 : 1,447"),
        (1447.5, RATIO, "1 : 1,448"),  # half away from zero, as a spreadsheet rounds
        (12.25, '"about "0.0" hours"', "about 12.3 hours"),
        (5.5, "£#,##0.00", "£5.50"),  # no literal: unchanged
    ],
)
def test_quoted_text_around_the_number(value: float, fmt: str, shown: str) -> None:
    assert format_number(value, fmt) == shown


def test_split_literals_and_ratio() -> None:
    assert split_literals(RATIO) == ("1 : ", "#,##0", "")
    assert (is_ratio(RATIO), is_ratio('"1:"0'), is_ratio("#,##0"), is_ratio('"2 : "0')) == (
        True,
        True,
        False,
        False,
    )


@pytest.mark.parametrize("template_id", ["staffing-and-finance", "supplementary-return"])
def test_staff_per_librarian_reads_as_policy(template_id: str) -> None:
    resolved = load_specs([SPECS]).resolve(template_id)
    assert resolved is not None
    kpi = next(k for k in resolved.template.kpis if k.name == "staff_per_qualified_librarian")  # type: ignore[union-attr]
    assert target_text(kpi) == "Target 1 : 1,250 or better"
    plan = plan_workbook(resolved)
    sheets = {s.name: s for s in plan.sheets}
    tile = [
        c for c in sheets["Dashboard"].cells.values() if c.value == "Target 1 : 1,250 or better"
    ]
    assert len(tile) == 1
    shows_ratio = [c for c in sheets["Dashboard"].cells.values() if c.number_format == RATIO]
    assert len(shows_ratio) == 1 and shows_ratio[0].formula is not None
    # The annual return has no Infographic; the staffing dashboard has.
    assert ("Infographic" in sheets) == (template_id == "staffing-and-finance")
    if "Infographic" in sheets:
        texts = [c.formula or "" for c in sheets["Infographic"].cells.values()]
        assert sum('" (1 : 1,250 or better)"' in t for t in texts) == 1
