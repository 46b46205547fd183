"""One sheet's XML: where its cells are, how far they reach, and which hold formulas.

A value reader lays a sheet out as a dense grid as large as its farthest cell, so the
extent of every sheet is bounded here before python-calamine sees it, counting cells
the way python-calamine places them: a cell without an ``r`` address goes right of the
one before it, a row without a number below the one before it. The same pass finds every
formula by parsing (namespaces, CDATA and comments as any XML parser sees them), cell by
cell, so read-back can compare *which cells* hold formulas with the template.

Ordinary sheets (every row and cell addressed plainly, near the top-left corner, and
formulas written plainly) are cleared by a byte scan that is exact for them; any other
sheet is parsed as a stream, element by element, so a large part costs time, not memory.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Collection, MutableMapping
from dataclasses import dataclass, field
from functools import cached_property
from xml.etree import ElementTree

from lks_templates.cells import MAX_COLUMNS, MAX_ROWS, cell_text, split_cell
from lks_templates.readback.safety import (
    MAX_FORMULAS,
    MAX_SHEET_CELLS,
    Refused,
    local_name,
    plainly_without_dtd,
    refuse,
    vet_xml,
    xml_events,
)


@dataclass
class SheetXml:
    """What read-back needs from one sheet's XML."""

    formula_count: int
    """How many cells hold a formula, in all."""
    raw: dict[bytes, bytes] | None = None
    """From the byte scan: ``A1`` -> formula exactly as stored (XML-escaped bytes)."""
    parsed: dict[str, str] | None = None
    """From the stream: the formulas of the cells asked for."""

    @cached_property
    def formulas(self) -> dict[str, str]:
        """``A1`` -> formula text as stored (no leading ``=``, XML unescaped, shared formulas
        expanded): every formula, or those of the cells asked for."""
        if self.parsed is not None:
            return self.parsed
        return {cell.decode(): _unescape(text) for cell, text in (self.raw or {}).items()}


def scan_sheet(
    data: bytes,
    file: str,
    part: str,
    wanted: Collection[str] | None = None,
    known: MutableMapping[bytes, SheetXml] | None = None,
) -> SheetXml:
    """Check the extent of one sheet part and find its formulas, or raise ``Refused``.

    ``wanted``: the cells whose formula text is needed (the template's formula cells and
    the input cells); only those of shared formulas are expanded. None: every formula.
    ``known``: ordinary sheets cleared earlier in the run, by a digest of their bytes
    (the sheets a return does not fill are byte for byte those of the others); only
    byte-scan results are kept, as they depend on the bytes alone.
    """
    key = b""
    if known is not None and len(data) <= MAX_KNOWN_BYTES:
        # A cryptographic digest: a crafted sheet cannot pass for one cleared before.
        key = hashlib.blake2b(data, digest_size=20).digest()
        cleared = known.get(key)
        if cleared is not None:
            return cleared
    vet_xml(data, file, part)
    plain = _plain_scan(data)
    if plain is not None:
        if len(plain) > MAX_FORMULAS:
            raise _too_many_formulas(file, part, len(plain))
        scan = SheetXml(formula_count=len(plain), raw=plain)
        if known is not None and key:
            known[key] = scan
        return scan
    return _stream_scan(data, file, part, wanted)


MAX_KNOWN_BYTES = 1 << 16
"""Largest sheet part whose scan a run remembers: with the table's 64 entries, this bounds
its memory (each entry holds at most that part's formulas: a few hundred KiB at worst)."""


# -- the byte scan ------------------------------------------------------------------------

