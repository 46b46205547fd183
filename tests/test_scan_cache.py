"""A run remembers the sheets it has cleared, by a digest of their bytes, and only those:
a sheet that differs by one byte is scanned afresh, and what is read stays the same."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_readback_support import good_return_path, rewrite, sheet_part

from lks_templates.readback import ReadContext, read_return, sheetxml


def _plain_scans(monkeypatch: pytest.MonkeyPatch) -> list[bytes]:
    """Records the bytes of every sheet the byte scan looks at."""
    seen: list[bytes] = []
    original = sheetxml._plain_scan

    def counting(data: bytes) -> dict[bytes, bytes] | None:
        seen.append(data)
        return original(data)

    monkeypatch.setattr(sheetxml, "_plain_scan", counting)
    return seen


def test_a_sheet_seen_before_in_the_run_is_not_scanned_again(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = good_return_path(tmp_path_factory)
    fresh = read_return(good)
    seen = _plain_scans(monkeypatch)
    context = ReadContext()
    first = read_return(good, context=context)
    scanned = len(seen)
    assert scanned > 0
    second = read_return(good, context=context)
    assert len(seen) == scanned  # every sheet came from the run's table
    assert first == fresh
    assert second == fresh


def test_a_sheet_changed_after_a_clean_read_is_scanned_afresh(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    good = good_return_path(tmp_path_factory)
    part = sheet_part(good, "Data")
    removed: list[str] = []

    def type_over(xml: bytes) -> bytes:
        # The first formula of the sheet is deleted, its cached result kept as a typed value.
        found = re.search(rb'<c r="([A-Z]+[0-9]+)"[^>]*>(<f>[^<]*</f>)', xml)
        assert found is not None
        removed.append(found.group(1).decode())
        return xml[: found.start(2)] + xml[found.end(2) :]

    bad = rewrite(good, tmp_path / "typed-over.xlsx", {part: type_over})
    context = ReadContext()
    assert read_return(good, context=context).problems == []
    result = read_return(bad, context=context)
    overwritten = [(p.sheet, p.cell) for p in result.problems if p.code == "formula-overwritten"]
    assert overwritten == [("Data", removed[0])]
    assert result == read_return(bad)
