"""Previews: deterministic example values, PNGs of each dashboard and infographic."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from lks_templates.build import latest_templates
from lks_templates.preview import example_values, preview_names, render_previews

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "data" / "specs"


def _png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", header[16:24])
    return width, height


def test_example_values_are_deterministic_and_typed() -> None:
    [resolved] = [r for r in latest_templates([EXAMPLES]) if r.template.id == "monthly-activity"]
    first, second = example_values(resolved), example_values(resolved)
    assert first == second
    assert first["reporting_year"] == 2025
    for field in resolved.measure_fields:
        values = first[field.name]
        assert len(values) == 12
        if field.type == "integer":
            assert all(isinstance(v, int) and v >= 0 for v in values)
    for field in resolved.profile_fields:
        if field.example is not None:
            assert first[field.name] == field.example


def test_forms_get_no_previews() -> None:
    forms = [r for r in latest_templates([EXAMPLES]) if r.is_form]
    assert forms and all(preview_names(r) == {} for r in forms)


@pytest.mark.engine
def test_previews_are_a4_pages_at_80_dpi(tmp_path: Path) -> None:
    templates = latest_templates([EXAMPLES])
    written = render_previews(templates, tmp_path)
    assert [p.name for p in written] == [
        "monthly-activity-dashboard.png",
        "monthly-activity-infographic.png",
    ]
    # A4 is 297 x 210 mm: 936 x 662 pixels at 80 dpi (pdftoppm rounds up).
    assert _png_size(written[0]) == (936, 662)  # the dashboard is landscape
    assert sorted(_png_size(written[1])) == [662, 936]


@pytest.mark.engine
def test_the_benchmark_previews_are_a4_landscape_pages(tmp_path: Path) -> None:
    from lks_templates.benchmarking.preview_service import render_service_previews
    from lks_templates.spec import load_specs

    written = render_service_previews(load_specs([ROOT / "template_specs"]), tmp_path, dpi=80)
    assert [p.name for p in written] == ["benchmark-service.png", "benchmark-service-funnels.png"]
    assert [_png_size(p) for p in written] == [(936, 662), (936, 662)]
    assert written[0].read_bytes() != written[1].read_bytes()


def test_preview_without_libreoffice_says_so(tmp_path: Path) -> None:
    env = {**os.environ, "LKS_SOFFICE": "no-such-soffice-here"}
    done = subprocess.run(
        [sys.executable, "-m", "lks_templates", "preview", str(EXAMPLES), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 1
    assert "LibreOffice (soffice) is not installed" in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []
