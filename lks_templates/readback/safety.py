"""Opening an untrusted workbook: format sniffing, zip limits, XML without entities.

Every returned workbook is treated as hostile until proved otherwise. Before any XML is
parsed, :func:`open_package` checks what the file is (an old ``.xls``, an encrypted
workbook, an ``.ods``, a macro-enabled workbook, something else entirely) and the zip's
central directory against size limits (each member's declared size, their total and the
compression ratio). Members are then decompressed with a hard cap, so a member that lies
about its size is caught while it is read. XML is parsed only when it carries no DTD: no
DTD means no entity declarations, hence no "billion laughs" and no external entities.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from xml.etree import ElementTree

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from lks_templates.errors import Problem

MAX_FILE_BYTES: Final = 32 * 1024 * 1024
"""Largest workbook file read; a filled return is well under 1 MiB."""
MAX_MEMBERS: Final = 2_000
"""Most parts (zip members) in one workbook."""
MAX_MEMBER_BYTES: Final = 64 * 1024 * 1024
"""Largest uncompressed part, declared or actual."""
MAX_TOTAL_BYTES: Final = 256 * 1024 * 1024
"""Largest sum of declared uncompressed sizes."""
MAX_RATIO: Final = 200
"""Largest compression ratio for a part of more than :data:`RATIO_FLOOR` bytes."""
RATIO_FLOOR: Final = 1024 * 1024
MAX_SHEET_CELLS: Final = 4_000_000
"""Largest used area (rows x columns) of a sheet whose values are read."""
MAX_PART_TAGS: Final = 2_000_000
"""Most markup (``<``) in one XML part: a filled return's largest part has a few thousand."""
MAX_TREE_TAGS: Final = 200_000
"""Most markup in a part parsed whole into a tree (relationships, content types,
properties); larger parts (workbook, sheets) are parsed as a stream."""
MAX_SHEETS: Final = 1_000
"""Most sheets a workbook may list."""
MAX_DEFINED_NAMES: Final = 20_000
"""Most defined names a workbook may hold; a template has about a hundred."""
MAX_FORMULAS: Final = 50_000
"""Most formulas one sheet may hold; a template's largest sheet has a few hundred."""

OLE2_MAGIC: Final = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS: Final = (b"PK\x03\x04", b"PK\x05\x06")
OPENDOCUMENT_SPREADSHEET: Final = b"application/vnd.oasis.opendocument.spreadsheet"
OFFICE_DOCUMENT_REL: Final = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
)
RELS_NS: Final = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_XML_DECL_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_FAST_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


