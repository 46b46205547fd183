"""The formula language: Excel-style expressions over field names.

Parsed once into an expression tree with two back ends: Excel formula text for the
workbook, and a Python evaluator that agrees with a spreadsheet. See
``docs/formula-language.md`` for the language and the rules of agreement.

- ``parse(text) -> Expr``; raises ``FormulaSyntaxError`` (with ``column``) on bad syntax.
- ``names(expr)``, ``functions(expr)``: names referenced and functions called, first-seen order.
- ``check(expr, scope) -> list[FormulaIssue]``: unknown names and functions, wrong
  argument counts, ranges used where a single value is needed, text in arithmetic.
- ``to_excel(expr, ref) -> str``: Excel formula text (without the leading ``=``);
  ``ref(name)`` returns the Excel text for a name (a cell, a range or a defined name).
- ``evaluate(expr, env) -> Value``: ``env`` maps a name to a single value or a list of
  values (a range); blanks are ``BLANK``; errors are ``ExcelError`` values.
- ``dependency_order(formulas)``: named formulas, each after those it uses.
"""

from lks_templates.formula.check import AGGREGATES, FormulaIssue, NameInfo, check
from lks_templates.formula.evaluate import evaluate
from lks_templates.formula.excel import excel_number, to_excel
from lks_templates.formula.functions import FUNCTIONS, Signature
from lks_templates.formula.order import CycleError, dependency_order
from lks_templates.formula.parser import FormulaSyntaxError, is_cell_reference, parse
from lks_templates.formula.tree import (
    Binary,
    Boolean,
    Call,
    Expr,
    Name,
    Number,
    String,
    Unary,
    functions,
    names,
)
from lks_templates.formula.values import BLANK, Blank, ExcelError, Value, number_text

__all__ = [
    "AGGREGATES",
    "BLANK",
    "FUNCTIONS",
    "Binary",
    "Blank",
    "Boolean",
    "Call",
    "CycleError",
    "ExcelError",
    "Expr",
    "FormulaIssue",
    "FormulaSyntaxError",
    "Name",
    "NameInfo",
    "Number",
    "Signature",
    "String",
    "Unary",
    "Value",
    "check",
    "dependency_order",
    "evaluate",
    "excel_number",
    "functions",
    "is_cell_reference",
    "names",
    "number_text",
    "parse",
    "to_excel",
]
