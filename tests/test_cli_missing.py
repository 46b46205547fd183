"""One wording for a path that does not exist, one ``--specs`` option, one Excel epoch."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from openpyxl.utils.datetime import from_excel, to_excel

from lks_templates.cli import COMMANDS, main
from lks_templates.formula.values import (
    EXCEL_EPOCH,
    LAST_EXCEL_SERIAL,
    date_to_serial,
    serial_to_date,
)

ROOT = Path(__file__).resolve().parents[1]
SPECS = str(ROOT / "tests" / "data" / "specs")

# Every way a command is given a path, with the missing one in place of {missing}.
MISSING: dict[str, list[str]] = {
    "validate": ["validate", "{missing}"],
    "release": ["release", "{missing}"],
    "diff": ["diff", "{missing}", str(ROOT / "template_specs")],
    "diff --specs": ["diff", "--specs", "{missing}"],
    "audit": ["audit", "{missing}"],
    "build": ["build", "{missing}", "--out", "{out}"],
    "check": ["check", "{missing}", "--dist", "{out}"],
    "preview": ["preview", "{missing}", "--out", "{out}"],
    "docs --specs": ["docs", "--specs", "{missing}", "--out", "{out}"],
    "export-tableschema --specs": ["export-tableschema", "supplementary-dataset", "--specs",
                                   "{missing}"],
    "import-tableschema": ["import-tableschema", "{missing}"],
    "read": ["read", "{missing}"],
    "read --specs": ["read", str(ROOT / "dist" / "monthly-activity.xlsx"), "--specs",
                     "{missing}"],
    "collect": ["collect", "{missing}", "--out", "{out}"],
    "collect --specs": ["collect", str(ROOT / "dist"), "--out", "{out}", "--specs", "{missing}"],
    "import-counter": ["import-counter", "{missing}", "--into", str(ROOT / "dist" /
                       "e-resources.xlsx"), "--out", "{out}"],
    "import-counter --into": ["import-counter", str(ROOT / "tests" / "data" / "counter" /
                              "PRP1_sample_r51.tsv"), "--into", "{missing}", "--out", "{out}"],
    "benchmark": ["benchmark", "{missing}", "--spec", "monthly-activity-peers", "--out", "{out}"],
    "benchmark --specs": ["benchmark", str(ROOT / "dist"), "--spec", "monthly-activity-peers",
                          "--out", "{out}", "--specs", "{missing}"],
    "benchmark --spec": ["benchmark", str(ROOT / "dist"), "--spec", "{missing}",
                         "--out", "{out}"],
    "migrate": ["migrate", "{missing}", "--out", "{out}"],
    "migrate --specs": ["migrate", str(ROOT / "dist" / "monthly-activity.xlsx"), "--out",
                        "{out}", "--specs", "{missing}"],
    "rollover": ["rollover", "{missing}", "--out", "{out}"],
    "rollover --specs": ["rollover", str(ROOT / "dist" / "monthly-activity.xlsx"), "--out",
                         "{out}", "--specs", "{missing}"],
    "example-returns --specs": ["example-returns", "monthly-activity", "--out", "{out}",
                                "--specs", "{missing}"],
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(MISSING))
def test_every_command_says_the_same_of_a_missing_path(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = str(tmp_path / "no" / "such.yaml")
    out = str(tmp_path / "out")
    argv = [arg.format(missing=missing, out=out) for arg in MISSING[case]]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == f"{missing}: missing-path No such file or folder; check the path.\n"
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no --out made, nothing written


def test_the_missing_path_cases_cover_every_command_that_takes_a_path() -> None:
    takes_no_path = {"schema"}
    assert {case.split()[0] for case in MISSING} == set(COMMANDS) - takes_no_path


def test_the_library_says_it_in_the_same_words(tmp_path: Path) -> None:
    from lks_templates import validate_paths

    missing = tmp_path / "gone"
    _, problems = validate_paths([missing])
    assert [p.format() for p in problems] == [
        f"{missing}: missing-path No such file or folder; check the path."
    ]


def _specs_help(command: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = " ".join(capsys.readouterr().out.split())
    found = re.search(r"--specs PATH (.+?)(?= -|$)", text)
    assert found, text
    return found.group(1)


@pytest.mark.parametrize("command", ["docs", "export-tableschema", "read", "collect"])
def test_specs_has_one_definition_and_one_help_text(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    default = (
        "the specs shipped with the library"
        if command in ("read", "collect")
        else ("template_specs/")
    )
    expected = f"a spec file or folder; repeat for more; default: {default}"
    assert _specs_help([command], capsys) == expected


def test_every_command_module_defines_specs_through_the_shared_option() -> None:
    for module in sorted((ROOT / "lks_templates" / "commands").glob("*.py")):
        if module.name == "_common.py":
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        literals = [n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)]
        assert "--specs" not in literals, f"{module.name} defines --specs itself"


def test_one_excel_epoch_agrees_with_openpyxl() -> None:
    # openpyxl converts with its own code: an independent check of the serials.
    for day in [dt.date(1900, 3, 1), dt.date(2026, 4, 30), dt.date(9999, 12, 31)]:
        assert date_to_serial(day) == to_excel(day)  # type: ignore[no-untyped-call]
        assert serial_to_date(date_to_serial(day)) == day
    assert date_to_serial(dt.date(2026, 4, 30)) == 46142  # =DATE(2026,4,30) in LibreOffice
    assert date_to_serial(dt.datetime(2026, 4, 30, 13, 5)) == 46142
    assert serial_to_date(LAST_EXCEL_SERIAL) == dt.date(9999, 12, 31)
    assert from_excel(61).date() == serial_to_date(61) == dt.date(1900, 3, 1)
    assert dt.date(1899, 12, 30) == EXCEL_EPOCH


def test_no_other_module_counts_days_from_its_own_epoch() -> None:
    home = ROOT / "lks_templates" / "formula" / "values.py"
    for module in sorted((ROOT / "lks_templates").rglob("*.py")):
        if module == home:
            continue
        text = module.read_text(encoding="utf-8")
        assert not re.search(r"date\(\s*1899|25569|693594", text), module.name
