"""Cell values through python-calamine, from exactly the parts read-back has checked.

python-calamine finds a workbook's parts its own way (``xl/workbook.xml`` and
``xl/sharedStrings.xml`` by fixed names, sheets by name through its own reading of the
relationships), so a crafted file could show one part to the checks and another to the
reader. It is therefore never given the return itself: it is given a small workbook built
in memory from the parts read-back resolved and checked (the sheets to read, the shared
strings and the styles, each refused beforehand when it has a DTD or too much markup, and
each sheet's extent bounded), under names read-back chose. It reads nothing else, and
the date system (1900 or 1904) is carried across.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping

from lks_templates.readback.safety import Package, refuse, vet_xml
from lks_templates.readback.workbook import Structure

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_PARTS = (
    (
        "sharedStrings",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
    ),
    ("styles", "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"),
)


def read_rows(
    package: Package, structure: Structure, sheets: Mapping[str, tuple[bytes, int]]
) -> dict[str, list[list[object]]]:
    """The first rows of each sheet: ``{sheet: (its checked XML, how many rows)}``.

    Every sheet's XML must already have passed :func:`~.sheetxml.scan_sheet`.
    """
    import python_calamine

    if not sheets:
        return {}
    extra = {
        "sharedStrings": structure.shared_strings,
        "styles": structure.styles,
    }
    for part in extra.values():
        if part:
            vet_xml(package.read(part), package.file, part)
    data = _workbook(package, structure, sheets, extra)
    rows: dict[str, list[list[object]]] = {}
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        for index, (sheet, (_, last_row)) in enumerate(sheets.items(), start=1):
            table = book.get_sheet_by_name(f"S{index}").to_python(
                skip_empty_area=False, nrows=last_row
            )
            rows[sheet] = [list(line) for line in table]
    except BaseException as exc:
        # A hostile part can break a native parser in any way (including a Rust panic,
        # which is not an Exception); only an interrupt goes on.
        if isinstance(exc, KeyboardInterrupt | SystemExit):
            raise
        if type(exc).__name__ == "PanicException":
            # Seen on a date cell holding a number no date can be (-1E+308).
            raise refuse(
                "corrupt-file",
                package.file,
                "The workbook's cells could not be read (a date cell holds a number no date "
                "can be). Ask the sender to save it again.",
            ) from None
        raise refuse(
            "corrupt-file",
            package.file,
            f"The workbook's cells could not be read ({_short(exc)}). "
            "Ask the sender to save it again.",
        ) from None
    return rows


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 200 else text[:199] + "…"


def _workbook(
    package: Package,
    structure: Structure,
    sheets: Mapping[str, tuple[bytes, int]],
    extra: Mapping[str, str],
) -> bytes:
    listed = "".join(
        f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, len(sheets) + 1)
    )
    date1904 = '<workbookPr date1904="1"/>' if structure.date1904 else ""
    workbook = (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        f"{date1904}<sheets>{listed}</sheets></workbook>"
    )
    rels = [
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, len(sheets) + 1)
    ]
    overrides = [
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
        for i in range(1, len(sheets) + 1)
    ]
    members: dict[str, bytes] = {}
    for kind, content_type in _PARTS:
        if extra[kind]:
            rels.append(f'<Relationship Id="r{kind}" Type="{_REL}/{kind}" Target="{kind}.xml"/>')
            overrides.append(f'<Override PartName="/xl/{kind}.xml" ContentType="{content_type}"/>')
            members[f"xl/{kind}.xml"] = package.read(extra[kind])
    types = (
        f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_TYPES}">'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{''.join(overrides)}</Types>"
    )
    root_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    book_rels = (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">'
        f"{''.join(rels)}</Relationships>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", types)
        archive.writestr("_rels/.rels", root_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        for index, (data, _) in enumerate(sheets.values(), start=1):
            archive.writestr(f"xl/worksheets/sheet{index}.xml", data)
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()
