"""The Python evaluator against values worked out by hand from the spreadsheet rules.

Each case names the rule it exercises (docs/formula-language.md, "Agreement with
spreadsheets"). ``AGREED`` cases are ones where Excel and LibreOffice give the same value;
test_formula_engine.py recalculates every one of them in LibreOffice too. ``DIVERGENT``
cases are where the two applications differ: the evaluator follows Excel, and the engine
test pins LibreOffice's value so the documented difference stays true.
"""

from __future__ import annotations

import pytest

from lks_templates.formula import BLANK, ExcelError, Value, evaluate, parse

DIV0 = ExcelError("#DIV/0!")
VALUE = ExcelError("#VALUE!")
NUM = ExcelError("#NUM!")
NAME = ExcelError("#NAME?")

# Names, their values, and the cells the engine test writes them to.
ENV: dict[str, Value | list[Value]] = {
    "blank": BLANK,
    "text": "abc",
    "numtext": "5",
    "spaced": " 12 ",
    "empty": "",
    "one": 1.0,
    "s": [2.0, 3.0, 4.0, 5.0, BLANK, 1.0],
    "r": [1.0, BLANK, "x", 4.0, "7", 2.5],
    "e": [BLANK, BLANK, BLANK],
    "t": ["a", BLANK, "", "b"],
    "flags": [1.0, True],
}
CELLS = {
    "blank": "$A$1",
    "text": "$A$2",
    "numtext": "$A$3",
    "spaced": "$A$4",
    "empty": "$A$5",
    "one": "$A$6",
    "s": "$B$1:$B$6",
    "r": "$C$1:$C$6",
    "e": "$D$1:$D$3",
    "t": "$E$1:$E$4",
    "flags": "$F$1:$F$2",
}

