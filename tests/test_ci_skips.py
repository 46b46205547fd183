"""Under CI no test can pass by skipping: every kind of skip becomes a failure there.

Each case runs in a child pytest with this suite's conftest, once with ``CI=true`` and
once without, and the outcomes are read from pytest's own summary lines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

MISSING = "no_such_module_for_lks_tests"

IN_TEST = f"""\
import pytest

@pytest.fixture
def needs_it():
    pytest.importorskip("{MISSING}")

def test_importorskip():
    pytest.importorskip("{MISSING}")

def test_skip():
    pytest.skip("not on this machine")

@pytest.mark.skipif(True, reason="needs Linux /proc")
def test_skipif():
    pass

def test_skip_in_fixture(needs_it):
    pass

@pytest.mark.xfail(reason="known", strict=True)
def test_xfail():
    assert False

def test_passes():
    pass
"""

AT_COLLECTION = f"""\
import pytest

pytest.importorskip("{MISSING}")

def test_never_collected():
    pass
"""


def _run(tmp_path: Path, test: str, ci: str) -> subprocess.CompletedProcess[str]:
    """Run the test module ``test`` in a child pytest with this suite's conftest."""
    here = Path(__file__).parent
    for name in ("conftest.py", "engine.py"):
        shutil.copy(here / name, tmp_path / name)
    (tmp_path / "test_case.py").write_text(test, encoding="utf-8")
    args = ["-q", "-rA", "-p", "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path)]
    return subprocess.run(
        [sys.executable, "-m", "pytest", *args, "test_case.py"],
        capture_output=True,
        text=True,
        env={**os.environ, "CI": ci},
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def _outcomes(done: subprocess.CompletedProcess[str]) -> dict[str, str]:
    """Outcome (PASSED, FAILED, ERROR, SKIPPED, XFAIL) of each case, from ``-rA``."""
    found: dict[str, str] = {}
    for line in done.stdout.splitlines():
        # "FAILED test_case.py::test_skip - CI is set, ..." or, for a skip (named by its
        # line, so by the test the line is in): "SKIPPED [1] test_case.py:11: reason".
        match = re.match(r"(PASSED|FAILED|ERROR|XFAIL|SKIPPED) (?:\[\d+\] )?(\S+?)(?: |$)", line)
        if match:
            where = match[2].rstrip(":")
            found[where] = match[1]
    return found


def test_every_skip_fails_under_ci(tmp_path: Path) -> None:
    done = _run(tmp_path, IN_TEST, "true")
    assert _outcomes(done) == {
        "test_case.py::test_importorskip": "FAILED",
        "test_case.py::test_skip": "FAILED",
        "test_case.py::test_skipif": "ERROR",  # skipif acts in set-up
        "test_case.py::test_skip_in_fixture": "ERROR",
        "test_case.py::test_xfail": "XFAIL",
        "test_case.py::test_passes": "PASSED",
    }
    assert done.returncode == 1
    reasons = dict(
        line.split(" ", 1)[1].split(" - ", 1) for line in done.stdout.splitlines() if " - " in line
    )
    import_reason = f"could not import '{MISSING}': No module named '{MISSING}'"
    assert reasons == {
        "test_case.py::test_importorskip": f"CI is set, so no test may skip: {import_reason}",
        "test_case.py::test_skip": "CI is set, so no test may skip: not on this machine",
        "test_case.py::test_skipif": "CI is set, so no test may skip: needs Linux /proc",
        "test_case.py::test_skip_in_fixture": f"CI is set, so no test may skip: {import_reason}",
        "test_case.py::test_xfail": "known",
    }


def test_a_skip_at_collection_fails_under_ci(tmp_path: Path) -> None:
    done = _run(tmp_path, AT_COLLECTION, "true")
    assert _outcomes(done) == {"test_case.py": "ERROR"}
    assert done.returncode == 2  # pytest: interrupted by a collection error
    assert (
        f"CI is set, so no test may skip: could not import '{MISSING}': "
        f"No module named '{MISSING}'" in done.stdout
    )


def test_skips_still_skip_locally(tmp_path: Path) -> None:
    in_test = _outcomes(_run(tmp_path, IN_TEST, ""))
    assert in_test == {
        "test_case.py:8": "SKIPPED",  # importorskip in test_importorskip
        "test_case.py:11": "SKIPPED",  # pytest.skip
        "test_case.py:13": "SKIPPED",  # skipif, named by its decorator
        "test_case.py:17": "SKIPPED",  # importorskip in the fixture, named by the test
        "test_case.py::test_xfail": "XFAIL",
        "test_case.py::test_passes": "PASSED",
    }
    assert _outcomes(_run(tmp_path, AT_COLLECTION, "")) == {"test_case.py:3": "SKIPPED"}


def test_every_tool_a_test_may_skip_without_is_in_the_test_extra() -> None:
    """CI installs ``.[test]``; a tool a test imports conditionally must be listed there."""
    here = Path(__file__).parent
    optional = set()
    for path in here.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        optional |= set(re.findall(r"""importorskip\(\s*["']([\w.]+)["']""", text))
        optional |= set(re.findall(r"""find_spec\(\s*["']([\w.]+)["']""", text))
    optional.discard(MISSING)
    with (here.parent / "pyproject.toml").open("rb") as stream:
        extras = tomllib.load(stream)["project"]["optional-dependencies"]
    test_extra = {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in extras["test"]}
    dependencies = {"pandas"}  # a dependency of the package itself
    assert {"frictionless", "jsonschema", "pyarrow"} <= optional
    assert sorted(optional - test_extra - dependencies) == []
