"""Hostile returns against the read path: extent, memory, DTDs, names and hidden formulas.

Each workbook is the real monthly template built by ``build_workbook`` and then damaged
at the level of its zip parts. Files that once made the value reader allocate tens of
gigabytes are read in a child process (under an address-space limit, so a regression
fails one test, not the machine), which also reports its peak memory; and each is
collected beside a good return, which must still be collected whole.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any

import pytest
from test_readback_support import (
    FORM,
    MEASURES,
    build,
    cell_of,
    form_values,
    good_return_path,
    replace,
    rewrite,
    sheet_part,
    specs,
)

from lks_templates.cells import column_letters
from lks_templates.readback import read_return
from lks_templates.readback.safety import MAX_DEFINED_NAMES, MAX_FORMULAS

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PEAK_MIB = 300
"""The memory aim for reading any one file, checked in a child process."""

# Reads one file, then collects a folder, in a child process limited to 2 GiB of address
# space; prints what was found and the peak resident memory of the reads.
CHILD = textwrap.dedent(
    """
    import json, resource, sys
    def peak_mib():
        # VmHWM is the peak of this process's own memory since exec; ru_maxrss would also
        # count the parent's, inherited across fork and exec.
        try:
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        except OSError:
            pass
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))
    from lks_templates import collect
    from lks_templates.readback import read_return
    result = read_return(sys.argv[1])
    folder = collect([sys.argv[2]])
    rows = folder.values
    print(json.dumps({
        "readable": result.readable,
        "problems": [[p.code, p.file, p.sheet, p.cell, p.field, p.message]
                     for p in result.problems],
        "read": folder.summary.read,
        "rejected": [[f, c] for f, c, _ in folder.summary.rejected],
        "good": sorted(
            [r["field"], r["period"], r["value"]]
            for r in rows.to_dict("records") if r["file"].endswith("good.xlsx")
        ),
        "peak_mib": peak_mib(),
    }))
    """
)


@pytest.fixture
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_return_path(tmp_path_factory)


def in_child(hostile: Path, good: Path, tmp_path: Path) -> dict[str, Any]:
    """Read ``hostile`` alone and collect it beside ``good``, in a child process."""
    folder = tmp_path / "batch"
    folder.mkdir()
    shutil.copy(hostile, folder / hostile.name)
    shutil.copy(good, folder / "good.xlsx")
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(hostile), str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def good_rows(good: Path) -> list[list[str]]:
    """The good return's value rows, worked out from the inputs it was built with."""
    rows = []
    for name, series in MEASURES.items():
        for index, value in enumerate(series):
            rows.append(
                [
                    name,
                    f"m{index + 1:02d}",
                    f"{value:g}" if isinstance(value, float) else str(value),
                ]
            )
    return rows


def assert_good_collected(found: dict[str, Any], hostile: str, code: str) -> None:
    """The good return was read whole beside the hostile one, which was refused."""
    assert found["read"] == 1
    assert found["rejected"] == [[hostile, code]]
    measure_rows = [row for row in found["good"] if row[0] in MEASURES]
    assert sorted(measure_rows) == sorted(good_rows(Path()))


def last_row(good: Path, sheet: str = "Data") -> int:
    with zipfile.ZipFile(good) as archive:
        xml = archive.read(sheet_part(good, sheet)).decode()
    return max(int(n) for n in re.findall(r'<row r="(\d+)"', xml))


# -- 1. cells without addresses -----------------------------------------------------------


def test_cells_without_addresses_are_placed_and_bounded_before_the_value_reader(
    good: Path, tmp_path: Path
) -> None:
    # One row of 16,384 address-less cells, 100,000 empty rows, then one cell: a value
    # reader lays that out as 100,002 x 16,384 cells (tens of GB).
    part = sheet_part(good, "Data")
    wide = "<row>" + "<c><v>1</v></c>" * 16_384 + "</row>"
    tail = "<row/>" * 100_000 + "<row><c><v>1</v></c></row>"
    path = rewrite(
        good, tmp_path / "wide.xlsx", {part: replace("</sheetData>", wide + tail + "</sheetData>")}
    )
    assert path.stat().st_size < 100_000
    found = in_child(path, good, tmp_path)
    rows = last_row(good) + 100_002
    assert found["readable"] is False
    assert found["problems"] == [
        [
            "zip-bomb",
            str(path),
            "",
            "",
            "",
            f"The sheet part {part} uses {rows:,} rows by 16,384 columns, more than "
            "4,000,000 cells; refused as possibly hostile.",
        ]
    ]
    assert_good_collected(found, (tmp_path / "batch" / "wide.xlsx").as_posix(), "zip-bomb")
    assert found["peak_mib"] < PEAK_MIB


