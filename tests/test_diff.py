"""``diff``: every change between two versions, at its line, with the bump it needs.

The real change is the one of ``tests/evolving_specs.py`` (staffing-and-finance 2.4.0
released, then 3.0.0 with a field renamed, one removed, one added). Expected places are
found in the YAML text by searching it, never through the loader's marks.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from evolving_specs import (
    ADDED,
    DATASET_FILE,
    NEW_VERSION,
    OLD_VERSION,
    RELEASE_DATE,
    REMOVED,
    RENAMED,
    TEMPLATE,
    TEMPLATE_FILE,
    Evolved,
    evolved_specs,
)

from lks_templates.build import build_all
from lks_templates.cli import main
from lks_templates.evolve.bumps import against_releases, is_enough, next_version, version_step
from lks_templates.evolve.diff import constraints_change
from lks_templates.evolve.release import RELEASED_FOLDER, release
from lks_templates.spec import load_specs
from lks_templates.spec.models import Constraints
from lks_templates.spec.specset import shipped_specs_dir

OLD_NAME, NEW_NAME = RENAMED


def _line(path: Path, pattern: str, after: int = 0) -> tuple[int, int]:
    """(line, column) of the first match of ``pattern`` at or after line ``after``: the
    column of the match's first group, or of the match."""
    for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        found = re.search(pattern, text)
        if number >= after and found:
            start = found.start(1) if found.groups() else found.start()
            return number, start + 1
    raise AssertionError(f"{pattern!r} not in {path}")


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str], str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


@pytest.fixture
def evolved(tmp_path: Path) -> Evolved:
    return evolved_specs(tmp_path)


def _expected_lines(folder: Path, evolved: Evolved) -> list[str]:
    """The three changes, placed by searching the files, and the verdict."""
    template, dataset = folder / TEMPLATE_FILE, folder / DATASET_FILE
    assert evolved.lines["renamed"][0] == DATASET_FILE
    renamed_line = evolved.lines["renamed"][1]
    assert _line(dataset, rf"- name: {NEW_NAME}$") == (renamed_line, 3)
    profile_line, _ = _line(template, r"^profile:")
    added_file, added_line = evolved.lines["added"]
    assert added_file == DATASET_FILE
    profile_added = evolved.lines["profile-added"]
    assert profile_added[0] == TEMPLATE_FILE
    assert _line(template, rf"^  - ({ADDED})$") == (profile_added[1], 5)
    return [
        f"{template}:{profile_line}:1: major profile field removed: {REMOVED}",
        # The field's mapping starts at `name`, after the "- " of the list item.
        f"{dataset}:{renamed_line}:5: major profile field renamed: {OLD_NAME} -> {NEW_NAME}",
        f"{template}:{profile_added[1]}:5: minor profile field added: {ADDED} "
        f"(defined at {dataset}:{added_line})",
        f"{TEMPLATE} {OLD_VERSION} -> {NEW_VERSION}: needs a major bump; {NEW_VERSION} is enough.",
    ]


