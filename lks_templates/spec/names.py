"""Naming rules: every field, derived figure, KPI and rule name becomes an Excel defined name.

Excel (and LibreOffice, which opens the same files) refuses or misreads a defined name that
looks like a cell reference (``fte1`` is column FTE, row 1; ``r1c1`` is R1C1 notation) or
that is a function or boolean (``sum``, ``true``). The rules here are deliberately a little
stricter than either application so that a name valid here is valid in both.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache

from lks_templates import cells
from lks_templates.words import close_matches

IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")
MAX_NAME_LENGTH = 255
"""Excel's limit for a defined name."""
MAX_LIST_LENGTH = 255
"""Excel's limit for a list validation written as comma-joined text."""
GENERATOR_NAMES = frozenset(
    {
        "reporting_year",  # the input cell of the year the reporting year starts in
        "lks_periods",  # the period labels on Data
        "lks_failures",  # the count of failed checks on Checks
        "lks_chart_data",  # the hidden rows that feed charts
        "lks_missing",  # the count of required entries left blank on Checks
        "lks_coverage",  # the periods a return covers, in words, on Checks
        "lks_periods_entered",  # the count of periods with any entry on Checks
    }
)
"""Defined names the generator adds to every workbook (``docs/workbook-contract.md``), and
those already planned; no field, derived figure, KPI or rule may take one. The one list:
layout and read-back take it from here."""
LAST_YEAR_PREFIX = "lks_last_year_"
"""``lks_last_year_<measure>``: last year's values of a measure (``rules.lastyear``)."""
GENERATOR_PREFIXES = (LAST_YEAR_PREFIX,)
"""Families of generator names, one per measure: ``lks_last_year_<measure>`` (last year's
values beside this year's). Any other name may start with ``lks_``, as the shipped
dataset's ``lks_wte_total`` and ``lks_headcount`` do."""
RESERVED_NAMES = GENERATOR_NAMES
"""Older name of :data:`GENERATOR_NAMES`."""


def is_generator_name(name: str) -> bool:
    """Whether ``name`` is, or may become, a defined name the generator adds itself."""
    return name in GENERATOR_NAMES or name.startswith(GENERATOR_PREFIXES)


def generator_name_message(name: str) -> str:
    """Why ``name`` cannot be taken (for a ``reserved-name`` problem)."""
    if name in GENERATOR_NAMES:
        return f"`{name}` is a name every workbook defines for itself; choose another name."
    prefix = next(p for p in GENERATOR_PREFIXES if name.startswith(p))
    return (
        f"Names starting `{prefix}` are kept for names every workbook defines for itself; "
        "choose another name."
    )


# Excel's built-in names (``_xlnm.*``): a user name equal to one is taken as the built-in.
EXCEL_BUILTIN_NAMES = frozenset(
    {
        "print_area", "print_titles", "criteria", "database", "extract", "consolidate_area",
        "sheet_title", "auto_open", "auto_close", "auto_activate", "auto_deactivate",
        "recorder", "data_form", "_filterdatabase",
    }
)  # fmt: skip


# Excel's functions as openpyxl lists them (openpyxl.utils.formulas.FORMULAE, lower case),
# kept here so that validating a spec does not import openpyxl (a quarter of a second); a
# test checks that openpyxl's list holds nothing missing from this one.
_EXCEL_FUNCTIONS = """
abs accrint accrintm acos acosh address amordegrc amorlinc and areas asc asin asinh atan
atan2 atanh avedev average averagea averageif averageifs bahttext besseli besselj besselk
bessely betadist betainv bin2dec bin2hex bin2oct binomdist ceiling cell char chidist chiinv
chitest choose clean code column columns combin complex concatenate confidence convert
correl cos cosh count counta countblank countif countifs coupdaybs coupdays coupdaysnc
coupncd coupnum couppcd covar critbinom cubekpimember cubemember cubememberproperty
cuberankedmember cubeset cubesetcount cubevalue cumipmt cumprinc date datedif datevalue
daverage day days360 db dcount dcounta ddb dec2bin dec2hex dec2oct degrees delta devsq dget
disc dmax dmin dollar dollarde dollarfr dproduct dstdev dstdevp dsum duration dvar dvarp
ecma.ceiling edate effect eomonth erf erfc error.type even exact exp expondist fact
factdouble false fdist find findb finv fisher fisherinv fixed floor forecast frequency ftest
fv fvschedule gammadist gammainv gammaln gcd geomean gestep getpivotdata growth harmean
hex2bin hex2dec hex2oct hlookup hour hyperlink hypgeomdist if iferror imabs imaginary
imargument imconjugate imcos imdiv imexp imln imlog10 imlog2 impower improduct imreal imsin
imsqrt imsub imsum index indirect info int intercept intrate ipmt irr isblank iserr iserror
iseven islogical isna isnontext isnumber iso.ceiling isodd ispmt isref istext jis kurt large
lcm left leftb len lenb linest ln log log10 logest loginv lognormdist lookup lower match max
maxa mdeterm mduration median mid midb min mina minute minverse mirr mmult mod mode month
mround multinomial n na negbinomdist networkdays networkdays.intl nominal normdist norminv
normsdist normsinv not now nper npv oct2bin oct2dec oct2hex odd oddfprice oddfyield
oddlprice oddlyield offset or pearson percentile percentrank permut phonetic pi pmt poisson
power ppmt price pricedisc pricemat prob product proper pv quartile quotient radians rand
randbetween rank rate received replace replaceb rept right rightb roman round rounddown
roundup row rows rsq rtd search searchb second seriessum sign sin sinh skew sln slope small
sqrt sqrtpi standardize stdev stdeva stdevp stdevpa steyx substitute subtotal sum sumif
sumifs sumproduct sumsq sumx2my2 sumx2py2 sumxmy2 syd t tan tanh tbilleq tbillprice
tbillyield tdist text time timevalue tinv today transpose trend trim trimmean true trunc
ttest type upper value var vara varp varpa vdb vlookup weekday weeknum weibull workday
workday.intl xirr xnpv year yearfrac yield yielddisc yieldmat ztest
"""

