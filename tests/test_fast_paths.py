"""What keeps collecting fast stays correct: the static list of Excel function names, the
formula tokenizer loaded without openpyxl, a real collection importing neither openpyxl
nor pandas, CSV rows written without the csv module where that gives the same bytes, and
formulas normalised by runs rather than character by character."""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils.formulas import FORMULAE
from test_readback_support import good_return_path, rewrite, sheet_part

from lks_templates.collection import collect, write_rows
from lks_templates.readback import read_return
from lks_templates.readback.formulas import normalise_formula
from lks_templates.spec.names import function_names, name_problem


def test_static_function_names_hold_all_of_openpyxls_list() -> None:
    missing = sorted(name.lower() for name in FORMULAE if name.lower() not in function_names())
    assert missing == []
    # And the list still catches what it is for.
    for name in ("sum", "xlookup", "ecma.ceiling", "true"):
        assert name in function_names()
    assert name_problem("sum") is not None
    assert name_problem("sum")[0] == "name-like-function"  # type: ignore[index]
    assert name_problem("searches_total") is None


def test_collecting_imports_neither_openpyxl_nor_pandas(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    good = good_return_path(tmp_path_factory)
    out = tmp_path / "out"
    code = (
        "import sys\nfrom lks_templates.cli import main\n"
        f"code = main(['collect', {str(good)!r}, '--out', {str(out)!r}])\n"
        "print(code, sorted(m for m in ('pandas', 'openpyxl', 'numpy') "
        "if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "0 []"
    assert (out / "values.csv").read_text(encoding="utf-8").count("\n") > 100


def test_csv_rows_are_written_as_the_csv_module_writes_them_quoting_every_line_break() -> None:
    rng = random.Random(5)
    alphabet = ["a", ",", '"', "\r", "\n", " ", "\t", "'", "=", "é", "\x00", "\u2028", "\x85"]
    checked = 0
    plain = ["a", " ", "\t", "'", "=", "é", "\x00"]
    # The csv module quotes a field holding a character of its line terminator: given every
    # line boundary of str.splitlines as the terminator, it quotes exactly the fields that
    # must be quoted (a lone CR among them); its records then end in that terminator.
    breaks = "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
    for _ in range(3000):
        chars = rng.choice([alphabet, plain])  # batches that take the short cut, too
        rows: list[list[Any]] = [
            [
                rng.choice([None, 3, 2.5])
                if rng.random() < 0.02
                else "".join(rng.choice(chars) for _ in range(rng.randrange(0, 4)))
                for _ in range(rng.choice([1, 2, 12]))
            ]
            for _ in range(rng.randrange(0, 5))
        ]
        head = [rng.choice(["", "f.xlsx", "a,b", "'=x", 'q"']) for _ in range(rng.choice([0, 4]))]
        expected = ""
        for row in rows:
            record = io.StringIO()
            csv.writer(record, lineterminator=breaks).writerow([*head, *row])
            expected += record.getvalue().removesuffix(breaks) + "\n"
        got = io.StringIO()
        write_rows(got, rows, head)
        assert got.getvalue() == expected, (head, rows)
        # And every record reads back as written, by the csv module and by line.
        back = list(csv.reader(io.StringIO(got.getvalue(), newline="")))
        assert back == [["" if c is None else str(c) for c in [*head, *row]] for row in rows]
        checked += len(rows)
    assert checked > 5000
    # The common case really takes the short cut and gives plain joined text.
    written = io.StringIO()
    write_rows(written, [["a", "", "b c"], ["'=x", "2"]])
    write_rows(written, [["1"], ["2", ""]], ["f.xlsx", "t"])
    assert written.getvalue() == "a,,b c\n'=x,2\nf.xlsx,t,1\nf.xlsx,t,2,\n"


def _normalise_by_characters(text: str) -> str:
    """normalise_formula as first written, one character at a time: the reference."""
    text = text.strip()
    if text.startswith("="):
        text = text[1:]
    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char in "\"'":
            end = index + 1
            while end < length:
                if text[end] == char:
                    if end + 1 < length and text[end + 1] == char:
                        end += 2
                        continue
                    end += 1
                    break
                end += 1
            if char == '"':
                out.append(text[index:end])
            else:
                name = text[index + 1 : end - 1].replace("''", "'")
                plain = re.match(r"^[A-Za-z_][A-Za-z0-9_.]*$", name)
                out.append(name.upper() if plain else text[index:end].upper())
            index = end
        elif char in " \t\r\n$":
            index += 1
        else:
            out.append(char.upper())
            index += 1
    joined = re.sub(r"_XLFN\.|_XLWS\.|_XLPM\.", "", "".join(out))
    return re.sub(r"\b(TRUE|FALSE)\(\)", r"\1", joined)


def test_formula_normalisation_matches_the_character_by_character_reference() -> None:
    rng = random.Random(9)
    pieces = [
        "a",
        "B",
        "ß",
        '"',
        "'",
        "''",
        '""',
        "$",
        " ",
        "\t",
        "\n",
        "=",
        "(",
        ")",
        "_xlfn.",
        "TRUE()",
        "Sheet 1",
        "!",
        "1",
        ".",
        "é",
        "SUM(",
        "Data",
        ",",
    ]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(0, 10)))
        assert normalise_formula(text) == _normalise_by_characters(text), text
    # Hand-worked: re-saved forms of one formula agree, a real change does not.
    assert (
        normalise_formula("=_xlfn.IFERROR( 'Data'!$C$9 / sum(x) ,\"a b\")")
        == 'IFERROR(DATA!C9/SUM(X),"a b")'
    )
    assert normalise_formula("IF(a,TRUE(),0)") == "IF(A,TRUE,0)"
    assert normalise_formula("'My sheet'!A1") == "'MY SHEET'!A1"


