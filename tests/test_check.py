"""``build`` and ``check``: dist/ is exactly what the specs produce, and stale files are named."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lks_templates.audit import CHECKLIST
from lks_templates.build import build_all, check_dist
from lks_templates.cli import main
from lks_templates.errors import Problem

SPECS = Path(__file__).parent / "data" / "specs"


@pytest.fixture
def project(tmp_path: Path) -> tuple[Path, Path]:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    dist = tmp_path / "dist"
    build_all([specs], dist)
    return specs, dist


def _codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.code, Path(p.file).name) for p in problems]


def test_fresh_build_passes_check(project: tuple[Path, Path]) -> None:
    specs, dist = project
    assert sorted(p.name for p in dist.iterdir()) == [
        "README.md",
        "impact-case-study.xlsx",
        "index.html",
        "monthly-activity.xlsx",
    ]
    assert check_dist([specs], dist) == []


def test_check_names_a_changed_spec(project: tuple[Path, Path]) -> None:
    specs, dist = project
    spec = specs / "monthly-activity.yaml"
    spec.write_text(
        spec.read_text().replace("title: Monthly activity dashboard", "title: Monthly activity")
    )
    assert _codes(check_dist([specs], dist)) == [
        ("dist-different", "README.md"),
        ("dist-different", "index.html"),
        ("dist-different", "monthly-activity.xlsx"),
    ]


def test_check_names_edited_missing_and_extra_files(project: tuple[Path, Path]) -> None:
    specs, dist = project
    workbook = dist / "monthly-activity.xlsx"
    data = bytearray(workbook.read_bytes())
    data[-30] ^= 0xFF  # one byte changed by hand
    workbook.write_bytes(bytes(data))
    (dist / "impact-case-study.xlsx").unlink()
    (dist / "old-template.xlsx").write_bytes(b"stale")
    assert _codes(check_dist([specs], dist)) == [
        ("dist-missing", "impact-case-study.xlsx"),
        ("dist-different", "monthly-activity.xlsx"),
        ("dist-extra", "old-template.xlsx"),
    ]


def test_previews_are_checked_for_presence_only(project: tuple[Path, Path]) -> None:
    specs, dist = project
    previews = dist / "previews"
    previews.mkdir()
    (previews / "monthly-activity-dashboard.png").write_bytes(b"any picture")
    assert _codes(check_dist([specs], dist)) == [
        ("dist-missing", "monthly-activity-infographic.png")
    ]
    (previews / "monthly-activity-infographic.png").write_bytes(b"another")
    assert check_dist([specs], dist) == []


def test_the_benchmark_previews_are_checked_with_the_shipped_specs(tmp_path: Path) -> None:
    shipped = Path(__file__).parent.parent / "template_specs"
    dist = tmp_path / "dist"
    build_all([shipped], dist)
    (dist / "previews").mkdir()
    missing = {name for code, name in _codes(check_dist([shipped], dist))
               if code == "dist-missing"}  # fmt: skip
    assert {"benchmark-service.png", "benchmark-service-funnels.png"} <= missing
    assert "monthly-activity-dashboard.png" in missing


def test_cli_build_then_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dist"
    assert main(["build", str(SPECS), "--out", str(out)]) == 0
    assert f"wrote {out / 'monthly-activity.xlsx'}" in capsys.readouterr().out
    assert main(["check", str(SPECS), "--dist", str(out)]) == 0
    # Then the accessibility audit of the two workbooks (a line each only when one fails).
    assert capsys.readouterr().out == (
        f"{out} is up to date.\n2 workbooks: every one passes all {len(CHECKLIST)} items of "
        "the audit.\n"
    )
    (out / "README.md").write_text("edited\n")
    assert main(["check", str(SPECS), "--dist", str(out)]) == 1
    assert capsys.readouterr().out.startswith(f"{out / 'README.md'}: dist-different ")


def test_cli_build_of_an_invalid_spec_prints_located_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    specs = tmp_path / "specs"
    shutil.copytree(SPECS, specs)
    spec = specs / "monthly-activity.yaml"
    lines = spec.read_text().splitlines()
    number = next(i for i, line in enumerate(lines) if line.startswith("measures:"))
    lines[number] = "measures: [evidence_searches, training_sesions, training_attendees]"
    spec.write_text("\n".join(lines) + "\n")
    assert main(["build", str(specs), "--out", str(tmp_path / "dist")]) == 1
    out = capsys.readouterr()
    assert f"{spec}:{number + 1}:" in out.out
    assert "Traceback" not in out.out + out.err
    assert not (tmp_path / "dist").exists()


def test_cli_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    assert main(["build", str(tmp_path / "nowhere")]) == 2
    assert main(["check", str(tmp_path / "nowhere")]) == 2
