"""The structural items of the checklist: alt text, text boxes, merged entry cells, sheet
names, blank sheets, title, language, the opening view and input messages."""

from __future__ import annotations

import re

from lks_templates.audit.checklist import AuditFinding
from lks_templates.audit.parts import Book, Box, a1
from lks_templates.readback.workbook import parse_reference

TITLE_LIMIT = 32
MESSAGE_LIMIT = 255
SHEET_NAME_LIMIT = 31
_DEFAULT_NAME = re.compile(r"(sheet|chart|tabelle|feuil|hoja|foglio|blad)\s*\d*", re.IGNORECASE)
_ONLY_A_NAME = re.compile(
    r"(chart|picture|image|graphic|diagram)\s*\d*|.*\.(png|jpe?g|gif|emf|wmf|svg)", re.IGNORECASE
)
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u2019\u201d]*$")


def _pass(item: str, message: str) -> list[AuditFinding]:
    return [AuditFinding(item, True, message)]


def _locked(book: Book, index: int) -> bool:
    style = book.styles[index] if 0 <= index < len(book.styles) else book.styles[0]
    return style.locked


def alt_text(book: Book) -> list[AuditFinding]:
    """Every chart described; every picture described or marked decorative."""
    failures: list[AuditFinding] = []
    charts = pictures = decorative = 0
    for sheet in book.sheets:
        for drawn in sheet.drawn:
            if drawn.kind == "shape":
                continue
            place = f"{sheet.name}!{drawn.anchor}"
            what = f'{drawn.kind} "{drawn.name}"' if drawn.name else drawn.kind
            if drawn.kind == "chart":
                charts += 1
                if drawn.decorative:
                    failures.append(
                        AuditFinding(
                            "alt-text",
                            False,
                            f"{what} is marked decorative; a chart carries figures: describe it",
                            place,
                        )
                    )
                    continue
            else:
                pictures += 1
                if drawn.decorative:
                    decorative += 1
                    continue
            if not drawn.description:
                failures.append(
                    AuditFinding(
                        "alt-text",
                        False,
                        f"{what} has no alt text: say what it shows"
                        + (
                            " and where its figures are"
                            if drawn.kind == "chart"
                            else ", or mark it decorative"
                        ),
                        place,
                    )
                )
            elif _ONLY_A_NAME.fullmatch(drawn.description) or drawn.description == drawn.name:
                failures.append(
                    AuditFinding(
                        "alt-text",
                        False,
                        f'{what} has alt text "{drawn.description}", which is only a name',
                        place,
                    )
                )
    return failures or _pass(
        "alt-text",
        f"{charts} charts and {pictures - decorative} pictures described, "
        f"{decorative} pictures marked decorative",
    )


def text_boxes(book: Book) -> list[AuditFinding]:
    failures = [
        AuditFinding(
            "text-boxes",
            False,
            f'a floating text box says "{drawn.text[:60]}"; put text in cells',
            f"{sheet.name}!{drawn.anchor}",
        )
        for sheet in book.sheets
        for drawn in sheet.drawn
        if drawn.kind == "shape" and drawn.text
    ]
    return failures or _pass("text-boxes", "no text boxes")


def merged_entry(book: Book) -> list[AuditFinding]:
    """Merged blocks that overlap an entry area: validated cells or unlocked cells."""
    failures: list[AuditFinding] = []
    merges = 0
    names = _names_by_sheet(book)
    for sheet in book.sheets:
        entry = [box for _sqref, areas, _attrs in sheet.validations for box in areas]
        unlocked = {spot for spot, index in sheet.styles.items() if not _locked(book, index)}
        for box in sheet.merges:
            merges += 1
            r1, c1, r2, c2 = box
            typed = any(_overlap(box, other) for other in entry) or any(
                r1 <= r <= r2 and c1 <= c <= c2 for r, c in unlocked
            )
            if typed:
                named = [n for n, area in names.get(sheet.name, []) if _overlap(box, area)]
                which = f" (named {', '.join(sorted(named))})" if named else ""
                failures.append(
                    AuditFinding(
                        "merged-entry",
                        False,
                        f"merged cells {a1(r1, c1)}:{a1(r2, c2)} are in an entry area{which}; "
                        "unmerge them, so each entry is one cell",
                        f"{sheet.name}!{a1(r1, c1)}",
                    )
                )
    return failures or _pass("merged-entry", f"{merges} merged blocks, none in an entry area")


def _names_by_sheet(book: Book) -> dict[str, list[tuple[str, Box]]]:
    found: dict[str, list[tuple[str, Box]]] = {}
    for name, text in book.names.items():
        ref = parse_reference(text)
        if ref is None:
            continue
        (top, left), (bottom, right) = ref.positions[0], ref.positions[-1]
        found.setdefault(ref.sheet, []).append((name, (top + 1, left + 1, bottom + 1, right + 1)))
    return found


