"""Chart XML of built workbooks: honest axes and readable period labels."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import yaml

from lks_templates.build import build_workbook
from lks_templates.spec import load_specs

SHIPPED = Path(__file__).parent.parent / "template_specs"
TEMPLATES = sorted(
    path.stem
    for path in SHIPPED.glob("*.yaml")
    if yaml.safe_load(path.read_text(encoding="utf-8")).get("kind") == "template"
)


@pytest.fixture(scope="module")
def charts(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Template id -> the XML of each chart part of its built workbook."""
    out = tmp_path_factory.mktemp("charts")
    found = {}
    specs = load_specs([SHIPPED])
    for template_id in TEMPLATES:
        resolved = specs.resolve(template_id)
        assert resolved is not None
        path = build_workbook(resolved, out / f"{template_id}.xlsx")
        with zipfile.ZipFile(path) as archive:
            found[template_id] = [
                archive.read(name).decode()
                for name in sorted(archive.namelist())
                if re.fullmatch(r"xl/charts/chart\d+\.xml", name)
            ]
    return found


@pytest.mark.parametrize("template_id", TEMPLATES)
def test_value_axes_start_at_zero(charts: dict[str, list[str]], template_id: str) -> None:
    kinds = {"c:barChart", "c:lineChart", "c:areaChart"}
    checked = 0
    for xml in charts[template_id]:
        plotted = set(re.findall(r"<(c:\w+Chart)>", xml))
        if not plotted & kinds:
            continue
        value_axes = re.findall(r"<c:valAx>.*?</c:valAx>", xml, re.DOTALL)
        assert len(value_axes) == 1
        assert '<c:min val="0"/>' in value_axes[0]
        checked += 1
    assert checked >= 1


def test_line_charts_are_among_those_checked(charts: dict[str, list[str]]) -> None:
    lines = [xml for found in charts.values() for xml in found if "<c:lineChart>" in xml]
    assert lines and all('<c:min val="0"/>' in xml for xml in lines)


@pytest.mark.parametrize("template_id", ["monthly-activity", "e-resources"])
def test_month_labels_are_short_and_uniform(charts: dict[str, list[str]], template_id: str) -> None:
    """One line per label (``May 25`` wrapped, ``Jun 25`` did not): ``Apr`` ... ``Mar``, or
    ``A`` ... ``M`` in charts three to a row; one format for every chart of a sheet."""
    formats = []
    for xml in charts[template_id]:
        axis = re.search(r"<c:catAx>.*?</c:catAx>", xml, re.DOTALL)
        assert axis is not None
        found = re.findall(r'<c:numFmt formatCode="([^"]+)" sourceLinked="0"/>', axis.group(0))
        assert len(found) == 1
        formats.append(found[0])
    assert set(formats) <= {"mmm", "mmmmm"}
    # The Dashboard's charts come first, then the Infographic's two (full width: mmm).
    dashboard, infographic = formats[:-2], formats[-2:]
    assert len(set(dashboard)) == 1 and infographic == ["mmm", "mmm"]
    wide = "mmm" if len(dashboard) <= 4 else "mmmmm"
    assert dashboard[0] == wide
