"""Hostile specs, made from the shipped templates: ``validate`` reports an error exactly when
``build`` refuses the spec, neither ever raises, and a refused build leaves ``--out`` as it
was.

Each case mutates a copy of ``template_specs/`` (the data, or the YAML text) and runs both
commands through the CLI, as a user would. Warnings are errors under pytest, so an
xlsxwriter warning in ``build`` counts as a refusal that ``validate`` missed.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from lks_templates.cli import main

SHIPPED = Path(__file__).resolve().parent.parent / "template_specs"
FILES = [
    "supplementary-dataset.yaml",
    "faq.yaml",
    "monthly-activity.yaml",
    "staffing-and-finance.yaml",
]
TEMPLATE = "staffing-and-finance.yaml"  # built second (ids sort), after monthly-activity
DATASET = "supplementary-dataset.yaml"

Data = dict[str, Any]


def _copy(tmp: Path) -> Path:
    specs = tmp / "specs"
    specs.mkdir()
    for name in FILES:
        shutil.copy(SHIPPED / name, specs / name)
    return specs


def _edit(file: str, change: Callable[[Data], None]) -> Callable[[Path], None]:
    """A mutation of one spec's data, written back as YAML (escapes for control codes)."""

    def mutate(specs: Path) -> None:
        data = yaml.safe_load((specs / file).read_text(encoding="utf-8"))
        change(data)
        (specs / file).write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")

    return mutate


def _append(file: str, text: str) -> Callable[[Path], None]:
    def mutate(specs: Path) -> None:
        with (specs / file).open("a", encoding="utf-8") as stream:
            stream.write(text)

    return mutate


def _kpi(name: str, formula: str) -> Data:
    return {"name": name, "title": name.replace("_", " "), "formula": formula}


def _chain(data: Data) -> None:
    # 1,000 KPIs, each using the one before: the dependency order used to recurse.
    chain = [_kpi("chain_0", "SUM(loans)")]
    chain += [_kpi(f"chain_{i}", f"chain_{i - 1} + 1") for i in range(1, 1000)]
    data["kpis"] = data["kpis"] + chain