class Refused(Exception):
    """The file cannot be read at all; ``problem`` says why, for the report."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def refuse(code: str, file: str, message: str) -> Refused:
    """A :class:`Refused` carrying one error-severity problem about the whole file."""
    return Refused(Problem(code=code, message=message, file=file))


@dataclass
class Package:
    """An opened workbook zip whose directory passed the limits."""

    file: str
    """Path as given, for messages."""
    zip: zipfile.ZipFile
    data: bytes
    workbook_part: str
    """Zip member of the workbook part, normally ``xl/workbook.xml``."""
    parts: dict[str, bytes] = field(default_factory=dict, repr=False)
    """Parts read so far (each is decompressed once)."""

    def has(self, part: str) -> bool:
        try:
            self.zip.getinfo(part)
        except KeyError:
            return False
        return True

    def read(self, part: str) -> bytes:
        """Decompress one part, refusing it past :data:`MAX_MEMBER_BYTES` or when damaged."""
        known = self.parts.get(part)
        if known is not None:
            return known
        try:
            info = self.zip.getinfo(part)
            with self.zip.open(info) as stream:
                # zipfile never yields more than the declared size and checks the CRC at
                # the end, so a member that lies about its size fails here, bounded.
                data = stream.read(MAX_MEMBER_BYTES + 1)
        except KeyError:
            raise refuse(
                "corrupt-file",
                self.file,
                f"The part {part} is missing from the "
                "workbook. Ask the sender to save it again from Excel.",
            ) from None
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            OSError,
            NotImplementedError,
            RuntimeError,
        ) as exc:
            raise refuse(
                "corrupt-file",
                self.file,
                f"The part {part} is damaged ({exc}). "
                "Ask the sender to save the workbook again and resend it.",
            ) from None
        if len(data) > MAX_MEMBER_BYTES:
            raise refuse(
                "zip-bomb",
                self.file,
                f"The part {part} unpacks to more than "
                f"{MAX_MEMBER_BYTES:,} bytes; refused as possibly hostile.",
            )
        self.parts[part] = data
        return data

    def xml(self, part: str) -> ElementTree.Element:
        """Parse one part as XML without entities (see :func:`parse_xml`)."""
        return parse_xml(self.read(part), self.file, part)

    def close(self) -> None:
        self.zip.close()


def parse_xml(data: bytes, file: str, part: str) -> ElementTree.Element:
    """Parse ``data``; refuse any DTD (entity expansion, external entities).

    Plain UTF-8 XML without ``<!DOCTYPE`` or ``<!ENTITY`` cannot declare entities, so it
    goes to the C parser directly (about twice as fast); anything else (another encoding, a
    DTD) goes through defusedxml, which refuses DTDs outright.
    """
    _check_tags(data, file, part, MAX_TREE_TAGS)
    try:
        if plainly_without_dtd(data):
            return ElementTree.fromstring(data)
        root: ElementTree.Element = SafeElementTree.fromstring(data, forbid_dtd=True)
        return root
    except DefusedXmlException:
        raise _unsafe(file, part) from None
    except (ElementTree.ParseError, ValueError) as exc:
        raise _not_well_formed(file, part, exc) from None


def _check_tags(data: bytes, file: str, part: str, limit: int) -> None:
    # Counting "<" is a memchr over the bytes: it bounds what any parser builds, before one runs.
    tags = data.count(b"<")
    if tags > limit:
        raise refuse(
            "zip-bomb",
            file,
            f"The part {part} holds {tags:,} pieces of markup, more than the "
            f"{limit:,} allowed; refused as possibly hostile.",
        )


def vet_xml(data: bytes, file: str, part: str) -> None:
    """Refuse a part with a DTD or too much markup, before this library or python-calamine
    parses it (python-calamine is never given a part that has not passed)."""
    _check_tags(data, file, part, MAX_PART_TAGS)
    if not plainly_without_dtd(data):
        for _ in xml_events(data, file, part):  # another encoding: let defusedxml look
            pass


XmlEvent = tuple[str, ElementTree.Element]


def xml_events(data: bytes, file: str, part: str) -> Iterator[XmlEvent]:
    """``("start" | "end", element)`` of every element of ``data``, parsed as a stream.

    The caller removes each element from its parent once it has ended (see
    :func:`drop_ended`), so memory stays that of the open elements, not of the part. A DTD
    is refused as in :func:`parse_xml`.
    """
    try:
        if plainly_without_dtd(data):
            parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(
                events=("start", "end")
            )
            for start in range(0, len(data), _CHUNK):
                parser.feed(data[start : start + _CHUNK])
                yield from parser.read_events()  # type: ignore[misc]
            parser.close()
            yield from parser.read_events()  # type: ignore[misc]
            return
        yield from SafeElementTree.iterparse(
            io.BytesIO(data), events=("start", "end"), forbid_dtd=True
        )
    except DefusedXmlException:
        raise _unsafe(file, part) from None
    except (ElementTree.ParseError, ValueError) as exc:
        raise _not_well_formed(file, part, exc) from None


_CHUNK = 1 << 20


def drop_ended(stack: list[ElementTree.Element], element: ElementTree.Element) -> None:
    """Pop ``element`` (just ended) off ``stack`` and detach it from its parent.

    Its earlier siblings were detached as they ended, so it is its parent's only child.
    """
    stack.pop()
    if stack:
        stack[-1].remove(element)


def local_name(tag: str) -> str:
    """``{namespace}c`` -> ``c``: python-calamine matches elements by local name, whatever
    their prefix, so read-back does too."""
    return tag.rpartition("}")[2]


def _unsafe(file: str, part: str) -> Refused:
    return refuse(
        "unsafe-xml",
        file,
        f"The part {part} declares a DTD or entities, which "
        "spreadsheet programs never write; refused as possibly hostile.",
    )


def _not_well_formed(file: str, part: str, exc: Exception) -> Refused:
    return refuse(
        "corrupt-file",
        file,
        f"The part {part} is not well-formed XML ({exc}). "
        "Ask the sender to save the workbook again and resend it.",
    )


def plainly_without_dtd(data: bytes) -> bool:
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.startswith(b"<"):
        return False
    declared = _XML_DECL_ENCODING.match(body[:200])
    if declared and declared.group(1).lower() not in _FAST_ENCODINGS:
        return False
    return b"<!DOCTYPE" not in body and b"<!ENTITY" not in body


def open_package(
    path: Path | str, file: str | None = None, *, known: dict[PartsKey, str] | None = None
) -> Package:
    """Open ``path`` as an Office Open XML workbook, or raise :class:`Refused`.

    ``file`` is the name used in problems (defaults to ``str(path)``). ``known``: the
    document part already worked out for the same small parts earlier in this run (see
    :func:`parts_key`); it is filled in as parts are worked out.
    """
    label = str(path) if file is None else file
    data = _read_bounded(Path(path), label)
    if data.startswith(OLE2_MAGIC):
        raise _ole2_refusal(data, label)
    if not data.startswith(ZIP_MAGICS):
        raise _foreign_refusal(data, label)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, OSError) as exc:
        raise refuse(
            "corrupt-file",
            label,
            f"The file is a damaged or truncated zip ({exc}). "
            "Ask the sender to save the workbook again and resend it.",
        ) from None
    try:
        _check_directory(archive, label)
        workbook_part = _identify(archive, label, {} if known is None else known)
    except Refused:
        archive.close()
        raise
    return Package(file=label, zip=archive, data=data, workbook_part=workbook_part)


def _read_bounded(path: Path, label: str) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise refuse(
                "too-large",
                label,
                f"The file is {size:,} bytes, more than the "
                f"{MAX_FILE_BYTES:,} allowed for one return; check it is a return.",
            )
        with path.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise refuse(
            "unreadable-file",
            label,
            f"The file could not be opened "
            f"({exc.strerror or exc}). Check it exists and you may read it.",
        ) from None
    if not data:
        raise refuse("not-a-workbook", label, "The file is empty. Ask the sender to resend it.")
    return data


def _ole2_refusal(data: bytes, label: str) -> Refused:
    # An encrypted .xlsx is an OLE2 container holding EncryptionInfo and EncryptedPackage;
    # an old .xls holds a Workbook (or Book) stream. Directory names are UTF-16LE.
    if "EncryptionInfo".encode("utf-16-le") in data:
        return refuse(
            "password-protected",
            label,
            "The workbook is protected with a password "
            "to open. Ask the sender to remove the password (File > Info > Protect "
            "Workbook) and resend it.",
        )
    if "Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") in data:
        return refuse(
            "old-excel-format",
            label,
            "This is an old Excel 97-2003 (.xls) file. "
            "Ask the sender to fill in the current template and save it as .xlsx.",
        )
    return refuse(
        "not-a-workbook",
        label,
        "This is an Office 97-2003 document but not a "
        "workbook. Ask the sender for the filled .xlsx template.",
    )


def _foreign_refusal(data: bytes, label: str) -> Refused:
    head = data[:512].lstrip().lower()
    if head.startswith((b"<html", b"<!doctype html")) or b"<table" in head:
        what = "a web page (HTML) saved with a spreadsheet name"
    elif head.startswith(b"<?xml") and b"spreadsheet" in head:
        what = "an Excel 2003 XML spreadsheet"
    else:
        what = "not a workbook (no .xlsx zip signature)"
    return refuse(
        "not-a-workbook",
        label,
        f"The file is {what}. Ask the sender for the filled .xlsx template.",
    )


def _check_directory(archive: zipfile.ZipFile, label: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise refuse(
            "zip-bomb",
            label,
            f"The zip holds {len(members):,} parts (more than "
            f"{MAX_MEMBERS:,}); refused as possibly hostile.",
        )
    total = 0
    for info in members:
        if info.flag_bits & 0x1:
            raise refuse(
                "password-protected",
                label,
                "The workbook's parts are encrypted. "
                "Ask the sender to remove the password and resend it.",
            )
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > RATIO_FLOOR and ratio > MAX_RATIO
        ):
            raise refuse(
                "zip-bomb",
                label,
                f"The part {info.filename} declares "
                f"{info.file_size:,} bytes unpacked (ratio {ratio:,.0f} to 1); "
                "refused as possibly hostile.",
            )
    if total > MAX_TOTAL_BYTES:
        raise refuse(
            "zip-bomb",
            label,
            f"The parts declare {total:,} bytes unpacked in all, "
            f"more than {MAX_TOTAL_BYTES:,}; refused as possibly hostile.",
        )


def _identify(archive: zipfile.ZipFile, label: str, known: dict[PartsKey, str]) -> str:
    names = set(archive.namelist())
    if "mimetype" in names or "content.xml" in names:
        mimetype = archive.read("mimetype")[:100] if "mimetype" in names else b""
        if mimetype.startswith(OPENDOCUMENT_SPREADSHEET) or "content.xml" in names:
            raise refuse(
                "ods-not-supported",
                label,
                "This is an OpenDocument (.ods) "
                "spreadsheet. Open it and save it as Excel 2007-365 (.xlsx), or ask "
                "the sender to fill in the .xlsx template.",
            )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise _macro_refusal(label)
    if "[Content_Types].xml" not in names:
        raise refuse(
            "not-a-workbook",
            label,
            "The file is a zip archive but not an Excel "
            "workbook. Ask the sender for the filled .xlsx template.",
        )
    package = Package(file=label, zip=archive, data=b"", workbook_part="")
    part = _document_part(package, label, known)
    if part.endswith(".bin"):
        raise refuse(
            "xlsb-not-supported",
            label,
            "This is an Excel binary workbook (.xlsb). "
            "Open it and save it as Excel Workbook (.xlsx).",
        )
    if part not in names or not part.endswith(".xml"):
        raise refuse(
            "not-a-workbook",
            label,
            "The file is an Office document but not an "
            "Excel workbook. Ask the sender for the filled .xlsx template.",
        )
    return part


def _document_part(package: Package, label: str, known: dict[PartsKey, str]) -> str:
    """The part ``_rels/.rels`` names as the document, once macro content types are refused."""
    key = parts_key(package, ("[Content_Types].xml", "_rels/.rels"))
    seen = known.get(key) if key is not None else None
    if seen is not None:
        return seen
    types = package.xml("[Content_Types].xml")
    for entry in types:
        content_type = entry.get("ContentType", "")
        if "macroenabled" in content_type.lower() and "binary" not in content_type.lower():
            raise _macro_refusal(label)
    part = _office_document_part(package)
    if key is not None:
        remember(known, key, part)
    return part


# Returns made from one template share their small parts byte for byte (until a spreadsheet
# program saves them), so what those parts say is worked out once per run (a ReadContext
# holds the tables) and looked up by their bytes. Only what parsed cleanly is remembered:
# anything else takes the full path, which finds and reports the same problem as before.
PartsKey = tuple[bytes | None, ...]
MAX_REMEMBERED = 256
"""Most entries of each such table."""
MAX_REMEMBERED_BYTES = 64 * 1024
"""Largest key remembered: hostile parts can be huge, and memory must stay flat."""


def parts_key(package: Package, parts: tuple[str, ...]) -> PartsKey | None:
    """The bytes of ``parts`` (None for one that is absent); None when one cannot be read."""
    try:
        return tuple(package.read(part) if package.has(part) else None for part in parts)
    except Refused:
        return None  # the full path reports it, in its own order


def remember(table: dict[PartsKey, Any], key: PartsKey, value: Any) -> None:
    """Keep ``value`` under ``key`` unless the key is large; empty a table grown too big."""
    if sum(len(item) for item in key if item is not None) > MAX_REMEMBERED_BYTES:
        return
    if len(table) >= MAX_REMEMBERED:
        table.clear()
    table[key] = value


def _macro_refusal(label: str) -> Refused:
    return refuse(
        "macro-enabled",
        label,
        "The workbook contains macros (.xlsm). Macros are "
        "never run; ask the sender to save it as Excel Workbook (.xlsx) and resend.",
    )


def _office_document_part(package: Package) -> str:
    if not package.has("_rels/.rels"):
        return "xl/workbook.xml"
    for rel in package.xml("_rels/.rels").iter(f"{RELS_NS}Relationship"):
        if rel.get("Type") == OFFICE_DOCUMENT_REL:
            target = rel.get("Target", "").lstrip("/")
            return os.path.normpath(target).replace(os.sep, "/")
    return ""