# -- 2. the same sheet twice; parts the reader would find by itself ----------------------


@pytest.mark.parametrize("twin", ["Data", "DATA"])
def test_a_sheet_name_listed_twice_is_refused(good: Path, tmp_path: Path, twin: str) -> None:
    path = rewrite(
        good,
        tmp_path / "twice.xlsx",
        {"xl/workbook.xml": replace('<sheet name="Dashboard"', f'<sheet name="{twin}"')},
    )
    result = read_return(path, specs=specs())
    assert not result.readable
    also = "" if twin == "Data" else f' and "{twin}"'
    assert [(p.code, p.file, p.message) for p in result.problems] == [
        (
            "corrupt-file",
            str(path),
            f'The workbook lists two sheets named "Data"{also}, which no spreadsheet '
            "program saves. Ask the sender to save the workbook again from Excel and "
            "resend it.",
        )
    ]


def test_the_value_reader_reads_only_the_parts_that_were_checked(
    good: Path, tmp_path: Path
) -> None:
    # _rels/.rels names xl/book.xml as the workbook (the real one); xl/workbook.xml, where
    # python-calamine looks by itself, points "Data" at a sheet with a cell at the far
    # corner. Values must come from the part the checks cleared.
    with zipfile.ZipFile(good) as archive:
        workbook = archive.read("xl/workbook.xml")
        rels = archive.read("xl/_rels/workbook.xml.rels")
    far = (
        b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="' + MAIN_NS.encode() + b'">'
        b'<sheetData><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
        b"</worksheet>"
    )
    decoy_rels = re.sub(rb'Target="worksheets/sheet2.xml"', b'Target="worksheets/far.xml"', rels)
    path = rewrite(
        good,
        tmp_path / "decoy.xlsx",
        {
            "_rels/.rels": replace("xl/workbook.xml", "xl/book.xml"),
            "xl/workbook.xml": lambda _: workbook,
            "xl/_rels/workbook.xml.rels": lambda _: decoy_rels,
            "[Content_Types].xml": replace("/xl/workbook.xml", "/xl/book.xml"),
        },
        add={
            "xl/book.xml": workbook,
            "xl/_rels/book.xml.rels": rels,
            "xl/worksheets/far.xml": far,
        },
    )
    found = in_child(path, good, tmp_path)
    assert found["readable"] is True
    assert found["problems"] == []
    assert found["read"] == 2


# -- 3. names repointed at millions of cells ---------------------------------------------


@pytest.mark.parametrize(
    ("area", "size"), [("$A$1:$XFD$1048576", 17_179_869_184), ("$D$1:$O$500000", 6_000_000)]
)
def test_an_input_name_repointed_at_millions_of_cells_is_located_without_listing_them(
    good: Path, tmp_path: Path, area: str, size: int
) -> None:
    path = rewrite(
        good,
        tmp_path / "huge-name.xlsx",
        {
            "xl/workbook.xml": replace(
                r'(<definedName name="loans">)[^<]*(</definedName>)', rf"\1Data!{area}\2"
            )
        },
    )
    found = in_child(path, good, tmp_path)
    assert found["readable"] is True
    first = area.split(":")[0].replace("$", "")
    assert [p[:5] for p in found["problems"]] == [["moved-name", str(path), "Data", first, "loans"]]
    assert (
        f"the values of loans ({size:,} cells instead of 12) could not be read"
        in (found["problems"][0][5])
    )
    assert found["read"] == 2
    assert found["peak_mib"] < PEAK_MIB


# -- 7. parts within the size limits that would cost gigabytes ---------------------------


