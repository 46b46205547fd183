"""Hostile, damaged, tampered and foreign files: one clear, located problem each.

Every workbook starts as a real template built by ``build_workbook`` and is then damaged
the way a careless or hostile sender could: at the level of bytes, the zip, or the XML.
"""

from __future__ import annotations

import re
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter
from test_readback_support import (
    MEASURES,
    build,
    cell_of,
    good_return_path,
    monthly_values,
    plan_of,
    replace,
    rewrite,
    sheet_part,
    shipped_version,
    specs,
)

from lks_templates.readback import read_return
from lks_templates.readback.safety import MAX_MEMBER_BYTES

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@pytest.fixture
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return good_return_path(tmp_path_factory)


def only_problem(path: Path) -> tuple[str, str]:
    """(code, severity) of the single problem of an unreadable file."""
    result = read_return(path, specs=specs())
    assert not result.readable
    assert len(result.problems) == 1, [p.format() for p in result.problems]
    problem = result.problems[0]
    assert problem.file == str(path)
    assert problem.message.endswith(".")
    return problem.code, problem.severity


def found(path: Path) -> list[tuple[str, str, str]]:
    """(code, Sheet!cell, field) of every problem of a file that was read."""
    result = read_return(path, specs=specs())
    assert result.readable, [p.format() for p in result.problems]
    return [(p.code, f"{p.sheet}!{p.cell}", p.field) for p in result.problems]


# -- not a workbook we can read --------------------------------------------------------


def test_truncated_zip(good: Path, tmp_path: Path) -> None:
    data = good.read_bytes()
    path = tmp_path / "truncated.xlsx"
    path.write_bytes(data[: len(data) // 2])
    assert only_problem(path) == ("corrupt-file", "error")


def test_corrupt_member_data(good: Path, tmp_path: Path) -> None:
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("xl/workbook.xml")
    name_length, extra_length = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_length + extra_length
    for offset in range(start + 10, start + 40):
        data[offset] ^= 0x5A
    path = tmp_path / "corrupt.xlsx"
    path.write_bytes(bytes(data))
    assert only_problem(path) == ("corrupt-file", "error")


def _patch_sizes(good: Path, member: str, size: int) -> bytes:
    """The zip with ``member``'s uncompressed size field set to ``size`` everywhere."""
    data = bytearray(good.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            name_at = match.start() + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_at : name_at + len(name)]) == name:
                data[match.start() + offset : match.start() + offset + 4] = struct.pack("<I", size)
    return bytes(data)


def test_zip_bomb_declared_size(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "declared.xlsx"
    path.write_bytes(_patch_sizes(good, "xl/workbook.xml", 3 * 1024**3))
    assert only_problem(path) == ("zip-bomb", "error")


def test_member_lying_small_about_its_size(good: Path, tmp_path: Path) -> None:
    path = tmp_path / "liar.xlsx"
    path.write_bytes(_patch_sizes(good, "xl/workbook.xml", 100))
    assert only_problem(path) == ("corrupt-file", "error")


def test_zip_bomb_extreme_ratio(good: Path, tmp_path: Path) -> None:
    path = rewrite(
        good, tmp_path / "ratio.xlsx", add={"xl/media/padding.bin": b"\0" * (4 * 1024 * 1024)}
    )
    assert only_problem(path) == ("zip-bomb", "error")


def test_zip_bomb_member_over_the_cap(good: Path, tmp_path: Path) -> None:
    # Random-ish text compresses badly, so only the size cap can catch it.
    path = rewrite(
        good,
        tmp_path / "big.xlsx",
        add={"xl/media/big.bin": bytes(range(256)) * (MAX_MEMBER_BYTES // 256 + 1)},
    )
    assert only_problem(path) == ("zip-bomb", "error")


def test_sheet_with_a_cell_at_the_far_corner(good: Path, tmp_path: Path) -> None:
    # A value reader would lay out 17 billion cells; refused before it is asked.
    far = '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    path = rewrite(
        good, tmp_path / "far.xlsx", {sheet_part(good, "Data"): replace("</sheetData>", far)}
    )
    assert only_problem(path) == ("zip-bomb", "error")


def test_billion_laughs_in_workbook_xml(good: Path, tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10}">'.replace("&lol0;", "&lol;")
            for i in range(1, 10)
        )
        + "]>\n"
    )
    path = rewrite(
        good,
        tmp_path / "laughs.xlsx",
        {"xl/workbook.xml": replace(r"^<\?xml[^>]*\?>\s*", laughs.replace("\\", "\\\\"))},
    )
    path = rewrite(
        path,
        tmp_path / "laughs2.xlsx",
        {"xl/workbook.xml": replace("<sheets>", "<sheets><!-- &lol9; -->")},
    )
    assert only_problem(path) == ("unsafe-xml", "error")


def test_external_entity_in_properties(good: Path, tmp_path: Path) -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    path = rewrite(
        good, tmp_path / "xxe.xlsx", {"docProps/custom.xml": replace(r"^<\?xml[^>]*\?>", xxe)}
    )
    assert only_problem(path) == ("unsafe-xml", "error")


def test_plain_workbook_not_from_a_template(tmp_path: Path) -> None:
    path = tmp_path / "plain.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet("Data").write("A1", "Evidence searches")
    workbook.close()
    assert only_problem(path) == ("not-an-lks-workbook", "error")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        (
            "old.xls",
            OLE2 + b"\0" * 500 + "Workbook".encode("utf-16-le") + b"\0" * 100,
            "old-excel-format",
        ),
        (
            "renamed-old.xlsx",
            OLE2 + b"\0" * 500 + "Book".encode("utf-16-le") + b"\0" * 100,
            "old-excel-format",
        ),
        (
            "locked.xlsx",
            OLE2
            + b"\0" * 500
            + "EncryptionInfo".encode("utf-16-le")
            + "EncryptedPackage".encode("utf-16-le"),
            "password-protected",
        ),
        ("empty.xlsx", b"", "not-a-workbook"),
        ("notes.xlsx", b"Evidence searches,12\n", "not-a-workbook"),
        (
            "page.xls",
            b"<html><body><table><tr><td>1</td></tr></table></body></html>",
            "not-a-workbook",
        ),
    ],
)
def test_look_alikes(tmp_path: Path, name: str, content: bytes, code: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert only_problem(path) == (code, "error")


def test_ods_look_alike(tmp_path: Path) -> None:
    path = tmp_path / "return.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    assert only_problem(path) == ("ods-not-supported", "error")


def test_other_zip(tmp_path: Path) -> None:
    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "not a workbook")
    assert only_problem(path) == ("not-a-workbook", "error")


