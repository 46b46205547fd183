"""How one dataset field becomes input cells: number format, data validation, messages."""

from __future__ import annotations

import math
import re
from typing import Any

from lks_templates.spec.models import FieldSpec

# Excel's limits on data validation messages (xlsxwriter warns beyond them).
TITLE_LIMIT = 32
MESSAGE_LIMIT = 255
# Bounds used when a numeric field has no minimum or maximum: Excel needs both ends.
NO_LIMIT = 1e15
EARLIEST_DATE = "1900-01-01"
LATEST_DATE = "2099-12-31"
DATE_FORMAT = "dd/mm/yyyy"
BOOLEAN_CHOICES = ["Yes", "No"]
"""Boolean fields are a drop-down of these two words (read back as true/false)."""


def shorten(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to fit ``limit`` characters, ending with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def number_format(field: FieldSpec) -> str | None:
    """Excel number format of an input cell, from the field's type and unit. Annual money
    is shown in whole pounds (a year's budget to the penny is noise); the value typed is
    kept as typed."""
    money = field.unit.strip().upper() in {"GBP", "£"}
    if field.type == "integer" or (money and field.frequency == "annual"):
        return "£#,##0" if money else "#,##0"
    if field.type == "number":
        return "£#,##0.00" if money else "#,##0.0#"
    if field.type == "date":
        return DATE_FORMAT
    return None


def _number_text(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,}"


def _numeric_rule(field: FieldSpec) -> tuple[dict[str, Any], str]:
    low, high = field.constraints.minimum, field.constraints.maximum
    whole = field.type == "integer"
    kind = "a whole number" if whole else "a number"
    options: dict[str, Any] = {"validate": "integer" if whole else "decimal"}
    if low is not None and high is not None:
        options.update(criteria="between", minimum=low, maximum=high)
        allowed = f"{kind} from {_number_text(low)} to {_number_text(high)}"
    elif low is not None:
        options.update(criteria=">=", value=low)
        allowed = f"{kind} of {_number_text(low)} or more"
    elif high is not None:
        options.update(criteria="<=", value=high)
        allowed = f"{kind} of {_number_text(high)} or less"
    else:
        options.update(criteria="between", minimum=-NO_LIMIT, maximum=NO_LIMIT)
        allowed = kind
    if whole and low is not None and not float(low).is_integer():
        options["minimum" if "minimum" in options else "value"] = math.ceil(low)
    return options, allowed


def _text_rule(field: FieldSpec) -> tuple[dict[str, Any], str]:
    low, high = field.constraints.minLength, field.constraints.maxLength
    if low is None and high is None:
        return {"validate": "any"}, "any text"
    options: dict[str, Any] = {"validate": "length"}
    if low is not None and high is not None:
        options.update(criteria="between", minimum=low, maximum=high)
        allowed = f"text of {low:,} to {high:,} characters"
    elif high is not None:
        options.update(criteria="<=", value=high)
        allowed = f"text of at most {high:,} characters"
    else:
        options.update(criteria=">=", value=low)
        allowed = f"text of at least {low:,} characters"
    return options, allowed


def validation_options(field: FieldSpec) -> dict[str, Any]:
    """xlsxwriter ``data_validation`` options for the field's input cells."""
    enum = field.constraints.enum
    if enum:
        options: dict[str, Any] = {"validate": "list", "source": list(enum)}
        allowed = "one of the choices in the drop-down list"
    elif field.type == "boolean":
        options = {"validate": "list", "source": list(BOOLEAN_CHOICES)}
        allowed = "Yes or No"
    elif field.type in ("integer", "number"):
        options, allowed = _numeric_rule(field)
    elif field.type == "date":
        options = {
            "validate": "date",
            "criteria": "between",
            "minimum": EARLIEST_DATE,
            "maximum": LATEST_DATE,
        }
        allowed = "a date, such as 31/03/2027"
    else:
        options, allowed = _text_rule(field)
    options["ignore_blank"] = True
    options["input_title"] = shorten(field.title, TITLE_LIMIT)
    options["input_message"] = input_message(field)
    if options["validate"] != "any":
        options["error_title"] = shorten(f"Check: {field.title}", TITLE_LIMIT)
        options["error_message"] = shorten(
            f"{field.title}: enter {allowed}."
            + (" Leave blank if unknown." if not field.constraints.required else ""),
            MESSAGE_LIMIT,
        )
        options["error_type"] = "stop"
    return options


MORE = "More on the About sheet."
"""Ends an input message whose guidance did not all fit."""
_SENTENCE_END = re.compile(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)(?<!etc\.)\s+(?=[A-Z0-9(\"'])")


def sentences(text: str) -> list[str]:
    """``text`` split into sentences (not after "e.g.", "i.e." or "etc.")."""
    return [s for s in _SENTENCE_END.split(" ".join(text.split())) if s]


def input_message(field: FieldSpec) -> str:
    """The definition first, then the unit and as many whole sentences of counting guidance
    as fit in Excel's 255 characters: never a sentence cut in the middle. When guidance is
    left out, the message ends by saying where the rest is (the About sheet's dictionary)."""
    parts = sentences(field.description)
    if field.unit:
        parts.append(f"Unit: {field.unit}.")
    if field.constraints.required:
        parts.append("Required.")
    if field.guidance:
        parts.extend(sentences(field.guidance))
    message = ""
    for index, sentence in enumerate(parts):
        longer = f"{message} {sentence}".strip()
        if len(longer) > MESSAGE_LIMIT:
            if not message:
                # A first sentence longer than Excel allows: cut it, visibly.
                return shorten(" ".join(parts), MESSAGE_LIMIT)
            more = f"{message} {MORE}"
            if index < len(parts) and len(more) <= MESSAGE_LIMIT:
                message = more
            break
        message = longer
    return message


REQUIRED_MARK = " (required)"
"""Appended to the label of a required entry: the yellow fill is not the only sign
(WCAG 1.4.1; the fill has 1.13:1 contrast against white)."""


def entry_label(field: FieldSpec) -> str:
    """The label beside an input cell: the field's title, marked when it is required."""
    return field.title + (REQUIRED_MARK if field.constraints.required else "")


def unit_label(field: FieldSpec) -> str:
    """Unit column text; text fields show their kind instead. Money says £, the sign its
    cell shows once filled, not GBP in words."""
    if field.unit.strip().upper() in {"GBP", "£"}:
        return "£"
    if field.unit:
        return field.unit
    if field.constraints.enum or field.type == "boolean":
        return "choose"
    return {"string": "text", "date": "date"}.get(field.type, "")


def year_validation() -> dict[str, Any]:
    """Validation of the reporting-year input."""
    return {
        "validate": "integer",
        "criteria": "between",
        "minimum": 2000,
        "maximum": 2099,
        "ignore_blank": True,
        "input_title": "Reporting year",
        "input_message": (
            "The calendar year in which your reporting year starts, e.g. 2026 for "
            "April 2026 to March 2027. Period labels and the dashboard follow it."
        ),
        "error_title": "Check: reporting year",
        "error_message": "Enter a four-digit year from 2000 to 2099, e.g. 2026.",
        "error_type": "stop",
    }


def aggregate_words(aggregate: str, period: str = "month", weighted_by: str | None = None) -> str:
    """How a measure's ``period`` values combine into its year, in plain words.

    ``weighted_by`` (a ``mean`` field's weight, by its field name) makes it a weighted mean.
    """
    if aggregate == "mean" and weighted_by is not None:
        return (
            f"averaged, weighted: each {period}'s value counts as often as its "
            f"{weighted_by} (the mean of all of them, not of the {period}s' means)"
        )
    return {
        "sum": f"added up: the sum of the {period}s entered",
        "mean": f"averaged: the average of the {period}s entered",
        "last": f"latest {period}: the last {period} entered, not added up",
        "none": f"not combined: each {period} stands alone, no figure for the year",
    }[aggregate]
