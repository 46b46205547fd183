"""Shared test set-up.

Tests marked ``engine`` need LibreOffice (soffice). Locally they are skipped, with the
reason, when it is missing; when the ``CI`` environment variable is set (``CI=true``, as
``.ci/run`` does) a missing soffice fails them instead, so CI can never pass by skipping.

The same holds for every other skip: ``pytest.importorskip`` of a test tool (frictionless,
jsonschema, pyarrow), ``skipif`` and ``pytest.skip``, in a test or at collection. Locally
they skip with their reason; under ``CI`` each becomes a failure, so a tool missing from
the test extra, or a platform CI does not have, cannot pass unseen.
"""

from __future__ import annotations

import os
from collections.abc import Generator
from pathlib import Path

import pytest
from engine import soffice_path

from lks_templates.layout import WorkbookPlan, plan_workbook
from lks_templates.spec import ResolvedTemplate, load_specs

TEST_SPECS = Path(__file__).parent / "data" / "specs"
"""The specs the tests are written against (not the shipped ones, which may change)."""

_MISSING = (
    "LibreOffice (soffice) is not installed; install it to run the spreadsheet-engine "
    "tests (Debian/Ubuntu: apt-get install libreoffice-calc-nogui poppler-utils)"
)


def in_ci() -> bool:
    """True when the ``CI`` environment variable is set to anything but a false-ish value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def pytest_runtest_setup(item: pytest.Item) -> None:
    if item.get_closest_marker("engine") is None or soffice_path() is not None:
        return
    if in_ci():
        pytest.fail(f"CI is set, so engine tests must run: {_MISSING}", pytrace=False)
    pytest.skip(_MISSING)


def _refuse_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Under CI, turn a skipped ``report`` into a failure that keeps the skip's reason."""
    if not report.skipped or hasattr(report, "wasxfail") or not in_ci():
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
    report.outcome = "failed"
    # A skip at collection carries its reason as "Skipped: ..." text.
    reason = str(reason).removeprefix("Skipped: ")
    report.longrepr = f"CI is set, so no test may skip: {reason}"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    _refuse_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(
    collector: pytest.Collector,
) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    _refuse_skip(report)
    return report


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of soffice; only meaningful in tests marked ``engine``."""
    path = soffice_path()
    assert path is not None, _MISSING
    return path


def _resolve(template_id: str) -> ResolvedTemplate:
    resolved = load_specs([TEST_SPECS]).resolve(template_id)
    assert resolved is not None, template_id
    return resolved


@pytest.fixture(scope="session")
def example() -> ResolvedTemplate:
    """The test specs' monthly template (frozen, so one is shared by every test)."""
    return _resolve("monthly-activity")


@pytest.fixture(scope="session")
def form() -> ResolvedTemplate:
    """The test specs' one-record form."""
    return _resolve("impact-case-study")


@pytest.fixture(scope="module")
def plan(example: ResolvedTemplate) -> WorkbookPlan:
    """The plan of :func:`example`; a plan is mutable, so one per test module."""
    return plan_workbook(example)
