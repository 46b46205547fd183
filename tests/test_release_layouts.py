"""Returns built before the generator changed still read: snapshots record each layout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import yaml

from lks_templates.evolve.release import RELEASED_FOLDER, layout_of, release
from lks_templates.preview import example_values
from lks_templates.readback import read_return
from lks_templates.spec import load_specs
from lks_templates.spec.specset import shipped_specs_dir

EARLIER = Path(__file__).parent / "data" / "earlier-build"
RETURNS = {
    "monthly-activity": EARLIER / "monthly-activity-1.0.0.xlsx",
    "staffing-and-finance": EARLIER / "staffing-and-finance-1.1.0.xlsx",
}


def _names(path: Path) -> dict[str, str]:
    """Defined names straight from the workbook, with openpyxl."""
    book = openpyxl.load_workbook(path)
    return {name: book.defined_names[name].attr_text for name in book.defined_names}


def _without_layouts(tmp: Path) -> Path:
    """The shipped specs, their snapshots stripped of the recorded layouts."""
    folder = tmp / "specs"
    shutil.copytree(shipped_specs_dir(), folder)
    for snapshot in (folder / RELEASED_FOLDER).rglob("*.yaml"):
        data = yaml.safe_load(snapshot.read_text(encoding="utf-8"))
        data.pop("layouts", None)
        snapshot.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return folder


def test_returns_of_an_earlier_build_read_clean_with_every_value() -> None:
    specs = load_specs(shipped_specs_dir())
    dist = shipped_specs_dir().parent / "dist"
    for template_id, path in RETURNS.items():
        resolved = specs.resolve(template_id)
        assert resolved is not None
        # The earlier build put its cells elsewhere than today's generator does.
        assert _names(path) != _names(dist / f"{template_id}.xlsx")
        result = read_return(path, specs=specs)
        assert result.problems == [], result.problems
        values = example_values(resolved)
        for name in resolved.profile_names:
            assert result.profile[name] == values[name], name
        for name in resolved.measure_names:
            assert result.measures[name] == values[name], name
        assert result.reporting_year == values["reporting_year"]


def test_without_the_recorded_layouts_the_same_returns_would_look_tampered(
    tmp_path: Path,
) -> None:
    folder = _without_layouts(tmp_path)
    for path in RETURNS.values():
        result = read_return(path, specs=folder)
        assert "moved-name" in {p.code for p in result.problems}


def test_release_records_a_changed_layout_once_and_check_asks_for_it(tmp_path: Path) -> None:
    folder = _without_layouts(tmp_path)
    check = subprocess.run(
        [sys.executable, "-m", "lks_templates", "check", str(folder)],
        capture_output=True,
        text=True,
        cwd=shipped_specs_dir().parent,
    )
    assert check.returncode == 1
    # check (and release) look at the latest released version of each template and form.
    loaded = load_specs(folder)
    latest = {r.id: loaded.releases_of(r.id)[-1] for r in loaded.releases}
    assert check.stdout.count("layout-not-recorded") == len(latest)

    report = release(load_specs(folder), folder / RELEASED_FOLDER)
    assert {item.outcome for item in report.items} == {"layout-added"}
    specs = load_specs(folder)
    for snapshot in {r.id: specs.releases_of(r.id)[-1] for r in specs.releases}.values():
        resolved = snapshot.resolved()
        assert snapshot.layouts == [layout_of(resolved)]
        assert snapshot.sha256 == resolved.sha256()
    again = release(specs, folder / RELEASED_FOLDER)
    assert {item.outcome for item in again.items} == {"unchanged"}