# Functions added after the list openpyxl ships (Excel 2010-2021 and 365), so that a name
# chosen today does not break when a later Excel reads it as a function.
_NEWER_FUNCTIONS = """
aggregate arabic base bitand bitor bitlshift bitrshift bitxor ceiling_math concat days
decimal filter filterxml floor_math formulatext gamma gauss ifna ifs imcosh imcot imcsc
imcsch imsec imsech imsinh imtan isformula isoweeknum lambda let maxifs minifs numbervalue
phi pduration rri sheet sheets sequence single sort sortby switch textjoin unichar unicode
unique webservice xlookup xmatch xor randarray textbefore textafter textsplit vstack hstack
tocol torow wrapcols wraprows take drop expand choosecols chooserows byrow bycol map reduce
scan makearray isomitted image
"""


@cache
def function_names() -> frozenset[str]:
    """Lower-case names of Excel functions and booleans that a name must not equal."""
    names = set(_EXCEL_FUNCTIONS.split())
    names.update(_NEWER_FUNCTIONS.split())
    names.update({"true", "false"})
    return frozenset(names)


def looks_like_cell_reference(name: str) -> bool:
    """True when Excel or LibreOffice could read ``name`` as a cell reference.

    Covers A1 notation within Excel's limits (``abc1``, ``fte1``, up to ``XFD1048576``) and
    R1C1 notation (``r``, ``c``, ``rc``, ``r1c1``, ``r2c``, ``c3``), case-insensitively; see
    :mod:`lks_templates.cells`.
    """
    return cells.looks_like_cell_reference(name)


def name_problem(name: str) -> tuple[str, str] | None:
    """The first rule ``name`` breaks, as ``(code, message)``, or None when it is fine.

    Generator names (``reporting_year``, ``lks_periods``...) are checked by the caller,
    against :func:`is_generator_name`, once the name is otherwise valid.
    """
    if not IDENTIFIER.match(name):
        return "invalid-name", (
            f"`{name}` is not a valid name: use lower-case letters, digits and underscores, "
            f"starting with a letter or underscore (for example `{suggest_identifier(name)}`)."
        )
    if len(name) > MAX_NAME_LENGTH:
        return "name-too-long", (
            f"The name is {len(name)} characters long; Excel allows at most {MAX_NAME_LENGTH}. "
            "Shorten it."
        )
    if looks_like_cell_reference(name):
        return "name-like-cell-reference", (
            f"`{name}` looks like a cell reference to Excel or LibreOffice, so it cannot be a "
            f"defined name; add a word, for example `{name}_total` or `n_{name}`."
        )
    if name in function_names():
        return "name-like-function", (
            f"`{name}` is the name of a spreadsheet function or value, so it cannot be a "
            f"defined name; use a more specific name that says what is counted."
        )
    if name in EXCEL_BUILTIN_NAMES:
        return "reserved-name", (f"`{name}` is one of Excel's built-in names; choose another name.")
    return None


def suggest_identifier(name: str) -> str:
    """A valid identifier close to ``name`` (used in messages)."""
    cleaned = re.sub(r"[^a-z0-9_]+", "_", name.strip().lower()).strip("_") or "name"
    if cleaned[0].isdigit():
        cleaned = f"n_{cleaned}"
    return cleaned


def nearest(word: str, choices: Iterable[str]) -> str | None:
    """The choice closest to ``word`` (for "did you mean"), or None when nothing is close."""
    matches = close_matches(word, choices)
    return matches[0] if matches else None


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` Did you mean `x`?`` or an empty string."""
    match = nearest(word, choices)
    return f" Did you mean `{match}`?" if match else ""