# (rule, formula, value worked out by hand)
AGREED: list[tuple[str, str, Value]] = [
    ("precedence: negation before ^", "-2^2", 4.0),
    ("precedence: ^ is left-associative", "2^3^2", 64.0),
    ("precedence: * before +", "1+2*3", 7.0),
    ("precedence: + before &", '"a"&1+1', "a2"),
    ("precedence: ^ before *", "2*3^2", 18.0),
    ("precedence: * and / left to right", "10/4*2", 5.0),
    ("precedence: sign after ^", "2^-2", 0.25),
    ("precedence: % after negation", "-2%", -0.02),
    ("percent of a group", "(1+2)%", 0.03),
    ("double negation", "--2", 2.0),
    ("& after + on both sides", "1+2&3+4", "37"),
    ("comparisons are left-associative", "1<2=TRUE", True),
    ("& before =, text compares case-insensitively", '"x"&"y"="XY"', True),
    ("blank is 0 in arithmetic", "blank+1", 1.0),
    ('blank is "" in &', 'blank&"x"', "x"),
    ("division by zero", "1/0", DIV0),
    ("division by a blank", "one/blank", DIV0),
    ("text in arithmetic", "text+1", VALUE),
    ("numeric text in arithmetic", "numtext+1", 6.0),
    ("numeric text with spaces in arithmetic", "spaced+1", 13.0),
    ("empty text in arithmetic", "empty+1", VALUE),
    ("scientific numeric text in arithmetic", '"1e3"+0', 1000.0),
    ("numeric text with thousands commas", '"1,000.5"+0', 1000.5),
    ("numeric text with misplaced commas", '"1,00"+0', VALUE),
    ("numeric text with a percent sign", '" 50% "+0', 0.5),
    ("negating text", "-text", VALUE),
    ("unary plus changes nothing", "+text", "abc"),
    ("comparison to 15 digits", "0.1+0.2=0.3", True),
    ("subtraction cancels to exactly 0", "0.1+0.2-0.3", 0.0),
    ("subtraction cancels to exactly 0 twice", "1-0.9-0.1", 0.0),
    ("subtraction inside a product cancels to 0", "1*(0.5-0.4-0.1)", 0.0),
    ("floats throughout", "1/3", 0.3333333333333333),
    ("& shows whole numbers without .0", '2&""', "2"),
    ("& shows 15 significant digits", '1/3&""', "0.333333333333333"),
    ("& rounds the 15th digit", '2/3&""', "0.666666666666667"),
    ("& hides binary noise", '(0.1+0.2)&""', "0.3"),
    ("& shows negative fractions", '-0.5&""', "-0.5"),
    ("& shows decimals", '123456.789&""', "123456.789"),
    ("& of a small number", '0.00001&""', "0.00001"),
    ("& of a 15-digit integer", '123456789012345&""', "123456789012345"),
    ("LEN of a number's text", "LEN(2/3)", 17.0),
    ("percent literal", "50%", 0.5),
    ("text equality ignores case", '"A"="a"', True),
    ("text order ignores case", '"abc"<"ABD"', True),
    ("numbers sort before text", '1<"a"', True),
    ("text sorts after numbers", "text>5", True),
    ("text compares as text", '"10"<"9"', True),
    ("leading spaces matter in text", '"a"=" a"', False),
    ("blank equals 0", "blank=0", True),
    ('blank equals ""', 'blank=""', True),
    ("blank equals FALSE", "blank=FALSE", True),
    ("blank is below 1", "blank<1", True),
    ('"" equals blank', "empty=blank", True),
    ("SUM skips blanks", "SUM(s)", 15.0),
    ("SUM skips text cells", "SUM(r)", 7.5),
    ("SUM skips a numeric text cell", "SUM(numtext)", 0.0),
    ("SUM of a blank cell", "SUM(blank)", 0.0),
    ("SUM counts typed TRUE", "SUM(1,TRUE)", 2.0),
    ("SUM propagates errors", "SUM(1,1/0)", DIV0),
    ("AVERAGE skips blanks and text", "AVERAGE(r)", 2.5),
    ("AVERAGE of no numbers", "AVERAGE(e)", DIV0),
    ("AVERAGE of text cells only", "AVERAGE(text)", DIV0),
    ("AVERAGE over two ranges", "AVERAGE(s,e)", 3.0),
    ("AVERAGE counts typed TRUE", "AVERAGE(TRUE,3)", 2.0),
    ("MIN of no numbers is 0", "MIN(e)", 0.0),
    ("MAX of no numbers is 0", "MAX(e)", 0.0),
    ("MIN of a text cell is 0", "MIN(text)", 0.0),
    ("MIN skips text", "MIN(r)", 1.0),
    ("MAX skips text", "MAX(r)", 4.0),
    ("MIN of typed text", 'MIN("x")', VALUE),
    ("MEDIAN of an odd count", "MEDIAN(s)", 3.0),
    ("MEDIAN skips text", "MEDIAN(r)", 2.5),
    ("MEDIAN of an even count", "MEDIAN(s,1)", 2.5),
    ("MEDIAN of typed numbers", "MEDIAN(1,2,3,4)", 2.5),
    ("COUNT counts numbers only", "COUNT(r)", 3.0),
    ("COUNT of blanks", "COUNT(e)", 0.0),
    ("COUNT counts typed numbers, numeric text, TRUE", 'COUNT(1,"2",TRUE,"x")', 3.0),
    ("COUNT skips errors", "COUNT(1/0,1)", 1.0),
    ("COUNTA counts non-blanks", "COUNTA(r)", 5.0),
    ('COUNTA counts ""', "COUNTA(t)", 3.0),
    ("COUNTA of blanks", "COUNTA(e)", 0.0),
    ("COUNTA counts typed errors, not blank cells", "COUNTA(1/0,blank)", 1.0),
    ('COUNTA counts typed ""', 'COUNTA("",1)', 2.0),
    ('COUNTBLANK counts blanks and ""', "COUNTBLANK(t)", 2.0),
    ("COUNTBLANK of a range", "COUNTBLANK(r)", 1.0),
    ("COUNTBLANK of blanks", "COUNTBLANK(e)", 3.0),
    ("COUNTBLANK of a blank cell", "COUNTBLANK(blank)", 1.0),
    ("COUNTBLANK of a filled cell", "COUNTBLANK(one)", 0.0),
    ("SUMPRODUCT of three ranges", "SUMPRODUCT(s,s,s)", 225.0),
    ("SUMPRODUCT elementwise *", "SUMPRODUCT(s*s)", 55.0),
    ("SUMPRODUCT comparison times number", "SUMPRODUCT((s>2)*s)", 12.0),
    ("SUMPRODUCT elementwise /", "SUMPRODUCT(s/2)", 7.5),
    ("SUMPRODUCT elementwise negation", "SUMPRODUCT(-s)", -15.0),
    ("SUMPRODUCT elementwise %", "SUMPRODUCT(s%)", 0.15),
    ("SUMPRODUCT of a number", "SUMPRODUCT(3)", 3.0),
    ("SUMPRODUCT blank is 0 in arithmetic", "SUMPRODUCT(s*2+1)", 36.0),
    ("SUMPRODUCT text counts as 0", 'SUMPRODUCT(s&"")', 0.0),
    ("SUMPRODUCT text cells count as 0", "SUMPRODUCT(s,r)", 24.5),
    ("SUMPRODUCT of one range with text", "SUMPRODUCT(r)", 7.5),
    ("SUMPRODUCT of mismatched sizes", "SUMPRODUCT(s,t)", VALUE),
    ("IF with a blank condition is FALSE", "IF(blank,1,2)", 2.0),
    ("IF without else gives FALSE", "IF(0,1)", False),
    ('IF accepts "TRUE" text', 'IF("true",1,2)', 1.0),
    ("IF with a text condition", "IF(text,1,2)", VALUE),
    ("IF returns text", 'IF(1,"yes","no")&"!"', "yes!"),
    ("IFERROR catches", 'IFERROR(1/0,"z")', "z"),
    ("IFERROR catches #VALUE!", "IFERROR(text*1,-1)", -1.0),
    ("IFERROR over an empty year", "IFERROR(SUM(s)/COUNT(e),0)", 0.0),
    ("IFERROR passes a blank through", 'IFERROR(blank,"z")', BLANK),
    ("a lone blank reference", "blank", BLANK),
    ("AND of numbers and logicals", "AND(1,TRUE)", True),
    ("AND over a range of numbers", "AND(s)", True),
    ("OR of zeros", "OR(0,FALSE)", False),
    ("AND of blank cells", "AND(e)", VALUE),
    ("AND of a text cell", "AND(text)", VALUE),
    ("AND of a blank cell", "AND(blank)", VALUE),
    ("OR skips text cells", "OR(text,1)", True),
    ("NOT of blank", "NOT(blank)", True),
    ('NOT of "TRUE"', 'NOT("TRUE")', False),
    ("ROUND on the decimal form", "ROUND(2.675,2)", 2.68),
    ("ROUND half away from zero", "ROUND(-2.5,0)", -3.0),
    ("ROUND half away from zero, negative half", "ROUND(-0.5,0)", -1.0),
    ("ROUND to hundreds", "ROUND(1234.5,-2)", 1200.0),
    ("ROUND to tens", "ROUND(12.5,-1)", 10.0),
    ("ROUND 1.005 up", "ROUND(1.005,2)", 1.01),
    ("ROUND 0.285 up", "ROUND(0.285,2)", 0.29),
    ("ROUND truncates digits", "ROUND(2.5,0.9)", 3.0),
    ("ROUND truncates digits to 1", "ROUND(2.55,1.9)", 2.6),
    ("ROUNDUP ignores binary noise", "ROUNDUP(0.1+0.2,1)", 0.3),
    ("ROUNDUP away from zero", "ROUNDUP(1.2,0)", 2.0),
    ("ROUNDUP away from zero, negative", "ROUNDUP(-1.2,0)", -2.0),
    ("ROUNDDOWN towards zero", "ROUNDDOWN(-1.99,1)", -1.9),
    ("ROUNDDOWN keeps digits", "ROUNDDOWN(1.99999,3)", 1.999),
    ("INT rounds down", "INT(-2.5)", -3.0),
    ("INT on the 15-digit form", "INT(2.9999999999999996)", 3.0),
    ("INT of numeric text", "INT(numtext)", 5.0),
    ("ABS", "ABS(-3)", 3.0),
    ("ABS of blank", "ABS(blank)", 0.0),
    ("ABS of text", "ABS(text)", VALUE),
    ("ISBLANK of a blank cell", "ISBLANK(blank)", True),
    ('ISBLANK of ""', "ISBLANK(empty)", False),
    ('ISBLANK of typed ""', 'ISBLANK("")', False),
    ("ISNUMBER of numeric text", "ISNUMBER(numtext)", False),
    ("ISNUMBER of an error", "ISNUMBER(1/0)", False),
    ("ISTEXT", "ISTEXT(text)", True),
    ('ISTEXT of ""', "ISTEXT(empty)", True),
    ("LEN of text", "LEN(text)", 3.0),
    ("LEN of blank", "LEN(blank)", 0.0),
    ("LEN of 1/3", "LEN(1/3)", 17.0),
    ("errors propagate through &", '1/0&"x"', DIV0),
    ("MAX minus MIN", "MAX(s)-MIN(s)", 4.0),
]