def test_diff_names_every_change_of_the_real_change_at_its_line(
    evolved: Evolved, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = _run(capsys, "diff", "--specs", str(evolved.folder))
    assert (code, err) == (0, "")
    assert out == _expected_lines(evolved.folder, evolved)
    # The rename also changed a rule's formula (lks_headcount > 0 became lks_people > 0):
    # followed through the rename, that is no change of the rule.
    template_text = (evolved.folder / TEMPLATE_FILE).read_text(encoding="utf-8")
    assert f"IF({NEW_NAME} > 0" in template_text
    assert not any("headcount_not_below_wte" in line for line in out)


def test_the_bumps_of_the_real_change(evolved: Evolved) -> None:
    (verdict,) = against_releases(load_specs(evolved.folder))
    assert [(c.kind, c.what, c.bump) for c in verdict.changes] == [
        ("field-removed", REMOVED, "major"),
        ("field-renamed", OLD_NAME, "major"),
        ("field-added", ADDED, "minor"),
    ]
    assert (verdict.needed, verdict.enough) == ("major", True)


def test_two_folders_give_the_same_changes_as_against_the_release(
    evolved: Evolved, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = _run(capsys, "diff", str(evolved.old_folder), str(evolved.folder))
    assert code == 0
    assert out == _expected_lines(evolved.folder, evolved)
    # Two template files: each with the specs beside it.
    old, new = evolved.old_folder / TEMPLATE_FILE, evolved.folder / TEMPLATE_FILE
    code, out_files, _ = _run(capsys, "diff", str(old), str(new))
    assert (code, out_files) == (0, out)


def test_a_dataset_file_alone_is_compared_through_the_templates_that_use_it(
    evolved: Evolved, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = tmp_path / "alone"
    alone.mkdir()
    shutil.copy(evolved.old_folder / DATASET_FILE, alone / "dataset-before.yaml")
    old_version = yaml.safe_load((alone / "dataset-before.yaml").read_text())["version"]
    new_dataset = evolved.folder / DATASET_FILE
    new_version = yaml.safe_load(new_dataset.read_text())["version"]
    code, out, _ = _run(capsys, "diff", str(alone / "dataset-before.yaml"), str(new_dataset))
    renamed = evolved.lines["renamed"][1]
    assert code == 0
    assert (
        out[0]
        == f"{new_dataset}:{renamed}:5: major profile field renamed: {OLD_NAME} -> {NEW_NAME}"
    )
    assert out[-1] == (
        f"supplementary-dataset (as {TEMPLATE} uses it) {old_version} -> {new_version}: "
        f"needs a major bump; {new_version} is enough."
    )


def _set_version(path: Path, version: str) -> None:
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1))


def test_a_minor_bump_of_a_major_change_is_refused_by_diff_and_by_check(
    evolved: Evolved, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = evolved.folder
    dist = tmp_path / "dist"
    build_all([folder], dist)
    assert main(["check", str(folder), "--dist", str(dist)]) == 0  # 3.0.0: enough
    capsys.readouterr()

    _set_version(folder / TEMPLATE_FILE, "2.5.0")
    expected = [
        *_expected_lines(folder, evolved)[:-1],
        f"{TEMPLATE} {OLD_VERSION} -> 2.5.0: needs a major bump; 2.5.0 is not enough "
        "(a minor bump): make it 3.0.0.",
    ]
    code, out, err = _run(capsys, "diff", "--specs", str(folder))
    assert (code, out) == (1, expected)
    assert "1 version not bumped enough" in err
    # check: the same lines; the dist rebuilt for 2.5.0, so only the bump fails it.
    shutil.rmtree(dist)
    build_all([folder], dist)
    code, out, _ = _run(capsys, "check", str(folder), "--dist", str(dist))
    assert code == 1
    assert out[: len(expected)] == expected
    assert f"{dist} is up to date." in out


@pytest.fixture
def released(evolved: Evolved) -> Path:
    """The evolved specs with 3.0.0 released too: a clean start for one more change."""
    folder = evolved.folder
    release(load_specs(folder), folder / RELEASED_FOLDER, RELEASE_DATE)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass(frozen=True)
class Edited:
    """Where a key was rewritten (its line and the column of the key) and its values."""

    line: int
    column: int
    old: Any
    new: Any


def _set_key(path: Path, anchor: str, key: str, change: Callable[[Any], Any]) -> Edited:
    """Rewrite the first ``key:`` at or after the line matching ``anchor``: its value (with
    any continuation lines) becomes ``change(old value)``, written as JSON (which YAML
    reads). The edit is made on the text, so the test quotes no wording of the spec."""
    lines = path.read_text(encoding="utf-8").splitlines()
    start, _ = _line(path, anchor)
    pattern = re.compile(rf"^(\s*(?:- )?)({re.escape(key)}):(.*)$")
    for index in range(start - 1, len(lines)):
        found = pattern.match(lines[index])
        if found:
            break
    else:
        raise AssertionError(f"{key} not after {anchor}")
    indent = len(found.group(1))
    end = index + 1
    while end < len(lines) and len(lines[end]) - len(lines[end].lstrip()) > indent:
        end += 1
    old = yaml.safe_load(f"{key}:" + "\n".join([found.group(3), *lines[index + 1 : end]]))[key]
    new = change(old)
    lines[index:end] = [f"{found.group(1)}{key}: {json.dumps(new)}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return Edited(index + 1, indent + 1, old, new)


def _edited(text: str) -> str:
    return f"{text} (edited)"


def test_a_field_guidance_reworded_needs_a_patch(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dataset = released / DATASET_FILE
    assert _run(capsys, "diff", "--specs", str(released))[:2] == (
        0,
        [f"{TEMPLATE} {NEW_VERSION} -> {NEW_VERSION}: no changes."],
    )
    guidance = _set_key(dataset, rf"- name: {NEW_NAME}$", "guidance", _edited)
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert code == 1
    assert out[0].startswith(
        f"{dataset}:{guidance.line}:5: patch profile field {NEW_NAME}: counting guidance changed: "
    )
    assert out[1:] == [
        f"{TEMPLATE} {NEW_VERSION} -> {NEW_VERSION}: needs a patch bump; {NEW_VERSION} is not "
        "enough (the version is unchanged): make it 3.0.1."
    ]
    _set_version(released / TEMPLATE_FILE, "3.0.1")
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert (code, out[-1]) == (
        0,
        f"{TEMPLATE} {NEW_VERSION} -> 3.0.1: needs a patch bump; 3.0.1 is enough.",
    )


NEW_KPI = """  - name: volunteers_per_lks_wte
    title: Volunteers per LKS staff WTE
    formula: lks_volunteers / lks_wte_total
    unit: people per WTE
"""


def test_an_added_kpi_needs_a_minor_bump(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = released / TEMPLATE_FILE
    _edit(template, "\nrules:\n", "\n" + NEW_KPI + "rules:\n")
    _set_version(template, "3.0.1")
    line, _ = _line(template, r"- name: volunteers_per_lks_wte")
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert (code, out) == (
        1,
        [
            f"{template}:{line}:5: minor KPI added: volunteers_per_lks_wte",
            f"{TEMPLATE} {NEW_VERSION} -> 3.0.1: needs a minor bump; 3.0.1 is not enough "
            "(a patch bump): make it 3.1.0.",
        ],
    )


def _reflowed(formula: str) -> str:
    """The same formula over two lines, with other spacing."""
    left, _, right = formula.partition(" / ")
    assert right, formula
    return f"{left}\n  /   {right}"


def test_a_changed_kpi_formula_is_major_and_a_reflowed_one_is_no_change(
    released: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = released / TEMPLATE_FILE
    _set_key(template, r"name:\s+spend_per_staff_wte$", "formula", _reflowed)
    assert _run(capsys, "diff", "--specs", str(released))[:2] == (
        0,
        [f"{TEMPLATE} {NEW_VERSION} -> {NEW_VERSION}: no changes."],
    )
    formula = _set_key(template, r"name:\s+income_share$", "formula", lambda f: f"{f} * 10")
    _set_version(template, "3.1.0")
    code, out, _ = _run(capsys, "diff", "--specs", str(released))
    assert (code, out) == (
        1,
        [
            f"{template}:{formula.line}:5: major KPI income_share: formula changed: "
            f"{formula.old} -> {formula.new}",
            f"{TEMPLATE} {NEW_VERSION} -> 3.1.0: needs a major bump; 3.1.0 is not enough "
            "(a minor bump): make it 4.0.0.",
        ],
    )


def test_the_shipped_specs_are_released_as_they_are(capsys: pytest.CaptureFixture[str]) -> None:
    folder = shipped_specs_dir()
    ids = sorted(
        data["id"]
        for path in folder.glob("*.yaml")
        if (data := yaml.safe_load(path.read_text(encoding="utf-8")))["kind"]
        in ("template", "form")
    )
    code, out, _ = _run(capsys, "diff", "--specs", str(folder))
    assert code == 0
    versions = {
        data["id"]: data["version"]
        for path in folder.glob("*.yaml")
        if (data := yaml.safe_load(path.read_text(encoding="utf-8")))["kind"]
        in ("template", "form")
    }
    assert out == [f"{i} {versions[i]} -> {versions[i]}: no changes." for i in ids]


def test_a_spec_never_released_is_said_so_not_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "specs"
    shutil.copytree(shipped_specs_dir(), folder)
    shutil.rmtree(folder / RELEASED_FOLDER)
    code, out, _ = _run(capsys, "diff", "--specs", str(folder))
    assert code == 0
    assert out[0] == (
        f"e-resources {_version('e-resources')}: not released yet, nothing to compare with "
        "(`lks-templates release` records it)."
    )


@pytest.mark.parametrize(
    "argv",
    [["diff", "one"], ["diff", "a", "b", "c"], ["diff", "x", "y", "--specs", "z"]],
)
def test_usage_errors_exit_2(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(capsys, *argv)
    assert (code, out) == (2, [])
    assert err.startswith("diff takes ")


@pytest.mark.parametrize(
    ("old", "new", "step"),
    [
        ("2.4.0", "3.0.0", "major"),
        ("2.4.0", "2.5.0", "minor"),
        ("2.4.0", "2.4.1", "patch"),
        ("2.4.0", "2.4.0", "none"),
        ("2.4.0", "2.3.9", "down"),
        ("0.3.0", "0.4.0", "major"),  # before 1.0.0 the places shift
        ("0.3.0", "0.3.1", "minor"),
        ("0.9.2", "1.0.0", "major"),
        ("3.0.0-rc.1", "3.0.0", "pre-release"),
        ("3.0.0", "3.0.0-rc.1", "down"),
        ("2.4.0", "3.0.0-rc.1", "major"),
    ],
)
def test_version_steps(old: str, new: str, step: str) -> None:
    assert version_step(old, new) == step


def test_enough_and_the_next_version() -> None:
    assert is_enough("major", "2.4.0", "3.0.0")
    assert not is_enough("major", "2.4.0", "2.5.0")
    assert is_enough("patch", "0.3.0", "0.3.1")
    assert not is_enough("major", "0.3.0", "0.3.1")
    assert not is_enough("patch", "2.4.0", "2.3.0")
    assert is_enough("major", "3.0.0-rc.1", "3.0.0-rc.2")
    assert [next_version("2.4.3", b) for b in ("major", "minor", "patch")] == [
        "3.0.0",
        "2.5.0",
        "2.4.4",
    ]
    assert [next_version("0.4.3", b) for b in ("major", "minor", "patch")] == [
        "0.5.0",
        "0.4.4",
        "0.4.4",
    ]


@pytest.mark.parametrize(
    ("old", "new", "bump"),
    [
        ({}, {"required": True}, "major"),
        ({"required": True}, {}, "minor"),
        ({"minimum": 0}, {"minimum": 1}, "major"),
        ({"minimum": 1}, {"minimum": 0}, "minor"),
        ({"minimum": 0}, {}, "minor"),
        ({"maximum": 10}, {"maximum": 9}, "major"),
        ({}, {"maximum": 10}, "major"),
        ({"maxLength": 10}, {"maxLength": 20}, "minor"),
        ({"enum": ["a", "b"]}, {"enum": ["a", "b", "c"]}, "minor"),
        ({"enum": ["a", "b"]}, {"enum": ["a"]}, "major"),
        ({"enum": ["a", "b"]}, {"enum": ["a", "c"]}, "major"),
        ({"enum": ["a", "b"]}, {"enum": ["b", "a"]}, "patch"),
        ({}, {"pattern": "^[A-Z]"}, "major"),
        ({"pattern": "^[A-Z]"}, {}, "minor"),
        ({"minimum": 0, "maximum": 5}, {"minimum": -1, "maximum": 4}, "major"),
    ],
)
def test_constraints_narrowed_are_major_widened_minor(
    old: dict[str, object], new: dict[str, object], bump: str
) -> None:
    found = constraints_change(Constraints.model_validate(old), Constraints.model_validate(new))
    assert found is not None
    assert found[0] == bump
    assert (
        constraints_change(Constraints.model_validate(old), Constraints.model_validate(old)) is None
    )


# One edit of the released 3.0.0 each: (file, a line to find, the key after it to rewrite,
# how, the kind of change and the bump it needs).
FAQ_FILE = "faq.yaml"
FIELD = rf"- name: {NEW_NAME}$"
EDITS: dict[str, tuple[str, str, str, Callable[[Any], Any], str, str]] = {
    "definition": (DATASET_FILE, FIELD, "description", _edited, "field-description", "major"),
    "unit": (DATASET_FILE, FIELD, "unit", _edited, "field-unit", "major"),
    "type": (DATASET_FILE, FIELD, "type", lambda t: "number", "field-type", "major"),
    "narrowed": (DATASET_FILE, FIELD, "constraints", lambda c: {**c, "minimum": c["minimum"] + 1},
                 "field-constraints", "major"),
    "widened": (DATASET_FILE, FIELD, "constraints", lambda c: {**c, "minimum": c["minimum"] - 1},
                "field-constraints", "minor"),
    "field title": (DATASET_FILE, FIELD, "title", _edited, "field-title", "patch"),
    "period": (TEMPLATE_FILE, r"^kind:", "period",
               lambda p: {**p, "year_start_month": p["year_start_month"] % 12 + 1}, "period",
               "major"),
    "derived formula": (TEMPLATE_FILE, r"name:\s+staff_ratio_target$", "formula",
                        lambda f: f"{f} + 1", "derived-formula", "major"),
    "kpi target": (TEMPLATE_FILE, r"name:\s+staff_per_qualified_librarian$", "target",
                   lambda t: t + 1, "kpi-target", "minor"),
    "kpi direction": (TEMPLATE_FILE, r"name:\s+staff_per_qualified_librarian$", "direction",
                      lambda d: "higher" if d != "higher" else "lower", "kpi-direction", "minor"),
    "rule message": (TEMPLATE_FILE, r"name:\s+qualified_not_above_total$", "message", _edited,
                     "rule-message", "patch"),
    "rule severity": (TEMPLATE_FILE, r"name:\s+qualified_not_above_total$", "severity",
                      lambda s: "warning" if s == "error" else "error", "rule-severity",
                      "minor"),
    "chart series": (TEMPLATE_FILE, r"^charts:", "series", lambda s: s[:-1], "chart-series",
                     "minor"),
    "chart title": (TEMPLATE_FILE, r"^charts:", "title", _edited, "chart-title", "patch"),
    "send to": (TEMPLATE_FILE, r"^kind:", "send_to", _edited, "template-send-to", "patch"),
    "faq answer": (FAQ_FILE, r"^entries:", "answer", _edited, "faq-answer", "patch"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(EDITS))
def test_each_kind_of_change_is_placed_and_bumped(case: str, released: Path) -> None:
    name, anchor, key, change, kind, bump = EDITS[case]
    path = released / name
    edited = _set_key(path, anchor, key, change)
    assert edited.old != edited.new
    (verdict,) = against_releases(load_specs(released))
    assert [(c.kind, c.bump, c.file, c.line, c.column) for c in verdict.changes] == [
        (kind, bump, str(path), edited.line, edited.column)
    ]
    assert verdict.needed == bump
    assert not verdict.enough  # the version was left at 3.0.0


def _version(spec_id: str) -> str:
    """The shipped version of a template (so a test survives a bump)."""
    resolved = load_specs(shipped_specs_dir()).resolve(spec_id)
    assert resolved is not None
    return resolved.template.version
