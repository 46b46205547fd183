"""Start-up discipline: what each command imports, checked in fresh processes (not timed).

A command's ``--help`` must import no library at all, and ``validate`` and ``build`` must not
import the spreadsheet and table libraries they do not use: together these are most of what
a process would spend starting (see docs/performance.md). A test that timed start-up would
fail on a busy machine; one that lists the modules a fresh process holds does not, and fails
as soon as an import creeps back onto these paths.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest

from lks_templates.cli import COMMANDS

ROOT = Path(__file__).resolve().parents[1]
SPECS = ROOT / "template_specs"

SPREADSHEET_AND_TABLES = ("pandas", "numpy", "openpyxl", "xlsxwriter", "python_calamine")
"""Top-level packages that neither ``--help`` nor ``validate`` has any use for."""
LIBRARIES = (*SPREADSHEET_AND_TABLES, "pydantic", "yaml", "tqdm", "defusedxml", "pyarrow")
"""Everything a command's ``--help`` must not import: argparse set-up needs none of it."""

_HEAVY = """
import sys
def heavy(names):
    return sorted(name for name in names if name in sys.modules)
"""


def _fresh(code: str) -> Any:
    """Run ``code`` (which ends by printing one JSON value) in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _HEAVY + code],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=ROOT,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_package_and_the_cli_imports_no_library() -> None:
    found = _fresh(
        "import lks_templates, lks_templates.cli\n"
        f"import json; print(json.dumps(heavy({list(LIBRARIES)!r})))"
    )
    assert found == []


def test_help_of_every_command_imports_no_library() -> None:
    # One process runs every command's --help in turn; modules only accumulate, so the
    # first command that drags a library in is the first one listed with it.
    code = (
        "from lks_templates.cli import COMMANDS, main\n"
        "import contextlib, io, json\n"
        "seen = {}\n"
        "for name in COMMANDS:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main([name, '--help'])\n"
        "        except SystemExit as stop:\n"
        "            assert stop.code == 0, (name, stop.code)\n"
        f"    seen[name] = heavy({list(LIBRARIES)!r})\n"
        "print(json.dumps(seen))"
    )
    assert _fresh(code) == {name: [] for name in COMMANDS}


def test_validating_the_shipped_specs_imports_no_spreadsheet_library() -> None:
    # validate needs pydantic and YAML, and nothing that reads or writes workbooks; nor
    # asyncio, which typing_extensions before 4.16 (the floor in pyproject.toml) imported
    # as pydantic loaded.
    code = (
        "from lks_templates.cli import main\n"
        "import json\n"
        f"code = main(['validate', {str(SPECS)!r}])\n"
        f"print(json.dumps([code, heavy({[*SPREADSHEET_AND_TABLES, 'asyncio']!r})]))"
    )
    assert _fresh(code) == [0, []]


def test_building_one_template_imports_only_the_writer(tmp_path: Path) -> None:
    # The three files the supplementary return is made of: template, dataset, FAQ.
    names = ("supplementary-return", "supplementary-dataset", "faq")
    files = [str(SPECS / f"{name}.yaml") for name in names]
    out = tmp_path / "out"
    code = (
        "from lks_templates.cli import main\n"
        "import json\n"
        f"code = main(['build', *{files!r}, '--out', {str(out)!r}, '-q'])\n"
        f"print(json.dumps([code, heavy({list(SPREADSHEET_AND_TABLES)!r})]))"
    )
    assert _fresh(code) == [0, ["xlsxwriter"]]
    assert sorted(path.name for path in out.iterdir()) == [
        "README.md",
        "index.html",
        "supplementary-return.xlsx",
    ]
    with zipfile.ZipFile(out / "supplementary-return.xlsx") as book:
        assert "xl/workbook.xml" in book.namelist()


def test_a_workbook_is_assembled_in_memory_not_in_temporary_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # xlsxwriter writes each part to a temporary file, reads it back and removes it, unless
    # told to work in memory: with the temporary folder gone, only the in-memory way builds.
    from lks_templates.build import build_workbook, latest_templates

    [resolved] = [r for r in latest_templates([SPECS]) if r.template.id == "supplementary-return"]
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    path = build_workbook(resolved, tmp_path / "out" / "supplementary-return.xlsx")
    assert path.read_bytes() == (ROOT / "dist" / "supplementary-return.xlsx").read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_commands_skip_pydantics_search_for_plugins_unless_asked() -> None:
    # pydantic reads the metadata of every installed package, looking for plugins, as it
    # builds its first model; the command line turns that off unless the variable is set.
    code = (
        "import importlib.metadata, json, os, sys\n"
        "calls = []\n"
        "real = importlib.metadata.distributions\n"
        "importlib.metadata.distributions = lambda **kw: calls.append(1) or real(**kw)\n"
        "from lks_templates.cli import main\n"
        f"code = main(['validate', {str(SPECS)!r}])\n"
        "print(json.dumps([code, len(calls)]))"
    )
    assert _fresh(code) == [0, 0]
    # Set by the user (even to nothing), the variable is theirs: pydantic searches.
    setting = "import os\nos.environ['PYDANTIC_DISABLE_PLUGINS'] = ''\n"
    exit_code, searched = _fresh(setting + code)
    assert exit_code == 0 and searched >= 1


def test_build_reads_and_checks_each_spec_file_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The workbooks, the README and the download page's dictionary anchors all come from
    # one loading of the specs, not one each.
    from lks_templates.build import build_all
    from lks_templates.spec import specset
    from lks_templates.spec.loader import load_document as real

    reads: list[str] = []

    def counting(path: str | Path) -> Any:
        reads.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(specset, "load_document", counting)
    build_all([SPECS], tmp_path / "out")
    assert sorted(reads) == sorted(p.name for p in SPECS.rglob("*.yaml"))
