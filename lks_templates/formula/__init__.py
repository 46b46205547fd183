"""The formula language: Excel-style expressions over field names.

Parsed once into an expression tree with two back ends: Excel formula text for the
workbook, and a Python evaluator that agrees with a spreadsheet. See
``docs/formula-language.md`` for the language and the rules of agreement.

Public API (implemented in the submodules):

- ``parse(text) -> Expr``; raises ``FormulaSyntaxError`` (with ``column``) on bad syntax.
- ``names(expr) -> list[str]``: names referenced, in first-seen order.
- ``check(expr, scope) -> list[FormulaIssue]``: unknown names and functions, wrong
  argument counts, ranges used where a single value is needed, text in arithmetic.
- ``to_excel(expr, ref) -> str``: Excel formula text (without the leading ``=``);
  ``ref(name)`` returns the Excel text for a name (a cell, a range or a defined name).
- ``evaluate(expr, env) -> Value``: ``env`` maps a name to a single value or a list of
  values (a range); blanks are ``BLANK``; errors are ``ExcelError`` values.
"""
