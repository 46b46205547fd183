"""The public Python API: what ``dir(lks_templates)`` lists, that each name resolves and is
documented, typed ``specs=``, cheap import, and docs/api.md with its worked example."""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

import lks_templates
from lks_templates.apidoc import GROUPS, api_reference, docstring_of, public_object

ROOT = Path(__file__).resolve().parents[1]
API_PAGE = ROOT / "docs" / "api.md"


def test_dir_lists_exactly_the_public_api() -> None:
    assert dir(lks_templates) == sorted(lks_templates.__all__)
    assert len(set(lks_templates.__all__)) == len(lks_templates.__all__)
    # The names the docs and README use are part of it.
    used = {"read_return", "collect", "load_specs", "load_spec", "build_workbook", "Problem"}
    assert used <= set(lks_templates.__all__)


def test_every_public_name_resolves_and_is_documented() -> None:
    for name in lks_templates.__all__:
        assert getattr(lks_templates, name) is not None
        assert len(docstring_of(name)) > 20, f"{name} has no docstring"
    # The page documents every name once, in a section of its own.
    assert sorted(n for names in GROUPS.values() for n in names) == sorted(lks_templates.__all__)


def test_every_public_method_and_property_has_a_docstring() -> None:
    undocumented = []
    for name in lks_templates.__all__:
        value = public_object(name)
        if not inspect.isclass(value):
            continue
        for member_name, member in vars(value).items():
            if member_name.startswith("_"):
                continue
            is_member = isinstance(member, property) or inspect.isfunction(member)
            if is_member and not (member.__doc__ or "").strip():
                undocumented.append(f"{name}.{member_name}")
    assert undocumented == []


def test_no_public_function_takes_an_untyped_argument() -> None:
    loose = []
    specs_annotations: dict[str, object] = {}
    for name in lks_templates.__all__:
        value = public_object(name)
        if not inspect.isfunction(value):
            continue
        for parameter in inspect.signature(value).parameters.values():
            if parameter.annotation in (inspect.Parameter.empty, "Any", "object"):
                loose.append(f"{name}({parameter.name})")
            if parameter.name == "specs":
                specs_annotations[name] = parameter.annotation
    assert loose == []
    # One alias for what specs= accepts, wherever it is taken.
    assert specs_annotations == {
        "benchmark": "SpecSource",
        "collect": "SpecSource",
        "import_counter": "SpecSource",
        "read_return": "SpecSource",
        "write_collection": "SpecSource",
    }


def test_type_checkers_see_every_lazy_name() -> None:
    tree = ast.parse((ROOT / "lks_templates" / "__init__.py").read_text(encoding="utf-8"))
    seen: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom)
                for alias in statement.names:
                    seen[alias.name] = str(statement.module)
    assert seen == lks_templates._LAZY


def test_import_stays_cheap() -> None:
    heavy = ["pandas", "pydantic", "xlsxwriter", "yaml", "openpyxl", "python_calamine"]
    code = (
        "import sys, lks_templates; dir(lks_templates);"
        f"print([m for m in {heavy!r} if m in sys.modules])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "[]"


def test_unknown_names_are_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'read_retrun'"):
        _ = lks_templates.read_retrun


def test_the_api_page_is_current() -> None:
    assert API_PAGE.read_text(encoding="utf-8") == api_reference(), "run `lks-templates docs`"


def _block(text: str, heading: str, language: str) -> str:
    part = text.split(heading, 1)[1]
    found = re.search(rf"```{language}\n(.*?)\n```", part, flags=re.DOTALL)
    assert found, heading
    return found.group(1)


def test_the_worked_example_runs_and_prints_what_the_page_says(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = API_PAGE.read_text(encoding="utf-8")
    heading = "## Worked example: regenerate a template from Python"
    code = _block(page, heading, "python")
    monkeypatch.chdir(tmp_path)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/api.md", "exec"), {"__name__": "example"})
    # Worked by hand: 30 + 50 searches for 4,000 staff is 20.0 per 1,000; May is month 2 of
    # a year starting in April, so the third month is blank.
    from lks_templates.apidoc import EXAMPLE_OUTPUT

    shipped = lks_templates.load_specs(ROOT / "template_specs").resolve("monthly-activity")
    assert shipped is not None
    expected = f"monthly-activity {shipped.template.version} 2026\n[30, 50, None]\n20.0\n"
    assert printed.getvalue() == expected == EXAMPLE_OUTPUT
    assert _block(page, heading, "text") + "\n" == expected
    # The workbook it built is a real one: openpyxl finds the defined names of the template.
    from openpyxl import load_workbook

    workbook = load_workbook(tmp_path / "monthly-activity.xlsx")
    assert "evidence_searches" in workbook.defined_names


def test_a_single_spec_path_is_taken_as_one_path(tmp_path: Path) -> None:
    specs = ROOT / "tests" / "data" / "specs"
    # A str is one path, not a sequence of one-letter paths.
    one = lks_templates.build_all(str(specs), tmp_path / "one")
    listed = lks_templates.build_all([specs], tmp_path / "listed")
    assert [p.name for p in one] == [p.name for p in listed]
    assert "README.md" in [p.name for p in one] and len(one) > 1
    assert lks_templates.check_dist(str(specs), tmp_path / "one") == []
