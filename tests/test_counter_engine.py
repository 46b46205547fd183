"""The imported e-resources return recalculated by LibreOffice: its KPIs from COUNTER's
sample figures, worked by hand from the sample files (csv and json), not by the importer."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from counter_samples import PROFILE, SAMPLES, build_return, json51_sum, tsv_sum, year_months
from engine import read_computed, recalculate
from openpyxl.utils.cell import coordinate_to_tuple, range_boundaries

from lks_templates import import_counter

pytestmark = pytest.mark.engine

PRP1_TSV = SAMPLES / "PRP1_sample_r51.tsv"
DRD1_JSON = SAMPLES / "DRD1_sample_r51.json"


@pytest.fixture(scope="module")
def computed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("counter")
    into = build_return(work / "return.xlsx")
    result = import_counter([PRP1_TSV, DRD1_JSON], into, work / "new.xlsx")
    assert not result.failed
    [done] = recalculate([work / "new.xlsx"], tmp_path_factory.mktemp("computed"))
    return done


def test_requests_per_search_and_cost_per_use_in_libreoffice(computed: Path) -> None:
    shown = read_computed(computed)
    # No error value but #N/A in the hidden chart-data rows (a chart's gaps, on purpose).
    book = openpyxl.load_workbook(computed, read_only=False)
    [(sheet, area)] = list(book.defined_names["lks_chart_data"].destinations)
    book.close()
    first, last = range_boundaries(area.replace("$", ""))[1::2]
    assert first is not None and last is not None
    for error in shown.errors:
        where, value = error.split(" = ")
        row = coordinate_to_tuple(where.split("!")[1])[0]
        assert (where.split("!")[0], value) == (sheet, "#N/A") and first <= row <= last, error
    requests = tsv_sum(PRP1_TSV, "Total_Item_Requests")
    searches = json51_sum(DRD1_JSON, "Searches_Regular")
    months = year_months(2022)
    # April to December 2022 are in the return's year (the samples run January-December).
    expected_ratio = [
        requests[m] / searches[m] if m in requests else None for m in months
    ]  # fmt: skip
    got = shown.names["requests_per_search"]
    assert len(got) == 12
    for value, wanted in zip(got, expected_ratio, strict=True):
        if wanted is None:
            assert value in (None, "")
        else:
            assert value == pytest.approx(wanted, rel=1e-12)
    # Spend pro-rated to the nine months entered, over their requests.
    entered = [requests[m] for m in months if m in requests]
    assert len(entered) == 9
    spend = float(str(PROFILE["spend_e_resources"]))
    [cost] = shown.names["cost_per_use"]
    assert cost == pytest.approx(spend * 9 / 12 / sum(entered), rel=1e-12)
    [ytd] = shown.names["item_requests_ytd"]
    assert ytd == sum(entered)
    assert requests[dt.date(2022, 4, 1)] == 20402  # the sample's April, by hand