# Columns up to ZZ and rows up to 999: at most 702 x 999 cells, far below the limit.
# A whole start tag of a row or cell written plainly: its address first, then attributes
# with plain names (no second address, none ending in ":r") and values holding no markup.
_ATTRIBUTES = rb'(?: (?!r=)(?![\w.\-]+:r=)[\w.:\-]+="[^"<>&]*")*/?>'
_PLAIN_ROW = re.compile(rb'<row r="[0-9]{1,3}"' + _ATTRIBUTES)
_PLAIN_CELL = re.compile(rb'<c r="[A-Z]{1,2}[0-9]{1,3}"' + _ATTRIBUTES)
_PLAIN_FORMULA = re.compile(rb'<c r="([A-Z]{1,2}[0-9]{1,3})"[^>]*><f>([^<]*)</f>')
# A prefixed element a parser would read as a row, cell or formula (``<x:c>``).
_PREFIXED = re.compile(rb"<[A-Za-z_][\w.\-]*:(?:row|c|f)[\s/>]")
_OTHER_ENTITY = re.compile(rb"&(?!(?:lt|gt|quot|apos|amp);)")
# Every element a parser would read as a row, a cell or a formula, however it is written.
_TAGS = re.compile(rb"<(row|c|f)[\s/>]")


def _plain_scan(data: bytes) -> dict[bytes, bytes] | None:
    """Every formula by cell, as stored, when the bytes alone say exactly where each cell is.

    None unless every row and cell carries a plain address near the corner, every formula
    is a plain ``<f>`` first in its cell, and nothing (a comment, CDATA, a DTD, a
    character or unknown entity reference, a prefix, bytes that are not UTF-8) could make a
    parser see the XML otherwise.
    """
    if (
        not plainly_without_dtd(data)
        or b"<!" in data
        or b"&#" in data
        or _PREFIXED.search(data)
        or (b"&" in data and _OTHER_ENTITY.search(data))
    ):
        return None
    tags = _TAGS.findall(data)
    if tags.count(b"row") != len(_PLAIN_ROW.findall(data)) or tags.count(b"c") != len(
        _PLAIN_CELL.findall(data)
    ):
        return None
    found = _PLAIN_FORMULA.findall(data)
    if len(found) != tags.count(b"f"):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return dict(found)


def _unescape(text: bytes) -> str:
    if b"&" in text:
        for entity, char in _ENTITIES:
            text = text.replace(entity, char)
    return text.decode("utf-8")


_ENTITIES = (
    (b"&lt;", b"<"),
    (b"&gt;", b">"),
    (b"&quot;", b'"'),
    (b"&apos;", b"'"),
    (b"&amp;", b"&"),
)


# -- the stream ---------------------------------------------------------------------------