def test_a_workbook_part_with_too_many_defined_names_is_refused(good: Path, tmp_path: Path) -> None:
    names = "".join(
        f'<definedName name="n{i}">Data!$A${i}</definedName>' for i in range(MAX_DEFINED_NAMES + 1)
    )
    path = rewrite(
        good,
        tmp_path / "names.xlsx",
        {"xl/workbook.xml": replace("<definedNames>", "<definedNames>" + names)},
    )
    result = read_return(path, specs=specs())
    assert [(p.code, p.message) for p in result.problems] == [
        (
            "zip-bomb",
            f"The part xl/workbook.xml lists more than {MAX_DEFINED_NAMES:,} defined names; "
            "refused as possibly hostile.",
        )
    ]


def test_shared_formula_followers_are_capped_not_expanded(good: Path, tmp_path: Path) -> None:
    # Followers of one shared formula, each a cell of its own, past the cap.
    count = MAX_FORMULAS + 1
    followers = "".join(
        f'<row r="{100 + i // 100}">' * (i % 100 == 0)
        + f'<c r="{column_letters(i % 100 + 1)}{100 + i // 100}"><f t="shared" si="0"/></c>'
        + "</row>" * (i % 100 == 99)
        for i in range(count)
    )
    master = '<row r="99"><c r="A99"><f t="shared" ref="A99:CV3000" si="0">1+1</f></c></row>'
    part = sheet_part(good, "Checks")
    path = rewrite(
        good,
        tmp_path / "followers.xlsx",
        {part: replace("</sheetData>", master + followers + "</row></sheetData>")},
    )
    found = in_child(path, good, tmp_path)
    assert found["problems"] == [
        [
            "zip-bomb",
            str(path),
            "",
            "",
            "",
            f"The sheet part {part} holds more than {MAX_FORMULAS:,} formulas "
            f"({MAX_FORMULAS + 1:,} so far); refused as possibly hostile.",
        ]
    ]
    assert_good_collected(found, (tmp_path / "batch" / "followers.xlsx").as_posix(), "zip-bomb")
    assert found["peak_mib"] < PEAK_MIB


# -- 8. a DTD in any part that is parsed ----------------------------------------------------


DTD = '<!DOCTYPE x [<!ENTITY a "b">]>'


@pytest.mark.parametrize(
    "part",
    ["Data", "Checks", "xl/sharedStrings.xml", "xl/styles.xml", "xl/_rels/workbook.xml.rels"],
)
def test_a_dtd_in_any_part_that_is_parsed_is_refused(good: Path, tmp_path: Path, part: str) -> None:
    if "/" not in part:
        part = sheet_part(good, part)
    path = rewrite(good, tmp_path / "dtd.xlsx", {part: replace(r"(<\?xml[^>]*\?>)", r"\1" + DTD)})
    result = read_return(path, specs=specs())
    assert not result.readable
    assert [(p.code, p.message) for p in result.problems] == [
        (
            "unsafe-xml",
            f"The part {part} declares a DTD or entities, which spreadsheet programs never "
            "write; refused as possibly hostile.",
        )
    ]


# -- 10. a name repointed at a sheet that does not exist -------------------------------------


def test_a_name_repointed_at_a_missing_sheet_says_its_values_were_not_read(
    good: Path, tmp_path: Path
) -> None:
    sheet, first = cell_of("loans")
    path = rewrite(
        good,
        tmp_path / "nowhere.xlsx",
        {
            "xl/workbook.xml": replace(
                r'(<definedName name="loans">)Data!([^<]*</definedName>)', r"\1Nowhere!\2"
            )
        },
    )
    result = read_return(path, specs=specs())
    assert [(p.code, p.severity, f"{p.sheet}!{p.cell}", p.field) for p in result.problems] == [
        ("missing-name", "error", f"{sheet}!{first}", "loans")
    ]
    message = result.problems[0].message
    assert 'on a sheet "Nowhere" the workbook does not have, so its values were not read' in message
    assert "still read" not in message
    assert result.measures["loans"] == [None] * 12
    assert {k: v for k, v in result.measures.items() if k != "loans"} == {
        k: v for k, v in MEASURES.items() if k != "loans"
    }


