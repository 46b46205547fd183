"""CI enforces the project's own habits: what .ci/run, the README, pre-commit and the
constraints file say agree with each other and with pyproject.toml."""

from __future__ import annotations

import ast
import re
import shlex
import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
RUN = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
with (ROOT / "pyproject.toml").open("rb") as _stream:
    PYPROJECT = tomllib.load(_stream)
EXTRAS: dict[str, list[str]] = PYPROJECT["project"]["optional-dependencies"]


def _commands(script: str) -> list[str]:
    """The script's command lines, comments and blank lines left out."""
    lines = (line.strip() for line in script.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _pins() -> dict[str, Version]:
    """Name (normalised) and version of each ``name==version`` in .ci/constraints.txt."""
    pins: dict[str, Version] = {}
    text = (ROOT / ".ci" / "constraints.txt").read_text(encoding="utf-8")
    for line in _commands(text):
        requirement = Requirement(line)
        (specifier,) = requirement.specifier
        assert specifier.operator == "==", line
        pins[_normal(requirement.name)] = Version(specifier.version)
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_ci_runs_the_readme_commands_exactly() -> None:
    blocks = re.findall(r"```sh\n(.*?)\n```", README, flags=re.S)
    install, test = blocks[0], blocks[1]
    assert install == "python -m pip install . && lks-templates build"
    assert test == "python -m pip install -e '.[test]' && python -m pytest"
    # The subshell makes a failed pip stop the script (set -e ignores a failed left of &&).
    assert f"({test})" in _commands(RUN)


def test_ci_lints_formats_and_type_checks_before_the_tests() -> None:
    commands = _commands(RUN)
    checks = [
        "python -m ruff check .",
        "python -m ruff format --check .",
        "python -m mypy --strict",
    ]
    assert [c for c in commands if c in checks] == checks
    tests = commands.index("(python -m pip install -e '.[test]' && python -m pytest)")
    assert max(commands.index(c) for c in checks) < tests
    # The tools come from the dev extra, installed before the first of them runs.
    assert commands.index("python -m pip install -e '.[dev]'") < commands.index(checks[0])


def test_every_pip_command_in_ci_is_held_to_the_constraints() -> None:
    commands = _commands(RUN)
    pinned = commands.index('export PIP_CONSTRAINT="$PWD/.ci/constraints.txt"')
    pips = [i for i, c in enumerate(commands) if "pip install" in c]
    assert pips and min(pips) > pinned
    assert not re.search(r"(?<!-m )\bpip install", RUN)  # always python -m pip


def test_mypy_checks_the_package_and_the_tests() -> None:
    mypy = PYPROJECT["tool"]["mypy"]
    assert mypy["strict"] is True
    assert mypy["files"] == ["lks_templates", "tests"]


def test_every_test_and_dev_tool_is_pinned_within_its_range() -> None:
    pins = _pins()
    wanted = [Requirement(r) for r in EXTRAS["test"] + EXTRAS["dev"]]
    tools = [r for r in wanted if _normal(r.name) != "lks-templates"]
    assert sorted(_normal(r.name) for r in tools) == sorted(pins)
    outside = [str(r) for r in tools if pins[_normal(r.name)] not in r.specifier]
    assert outside == []


def test_pre_commit_runs_the_ci_checks_with_the_installed_tools() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    (repo,) = config["repos"]
    assert repo["repo"] == "local"  # nothing fetched from a hook repository
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert {h["language"] for h in hooks.values()} == {"system"}
    assert shlex.split(hooks["ruff"]["entry"])[:2] == ["ruff", "check"]
    assert shlex.split(hooks["ruff-format"]["entry"])[:2] == ["ruff", "format"]
    # mypy checks what pyproject.toml lists, not only the staged files.
    assert hooks["mypy"]["entry"] == "mypy --strict"
    assert hooks["mypy"]["pass_filenames"] is False


def _normal_space(text: str) -> str:
    return " ".join(text.split())


# Phrases that are in a shipped spec by coincidence and are test inputs, not its wording.
NOT_WORDING = {
    "Example Valley Hospitals NHS Foundation Trust",  # the organisation typed into returns
    "division by zero",  # the name of an evaluator case
    "Visits in person",  # a description test_tableschema writes into its own schema
}


def test_no_code_test_asserts_the_wording_of_a_shipped_spec() -> None:
    """A test of the code quotes text from tests/data specs, never from template_specs/.

    Editing a shipped definition, title, message or FAQ answer must not break a code test;
    only test_specs_toolbox.py, which checks the shipped specs themselves, may quote them.
    A phrase of 15 characters or more with a space, found in a shipped spec but in no test
    spec, is reported with its place, unless it is passed straight to a call (a test's own
    input, such as a KPI it builds) or listed in NOT_WORDING.
    """
    shipped = _normal_space(
        " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "template_specs").glob("*.yaml"))
    )
    test_specs = _normal_space(
        " ".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests" / "data").rglob("*.y*ml"))
    )
    found = []
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == "test_specs_toolbox.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        inputs = {
            id(arg)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call)
            for arg in [*call.args, *(k.value for k in call.keywords)]
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or not isinstance(node.value, str):
                continue
            # "Text; more text." in a spec is often asserted as "Text." on its own.
            phrase = _normal_space(node.value).rstrip(".;:")
            quoted = len(phrase) >= 15 and " " in phrase and phrase in shipped
            ours = phrase in test_specs or phrase in NOT_WORDING or id(node) in inputs
            if quoted and not ours:
                found.append(f"{path.name}:{node.lineno}: {phrase!r}")
    assert found == []
