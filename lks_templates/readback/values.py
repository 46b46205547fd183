"""One cell's value against its field: type conversion, then constraints.

Spreadsheet cells hold whatever was typed or pasted; Excel's data validation is bypassed
by pasting, so every value is checked again here. A value that can be read as the field's
type with a little help (a number stored as text, a date typed as text) is accepted with
a warning; anything else is a ``type-error`` and is not used in calculations. Text is read
as a number exactly when a spreadsheet would convert it in arithmetic
(:func:`lks_templates.formula.values.parse_number`, the evaluator's own rule), so ``e5``,
``1_000``, ``inf`` or full-width digits are type errors, never a traceback; a cell storing
an infinite or NaN number is one too.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from lks_templates.formula.values import LAST_EXCEL_SERIAL, parse_number, serial_to_date
from lks_templates.spec.models import FieldSpec
from lks_templates.words import counted

Value = str | int | float | bool | dt.date
"""A checked value: the Python type that matches the field's type."""

FIRST_EXCEL_DATE = dt.date(1900, 1, 1)  # serial 1: no spreadsheet date is earlier
FIRST_YEAR, LAST_YEAR = 1900, 2200
"""The reporting years read-back accepts."""
UNUSABLE_CODES = frozenset({"type-error", "formula-in-input", "error-value"})
"""Codes of a cell whose content could not be used: ``Return.raw_errors`` keeps what it
held, and it counts as blank in figures (``collect.UNUSABLE`` is the same set)."""
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
_TRUE_WORDS = {"yes": True, "no": False}
_LOOSE_BOOLEANS = {"true": True, "false": False, "y": True, "n": False}


@dataclass(frozen=True)
class Finding:
    """A problem with one value: a code, a severity and the end of a sentence."""

    code: str
    severity: str
    detail: str
    """Completes "<field title> in <cell>: ..."."""


@dataclass(frozen=True)
class Checked:
    """The outcome of checking one cell."""

    value: Value | None
    """The value as the field's type; None when blank or unusable."""
    raw: object
    """What the cell held (for reports when the value is unusable)."""
    findings: tuple[Finding, ...] = ()


def is_blank(raw: object) -> bool:
    """True for an empty cell or one holding only spaces."""
    return raw is None or (isinstance(raw, str) and not raw.strip())


_BLANK = Checked(None, None)


def check_value(field: FieldSpec, raw: object) -> Checked:
    """Convert ``raw`` to ``field``'s type and check its constraints."""
    if raw is None or raw == "":
        return _BLANK
    if type(raw) is float:  # the usual case, kept short: a number within its limits
        number = plain_number(field, raw)
        if number is not None:
            return Checked(number, raw)
    if is_blank(raw):
        return Checked(None, raw)
    value, finding = _convert(field, raw)
    if value is None:
        return Checked(None, raw, (finding,) if finding else ())
    findings = [finding] if finding else []
    findings.extend(_constraint_findings(field, value))
    return Checked(value, raw, tuple(findings))


def check_year(raw: object) -> Checked:
    """The reporting year cell: a whole number from 1900 to 2200.

    A year typed as text (``"2026"``) is read, with the ``number-as-text`` warning a
    number field gives, since formulas and period labels see text, not the year; text a
    spreadsheet cannot read as a number (full-width digits, ``2026a``) and any
    other value is a ``type-error``.
    """
    if is_blank(raw):
        return Checked(None, raw)
    number, finding = _to_number(raw, whole=True)
    if isinstance(number, int) and FIRST_YEAR <= number <= LAST_YEAR:
        return Checked(number, raw, (finding,) if finding else ())
    return Checked(
        None,
        raw,
        (
            Finding(
                "type-error",
                "error",
                f"{_show(raw)} is not a year; enter the year the reporting year starts in, "
                "such as 2026.",
            ),
        ),
    )


def error_value(text: str) -> Finding:
    """A cell holding a spreadsheet error value (``#N/A``, ``#DIV/0!``) instead of a value."""
    return Finding(
        "error-value",
        "error",
        f"the cell holds the error value {_show(text)}, not a value; it counts as blank. "
        "Type the value itself (or clear the cell).",
    )


def plain_number(field: FieldSpec, raw: float) -> float | int | None:
    """The value of a number cell that needs no finding at all, else None.

    The commonest cell of all, a number within its field's limits, is settled here without
    the full checks; :func:`check_value` gives the same value for it.
    """
    rules = field.constraints
    number: float | int | None = (
        int(raw)
        if field.type == "integer" and raw.is_integer()
        else raw
        if field.type == "number"
        else None
    )
    if (
        number is not None
        and math.isfinite(raw)
        and not rules.enum
        and (rules.minimum is None or number >= rules.minimum)
        and (rules.maximum is None or number <= rules.maximum)
    ):
        return number
    return None


def _type_error(detail: str) -> tuple[None, Finding]:
    return None, Finding("type-error", "error", detail)


def _convert(field: FieldSpec, raw: object) -> tuple[Value | None, Finding | None]:
    kind = field.type
    if kind in ("integer", "number"):
        return _to_number(raw, whole=kind == "integer")
    if kind == "boolean":
        return _to_boolean(raw)
    if kind == "date":
        return _to_date(raw)
    return _to_text(raw), None