# -- 13. formulas in entry cells, however they are written ----------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "<f>{text}</f>",
        "<f><![CDATA[{text}]]></f>",
        "<f>{head}<!-- a comment -->{tail}</f>",
        f'<x:f xmlns:x="{MAIN_NS}">{{text}}</x:f>',
    ],
)
def test_a_formula_in_an_entry_cell_is_seen_however_it_is_written(
    good: Path, tmp_path: Path, written: str
) -> None:
    sheet, cell = cell_of("loans", 2)
    text = "40+0"
    element = written.format(text=text, head=text[:2], tail=text[2:])
    path = rewrite(
        good,
        tmp_path / "typed.xlsx",
        {sheet_part(good, sheet): replace(rf'(<c r="{cell}"[^>]*>)<v>', rf"\1{element}<v>")},
    )
    result = read_return(path, specs=specs())
    assert [(p.code, f"{p.sheet}!{p.cell}", p.field, p.period) for p in result.problems] == [
        ("formula-in-input", f"{sheet}!{cell}", "loans", "m03")
    ]
    assert f"holds the formula ={text} instead of a typed value" in result.problems[0].message
    assert result.measures["loans"] == [40, 40, None] + [40] * 9
    assert result.raw_errors[("loans", "m03")] == f"={text}"


def test_a_formula_cut_and_pasted_into_an_entry_cell_keeping_the_formula_order(
    good: Path, tmp_path: Path
) -> None:
    # The formula that follows the entry cell in the sheet (its row's total) is cut and
    # pasted into it: the sequence of formula texts is unchanged, which cells hold them
    # is not.
    sheet, cell = cell_of("loans", 2)
    part = sheet_part(good, sheet)
    with zipfile.ZipFile(good) as archive:
        xml = archive.read(part).decode()
    at = xml.index(f'<c r="{cell}"')
    donor = re.compile(r'<c r="([A-Z]+[0-9]+)"[^>]*><f>([^<]*)</f>').search(xml, at)
    assert donor is not None
    source, body = donor.groups()
    assert "SUM(" in body and source[-2:] == cell[-2:], "the row total follows the cell"

    def move(data: bytes) -> bytes:
        text = data.decode()
        text, cut = re.subn(rf'(<c r="{source}"[^>]*>)<f>[^<]*</f>', r"\1", text)
        pattern = rf'(<c r="{cell}"[^>]*>)<v>'
        text, pasted = re.subn(pattern, lambda m: f"{m.group(1)}<f>{body}</f><v>", text)
        assert (cut, pasted) == (1, 1)
        return text.encode()

    path = rewrite(good, tmp_path / "cut.xlsx", {part: move})
    result = read_return(path, specs=specs())
    assert [(p.code, p.cell, p.severity) for p in result.problems] == [
        ("formula-in-input", cell, "error"),
        ("formula-overwritten", source, "warning"),
    ]
    assert result.measures["loans"][2] is None


# -- one cell-address module ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "is_cell"),
    [("ab2000000", False), ("xfd1048577", False), ("xfe1", False), ("xfd1048576", True),
     ("a1", True)],
)  # fmt: skip
def test_every_former_cell_address_helper_agrees(word: str, is_cell: bool) -> None:
    from lks_templates import cells
    from lks_templates.build import _parse_a1
    from lks_templates.formula import is_cell_reference
    from lks_templates.readback.workbook import parse_reference
    from lks_templates.spec.names import looks_like_cell_reference

    assert cells.is_cell(word) is is_cell
    assert is_cell_reference(word) is is_cell
    assert looks_like_cell_reference(word) is is_cell
    assert (parse_reference(f"Data!${word[:-1]}${word[-1]}") is not None) is is_cell or (
        (parse_reference(f"Data!{word}") is not None) is is_cell
    )
    if is_cell:
        row, col = _parse_a1(word.upper())
        assert cells.cell_text(row + 1, col + 1) == word.upper()
    else:
        with pytest.raises(ValueError):
            _parse_a1(word.upper())


@pytest.mark.parametrize("address", ["AB2000000", "XFD1048577"])
def test_a_stored_cell_beyond_excels_limits_is_refused(
    good: Path, tmp_path: Path, address: str
) -> None:
    part = sheet_part(good, "Data")
    path = rewrite(good, tmp_path / "far.xlsx", {part: replace('<c r="B1"', f'<c r="{address}"')})
    result = read_return(path, specs=specs())
    assert [(p.code, p.message) for p in result.problems] == [
        (
            "zip-bomb",
            f"The sheet part {part} has a cell at {address!r}, beyond the largest sheet; "
            "refused as possibly hostile.",
        )
    ]