# (rule, formula, Excel's value, LibreOffice's value)
DIVERGENT: list[tuple[str, str, Value, Value]] = [
    ("logical values sort after text", '"a"<TRUE', True, False),
    ("TRUE is not the number 1", "TRUE>1", True, False),
    ("& shows TRUE as TRUE", "1&TRUE", "1TRUE", "11"),
    ("SUMPRODUCT counts logical values as 0", "SUMPRODUCT(s>2)", 0.0, 3.0),
    ("SUM skips logical cells", "SUM(flags)", 1.0, 2.0),
    ("SUM converts typed numeric text", 'SUM("5")', 5.0, VALUE),
    ("MAX converts typed numeric text", 'MAX(1,"3")', 3.0, VALUE),
    ("MEDIAN of no numbers", "MEDIAN(e)", NUM, VALUE),
    ("0^0", "0^0", NUM, 1.0),
    ("0 to a negative power", "0^-1", DIV0, NUM),
    ("fractional power of a negative", "(-8)^(1/3)", NUM, -2.0),
    ("SQRT of a negative", "SQRT(-1)", NUM, VALUE),
    ("& of 1E15 uses scientific notation", '1E15&""', "1E+15", "1000000000000000"),
    ("& of 1E20 has a two-digit exponent", '1E20&""', "1E+20", "1E+020"),
    ("numeric text is not a condition", 'NOT("5")', VALUE, False),
]


