"""``release``: snapshots of each version, and old returns read against exactly them."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from evolving_specs import NEW_VERSION, OLD_VERSION, REMOVED, RENAMED, TEMPLATE, evolved_specs

from lks_templates.build import build_workbook
from lks_templates.errors import SpecError
from lks_templates.evolve.release import RELEASED_FOLDER
from lks_templates.preview import example_values
from lks_templates.readback import read_return
from lks_templates.spec import load_specs, validate_paths
from lks_templates.spec.specset import shipped_specs_dir


def _cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "lks_templates", *args], capture_output=True, text=True, cwd=cwd
    )


def _workbook_sha(path: Path) -> str:
    """lks_spec_sha256 straight from docProps/custom.xml (not through the reader)."""
    with zipfile.ZipFile(path) as archive:
        custom = archive.read("docProps/custom.xml").decode()
    match = re.search(r'name="lks_spec_sha256"[^>]*>\s*<vt:lpwstr>([0-9a-f]{64})<', custom)
    assert match, custom
    return match.group(1)


def test_every_shipped_template_and_form_is_released_with_the_checksum_of_dist() -> None:
    specs = load_specs(shipped_specs_dir())
    dist = shipped_specs_dir().parent / "dist"
    ids = sorted({s.id for s in [*specs.templates, *specs.forms]})
    assert ids
    for spec_id in ids:
        current = specs.resolve(spec_id)
        assert current is not None
        snapshot = specs.release(spec_id, current.template.version)
        assert snapshot is not None, f"{spec_id} {current.template.version} is not released"
        assert snapshot.sha256 == _workbook_sha(dist / f"{spec_id}.xlsx")


def test_release_writes_once_and_never_again(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path)
    snapshot = (
        evolved.old_folder.parent / "new" / RELEASED_FOLDER / TEMPLATE / f"{OLD_VERSION}.yaml"
    )
    before = snapshot.read_bytes()
    data = yaml.safe_load(before)
    assert (data["kind"], data["id"], data["version"]) == ("release", TEMPLATE, OLD_VERSION)
    assert data["released"] == dt.date(2026, 4, 1)
    # The snapshot holds exactly the fields its template used, with their definitions.
    old_spec = yaml.safe_load((evolved.old_folder / f"{TEMPLATE}.yaml").read_text())
    used = [*old_spec["profile"], *old_spec["measures"]]
    assert sorted(f["name"] for f in data["dataset"]["fields"]) == sorted(used)

    again = _cli("release", str(evolved.old_folder.parent / "old"), "--date", "2027-01-01")
    assert again.returncode == 0, again.stderr
    assert f"released {TEMPLATE} {OLD_VERSION}" in again.stdout
    result = _cli("release", str(evolved.old_folder), "--date", "2027-01-01")
    assert result.returncode == 0
    assert f"{TEMPLATE} {OLD_VERSION} is released already" in result.stdout
    assert snapshot.read_bytes() == before


def test_a_changed_spec_without_a_bump_is_refused_and_the_snapshot_kept(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path)
    spec = evolved.folder / f"{TEMPLATE}.yaml"
    text = spec.read_text().replace(f"version: {NEW_VERSION}", f"version: {OLD_VERSION}", 1)
    spec.write_text(text)
    snapshot = evolved.folder / RELEASED_FOLDER / TEMPLATE / f"{OLD_VERSION}.yaml"
    before = snapshot.read_bytes()
    result = _cli("release", str(evolved.folder))
    assert result.returncode == 1
    assert (
        f"{spec}: release-conflict `{TEMPLATE}` version {OLD_VERSION} was released" in result.stdout
    )
    assert snapshot.read_bytes() == before


def test_an_edited_snapshot_is_refused_at_its_checksum_line(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path)
    snapshot = evolved.folder / RELEASED_FOLDER / TEMPLATE / f"{OLD_VERSION}.yaml"
    lines = snapshot.read_text().splitlines(keepends=True)
    # Make a definition say something else, as a hand edit would.
    index = next(i for i, line in enumerate(lines) if line.startswith("    description:"))
    lines[index] = "    description: Something else.\n"
    snapshot.write_text("".join(lines))
    sha_line = next(i for i, line in enumerate(lines, 1) if line.startswith("sha256:"))
    _specs, problems = validate_paths(evolved.folder)
    assert [(p.code, Path(p.file).name, p.line, p.column) for p in problems] == [
        ("release-edited", f"{OLD_VERSION}.yaml", sha_line, len("sha256: ") + 1)
    ]
    with pytest.raises(SpecError):
        load_specs(evolved.folder)


def test_an_old_return_reads_against_its_snapshot_after_rename_removal_and_addition(
    tmp_path: Path,
) -> None:
    evolved = evolved_specs(tmp_path)
    old = load_specs(evolved.old_folder).resolve(TEMPLATE)
    assert old is not None
    values = example_values(old)
    path = build_workbook(old, tmp_path / "old-return.xlsx", values=values)

    # Without the snapshot, the new specs cannot read the old version at all.
    without = tmp_path / "without"
    without.mkdir()
    for item in evolved.folder.glob("*.yaml"):
        (without / item.name).write_bytes(item.read_bytes())
    refused = read_return(path, specs=without)
    assert [p.code for p in refused.problems] == ["unknown-version"]

    result = read_return(path, specs=evolved.folder)
    assert result.readable
    assert result.problems == []
    assert result.template_version == OLD_VERSION
    old_name, _new_name = RENAMED
    assert result.profile[old_name] == values[old_name]
    assert result.profile[REMOVED] == values[REMOVED]
    expected = {k: v for k, v in values.items() if k in old.profile_names}
    assert {k: v for k, v in result.profile.items() if v is not None} == {
        k: v for k, v in expected.items() if v is not None
    }


def test_a_return_whose_checksum_matches_nothing_is_flagged(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path)
    old = load_specs(evolved.old_folder).resolve(TEMPLATE)
    assert old is not None
    path = build_workbook(old, tmp_path / "r.xlsx", values=example_values(old))
    forged = tmp_path / "forged.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(forged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/custom.xml":
                data = re.sub(rb"<vt:lpwstr>[0-9a-f]{64}<", b"<vt:lpwstr>" + b"0" * 64 + b"<", data)
            target.writestr(item, data)
    result = read_return(forged, specs=evolved.folder)
    assert result.readable
    assert [(p.code, p.severity) for p in result.problems] == [("spec-mismatch", "warning")]
    assert "released snapshot" in result.problems[0].message


def test_renamed_from_that_clashes_is_located(tmp_path: Path) -> None:
    evolved = evolved_specs(tmp_path)
    dataset = evolved.folder / "supplementary-dataset.yaml"
    text = dataset.read_text()
    # A second field claims the same old name, and a third names a field that still exists.
    text = text.replace(
        "  - name: lks_volunteers\n",
        "  - name: lks_volunteers\n    renamed_from: [lks_headcount, lks_wte_total]\n",
    )
    dataset.write_text(text)
    rows = text.splitlines()
    line = next(i for i, x in enumerate(rows, 1) if "[lks_headcount, lks_wte_total]" in x)
    # lks_volunteers comes first in the file, so the renamed field's own claim is the second.
    second = next(i for i, x in enumerate(rows, 1) if x.endswith("renamed_from: lks_headcount"))
    _specs, problems = validate_paths(evolved.folder)
    found = [(p.code, Path(p.file).name, p.line, p.column) for p in problems]
    assert found == [
        ("rename-clash", dataset.name, line, rows[line - 1].index("lks_wte_total") + 1),
        ("rename-clash", dataset.name, second, rows[second - 1].index("lks_headcount") + 1),
    ]
    assert "still a field" in problems[0].message
    assert "lks_volunteers" in problems[1].message and "lks_people" in problems[1].message
