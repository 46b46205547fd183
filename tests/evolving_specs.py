"""A real change to a shipped template, for the tests of releases, diff, migrate and collect.

``evolved_specs(tmp)`` copies the shipped specs, keeps the staffing-and-finance template
(and its dataset and FAQ), and makes two versions of it:

- version 2.4.0, released (its snapshot written by ``release``) with a workbook built;
- version 3.0.0 with one dataset field renamed (``lks_headcount`` -> ``lks_people``,
  ``renamed_from: lks_headcount``), one removed (``nhs_region``) and one added
  (``lks_volunteers``), the dataset bumped to 2.0.0.

The edits are made on the YAML text, so every line of the new spec is where a maintainer
would have written it; :data:`CHANGES` says which line of which file each change is on.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from lks_templates.evolve.release import RELEASED_FOLDER, release
from lks_templates.spec import load_specs
from lks_templates.spec.specset import shipped_specs_dir

TEMPLATE = "staffing-and-finance"
DATASET_FILE = "supplementary-dataset.yaml"
TEMPLATE_FILE = f"{TEMPLATE}.yaml"
OLD_VERSION = "2.4.0"
NEW_VERSION = "3.0.0"
RENAMED = ("lks_headcount", "lks_people")
REMOVED = "nhs_region"
ADDED = "lks_volunteers"
RELEASE_DATE = dt.date(2026, 4, 1)

_ADDED_FIELD = f"""  - name: {ADDED}
    title: Volunteers (headcount)
    description: Volunteers who gave the library and knowledge service time in the year.
    type: integer
    constraints: {{minimum: 0}}
    unit: people
    section: Staffing
    frequency: annual
    example: 2
"""


@dataclass
class Evolved:
    """The folder of specs after the change, and where the change was written."""

    folder: Path
    """Specs: the dataset, FAQ, template 3.0.0 and ``released/`` with 2.4.0."""
    old_folder: Path
    """The same specs before the change (template 2.4.0), not released."""
    lines: dict[str, tuple[str, int]] = field(default_factory=dict)
    """What changed -> (file name, 1-based line in the new spec)."""


def _copy(target: Path) -> None:
    source = shipped_specs_dir()
    target.mkdir(parents=True)
    for name in (DATASET_FILE, TEMPLATE_FILE, "faq.yaml"):
        shutil.copy(source / name, target / name)


def _set_version(text: str, version: str) -> str:
    return re.sub(r"(?m)^version: .*$", f"version: {version}", text, count=1)


def _line_of(text: str, needle: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not found")


def evolved_specs(tmp: Path) -> Evolved:
    """Write the two versions under ``tmp`` (see the module docstring)."""
    old = tmp / "old"
    _copy(old)
    template = (old / TEMPLATE_FILE).read_text(encoding="utf-8")
    (old / TEMPLATE_FILE).write_text(_set_version(template, OLD_VERSION), encoding="utf-8")
    new = tmp / "new"
    shutil.copytree(old, new)
    release(load_specs(new), new / RELEASED_FOLDER, RELEASE_DATE)

    old_name, new_name = RENAMED
    dataset = (new / DATASET_FILE).read_text(encoding="utf-8")
    dataset = _set_version(dataset, "2.0.0")
    dataset = re.sub(rf"\b{old_name}\b", new_name, dataset)
    # The added field goes just before the renamed one.
    dataset = dataset.replace(
        f"  - name: {new_name}\n",
        f"{_ADDED_FIELD}  - name: {new_name}\n    renamed_from: {old_name}\n",
    )
    # The removed field's whole block, up to the next field.
    dataset = re.sub(rf"(?ms)^  - name: {REMOVED}\n.*?(?=^  - name: )", "", dataset)
    (new / DATASET_FILE).write_text(dataset, encoding="utf-8")

    template = (new / TEMPLATE_FILE).read_text(encoding="utf-8")
    template = _set_version(template, NEW_VERSION)
    template = re.sub(rf"\b{old_name}\b", new_name, template)
    template = template.replace(f"  - {REMOVED}\n", "")
    template = template.replace(f"  - {new_name}\n", f"  - {new_name}\n  - {ADDED}\n", 1)
    (new / TEMPLATE_FILE).write_text(template, encoding="utf-8")

    lines = {
        "renamed": (DATASET_FILE, _line_of(dataset, f"- name: {new_name}")),
        "added": (DATASET_FILE, _line_of(dataset, f"- name: {ADDED}")),
        "version": (TEMPLATE_FILE, _line_of(template, "version: ")),
        "profile-added": (TEMPLATE_FILE, _line_of(template, f"  - {ADDED}")),
    }
    return Evolved(folder=new, old_folder=old, lines=lines)