def test_a_row_without_a_number_is_a_corrupt_file_not_a_crash(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    # Met while making the slow path (formulas differing from the template's) faster: the
    # row number was trusted to be a number.
    good = good_return_path(tmp_path_factory)
    data = sheet_part(good, "Data")
    (tmp_path / "returns").mkdir()
    bad = rewrite(
        good,
        tmp_path / "returns" / "bad.xlsx",
        {
            data: lambda xml: xml.replace(b'<row r="40"', b'<row r="x"', 1).replace(
                b"<f>", b'<f t="normal">', 1
            )
        },
    )
    result = read_return(bad)
    assert not result.readable
    assert [(p.code, p.severity) for p in result.problems] == [("corrupt-file", "error")]
    assert "row numbered 'x'" in result.problems[0].message
    shutil.copy(good, tmp_path / "returns" / "good.xlsx")
    collection = collect([tmp_path / "returns"])
    assert collection.summary.read == 1
    assert len(collection.summary.rejected) == 1


@pytest.mark.parametrize(
    ("address", "code"),
    [
        ("A99999999", "zip-bomb"),
        ("ZZZZ1", "zip-bomb"),
        ("1A", "corrupt-file"),
        ("A-1", "corrupt-file"),
    ],
)
def test_a_cell_address_that_cannot_be_placed_is_refused(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, address: str, code: str
) -> None:
    # python-calamine reads A99999999 as row 99,999,999 and asks for 51 GB, which aborts
    # the process; the sheet is refused before it is handed over. In a child process, so
    # that a regression fails this test and not the whole run.
    good = good_return_path(tmp_path_factory)
    bad = rewrite(
        good,
        tmp_path / "far.xlsx",
        {
            sheet_part(good, "Data"): lambda xml: xml.replace(
                b'<c r="B1"', f'<c r="{address}"'.encode(), 1
            )
        },
    )
    code_text = (
        "from lks_templates.readback import read_return\n"
        f"result = read_return({str(bad)!r})\n"
        "print(result.readable, [p.code for p in result.problems])"
    )
    done = subprocess.run(
        [sys.executable, "-c", code_text], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == f"False [{code!r}]"


@pytest.mark.parametrize("master", ["'x", '"a', ")"])
def test_a_shared_formula_that_does_not_parse_is_a_changed_formula_not_a_crash(
    tmp_path_factory: pytest.TempPathFactory, tmp_path: Path, master: str
) -> None:
    good = good_return_path(tmp_path_factory)

    def share(xml: bytes) -> bytes:
        # The first formula becomes a broken shared master, the second its copy.
        first, second = list(re.finditer(rb"<f>[^<]*</f>", xml))[:2]
        return (
            xml[: first.start()]
            + b'<f t="shared" si="7" ref="A1:Z99">'
            + master.encode()
            + b"</f>"
            + xml[first.end() : second.start()]
            + b'<f t="shared" si="7"/>'
            + xml[second.end() :]
        )

    bad = rewrite(good, tmp_path / "shared.xlsx", {sheet_part(good, "Data"): share})
    result = read_return(bad)
    assert result.readable
    changed = [p for p in result.problems if p.code == "formula-overwritten"]
    assert len(changed) == 2
    assert all(p.severity == "warning" and p.sheet == "Data" for p in changed)
