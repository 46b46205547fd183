"""The checks of the checklist, one function per item, each returning its findings; the
contrast items are here, the structural ones in :mod:`lks_templates.audit.structure`.

Every failure names its place (``Sheet!A1``, a chart by its sheet, cell and title) and says
what was measured against what was needed; an item with nothing wrong gives one pass
finding that says how much was checked.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from xml.etree import ElementTree

from lks_templates.audit.checklist import AuditFinding
from lks_templates.audit.colours import A_NS, OFFICE_THEME, drawing_colour
from lks_templates.audit.colours import number as as_number
from lks_templates.audit.parts import C_NS, Book, Box, CellStyle, Drawn, Sheet, a1
from lks_templates.audit.structure import (
    alt_text,
    blank_sheets,
    first_sheet,
    input_messages,
    language,
    merged_entry,
    sheet_names,
    text_boxes,
    title,
)
from lks_templates.audit.tables import entry_header
from lks_templates.contrast import NON_TEXT_MINIMUM, contrast_ratio, text_minimum

BLACK = "#000000"
WHITE = "#FFFFFF"
MAX_BOX_CELLS = 10_000
"""A conditional format over more cells than this is checked on the cells the sheet stores."""
_LINE_KINDS = {
    f"{C_NS}{kind}" for kind in ("lineChart", "line3DChart", "scatterChart", "radarChart")
}


def _pass(item: str, message: str) -> list[AuditFinding]:
    return [AuditFinding(item, True, message)]


def _ratio(value: float) -> str:
    return f"{int(value * 100) / 100:.2f}:1"  # truncated: 2.999 shows 2.99, not a passing 3.00


def _minimum(value: float) -> str:
    return f"{value:g}:1"


def text_contrast(book: Book) -> list[AuditFinding]:
    """Font colour against fill for every cell format in use, and every conditional format
    over the formats of the cells it covers."""
    failures: list[AuditFinding] = []
    cells = formats = rules = 0
    for sheet in book.sheets:
        first: dict[int, tuple[tuple[int, int], int]] = {}
        for spot, index in sorted(sheet.styles.items()):
            place, count = first.get(index, (spot, 0))
            first[index] = (place, count + 1)
        cells += len(sheet.styles)
        formats += len(first)
        for index, ((row, col), count) in sorted(first.items()):
            style = _style(book, index)
            problem = _text_problem(style.font, style.fill, style.size, style.bold, style)
            if problem:
                failures.append(
                    AuditFinding(
                        "text-contrast",
                        False,
                        f"{problem} (cell format {index}, {count} cells on the sheet)",
                        f"{sheet.name}!{a1(row, col)}",
                    )
                )
        for sqref, areas, dxf_ids in sheet.conditional:
            bases = _styles_in(sheet, areas)
            for dxf_id in dxf_ids:
                rules += 1
                if dxf_id >= len(book.dxfs):
                    continue
                dxf = book.dxfs[dxf_id]
                for index in sorted(bases):
                    base = _style(book, index)
                    font = dxf.font or base.font
                    fill = dxf.fill or base.fill
                    bold = base.bold if dxf.bold is None else dxf.bold
                    problem = _text_problem(font, fill, base.size, bold, base)
                    if problem:
                        failures.append(
                            AuditFinding(
                                "text-contrast",
                                False,
                                f"{problem} when its conditional format (rule {dxf_id}) applies",
                                f"{sheet.name}!{sqref.split()[0] if sqref else 'A1'}",
                            )
                        )
                        break
    return failures or _pass(
        "text-contrast",
        f"{cells:,} styled cells in {formats:,} sheet formats and {rules:,} conditional "
        "formats reach 4.5:1 (3:1 for large text)",
    )


def _style(book: Book, index: int) -> CellStyle:
    return book.styles[index] if 0 <= index < len(book.styles) else book.styles[0]


def _text_problem(
    font: str | None, fill: str | None, size: float, bold: bool, style: CellStyle
) -> str:
    if not style.readable:
        return "the fill is a gradient, whose contrast cannot be measured; use a solid fill"
    text, background = font or BLACK, fill or WHITE
    needed = text_minimum(size, bold)
    ratio = contrast_ratio(text, background)
    if ratio >= needed:
        return ""
    kind = "large text" if needed < 4.5 else "text"
    return (
        f"{kind} {text} on {background} ({size:g} pt{' bold' if bold else ''}) has "
        f"{_ratio(ratio)} contrast; it needs {_minimum(needed)}"
    )


def _styles_in(sheet: Sheet, areas: list[Box]) -> set[int]:
    found: set[int] = set()
    for r1, c1, r2, c2 in areas:
        area = (r2 - r1 + 1) * (c2 - c1 + 1)
        if area <= MAX_BOX_CELLS:
            spots = [(r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
            found.update(sheet.styles.get(spot, 0) for spot in spots)
        else:
            found.update(
                index for (r, c), index in sheet.styles.items() if r1 <= r <= r2 and c1 <= c <= c2
            )
            found.add(0)  # cells the sheet does not store have the default format
    return found


def chart_contrast(book: Book) -> list[AuditFinding]:
    """Every series' marks (fill, line, marker, points) against the plot area (or, with no
    plot area fill, the chart area; white when neither is filled)."""
    failures: list[AuditFinding] = []
    checked = 0
    for sheet, drawn in _charts(book):
        chart = book.charts.get(drawn.chart_part)
        if chart is None:
            continue
        background = _background(chart, book.theme)
        title = _chart_title(chart)
        for plot in chart.iter():
            if not plot.tag.endswith("Chart") or plot.tag == f"{C_NS}chart":
                continue
            for number, series in enumerate(plot.findall(f"{C_NS}ser")):
                checked += 1
                for label, colour, automatic in _marks(series, plot, number, book.theme):
                    ratio = contrast_ratio(colour, background)
                    if ratio < NON_TEXT_MINIMUM:
                        how = " (automatic colour)" if automatic else ""
                        failures.append(
                            AuditFinding(
                                "chart-contrast",
                                False,
                                f'chart "{title}", series "{_series_name(series)}": {label} '
                                f"{colour}{how} has {_ratio(ratio)} contrast against "
                                f"{background}; it needs {_minimum(NON_TEXT_MINIMUM)}",
                                f"{sheet.name}!{drawn.anchor}",
                            )
                        )
    return failures or _pass(
        "chart-contrast", f"{checked} chart series reach 3:1 against their background"
    )


def _charts(book: Book) -> Iterator[tuple[Sheet, Drawn]]:
    for sheet in book.sheets:
        for drawn in sheet.drawn:
            if drawn.kind == "chart":
                yield sheet, drawn


def _background(chart: ElementTree.Element, theme: dict[str, str]) -> str:
    for path in (f"{C_NS}chart/{C_NS}plotArea/{C_NS}spPr", f"{C_NS}spPr"):
        props = chart.find(path)
        if props is not None:
            colour = drawing_colour(props.find(f"{A_NS}solidFill"), theme)
            if colour:
                return colour
    return WHITE


def _chart_title(chart: ElementTree.Element) -> str:
    title = chart.find(f"{C_NS}chart/{C_NS}title")
    text = "" if title is None else "".join(t.text or "" for t in title.iter(f"{A_NS}t"))
    return text.strip() or "(untitled)"


def _series_name(series: ElementTree.Element) -> str:
    tx = series.find(f"{C_NS}tx")
    if tx is None:
        return "(unnamed)"
    return "".join(v.text or "" for v in tx.iter(f"{C_NS}v")).strip() or "(unnamed)"


def _marks(
    series: ElementTree.Element, plot: ElementTree.Element, number: int, theme: dict[str, str]
) -> list[tuple[str, str, bool]]:
    """(what, colour, automatic) for each mark that must reach 3:1; a filled mark passes
    on its best edge (fill or border)."""
    index_text = series.find(f"{C_NS}idx")
    index = int(as_number(index_text.get("val"), number)) if index_text is not None else number
    automatic = theme.get(f"accent{index % 6 + 1}", OFFICE_THEME["accent1"])
    props = series.find(f"{C_NS}spPr")
    marks: list[tuple[str, str, bool]] = []
    if plot.tag in _LINE_KINDS:
        line = _line(props, theme)
        if line != "none":
            marks.append(("line", line or automatic, line is None))
        marker = series.find(f"{C_NS}marker")
        symbol = marker.find(f"{C_NS}symbol") if marker is not None else None
        if marker is not None and (symbol is None or symbol.get("val") != "none"):
            fill = _fills(marker.find(f"{C_NS}spPr"), theme)
            if fill:
                marks.append(("marker", _best(fill), False))
        return marks
    points = [
        (f"point {_point_number(point)}", point.find(f"{C_NS}spPr"))
        for point in series.findall(f"{C_NS}dPt")
    ]
    for label, shape in [("fill", props), *points]:
        colours = _fills(shape, theme)
        line = _line(shape, theme)
        if line and line != "none":
            colours.append(line)
        if colours:
            marks.append((label, _best(colours), False))
        elif label == "fill":
            marks.append((label, automatic, True))
    return marks


def _point_number(point: ElementTree.Element) -> int:
    index = point.find(f"{C_NS}idx")
    return int(as_number(index.get("val"))) + 1 if index is not None else 0


def _best(colours: list[str]) -> str:
    """The colour that stands out most from white: a mark is seen by its strongest edge."""
    return max(colours, key=lambda c: contrast_ratio(c, WHITE))


def _fills(props: ElementTree.Element | None, theme: dict[str, str]) -> list[str]:
    if props is None:
        return []
    solid = drawing_colour(props.find(f"{A_NS}solidFill"), theme)
    if solid:
        return [solid]
    pattern = props.find(f"{A_NS}pattFill")
    if pattern is None:
        return []
    found = []
    for part in ("fgClr", "bgClr"):
        holder = pattern.find(f"{A_NS}{part}")
        colour = drawing_colour(holder[0] if holder is not None and len(holder) else None, theme)
        if colour:
            found.append(colour)
    return found


def _line(props: ElementTree.Element | None, theme: dict[str, str]) -> str | None:
    """The line colour; ``"none"`` for no line; None when it is automatic."""
    line = props.find(f"{A_NS}ln") if props is not None else None
    if line is None:
        return None
    if line.find(f"{A_NS}noFill") is not None:
        return "none"
    return drawing_colour(line.find(f"{A_NS}solidFill"), theme)


CHECKS: dict[str, Callable[[Book], list[AuditFinding]]] = {
    "text-contrast": text_contrast,
    "chart-contrast": chart_contrast,
    "alt-text": alt_text,
    "text-boxes": text_boxes,
    "merged-entry": merged_entry,
    "entry-header": entry_header,
    "sheet-names": sheet_names,
    "blank-sheets": blank_sheets,
    "title": title,
    "language": language,
    "first-sheet": first_sheet,
    "input-messages": input_messages,
}
"""Item id -> its check, in checklist order."""
