"""The fast paths of ``benchmark`` write the same bytes as the straightforward ones.

- Every workbook of a run (each service's, the lead's summary) and every CSV is
  byte-identical whether written by the renderer's fast path (parts tagged British English
  before they are zipped, formula rewrites skipped where none applies, xlsxwriter's
  undecorated cell writers) or by the straightforward one (xlsxwriter as it comes, then the
  finished file rewritten by ``set_language``), and for ``--jobs`` 1 and 2.
- The renderer's test of "no rewrite applies" covers every function xlsxwriter rewrites.
- One workbook that fails, or whose process dies, costs only its file (named, exit 1); one
  return whose reading process dies is ``read-crashed`` and the others are compared.
"""

from __future__ import annotations

import csv
import hashlib
import inspect
import os
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

import lks_templates.render.workbook as render
from lks_templates.benchmarking import reading, writing
from lks_templates.cli import main

SPECS = Path(__file__).parent.parent / "template_specs"
SERVICES = 14
TEMPLATE = "monthly-activity"
BENCHMARK = "monthly-activity-peers"
DATE = "2026-01-01"
fork_only = pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("returns")
    assert main(["example-returns", TEMPLATE, "--services", str(SERVICES), "--out",
                 str(folder), "--specs", str(SPECS)]) == 0  # fmt: skip
    return folder


def _run(returns: Path, out: Path, *extra: str) -> int:
    return main(["benchmark", str(returns), "--spec", BENCHMARK, "--out", str(out),
                 "--specs", str(SPECS), "--date", DATE, *extra])  # fmt: skip


def _digests(out: Path) -> dict[str, str]:
    """Each file under ``out`` (by its path there) and the SHA-256 of its bytes."""
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}  # fmt: skip


class _Straightforward(Workbook):  # type: ignore[misc]
    """xlsxwriter's own workbook, packager and worksheet, the finished file then rewritten
    by ``set_language``: the renderer as it was before its fast path."""

    def close(self) -> None:
        super().close()
        render.set_language(Path(self.filename))


@pytest.fixture(scope="module")
def straightforward(returns: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_Workbook", _Straightforward)
        out = tmp_path_factory.mktemp("straightforward")
        assert _run(returns, out) == 0
    return _digests(out)


def test_straightforward_path_writes_every_file(straightforward: dict[str, str]) -> None:
    services = [f for f in straightforward if f.startswith("services/")]
    assert len(services) == SERVICES
    assert {"summary.xlsx", "benchmark.csv", "positions.csv", "problems.csv",
            "datapackage.json"} <= set(straightforward)  # fmt: skip


@pytest.mark.parametrize("jobs", ["1", pytest.param("2", marks=fork_only)])
def test_fast_path_gives_the_same_bytes(
    returns: Path, tmp_path: Path, straightforward: dict[str, str], jobs: str
) -> None:
    assert _run(returns, tmp_path, "--jobs", jobs) == 0
    assert _digests(tmp_path) == straightforward


def test_fast_path_tags_british_english(returns: Path, tmp_path: Path) -> None:
    """The parts tagged before zipping say en-GB, never en-US (checked in the file)."""
    import zipfile

    assert _run(returns, tmp_path) == 0
    with zipfile.ZipFile(tmp_path / "services" / "EX001.xlsx") as archive:
        core = archive.read("docProps/core.xml").decode()
        charts = [archive.read(n).decode() for n in archive.namelist() if "charts/chart" in n]
    assert "<dc:language>en-GB</dc:language>" in core
    assert charts and all('lang="en-GB"' in c and "en-US" not in c for c in charts)


def _rewritten_names() -> list[str]:
    """The functions xlsxwriter's ``_prepare_formula`` rewrites without future functions:
    read from its own source, so a newer xlsxwriter's additions are checked too."""
    source = inspect.getsource(Worksheet._prepare_formula)
    always = source.split("if not self.use_future_functions")[0]
    return re.findall(r'formula = re\.sub\(r"\\.([A-Z][A-Z.]*)\\\(', always)


def test_rewrite_check_covers_every_xlsxwriter_rewrite() -> None:
    names = _rewritten_names()
    assert len(names) >= 29 and "XLOOKUP" in names and "INGLE" in names  # \SINGLE( -> INGLE
    sheet = render._Worksheet()
    for name in names:
        formula = f"=1+{'S' if name == 'INGLE' else ''}{name}(A1:A3)"
        assert render._REWRITTEN.search(formula), name
        # The fast path then hands the formula to xlsxwriter: the same result as its own.
        fast = render._Worksheet._prepare_formula(sheet, formula)
        assert fast == Worksheet._prepare_formula(sheet, formula) and "_xlfn." in fast
    plain = ("=1+(B9>F9)+(B9>G9)", "{=SUM(A1:A3)}", '=IF(A1>B1,"Above","In")',
             "=MAX(H9/1000-1.96*SQRT(H9/1000/E9),0)*1000",
             "=_xlfn.XLOOKUP(A1,B:C,C:D)")  # fmt: skip
    for formula in plain:
        assert render._Worksheet._prepare_formula(sheet, formula) == (
            Worksheet._prepare_formula(sheet, formula))  # fmt: skip


def _failing_write(code: str, how: str) -> Any:
    real = writing.write_one

    def write_one(task: int) -> str:
        job = writing._JOB
        assert job is not None
        if task >= 0 and job.outcome.services[task].code == code:
            if how == "die":
                os._exit(3)  # the worker process dies, as under the out-of-memory killer
            raise RuntimeError("a bug")
        return real(task)

    return write_one


@pytest.mark.parametrize(("jobs", "how", "why"), [
    ("1", "raise", "RuntimeError"),
    pytest.param("2", "raise", "RuntimeError", marks=fork_only),
    pytest.param("2", "die", "its writing process stopped", marks=fork_only),
])  # fmt: skip
def test_one_failed_workbook_costs_only_its_file(
    returns: Path,
    tmp_path: Path,
    straightforward: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    jobs: str,
    how: str,
    why: str,
) -> None:
    monkeypatch.setattr(writing, "write_one", _failing_write("EX003", how))
    assert _run(returns, tmp_path, "--jobs", jobs) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path}/services/EX003.xlsx: not written ({why}); the others were." in err
    written = _digests(tmp_path)
    assert "services/EX003.xlsx" not in written
    assert not list((tmp_path / "services").glob(".*"))  # no temporary file left behind
    expected = {f: d for f, d in straightforward.items() if f != "services/EX003.xlsx"}
    assert written == expected


