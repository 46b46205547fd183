"""Python implementations of the whitelisted functions.

Each takes the evaluator and the argument expressions (not values): IF and IFERROR only
evaluate the branch they need, and aggregates must know whether an argument is a name
(cells: text and logical values are skipped) or a value typed into the formula (numeric
text and logical values count).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable, Sequence
from decimal import ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_UP, ROUND_UP, Decimal, localcontext
from typing import TYPE_CHECKING, TypeAlias, TypeVar

from lks_templates.formula.functions import FUNCTIONS
from lks_templates.formula.values import (
    BLANK,
    DIV0,
    NUM,
    VALUE,
    Blank,
    ExcelError,
    Value,
    finite,
    parse_number,
    to_bool,
    to_number,
    to_text,
)

if TYPE_CHECKING:
    from lks_templates.formula.evaluate import Evaluator
    from lks_templates.formula.tree import Expr

Args: TypeAlias = Sequence["Expr"]
Builtin: TypeAlias = Callable[["Evaluator", Args], Value]
T = TypeVar("T")


def arity_ok(name: str, count: int) -> bool:
    signature = FUNCTIONS[name]
    return signature.min_args <= count and (
        signature.max_args is None or count <= signature.max_args
    )


def _is_number(value: Value) -> bool:
    # bool is not a float subclass, so this excludes TRUE and FALSE.
    return type(value) is float


def _gather(
    ev: Evaluator,
    args: Args,
    from_cell: Callable[[Value], T | None],
    from_typed: Callable[[Value], T | ExcelError],
) -> list[T] | ExcelError:
    """The values an aggregate takes from its arguments; the first error met is returned.

    In a reference, ``from_cell`` picks the cells that count (None: skipped); a value typed
    into the formula is converted by ``from_typed``, and a blank one is skipped.
    """
    found: list[T] = []
    for arg in args:
        cells = ev.reference(arg)
        if cells is not None:
            for cell in cells:
                if isinstance(cell, ExcelError):
                    return cell
                picked = from_cell(cell)
                if picked is not None:
                    found.append(picked)
            continue
        value = ev.scalar(arg)
        if isinstance(value, Blank):
            continue
        converted = from_typed(value)
        if isinstance(converted, ExcelError):
            return converted
        found.append(converted)
    return found


def _number_cell(cell: Value) -> float | None:
    return cell if type(cell) is float else None  # as _is_number, one call fewer a cell


def _logical_cell(cell: Value) -> bool | None:
    # Cells with text or nothing are skipped.
    return bool(cell) if isinstance(cell, float | bool) else None


def _aggregate(
    from_cell: Callable[[Value], T | None],
    from_typed: Callable[[Value], T | ExcelError],
    reduce: Callable[[list[T]], Value],
    empty: Value,
) -> Builtin:
    """A function that ``reduce``s what :func:`_gather` finds, or gives ``empty`` for none."""

    def implementation(ev: Evaluator, args: Args) -> Value:
        found = _gather(ev, args, from_cell, from_typed)
        if isinstance(found, ExcelError):
            return found
        return reduce(found) if found else empty

    return implementation


def sum_numbers(numbers: Sequence[float]) -> float | ExcelError:
    """What SUM gives for ``numbers``: the correctly rounded sum (``math.fsum``, so ten
    0.1s make 1, as in a spreadsheet), or #NUM! past the largest number.

    The one summation of the project: AVERAGE, SUMPRODUCT and a measure's Year to date
    (:func:`lks_templates.rules.semantics.year_to_date_value`) all use it.
    """
    try:
        total = math.fsum(numbers)
    except (OverflowError, ValueError):  # an intermediate sum past the largest float
        return NUM
    return finite(total)


def average_numbers(numbers: Sequence[float]) -> float | ExcelError:
    """What AVERAGE gives for ``numbers``: :func:`sum_numbers` over their count."""
    if not numbers:
        return DIV0
    total = sum_numbers(numbers)
    return total if isinstance(total, ExcelError) else finite(total / len(numbers))


def _median(numbers: list[float]) -> Value:
    # The middle two are added and halved, which can pass the largest number.
    return finite(float(statistics.median(numbers)))


def _over_numbers(reduce: Callable[[list[float]], Value], empty: Value) -> Builtin:
    """SUM, AVERAGE, MIN, MAX, MEDIAN."""
    return _aggregate(_number_cell, to_number, reduce, empty)


def _over_logicals(reduce: Callable[[list[bool]], bool]) -> Builtin:
    """AND, OR: #VALUE! when there is no logical value."""
    return _aggregate(_logical_cell, to_bool, reduce, VALUE)


def _count(ev: Evaluator, args: Args) -> Value:
    count = 0
    for arg in args:
        cells = ev.reference(arg)
        if cells is not None:
            count += sum(1 for cell in cells if _is_number(cell))
            continue
        value = ev.scalar(arg)
        # Typed arguments count when they are numbers, logical values or numeric text.
        if isinstance(value, float | bool) or (
            isinstance(value, str) and parse_number(value) is not None
        ):
            count += 1
    return float(count)


def _counta(ev: Evaluator, args: Args) -> Value:
    count = 0
    for arg in args:
        cells = ev.reference(arg)
        values = cells if cells is not None else [ev.scalar(arg)]
        count += sum(1 for value in values if not isinstance(value, Blank))
    return float(count)