@dataclass
class _Shared:
    masters: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Shared index -> (origin cell, formula text)."""
    followers: list[tuple[str, str]] = field(default_factory=list)
    """(cell, shared index) of each follower whose text is wanted."""


def _stream_scan(data: bytes, file: str, part: str, wanted: Collection[str] | None) -> SheetXml:
    formulas: dict[str, str] = {}
    shared = _Shared()
    count = 0
    max_row = max_column = 0
    row_number = column = 0
    in_cell = False
    # Open elements and their local names; each element leaves its parent when it ends,
    # so memory is that of one path through the tree.
    stack: list[ElementTree.Element] = []
    names: list[str] = [""]
    for event, element in xml_events(data, file, part):
        if event == "start":
            name = local_name(element.tag)
            if name == "row":
                # Below the row before it, unless numbered; never above the lowest so far.
                row_number = _row_number(
                    _address(element, file, part), max(row_number, max_row) + 1, file, part
                )
                column = 0
            elif name == "c":
                # Any cell element counts, wherever it sits: a reader may place it.
                row, column = _place(_address(element, file, part), row_number, column, file, part)
                in_cell = True
                if row > max_row or column > max_column:
                    max_row, max_column = max(max_row, row), max(max_column, column)
                    if max_row * max_column > MAX_SHEET_CELLS:
                        raise _too_large(file, part, max_row, max_column)
            stack.append(element)
            names.append(name)
            continue
        name = names.pop()
        stack.pop()
        if stack:
            stack[-1].remove(element)
        if name == "f" and in_cell and names[-1] == "c":
            count += 1
            if count > MAX_FORMULAS:
                raise _too_many_formulas(file, part, count)
            _formula(cell_text(row, column), element, formulas, shared, wanted)
        elif name == "c":
            in_cell = False
    if shared.followers:
        _expand_shared(formulas, shared)
    return SheetXml(formula_count=count, parsed=formulas)


def _address(element: ElementTree.Element, file: str, part: str) -> str | None:
    """The ``r`` attribute of a row or cell; refused when one is namespaced (``x:r``), as a
    reader matching attributes by local name could place the cell by it instead."""
    for key in element.attrib:
        if key.endswith("}r"):
            raise refuse(
                "corrupt-file",
                file,
                f"The sheet part {part} gives a row or cell a prefixed address "
                f"({element.attrib[key][:20]!r}), which no spreadsheet program writes. Ask the "
                "sender to save the workbook again and resend it.",
            )
    return element.get("r")


def _place(address: str | None, row: int, column: int, file: str, part: str) -> tuple[int, int]:
    """Row and column of a cell: its address, or right of the cell before it."""
    if address:
        position = split_cell(address)
        if position is None:
            raise _bad_address(address, file, part)
        return position
    if column + 1 > MAX_COLUMNS or row > MAX_ROWS:
        raise _bad_address(f"{row}:{column + 1}", file, part)
    return max(row, 1), column + 1


def _row_number(text: str | None, next_row: int, file: str, part: str) -> int:
    if not text:
        number = next_row
    else:
        try:
            number = int(text)
        except ValueError:
            raise refuse(
                "corrupt-file",
                file,
                f"The sheet part {part} has a row numbered "
                f"{text[:20]!r}, which is not a number. Ask the sender to save the "
                "workbook again and resend it.",
            ) from None
    if number > MAX_ROWS:
        raise refuse(
            "zip-bomb",
            file,
            f"The sheet part {part} has a row numbered {number:,}, beyond the last row "
            f"({MAX_ROWS:,}); refused as possibly hostile.",
        )
    return number


_LONG_ADDRESS = re.compile(r"^\$?[A-Za-z]+\$?[0-9]+$|^[0-9]+:[0-9]+$")


def _bad_address(address: str, file: str, part: str) -> Refused:
    # A value reader may place such a cell far away (A99999999 asks for 1.6 billion
    # cells and aborts the process), so the sheet cannot be cleared.
    shown = repr(address[:20])
    if _LONG_ADDRESS.match(address):
        return refuse(
            "zip-bomb",
            file,
            f"The sheet part {part} has a cell at {shown}, beyond "
            "the largest sheet; refused as possibly hostile.",
        )
    return refuse(
        "corrupt-file",
        file,
        f"The sheet part {part} has a cell address {shown}, "
        "which is not a cell. Ask the sender to save the workbook again and "
        "resend it.",
    )


def _too_large(file: str, part: str, rows: int, columns: int) -> Refused:
    return refuse(
        "zip-bomb",
        file,
        f"The sheet part {part} uses {rows:,} rows by {columns:,} columns, more than "
        f"{MAX_SHEET_CELLS:,} cells; refused as possibly hostile.",
    )


def _too_many_formulas(file: str, part: str, count: int) -> Refused:
    return refuse(
        "zip-bomb",
        file,
        f"The sheet part {part} holds more than {MAX_FORMULAS:,} formulas "
        f"({count:,} so far); refused as possibly hostile.",
    )


def _formula(
    cell: str,
    element: ElementTree.Element,
    formulas: dict[str, str],
    shared: _Shared,
    wanted: Collection[str] | None,
) -> None:
    text = element.text or ""
    if element.get("t") == "shared":
        index = element.get("si", "")
        if text:
            shared.masters.setdefault(index, (cell, text))
        elif wanted is None or cell in wanted:
            shared.followers.append((cell, index))
            return
        else:
            return
    if wanted is None or cell in wanted:
        formulas[cell] = text


def _expand_shared(formulas: dict[str, str], shared: _Shared) -> None:
    # Excel stores a block of copied formulas once and the other cells as "same as that,
    # moved". Only the cells read-back looks at are translated (openpyxl's translator is
    # imported only for such files), so a million followers cost no more than a few.
    from openpyxl.formula.translate import Translator

    for cell, index in shared.followers:
        if index in shared.masters:
            origin, text = shared.masters[index]
            try:
                formulas[cell] = Translator("=" + text, origin=origin).translate_formula(cell)[1:]
            except Exception:  # hostile text can break that parser in any way
                formulas[cell] = ""  # unknown, like a copy of a missing formula
        else:
            formulas[cell] = ""