@fork_only
def test_a_read_whose_process_dies_is_read_crashed(
    returns: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = reading.read_file

    def read_file(path: Path) -> reading.Kept:
        if path.name.endswith("-005.xlsx"):
            os._exit(3)
        return real(path)

    monkeypatch.setattr(reading, "read_file", read_file)
    assert _run(returns, tmp_path, "--jobs", "2") == 1
    with (tmp_path / "problems.csv").open(encoding="utf-8", newline="") as handle:
        crashed = [r for r in csv.DictReader(handle) if r["code"] == "read-crashed"]
    assert len(crashed) == 1 and crashed[0]["file"].endswith("-005.xlsx")
    assert "its reading process stopped" in crashed[0]["message"]
    services = sorted(p.name for p in (tmp_path / "services").glob("*.xlsx"))
    assert len(services) == SERVICES - 1 and "EX005.xlsx" not in services


def test_jobs_below_one_is_a_usage_error(
    returns: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(returns, tmp_path / "out", "--jobs", "0") == 2
    assert "--jobs must be 1 or more" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("kind", ["scatter", "bar", "line", "column", "pie"])
def test_number_cache_is_xlsxwriters(kind: str) -> None:
    """The one-call-per-point cache writes xlsxwriter's own XML for every kind of token."""
    import io

    data: list[Any] = [1.5, 2, None, 0.1 + 0.2, 1e-20, float("nan"), "3.25", "text", True, -0.0]
    fast = render._Workbook(io.BytesIO()).add_chart({"type": kind})
    plain = Workbook(io.BytesIO()).add_chart({"type": kind})
    assert isinstance(fast, render._NumberCache) and not isinstance(plain, render._NumberCache)
    for chart in (fast, plain):
        chart.fh = io.StringIO()
        chart._write_num_cache(data)
        chart._write_num_cache([])
    assert fast.fh.getvalue() == plain.fh.getvalue()
    assert '<c:pt idx="7"><c:v>0</c:v></c:pt>' in fast.fh.getvalue()  # text caches as 0


def test_shipped_templates_build_the_same_bytes(tmp_path: Path) -> None:
    """Every shipped template (dates, validations, images, conditional formats, charts)
    and the download page: the fast renderer's bytes are the straightforward one's."""
    fast, plain = tmp_path / "fast", tmp_path / "plain"
    assert main(["build", str(SPECS), "--out", str(fast), "--quiet"]) == 0
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(render, "_Workbook", _Straightforward)
        assert main(["build", str(SPECS), "--out", str(plain), "--quiet"]) == 0
    built = _digests(fast)
    assert len([f for f in built if f.endswith(".xlsx")]) >= 7
    assert built == _digests(plain)