def _countblank(ev: Evaluator, args: Args) -> Value:
    cells = ev.reference(args[0])
    if cells is None:
        return VALUE
    return float(sum(1 for cell in cells if isinstance(cell, Blank) or cell == ""))


def _sumproduct(ev: Evaluator, args: Args) -> Value:
    arrays: list[list[Value]] = []
    for arg in args:
        found = ev.array(arg)
        arrays.append(found if isinstance(found, list) else [found])
    if len({len(array) for array in arrays}) > 1:
        return VALUE
    for array in arrays:
        for item in array:
            if isinstance(item, ExcelError):
                return item
    products = []
    for row in zip(*arrays, strict=True):
        product = 1.0
        for item in row:
            # Text, logical values and blanks count as 0 in SUMPRODUCT.
            product *= item if isinstance(item, float) and not isinstance(item, bool) else 0.0
        products.append(product)
    return sum_numbers(products)


def _if(ev: Evaluator, args: Args) -> Value:
    condition = to_bool(ev.scalar(args[0]))
    if isinstance(condition, ExcelError):
        return condition
    if condition:
        return ev.scalar(args[1])
    return ev.scalar(args[2]) if len(args) > 2 else False


def _iferror(ev: Evaluator, args: Args) -> Value:
    value = ev.scalar(args[0])
    return ev.scalar(args[1]) if isinstance(value, ExcelError) else value


def _not(ev: Evaluator, args: Args) -> Value:
    value = to_bool(ev.scalar(args[0]))
    return value if isinstance(value, ExcelError) else not value


def _rounder(mode: str) -> Builtin:
    def implementation(ev: Evaluator, args: Args) -> Value:
        number = to_number(ev.scalar(args[0]))
        digits = to_number(ev.scalar(args[1]))
        if isinstance(number, ExcelError):
            return number
        if isinstance(digits, ExcelError):
            return digits
        if not math.isfinite(digits) or not math.isfinite(number):
            return NUM
        return finite(round_decimal(number, int(digits), mode))

    return implementation


def round_decimal(number: float, digits: int, mode: str = ROUND_HALF_UP) -> float:
    """Round as spreadsheets do: on the 15-significant-digit decimal form of the number.

    So ROUND(2.675, 2) is 2.68 and halves go away from zero, unlike Python's round().
    ``mode`` is a :mod:`decimal` rounding mode (ROUND_HALF_UP, ROUND_UP, ROUND_DOWN).
    """
    if number == 0.0 or not math.isfinite(number):
        return number
    digits = max(-400, min(400, digits))
    decimal = Decimal(format(number, ".15g"))
    with localcontext() as context:
        context.prec = 1000
        rounded = decimal.quantize(Decimal(1).scaleb(-digits), rounding=mode)
    return float(rounded) + 0.0


def _numeric(function: Callable[[float], Value]) -> Builtin:
    def implementation(ev: Evaluator, args: Args) -> Value:
        number = to_number(ev.scalar(args[0]))
        if isinstance(number, ExcelError):
            return number
        result = function(number)
        return finite(result) if type(result) is float else result

    return implementation


def _sqrt(number: float) -> Value:
    return NUM if number < 0 else math.sqrt(number)


def _isblank(ev: Evaluator, args: Args) -> Value:
    return ev.scalar(args[0]) is BLANK


def _isnumber(ev: Evaluator, args: Args) -> Value:
    return _is_number(ev.scalar(args[0]))


def _istext(ev: Evaluator, args: Args) -> Value:
    return isinstance(ev.scalar(args[0]), str)


def _len(ev: Evaluator, args: Args) -> Value:
    text = to_text(ev.scalar(args[0]))
    return text if isinstance(text, ExcelError) else float(len(text))


BUILTINS: dict[str, Builtin] = {
    "SUM": _over_numbers(sum_numbers, 0.0),
    "AVERAGE": _over_numbers(average_numbers, DIV0),
    "MIN": _over_numbers(min, 0.0),
    "MAX": _over_numbers(max, 0.0),
    "MEDIAN": _over_numbers(_median, NUM),
    "SUMPRODUCT": _sumproduct,
    "COUNT": _count,
    "COUNTA": _counta,
    "COUNTBLANK": _countblank,
    "IF": _if,
    "IFERROR": _iferror,
    "AND": _over_logicals(all),
    "OR": _over_logicals(any),
    "NOT": _not,
    "ROUND": _rounder(ROUND_HALF_UP),
    "ROUNDUP": _rounder(ROUND_UP),
    "ROUNDDOWN": _rounder(ROUND_DOWN),
    "ABS": _numeric(abs),
    # On the 15-digit form, like ROUND: INT(2.9999999999999996) is 3, as LibreOffice gives.
    "INT": _numeric(lambda number: round_decimal(number, 0, ROUND_FLOOR)),
    "SQRT": _numeric(_sqrt),
    "ISBLANK": _isblank,
    "ISNUMBER": _isnumber,
    "ISTEXT": _istext,
    "LEN": _len,
}

assert set(BUILTINS) == set(FUNCTIONS), "every whitelisted function needs an implementation"