def _to_number(raw: object, *, whole: bool) -> tuple[Value | None, Finding | None]:
    wanted = "a whole number" if whole else "a number"
    warning = None
    if isinstance(raw, bool | dt.date | dt.time | dt.timedelta):
        return _type_error(f"{_show(raw)} is not {wanted}; enter {wanted}.")
    if isinstance(raw, str):
        parsed = parse_number(raw.strip())
        if parsed is None:
            return _type_error(f"the text {_show(raw)} is not {wanted}; enter {wanted}.")
        number: float | int = parsed
        warning = Finding(
            "number-as-text",
            "warning",
            f"the number {_show(raw)} is stored "
            "as text; it was read as a number. Re-type it so Excel sees a number.",
        )
    elif isinstance(raw, int | float):
        number = raw
    else:
        return _type_error(f"{_show(raw)} is not {wanted}; enter {wanted}.")
    if isinstance(number, float) and not math.isfinite(number):
        return _type_error(f"{_show(raw)} is not {wanted}; enter {wanted}.")
    if whole:
        if not float(number).is_integer():
            return _type_error(
                f"{_show(raw)} is not a whole number; enter a whole number (no decimals)."
            )
        return int(number), warning
    return (float(number) if isinstance(number, float) else number), warning


def _to_boolean(raw: object) -> tuple[Value | None, Finding | None]:
    if isinstance(raw, bool):
        return raw, None
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE_WORDS:
            return _TRUE_WORDS[word], None
        if word in _LOOSE_BOOLEANS:
            return _LOOSE_BOOLEANS[word], Finding(
                "boolean-as-text",
                "warning",
                f"{_show(raw)} was read as {'Yes' if _LOOSE_BOOLEANS[word] else 'No'}; "
                "choose Yes or No from the drop-down list.",
            )
    return _type_error(f"{_show(raw)} is not Yes or No; choose Yes or No from the list.")


def _to_date(raw: object) -> tuple[Value | None, Finding | None]:
    day = raw.date() if isinstance(raw, dt.datetime) else raw
    if isinstance(day, dt.date) and day < FIRST_EXCEL_DATE:
        # No spreadsheet date is earlier; the value reader gives 30/12/1899 for a date cell
        # storing 0 or NaN, which no spreadsheet writes as a date.
        return _type_error(f"{_show(raw)} is not a date; enter a date such as 31/03/2027.")
    if isinstance(raw, dt.datetime):
        return raw.date(), None
    if isinstance(raw, dt.date):
        return raw, None
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw <= LAST_EXCEL_SERIAL and float(raw).is_integer():
            day = serial_to_date(int(raw))
            return day, Finding(
                "date-as-number",
                "warning",
                f"{_show(raw)} was read as the "
                f"date {day:%d/%m/%Y}; format the cell as a date to check it.",
            )
        return _type_error(f"{_show(raw)} is not a date; enter a date such as 31/03/2027.")
    if isinstance(raw, str):
        typed = _parse_date_text(raw.strip())
        if typed is not None:
            return typed, Finding(
                "date-as-text",
                "warning",
                f"the text {_show(raw)} was read as "
                f"the date {typed:%d/%m/%Y}; re-type it so Excel sees a date.",
            )
    return _type_error(f"{_show(raw)} is not a date; enter a date such as 31/03/2027.")


def _parse_date_text(text: str) -> dt.date | None:
    try:
        if len(text) == 10 and text[4] == "-":
            return dt.date.fromisoformat(text)
        match = _UK_DATE.match(text)
        if match:
            return dt.date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def _to_text(raw: object) -> str:
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, dt.datetime):
        return raw.isoformat(sep=" ")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).strip()


def _constraint_findings(field: FieldSpec, value: Value) -> list[Finding]:
    rules = field.constraints
    found: list[str] = []
    if isinstance(value, int | float) and not isinstance(value, bool):
        if rules.minimum is not None and value < rules.minimum:
            found.append(
                f"{format_number(value)} is less than the minimum {format_number(rules.minimum)}"
            )
        if rules.maximum is not None and value > rules.maximum:
            found.append(
                f"{format_number(value)} is more than the maximum {format_number(rules.maximum)}"
            )
    text = format_value(value) if rules.enum else ""
    if rules.enum and text not in rules.enum:
        shown = ", ".join(rules.enum[:8]) + (", ..." if len(rules.enum) > 8 else "")
        found.append(f"{_show(text)} is not one of the choices ({shown})")
    if isinstance(value, str):
        if rules.pattern and not re.fullmatch(rules.pattern, value):
            found.append(f"{_show(value)} does not have the expected form")
        if rules.minLength is not None and len(value) < rules.minLength:
            found.append(
                f"the text has {counted(len(value), 'character')}, fewer than {rules.minLength:,}"
            )
        if rules.maxLength is not None and len(value) > rules.maxLength:
            found.append(
                f"the text has {counted(len(value), 'character')}, more than {rules.maxLength:,}"
            )
    return [Finding("constraint-error", "error", f"{detail}; correct it.") for detail in found]


def format_number(number: int | float) -> str:
    """Plain decimal text: ``12`` for 12.0, shortest round-tripping text otherwise."""
    if isinstance(number, int):
        return str(number)
    if number.is_integer() and abs(number) < 1e15:
        return str(int(number))
    return repr(number)


def format_value(value: Value) -> str:
    """The text written to CSV files for a checked value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return format_number(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _show(raw: object, limit: int = 40) -> str:
    text = (
        raw
        if isinstance(raw, str)
        else format_value(raw)
        if isinstance(raw, int | float | dt.date)
        else str(raw)
    )
    text = " ".join(str(text).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f'"{text}"'