def test_macro_enabled(good: Path, tmp_path: Path) -> None:
    path = rewrite(
        good,
        tmp_path / "macros.xlsm",
        {
            "[Content_Types].xml": replace(
                re.escape(
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
                ),
                "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        },
        add={"xl/vbaProject.bin": b"\0" * 64},
    )
    assert only_problem(path) == ("macro-enabled", "error")


def test_unknown_template_and_version(good: Path, tmp_path: Path) -> None:
    other = rewrite(
        good,
        tmp_path / "other.xlsx",
        {"docProps/custom.xml": replace("monthly-activity", "weekly-activity")},
    )
    assert only_problem(other) == ("unknown-template", "error")
    newer = rewrite(
        good,
        tmp_path / "newer.xlsx",
        {
            "docProps/custom.xml": replace(
                f"<vt:lpwstr>{shipped_version()}</vt:lpwstr>", "<vt:lpwstr>9.0.0</vt:lpwstr>"
            )
        },
    )
    assert only_problem(newer) == ("unknown-version", "error")


# -- tampered but readable ----------------------------------------------------------------


def _formula_cell(sheet: str = "Data") -> tuple[str, str]:
    cell, formula = next(
        (c, f) for (s, c), f in plan_of().formulas.items() if s == sheet and "SUM(" in f
    )
    return cell, formula


def test_formula_overwritten_by_a_typed_number(good: Path, tmp_path: Path) -> None:
    cell, _ = _formula_cell()
    path = rewrite(
        good,
        tmp_path / "typed.xlsx",
        {
            sheet_part(good, "Data"): replace(
                rf'<c r="{cell}"([^>]*)><f>[^<]*</f><v>[^<]*</v></c>',
                rf'<c r="{cell}"\1><v>999</v></c>',
            )
        },
    )
    assert found(path) == [("formula-overwritten", f"Data!{cell}", "")]
    assert read_return(path, specs=specs()).measures == MEASURES


def test_formula_edited_on_the_checks_sheet(good: Path, tmp_path: Path) -> None:
    cell, _ = next((c, f) for (s, c), f in plan_of().formulas.items() if s == "Checks")
    path = rewrite(
        good,
        tmp_path / "edited.xlsx",
        {sheet_part(good, "Checks"): replace(rf'(<c r="{cell}"[^>]*>)<f>[^<]*</f>', r"\1<f>1</f>")},
    )
    assert found(path) == [("formula-overwritten", f"Checks!{cell}", "")]


def test_shared_formulas_as_excel_saves_them_are_not_problems(good: Path, tmp_path: Path) -> None:
    # Excel stores a run of copied formulas once ("shared") and the others as followers.
    formulas = {c: f for (s, c), f in plan_of().formulas.items() if s == "Data"}
    cell, formula = _formula_cell()
    col, row = re.match(r"([A-Z]+)(\d+)", cell).groups()  # type: ignore[union-attr]
    below = f"{col}{int(row) + 1}"
    assert formulas[below] == formula.replace(row, str(int(row) + 1)), "rows differ"
    edit = replace(
        rf'<c r="{cell}"([^>]*)><f>([^<]*)</f>',
        rf'<c r="{cell}"\1><f t="shared" ref="{cell}:{below}" si="0">\2</f>',
    )
    follow = replace(
        rf'<c r="{below}"([^>]*)><f>[^<]*</f>', rf'<c r="{below}"\1><f t="shared" si="0"/>'
    )
    path = rewrite(
        good, tmp_path / "shared.xlsx", {sheet_part(good, "Data"): lambda data: follow(edit(data))}
    )
    assert found(path) == []


def test_defined_name_deleted(good: Path, tmp_path: Path) -> None:
    path = rewrite(
        good,
        tmp_path / "noname.xlsx",
        {"xl/workbook.xml": replace(r'<definedName name="loans">[^<]*</definedName>', "")},
    )
    sheet, first = cell_of("loans")
    assert found(path) == [("missing-name", f"{sheet}!{first}", "loans")]
    result = read_return(path, specs=specs())
    assert result.measures["loans"] == [None] * 12
    assert {k: v for k, v in result.measures.items() if k != "loans"} == {
        k: v for k, v in MEASURES.items() if k != "loans"
    }


def test_defined_name_pointing_at_deleted_cells(good: Path, tmp_path: Path) -> None:
    path = rewrite(
        good,
        tmp_path / "ref.xlsx",
        {
            "xl/workbook.xml": replace(
                r'(<definedName name="renewals">)[^<]*(</definedName>)', r"\1Data!#REF!\2"
            )
        },
    )
    assert [c for c, _, f in found(path)] == ["missing-name"]


def test_sheet_renamed(good: Path, tmp_path: Path) -> None:
    def rename(data: bytes) -> bytes:
        text = data.decode().replace('<sheet name="Data"', '<sheet name="Figures"')
        return re.sub(r">Data!", ">Figures!", text).encode()

    path = rewrite(good, tmp_path / "renamed.xlsx", {"xl/workbook.xml": rename})
    assert found(path) == [("missing-sheet", "Figures!", "")]
    assert read_return(path, specs=specs()).measures == MEASURES


def _shift_rows(data: bytes, first: int, by: int = 1) -> bytes:
    """Move every cell of rows >= ``first`` down ``by`` rows, as inserting rows does."""

    def cell(match: re.Match[str]) -> str:
        row = int(match.group(2))
        return f'{match.group(0)[0]}r="{match.group(1)}{row + by if row >= first else row}"'

    return re.sub(r'\sr="([A-Z]*)(\d+)"', cell, data.decode()).encode()


def _shift_names(data: bytes, first: int, by: int = 1) -> bytes:
    def ref(match: re.Match[str]) -> str:
        row = int(match.group(2))
        return f"${match.group(1)}${row + by if row >= first else row}"

    def name(match: re.Match[str]) -> str:
        return match.group(1) + re.sub(r"\$([A-Z]+)\$(\d+)", ref, match.group(2)) + "<"

    return re.sub(r"(<definedName [^>]*>Data!)([^<]*)<", name, data.decode()).encode()


def _insert_row_above(
    good: Path, target: Path, field: str, then: Callable[[bytes], bytes] = bytes
) -> tuple[Path, str, int]:
    """``good`` with one row inserted above ``field``'s row of the Data sheet, as Excel
    does it (cells and defined names below move down), the sheet then changed by ``then``;
    also the field's column and row."""
    sheet, first = cell_of(field)
    row = int(re.sub(r"[A-Z]+", "", first))
    path = rewrite(
        good,
        target,
        {
            sheet_part(good, sheet): lambda d: then(_shift_rows(d, row)),
            "xl/workbook.xml": lambda d: _shift_names(d, row),
        },
    )
    return path, first[: -len(str(row))], row


def test_row_inserted_in_the_entry_area(good: Path, tmp_path: Path) -> None:
    path, column, row = _insert_row_above(good, tmp_path / "inserted.xlsx", "loans")
    result = read_return(path, specs=specs())
    # One problem for the sheet, not one per defined name (internal names included).
    assert [
        (p.code, p.severity, f"{p.sheet}!{p.cell}", p.field, p.message) for p in result.problems
    ] == [
        (
            "moved-name",
            "warning",
            f"Data!{column}{row + 1}",
            "",
            f"Rows were inserted or deleted in Data above row {row}, so the entry area "
            "moved; every value was still read by name. Please send the template as it "
            "was given, without inserting or deleting rows or columns.",
        )
    ]
    # Every value is still read, from where the names point now.
    assert result.measures == MEASURES


def test_row_inserted_and_a_formula_typed_over_is_an_error(good: Path, tmp_path: Path) -> None:
    def type_over_first_formula(data: bytes) -> bytes:
        return re.sub(rb"<f>[^<]*</f>", b"", data, count=1)

    path, column, row = _insert_row_above(
        good, tmp_path / "inserted.xlsx", "loans", type_over_first_formula
    )
    result = read_return(path, specs=specs())
    assert [(p.code, p.severity, f"{p.sheet}!{p.cell}") for p in result.problems] == [
        ("moved-name", "error", f"Data!{column}{row + 1}")
    ]
    assert result.problems[0].message == (
        f"Rows were inserted or deleted in Data above row {row}, so the entry area moved; "
        "every value was still read by name and 1 formula was typed over or deleted, so the "
        "workbook's own totals may be wrong. Copy the figures into a fresh copy of the "
        "template and send that."
    )
    assert result.measures == MEASURES


def test_column_inserted_inside_a_measure_row(good: Path, tmp_path: Path) -> None:
    path = rewrite(
        good,
        tmp_path / "widened.xlsx",
        {
            "xl/workbook.xml": replace(
                r'(<definedName name="loans">Data!\$[A-Z]+\$\d+:\$)([A-Z]+)', r"\1P"
            )
        },
    )
    result = read_return(path, specs=specs())
    assert [(p.code, p.severity, p.field) for p in result.problems] == [
        ("moved-name", "error", "loans")
    ]
    assert result.measures["loans"] == [None] * 12
    assert result.problems[0].message == (
        "Cells were inserted or deleted inside the entry area of Data, so the entry area "
        "moved; the values of loans (13 cells instead of 12) could not be read, as they no "
        "longer match the periods. Copy the figures into a fresh copy of the template and "
        "send that."
    )


def test_spec_text_changed_without_a_version_bump(good: Path, tmp_path: Path) -> None:
    path = rewrite(
        good,
        tmp_path / "sha.xlsx",
        {
            "docProps/custom.xml": replace(
                r"(<property[^>]*name=\"lks_spec_sha256\"><vt:lpwstr>)[0-9a-f]{64}",
                r"\g<1>" + "0" * 64,
            )
        },
    )
    result = read_return(path, specs=specs())
    assert [(p.code, p.severity) for p in result.problems] == [("spec-mismatch", "warning")]


def test_mistyped_returns_keep_every_good_value(tmp_path: Path) -> None:
    searches = ["ten", 3.5] + [10] * 10
    path = build(tmp_path / "mistyped.xlsx", values=monthly_values(evidence_searches=searches))
    result = read_return(path, specs=specs())
    assert result.measures["evidence_searches"] == [None, None] + [10] * 10
    assert {k: v for k, v in result.measures.items() if k != "evidence_searches"} == {
        k: v for k, v in MEASURES.items() if k != "evidence_searches"
    }
