"""Shared test set-up.

Tests marked ``engine`` need LibreOffice (soffice). Locally they are skipped, with the
reason, when it is missing; when the ``CI`` environment variable is set (``CI=true``, as
``.ci/run`` does) a missing soffice fails them instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os

import pytest
from engine import soffice_path

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


@pytest.fixture(scope="session")
def soffice() -> str:
    """Path of soffice; only meaningful in tests marked ``engine``."""
    path = soffice_path()
    assert path is not None, _MISSING
    return path