def _set(key: str, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data[key] = value

    return change


def _field(key: str, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data["fields"][0][key] = value

    return change


def _first(group: str, key: str, value: Any) -> Callable[[Data], None]:
    def change(data: Data) -> None:
        data[group][0][key] = value

    return change


LONG = ["m" + "x" * 240 + f"_{i:03d}" for i in range(40)]  # 245-character field names


def _long_names(specs: Path) -> None:
    """Ten derived figures in a chain over 40 long-named measures, and a KPI of the last:
    each formula is short enough, but the KPI's cell lists all 40 names (9,878 characters,
    past Excel's 8,192), which only the planned workbook shows."""

    def fields(data: Data) -> None:
        data["fields"] += [{"name": n, "title": n[-3:], "description": "D."} for n in LONG]

    def template(data: Data) -> None:
        data["measures"] += LONG
        for j in range(10):
            terms = LONG[4 * j : 4 * j + 4] + ([f"chain_{j - 1}"] if j else [])
            data["derived"].append(
                {"name": f"chain_{j}", "title": f"C{j}", "formula": "+".join(terms)}
            )
        data["kpis"].append(_kpi("all_of_them", "SUM(chain_9)"))

    _edit(DATASET, fields)(specs)
    _edit(TEMPLATE, template)(specs)


NESTED = "\n".join(" " * i + "a:" for i in range(600))
BOMB = "\n".join(
    ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    + [f"l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 10) + "]" for n in range(1, 9)]
)

# (case id, mutation, whether validate must report an error)
CASES: list[tuple[str, Callable[[Path], None], bool]] = [
    ("shipped", lambda specs: None, False),
    (
        "chart-without-series",
        _edit(
            TEMPLATE,
            lambda d: d.update(charts=[{"title": "Nothing", "type": "column", "series": []}]),
        ),
        True,
    ),
    ("kpi-chain-1000", _edit(TEMPLATE, _chain), False),
    ("id-250-characters", _edit(TEMPLATE, _set("id", "a" * 250)), True),
    ("id-100-characters", _edit(TEMPLATE, _set("id", "b" * 100)), False),
    ("nul-in-unit", _edit(DATASET, _field("unit", "WTE\x00")), True),
    ("bell-in-title", _edit(TEMPLATE, _set("title", "Staffing\x07")), True),
    ("kpi-named-lks-periods", _edit(TEMPLATE, _first("kpis", "name", "lks_periods")), True),
    ("rule-named-lks-failures", _edit(TEMPLATE, _first("rules", "name", "lks_failures")), True),
    ("field-named-lks-chart-data", _edit(DATASET, _field("name", "lks_chart_data")), True),
    (
        "flat-sum-500",
        _edit(TEMPLATE, _first("kpis", "formula", "+".join(["lks_wte_total"] * 500))),
        True,
    ),
    (
        "brackets-250",
        _edit(TEMPLATE, _first("kpis", "formula", "(" * 250 + "lks_wte_total" + ")" * 250)),
        True,
    ),
    (
        "nested-ifs-200",
        _edit(TEMPLATE, _first("kpis", "formula", "IF(1," * 200 + "1" + ",0)" * 200)),
        True,
    ),
    ("long-description", _edit(DATASET, _field("description", "x" * 40_000)), True),
    ("long-title", _edit(TEMPLATE, _set("title", "Staffing " * 40)), False),
    ("name-255-characters", _edit(TEMPLATE, _first("kpis", "name", "k" * 255)), False),
    ("nesting-600", _append(TEMPLATE, f"deep:\n{NESTED}\n"), True),
    ("integer-5000-digits", _append(TEMPLATE, f"huge: {'9' * 5000}\n"), True),
    ("self-merge", _append(TEMPLATE, "loop: &loop\n  a: 1\n  <<: *loop\n"), True),
    ("alias-bomb", _append(TEMPLATE, BOMB + "\n"), True),
    ("infinite-target", _edit(TEMPLATE, _first("kpis", "target", float("inf"))), True),
    ("huge-target", _edit(TEMPLATE, _first("kpis", "target", 1e300)), False),
    (
        "long-field-texts",
        _edit(
            DATASET,
            lambda d: d["fields"][0].update(
                title="T" * 300,
                description="D" * 3000,
                guidance="G" * 3000,
                unit="U" * 300,
                section="S" * 300,
            ),
        ),
        False,
    ),
    ("long-rule-message", _edit(TEMPLATE, _first("rules", "message", "M" * 3000)), False),
    (
        "long-kpi-texts",
        _edit(
            TEMPLATE,
            lambda d: d["kpis"][0].update(title="K" * 300, description="D" * 3000, unit="U" * 300),
        ),
        False,
    ),
    ("long-chart-title", _edit(TEMPLATE, _first("charts", "title", "C" * 3000)), False),
    ("long-send-to", _edit(TEMPLATE, _set("send_to", "S" * 30000)), False),
    ("odd-number-format", _edit(TEMPLATE, _first("kpis", "format", '[Red"x')), False),
    (
        "no-measures",
        _edit(TEMPLATE, lambda d: d.update(measures=[], charts=[], derived=[], kpis=[], rules=[])),
        False,
    ),
    (
        "nothing-at-all",
        _edit(
            TEMPLATE,
            lambda d: d.update(measures=[], profile=[], charts=[], derived=[], kpis=[], rules=[]),
        ),
        False,
    ),
    ("annual-period", _edit(TEMPLATE, lambda d: d.update(period={"frequency": "annual"})), False),
    (
        "quarterly-period",
        _edit(
            TEMPLATE, lambda d: d.update(period={"frequency": "quarterly", "year_start_month": 1})
        ),
        False,
    ),
    ("empty-dataset", _edit(DATASET, lambda d: d.update(fields=[])), True),
    (
        "enum-choice-with-comma",
        _edit(
            DATASET,
            lambda d: next(f for f in d["fields"] if f["name"] == "trust_type")[
                "constraints"
            ].update(enum=["Acute, Large", "Community"]),
        ),
        True,
    ),
    ("excel-formula-too-long", _long_names, True),
    (
        "chart-title-like-a-formula",
        _edit(TEMPLATE, _first("charts", "title", "=cmd|' /C calc'!A0")),
        True,
    ),
    (
        "field-title-like-a-formula",
        _edit(
            DATASET,
            lambda d: next(f for f in d["fields"] if f["name"] == "loans").update(title="=1+1"),
        ),
        True,
    ),
    ("tab-and-newline-in-unit", _edit(DATASET, _field("unit", "W\tT\nE")), False),
]


def _listing(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}  # fmt: skip


@pytest.mark.parametrize(("mutate", "refused"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_validate_reports_an_error_exactly_when_build_refuses(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    mutate: Callable[[Path], None],
    refused: bool,
) -> None:
    specs = _copy(tmp_path)
    mutate(specs)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("a file that was there before", encoding="utf-8")
    before = _listing(out)

    validated = main(["validate", str(specs)])
    report = capsys.readouterr()
    built = main(["build", str(specs), "--out", str(out), "--quiet"])
    build_report = capsys.readouterr()

    assert validated == (1 if refused else 0), report.out + report.err
    assert built == (1 if refused else 0), build_report.out + build_report.err
    if refused:
        assert _listing(out) == before, "a refused build leaves --out as it was"
        # build names the same problems validate does, each located in a spec file.
        assert build_report.out == report.out
    else:
        wanted = [
            "README.md",
            "index.html",
            "keep.txt",
            *(f"{p.stem}.xlsx" for p in _templates(specs)),
        ]
        assert sorted(_listing(out)) == sorted(wanted)


def _templates(specs: Path) -> list[Path]:
    found = []
    for file in sorted(specs.glob("*.yaml")):
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        if data.get("kind") in ("template", "form"):
            found.append(file.with_name(f"{data['id']}.yaml"))
    return found


def test_a_build_that_fails_part_way_leaves_out_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lks_templates.build as build

    specs = _copy(tmp_path)
    out = tmp_path / "dist"
    build.build_all([specs], out)
    before = _listing(out)
    assert sorted(before) == [
        "README.md",
        "index.html",
        "monthly-activity.xlsx",
        "staffing-and-finance.xlsx",
    ]
    # A changed title changes both workbooks' bytes; the second one then fails to render
    # (as the disk filling up would), after the first was built.
    for name in ("monthly-activity.yaml", TEMPLATE):
        _edit(name, lambda data: data.update(title=data["title"] + " (new)"))(specs)
    rendered: list[str] = []
    from lks_templates.render import render_workbook as real

    def render_then_fail(plan: Any, path: str) -> None:
        rendered.append(plan.template_id)
        if len(rendered) == 2:
            raise OSError(28, "No space left on device")
        real(plan, path)

    monkeypatch.setattr(build, "render_workbook", render_then_fail)
    with pytest.raises(OSError, match="No space left"):
        build.build_all([specs], out)
    assert rendered == ["monthly-activity", "staffing-and-finance"]
    assert _listing(out) == before  # the same files, byte for byte, and nothing left over