# -- the per-run context -------------------------------------------------------------------


def test_spec_folders_are_loaded_afresh_for_each_run(tmp_path: Path) -> None:
    # A module-level table once kept the first spec loaded from a folder for the whole
    # process, so an edited spec was never seen again.
    from lks_templates.readback.context import ReadContext
    from lks_templates.readback.read import load_spec_set
    from lks_templates.spec.specset import shipped_specs_dir

    folder = tmp_path / "specs"
    shutil.copytree(shipped_specs_dir(), folder)
    spec = folder / "monthly-activity.yaml"

    def title() -> str:
        resolved = load_spec_set([folder]).resolve("monthly-activity")
        assert resolved is not None
        return resolved.template.title

    assert title() == "Monthly activity dashboard"
    spec.write_text(spec.read_text().replace("title: Monthly activity dashboard", "title: Edited"))
    assert title() == "Edited"
    # Within one run (one context) the folder is loaded once.
    context = ReadContext()
    assert load_spec_set([folder], context) is load_spec_set([folder], context)


@pytest.mark.parametrize(
    ("cell", "code", "words"),
    [
        # An address a reader matching attributes by local name would use.
        (f'<c xmlns:y="{MAIN_NS}" y:r="XFD1048576"><v>1</v></c>', "corrupt-file", "prefixed"),
        # A second address in the same tag: not well-formed, whatever a reader would do.
        ('<c r="A1" r="XFD1048576"><v>1</v></c>', "corrupt-file", "not well-formed"),
    ],
)
def test_cell_addresses_a_reader_could_see_otherwise_are_refused(
    good: Path, tmp_path: Path, cell: str, code: str, words: str
) -> None:
    part = sheet_part(good, "Data")
    row = f'<row r="999">{cell}</row></sheetData>'
    path = rewrite(good, tmp_path / "odd.xlsx", {part: replace("</sheetData>", row)})
    result = read_return(path, specs=specs())
    assert [p.code for p in result.problems] == [code]
    assert words in result.problems[0].message and part in result.problems[0].message


def test_cells_nested_in_an_unknown_element_still_count_towards_the_extent(
    good: Path, tmp_path: Path
) -> None:
    # Address-less cells wrapped in an element a reader may look through.
    part = sheet_part(good, "Data")
    wide = "<row><x>" + "<c><v>1</v></c>" * 16_384 + "</x></row>"
    tail = "<row/>" * 300 + "<row><x><c><v>1</v></c></x></row>"
    path = rewrite(
        good,
        tmp_path / "nested.xlsx",
        {part: replace("</sheetData>", wide + tail + "</sheetData>")},
    )
    result = read_return(path, specs=specs())
    rows = last_row(good) + 302
    assert [(p.code, p.message) for p in result.problems] == [
        (
            "zip-bomb",
            f"The sheet part {part} uses {rows:,} rows by 16,384 columns, more than "
            "4,000,000 cells; refused as possibly hostile.",
        )
    ]


def test_the_1904_date_system_is_carried_to_the_value_reader(tmp_path: Path) -> None:
    # The value reader is given a workbook built from the checked parts; the date system
    # of the return must go with them: the same serial is 1,462 days later from 1904.
    path = build(tmp_path / "form.xlsx", FORM, values=form_values())
    plain = read_return(path, specs=specs()).profile["case_date"]
    assert isinstance(plain, dt.date)

    def mac(xml: bytes) -> bytes:
        text = xml.decode()
        if "<workbookPr" in text:
            return text.replace("<workbookPr", '<workbookPr date1904="1"', 1).encode()
        return text.replace("<sheets>", '<workbookPr date1904="1"/><sheets>', 1).encode()

    mac_path = rewrite(path, tmp_path / "mac.xlsx", {"xl/workbook.xml": mac})
    result = read_return(mac_path, specs=specs())
    assert result.problems == []
    assert result.profile["case_date"] == plain + dt.timedelta(days=1462)