def _overlap(a: Box, b: Box) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def sheet_names(book: Book) -> list[AuditFinding]:
    failures: list[AuditFinding] = []
    seen: dict[str, str] = {}
    for sheet in book.sheets:
        name = sheet.name
        if _DEFAULT_NAME.fullmatch(name.strip()):
            failures.append(
                AuditFinding(
                    "sheet-names",
                    False,
                    f'the sheet name "{name}" says nothing; name it for what it holds',
                    name,
                )
            )
        if len(name) > SHEET_NAME_LIMIT:
            failures.append(
                AuditFinding(
                    "sheet-names",
                    False,
                    f'the sheet name "{name}" has {len(name)} characters; '
                    f"Excel allows {SHEET_NAME_LIMIT}",
                    name,
                )
            )
        if name.casefold() in seen:
            failures.append(
                AuditFinding(
                    "sheet-names",
                    False,
                    f'the sheet names "{seen[name.casefold()]}" and "{name}" are alike',
                    name,
                )
            )
        seen[name.casefold()] = name
    names = ", ".join(s.name for s in book.sheets)
    return failures or _pass("sheet-names", f"{len(book.sheets)} sheets: {names}")


def blank_sheets(book: Book) -> list[AuditFinding]:
    failures = [
        AuditFinding(
            "blank-sheets",
            False,
            f'the sheet "{sheet.name}" is blank; remove it or say what it is for',
            sheet.name,
        )
        for sheet in book.sheets
        if not sheet.content and not sheet.drawn
    ]
    if not book.sheets:
        failures.append(AuditFinding("blank-sheets", False, "the workbook has no sheets"))
    return failures or _pass("blank-sheets", "every sheet has content")


def title(book: Book) -> list[AuditFinding]:
    if not book.title:
        return [
            AuditFinding(
                "title",
                False,
                "no document title (core properties dc:title); set one in File > Info > Properties",
            )
        ]
    return _pass("title", f'"{book.title}"')


def language(book: Book) -> list[AuditFinding]:
    if not book.language:
        return [
            AuditFinding(
                "language",
                False,
                "no document language (core properties dc:language); it should be en-GB",
            )
        ]
    return _pass("language", book.language)


def first_sheet(book: Book) -> list[AuditFinding]:
    failures: list[AuditFinding] = []
    if not book.sheets:
        return failures
    first = book.sheets[0]
    if book.active_tab != 0 and book.active_tab < len(book.sheets):
        active = book.sheets[book.active_tab].name
        failures.append(
            AuditFinding(
                "first-sheet",
                False,
                f'the workbook opens on "{active}", not on the first sheet "{first.name}"',
                active,
            )
        )
    for sheet in book.sheets[1:]:
        if sheet.tab_selected:
            failures.append(
                AuditFinding(
                    "first-sheet",
                    False,
                    f'the sheet "{sheet.name}" is selected as well as, or instead of, '
                    "the first sheet",
                    sheet.name,
                )
            )
    if first.active_cell.replace("$", "").upper() != "A1":
        failures.append(
            AuditFinding(
                "first-sheet",
                False,
                f"the cursor is in {first.active_cell}, not A1",
                f"{first.name}!{first.active_cell}",
            )
        )
    if first.top_left.replace("$", "").upper() != "A1":
        failures.append(
            AuditFinding(
                "first-sheet",
                False,
                f"the sheet opens scrolled to {first.top_left}, not A1",
                f"{first.name}!{first.top_left}",
            )
        )
    return failures or _pass("first-sheet", f'opens on "{first.name}" with the cursor in A1')


def input_messages(book: Book) -> list[AuditFinding]:
    failures: list[AuditFinding] = []
    checked = 0
    limits = (
        ("promptTitle", "input title", TITLE_LIMIT, False),
        ("prompt", "input message", MESSAGE_LIMIT, True),
        ("errorTitle", "error title", TITLE_LIMIT, False),
        ("error", "error message", MESSAGE_LIMIT, True),
    )
    for sheet in book.sheets:
        for sqref, _areas, attrs in sheet.validations:
            checked += 1
            place = f"{sheet.name}!{(sqref.split() or ['A1'])[0].split(':')[0]}"
            for key, what, limit, sentence in limits:
                text = attrs.get(key, "")
                if len(text) > limit:
                    failures.append(
                        AuditFinding(
                            "input-messages",
                            False,
                            f"the {what} has {len(text)} characters; Excel allows {limit}",
                            place,
                        )
                    )
                elif sentence and text and not _SENTENCE_END.search(text.strip()):
                    failures.append(
                        AuditFinding(
                            "input-messages",
                            False,
                            f'the {what} ends mid-sentence: "...{text.strip()[-40:]}"',
                            place,
                        )
                    )
    return failures or _pass(
        "input-messages", f"{checked} validations within Excel's limits, in whole sentences"
    )