def _same(got: Value, expected: Value) -> bool:
    if isinstance(expected, float) and isinstance(got, float) and not isinstance(got, bool):
        return abs(got - expected) <= 1e-12 * max(1.0, abs(expected))
    return type(got) is type(expected) and got == expected


@pytest.mark.parametrize(("rule", "formula", "expected"), AGREED, ids=[c[0] for c in AGREED])
def test_agreed_rules(rule: str, formula: str, expected: Value) -> None:
    got = evaluate(parse(formula), ENV)
    assert _same(got, expected), f"{rule}: {formula} gave {got!r}, expected {expected!r}"


@pytest.mark.parametrize(
    ("rule", "formula", "excel", "libreoffice"), DIVERGENT, ids=[c[0] for c in DIVERGENT]
)
def test_divergent_rules_follow_excel(
    rule: str, formula: str, excel: Value, libreoffice: Value
) -> None:
    got = evaluate(parse(formula), ENV)
    assert _same(got, excel), f"{rule}: {formula} gave {got!r}, Excel gives {excel!r}"


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("1+1", 2.0),
        ("SUM(2,3)", 5.0),
        ("missing+1", NAME),  # a name not in the environment, as Excel shows it
        ("NOSUCH(1)", NAME),  # an unknown function
        ("ROUND(1)", VALUE),  # wrong argument count (check() reports it first)
        ("s+1", VALUE),  # a range where one value is needed
        ("IF(s,1,2)", VALUE),
        ("SUM(s*2)", VALUE),  # arithmetic on a range outside SUMPRODUCT
        ("COUNTBLANK(1)", VALUE),
        ("ABS(-0)", 0.0),
        ("-blank", 0.0),
        ("1E308*10", NUM),  # overflow
        ("10^400", NUM),
        ("ISBLANK(s)", False),
        ("LEN(1/0)", DIV0),
        ("NOT(1/0)", DIV0),
        ("AND(1,1/0)", DIV0),
        ("AND(s,1/0)", DIV0),
        ("IF(1/0,1,2)", DIV0),
        ("ROUND(1/0,2)", DIV0),
        ("ROUND(2,1/0)", DIV0),
        ("ROUND(0,2)", 0.0),
        ("ROUND(123.456,20)", 123.456),
        ("ROUND(5,-400)", 0.0),
        ("1=1/0", DIV0),
        ("1/0=1", DIV0),
        ("text&1/0", DIV0),
        ("MIN(1/0)", DIV0),
        ("COUNTBLANK(t)+COUNTA(t)", 5.0),  # "" is counted by both
        ("SUMPRODUCT(s,1/0)", VALUE),  # sizes 6 and 1 differ
        ("SUMPRODUCT(s+e)", ExcelError("#N/A")),  # missing elements are #N/A
    ],
)
def test_edges(formula: str, expected: Value) -> None:
    assert _same(evaluate(parse(formula), ENV), expected)


def test_env_accepts_ints_none_and_tuples() -> None:
    env = {"a": 2, "b": None, "c": (1, None, 3)}
    assert evaluate(parse("a*3"), env) == 6.0
    assert isinstance(evaluate(parse("a*3"), env), float)
    assert evaluate(parse("b"), env) is BLANK
    assert evaluate(parse("SUM(c)+COUNTBLANK(c)"), env) == 5.0


def test_env_rejects_other_values() -> None:
    with pytest.raises(TypeError):
        evaluate(parse("a"), {"a": object()})  # type: ignore[dict-item]


def test_excel_error_codes_are_checked() -> None:
    with pytest.raises(ValueError):
        ExcelError("#OOPS!")
    assert str(DIV0) == "#DIV/0!"
