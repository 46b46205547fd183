"""The catalogue of problem codes: every code the library can report, in one place.

Each :class:`Code` gives a stable identifier (part of the public contract: never rename
one), the severity it is reported with, a summary of what it means and, for spec codes,
an example of what ``validate`` prints. :class:`lks_templates.errors.Problem` refuses a
code that is not here, so a typo in a new code fails the first test that reaches it; a
test also scans the package for the codes it passes and checks each is catalogued.

The code tables of ``docs/spec-reference.md``, ``docs/reading-returns.md`` and
``docs/workbook-contract.md`` are generated from this catalogue by ``lks-templates docs``
(see :func:`code_table`).

This module is plain data: it imports nothing from the rest of the library, so every part
of it (and ``errors``) can use it without import cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

Area = Literal["spec-files", "spec", "import", "dist", "returns", "counter"]
"""Where a code arises: spec files and paths, spec content, ``import-tableschema``,
``check`` of ``dist/``, reading a filled return back, or ``import-counter``."""

CodeSeverity = Literal["error", "warning", "warning or error", "rule"]
"""``rule``: the severity the spec gives the rule; ``warning or error``: depends on what
could still be read (``moved-name``)."""


@dataclass(frozen=True)
class Code:
    """One problem code and its documentation."""

    code: str
    """Stable, kebab-case identifier, e.g. ``unknown-key``."""
    area: Area
    """Where the code arises; the docs table that lists it."""
    severity: CodeSeverity = "error"
    """The severity problems with this code carry."""
    summary: str = ""
    """What the code means, for the docs table."""
    example: str = ""
    """For spec codes: a line ``validate`` prints (Markdown code), shown in the docs."""
    rejects: bool = False
    """For returns: the file is not read at all."""
    also: tuple[Area, ...] = ()
    """Other areas that report this code too (listed in their tables as well)."""


# fmt: off
CATALOGUE: tuple[Code, ...] = (
    # ----------------------------------------------------------------- spec files, paths
    Code("missing-path", "spec-files", "error",
         "a path given to a command, to `load_specs` or to `collect` does not exist (a command "
         "exits 2)",
         example="`specs/: missing-path No such file or folder; check the path.`",
         rejects=True, also=("returns",)),
    Code("no-specs", "spec-files", "error", "a folder holds no `*.yaml` or `*.yml` file",
         example="`empty/: no-specs This folder holds no spec files (*.yaml or *.yml); check the "
                 "path.`"),
    Code("not-a-file", "spec-files", "error",
         "not a regular file: a folder given to `load_spec`, a named pipe, a device",
         example="`specs/pipe.yaml: not-a-file This is not a regular file (a named pipe, a "
                 "socket or a device); a spec must be a file saved on disk.`",
         also=("import",)),
    Code("unreadable-file", "spec-files", "error",
         "the file cannot be read or opened (permissions, far too large, vanished while being "
         "read)",
         example="`a.yaml: unreadable-file Cannot read the file (Permission denied). ...`",
         rejects=True, also=("import", "returns")),
    Code("not-text", "spec-files", "error", "the file is not UTF-8 text",
         example="`logo.yaml: not-text This is not a UTF-8 text file; a spec must be YAML text. "
                 "...`",
         also=("import",)),
    # ------------------------------------------------------------------- spec content
    Code("yaml-syntax", "spec", "error", "the YAML cannot be parsed",
         example="`a.yaml:7:1: yaml-syntax ... YAML does not allow tabs for indentation; use "
                 "spaces.`"),
    Code("duplicate-key", "spec", "error", "a key written twice in one mapping",
         example="``a.yaml:8:1: duplicate-key The key `title` is written twice in this mapping "
                 "(first at line 7); keep only one.``"),
    Code("not-a-mapping", "spec", "error", "the file is empty, a list or a single value",
         example="`a.yaml:3:1: not-a-mapping The file holds a list, not a mapping of keys to "
                 "values; ...`",
         also=("import",)),
    Code("unknown-key", "spec", "error", "a key the language does not have",
         example="``a.yaml:11:5: unknown-key `titel` is not a key here. Did you mean `title`? "
                 "Allowed keys: ...``"),
    Code("wrong-type", "spec", "error", "a value of the wrong type",
         example="``a.yaml:7:8: wrong-type `title` should be text, not true/false (true). YAML "
                 "reads yes, no, on, off, true and false as true or false; ...``",
         also=("import",)),
    Code("missing-key", "spec", "error", "a required key is missing",
         example="``a.yaml:9:5: missing-key `fields[0]` needs a `description` key; add it.``",
         also=("import",)),
    Code("bad-version", "spec", "error", "`version` is not a semantic version",
         example="``a.yaml:6:10: bad-version `version` is 1.0, not a semantic version; write "
                 "three numbers such as `1.0.0` ...``"),
    Code("bad-value", "spec", "error", "a value outside what is allowed",
         example="``a.yaml:13:11: bad-value `fields[0].type` is 'integr', which is not allowed. "
                 "Did you mean `integer`? ...``"),
    Code("unsupported-spec-version", "spec", "error",
         "a spec-language version this library does not read",
         example="``a.yaml:3:7: unsupported-spec-version This library reads spec-language "
                 "version 1, not 2; ...``"),
    Code("invalid-name", "spec", "error", "a name that is not a lower-case identifier",
         example="``a.yaml:11:12: invalid-name `staff-wte` is not a valid name: ... (for example "
                 "`staff_wte`).``",
         also=("import",)),
    Code("name-like-cell-reference", "spec", "error", "a name read as a cell reference",
         example="``a.yaml:13:12: name-like-cell-reference `fte1` looks like a cell reference to "
                 "Excel or LibreOffice, ...``",
         also=("import",)),
    Code("name-like-function", "spec", "error", "a name that is a function or boolean",
         example="``a.yaml:12:12: name-like-function `sum` is the name of a spreadsheet function "
                 "or value, ...``",
         also=("import",)),
    Code("name-too-long", "spec", "error", "a name over 255 characters",
         example="`a.yaml:9:12: name-too-long The name is 256 characters long; Excel allows at "
                 "most 255. Shorten it.`",
         also=("import",)),
    Code("reserved-name", "spec", "error",
         "one of Excel's built-in names, or a name every workbook defines (`reporting_year`, "
         "`lks_periods`...)",
         example="``a.yaml:10:12: reserved-name `print_area` is one of Excel's built-in names; "
                 "choose another name.``",
         also=("import",)),
    Code("duplicate-name", "spec", "error",
         "two things with one name, or a field listed twice",
         example="``a.yaml:17:11: duplicate-name `sessions` is already a field of the dataset; "
                 "choose another name.``",
         also=("import",)),
    Code("enum-too-long", "spec", "error", "`enum` values too long for a drop-down list",
         example="`a.yaml:13:13: enum-too-long The allowed values joined with commas are 379 "
                 "characters; ...`"),
    Code("rename-clash", "spec", "error",
         "a field's `renamed_from` names a field that still exists, or an old name another "
         "field claims too",
         example="``a.yaml:9:19: rename-clash `searches` says it was renamed from `lit_searches`, "
                 "but `lit_searches` is still a field here; ...``"),
    Code("release-edited", "spec", "error",
         "a released snapshot (`kind: release`) does not match its `sha256`, or its id, version "
         "or fields do not match its template: it was edited after `release` wrote it",
         example="``released/a/1.0.0.yaml:9:9: release-edited The snapshot no longer matches "
                 "its `sha256`: ...``"),
    Code("layout-not-recorded", "spec-files", "error",
         "`check`: the generator now lays out a released version's workbook in a way its "
         "snapshot does not record; `release` records it",
         example="``template_specs/released/a/1.0.0.yaml: layout-not-recorded The workbook of "
                 "`a` version 1.0.0 is laid out differently ...``"),
    Code("release-conflict", "spec-files", "error",
         "`release`: this template version was released before with other definitions; a "
         "released version is never overwritten, so the spec needs a new version",
         example="``template_specs/a.yaml: release-conflict `a` version 1.0.0 was released with "
                 "other definitions ...``"),
    Code("duplicate-id", "spec", "error", "two specs with the same id and version",
         example="``b.yaml:5:5: duplicate-id `twin` version 1.0.0 is also defined in a.yaml:5; "
                 "bump the `version` ...``"),
    Code("unknown-dataset", "spec", "error", "the named dataset does not exist",
         example="``a.yaml:7:10: unknown-dataset No dataset spec has the id `shared-datset`. Did "
                 "you mean `shared-dataset`? ...``"),
    Code("unknown-field", "spec", "error",
         "a profile, measure, form or chart names an unknown field",
         example="``a.yaml:13:11: unknown-field `org_nam` is not a field of dataset "
                 "`shared-dataset`. Did you mean `org_name`? ...``"),
    Code("annual-measure", "spec", "error", "an annual field entered per period",
         example="``a.yaml:9:22: annual-measure `staff_headcount` is an annual field (one value "
                 "per return), ...; move it to `profile`.``"),
    Code("cumulative-not-additive", "spec", "error",
         "a running total (`cumulative: true`) of a field whose `aggregate` is not `sum`",
         example="``a.yaml:14:14: cumulative-not-additive `members` is counted at a moment "
                 "(`aggregate: last`), ...; a running total of it would mislead. Remove "
                 "`cumulative: true` ...``"),
    Code("bad-weight", "spec", "error",
         "`weighted_by` on a field that is not a mean, or naming no monthly number field",
         example="``d.yaml:40:18: bad-weight `weighted_by` weights the Year to date of a "
                 "mean, but `score` is not `aggregate: mean`; ...``"),
    Code("weight-not-measure", "spec", "error",
         "a measure's `weighted_by` field is not a measure of the template",
         example="``a.yaml:12:5: weight-not-measure `score` has its Year to date weighted by "
                 "`ratings` (dataset `d`), which is not a measure of this template; ...``"),
    Code("unknown-faq", "spec", "error", "the named FAQ does not exist",
         example="``a.yaml:9:6: unknown-faq No FAQ spec has the id `shared-faqs`. Did you mean "
                 "`shared-faq`? ...``"),
    Code("formula-syntax", "spec", "error", "a formula cannot be parsed",
         example="`a.yaml:17:24: formula-syntax Expected a value, found '*'.`"),
    Code("cell-reference", "spec", "error", "a formula uses a cell reference",
         example="`a.yaml:28:18: cell-reference a1 is a cell reference; spec formulas refer to "
                 "fields by name, ...`"),
    Code("unknown-name", "spec", "error", "a formula uses a name not in scope",
         example="`a.yaml:21:14: unknown-name Unknown name serches; did you mean searches?`"),
    Code("unknown-function", "spec", "error", "a function outside the whitelist",
         example="`a.yaml:15:14: unknown-function MOD is not allowed: Excel 2010 and LibreOffice "
                 "disagree on it for large numbers.`"),
    Code("wrong-arity", "spec", "error", "the wrong number of arguments",
         example="`a.yaml:14:14: wrong-arity IF takes 2 or 3 arguments; got 1.`"),
    Code("range-in-scalar-context", "spec", "error", "a KPI uses a measure outside an aggregate",
         example="`a.yaml:15:14: range-in-scalar-context searches stands for every period's "
                 "value here, so it must be an argument of SUM, ...`"),
    Code("type-mismatch", "spec", "error", "text in arithmetic, and the like",
         example="`a.yaml:15:25: type-mismatch note is text, so it cannot be used in arithmetic "
                 "('+').`"),
    Code("reference-required", "spec", "error",
         "a function that needs a name is given a calculation",
         example="`a.yaml:13:25: reference-required COUNTBLANK needs a name (a field, derived "
                 "figure or KPI) as its argument, not a calculation.`"),
    Code("text-too-long", "spec", "error",
         "text in a formula over 255 characters, or any text over 32,767",
         example="`a.yaml:17:28: text-too-long Text in a formula can be at most 255 characters; "
                 "this is 300. Shorten it.`"),
    Code("cycle", "spec", "error", "derived figures or KPIs in a loop",
         example="`a.yaml:13:14: cycle These derived figures depend on each other in a loop "
                 "(first_figure -> second_figure -> first_figure); ...`"),
    # Limits (docs/spec-reference.md, "Limits"): hostile or mistaken files, located.
    Code("too-deep", "spec", "error", "lists and mappings nested over 50 levels",
         example="`a.yaml:10:59: too-deep Lists and mappings are nested more than 50 levels "
                 "deep here (aliases and merge keys count); ...`"),
    Code("too-many-values", "spec", "error", "aliases that expand to over 50,000 values",
         example="``a.yaml:17:25: too-many-values The YAML expands to more than 50,000 values; "
                 "check anchors and aliases (`&`, `*`): ...``"),
    Code("bad-number", "spec", "error", "a number no spreadsheet holds",
         example="`a.yaml:14:68: bad-number This number (5,000 digits) is beyond what a "
                 "spreadsheet can hold (about 1.8E+308 at most); ...`"),
    Code("illegal-character", "spec", "error", "a text with a character no workbook can store",
         example="`a.yaml:16:39: illegal-character This text holds the character U+0000 (a "
                 "control character), which no workbook can store; ...`"),
    Code("formula-too-long", "spec", "error",
         "a formula over 1,000 characters, or a workbook cell's formula over Excel's 8,192",
         example="`a.yaml:23:1014: formula-too-long The formula is 1,277 characters long; at "
                 "most 1,000 are allowed. ...`"),
    Code("formula-too-deep", "spec", "error",
         "brackets, calls or operations nested past the limits",
         example="`a.yaml:30:46: formula-too-deep Brackets and function calls are nested more "
                 "than 32 deep here; ...`"),
    Code("unknown-kpi", "spec", "error", "a benchmark names a KPI its template does not have",
         example="``a.yaml:6:8: unknown-kpi `searches_pre_1000` is not a KPI of template "
                 "`shared-template`. Did you mean `searches_per_1000`? ...``"),
    Code("peer-field-not-context", "spec", "error",
         "peers chosen by a measure, derived figure or KPI (an outcome), not a profile field",
         example="``a.yaml:10:13: peer-field-not-context `searches` is a measure of template "
                 "`shared-template`, an outcome, not the population served; ...``"),
    Code("peer-field-not-number", "spec", "error",
         "`bands`, `nearest` or a funnel names a text field",
         example="``a.yaml:10:25: peer-field-not-number `region` is not a number field, so it "
                 "cannot be banded, ...``"),
    # ------------------------------------------------------------- import-tableschema
    Code("json-syntax", "import", "error", "the file is not valid JSON"),
    Code("missing-fields", "import", "error", "the schema has no `fields` list, or an empty one"),
    Code("invalid-version", "import", "error",
         "`lks:version` is not a semantic version such as 1.0.0"),
    Code("invalid-value", "import", "error",
         "an `lks:` key with a value the spec language does not allow"),
    Code("unsupported-type", "import", "error",
         "a field type that cannot be entered in a workbook cell"),
    Code("unsupported-constraint", "import", "error",
         "a constraint a dataset spec cannot hold in that form (`enum` of numbers...)"),
    Code("dropped-key", "import", "warning",
         "a key with no place in a dataset spec; it is left out"),
    Code("missing-description", "import", "warning",
         "a field without a description; add a one-sentence definition"),
    Code("renamed-field", "import", "warning",
         "a field name that is not a valid spec name, renamed (with `--rename`)"),
    Code("converted-type", "import", "warning",
         "a field type imported as the nearest spec type (`year` as `integer`...)"),
    # ---------------------------------------------------------------- check of dist/
    Code("dist-missing", "dist", "error",
         "a file the specs produce (or a preview the index links) is missing from dist/"),
    Code("dist-extra", "dist", "error", "a workbook or page in dist/ that no spec produces"),
    Code("dist-different", "dist", "error",
         "a file in dist/ differs from what the specs produce"),
    # ----------------------------------------------------------------- reading returns
    Code("too-large", "returns", "error", "The file is larger than any return could be.",
         rejects=True),
    Code("not-a-workbook", "returns", "error",
         "Not a spreadsheet: empty, a web page, a Word document, an Excel 2003 XML file, another "
         "zip.",
         rejects=True),
    Code("old-excel-format", "returns", "error", "An Excel 97-2003 .xls file.",
         rejects=True),
    Code("ods-not-supported", "returns", "error", "An OpenDocument (.ods) spreadsheet.",
         rejects=True),
    Code("xlsb-not-supported", "returns", "error", "An Excel binary (.xlsb) workbook.",
         rejects=True),
    Code("macro-enabled", "returns", "error",
         "A macro-enabled workbook (.xlsm, vbaProject.bin); macros are never run.",
         rejects=True),
    Code("password-protected", "returns", "error", "Encrypted with a password to open.",
         rejects=True),
    Code("corrupt-file", "returns", "error",
         "A damaged or truncated zip, a part that fails its checksum, XML that is not "
         "well-formed.",
         rejects=True),
    Code("zip-bomb", "returns", "error",
         "A part unpacks (or says it unpacks) beyond the limits, at an extreme compression "
         "ratio, or a sheet's used area is huge.",
         rejects=True),
    Code("unsafe-xml", "returns", "error",
         "XML with a DTD or entity declarations (for example \"billion laughs\"), which "
         "spreadsheet programs never write.",
         rejects=True),
    Code("not-an-lks-workbook", "returns", "error",
         "A workbook without the lks_template_id property: not made from one of our templates.",
         rejects=True),
    Code("unknown-template", "returns", "error",
         "The template id is not among the specs (a return's property, or the `template` a "
         "benchmark spec names).",
         example="``a.yaml:9:11: unknown-template No template spec has the id `shared-templat`. "
                 "Did you mean `shared-template`? ...``",
         rejects=True, also=("spec",)),
    Code("unknown-version", "returns", "error", "The template id is known but not that version.",
         rejects=True),
    Code("spec-mismatch", "returns", "warning",
         "lks_spec_sha256 matches neither the spec of that id and version nor its released "
         "snapshot: the workbook was made by a different build (the spec text changed without "
         "a version bump)."),
    Code("missing-sheet", "returns", "error", "A sheet of the template was deleted or renamed."),
    Code("missing-name", "returns", "error",
         "A defined name was deleted, refers to deleted cells (#REF!), or points at a sheet the "
         "workbook does not have; its values are not read."),
    Code("moved-name", "returns", "warning or error",
         "Rows or columns were inserted or deleted, so defined names point somewhere other than "
         "the template puts them: one problem per sheet. A warning when every value was still "
         "read by name; an error when a field's cells changed shape (its values are not read) or "
         "formulas were typed over or deleted."),
    Code("formula-overwritten", "returns", "warning",
         "A formula cell holds a typed value or a different formula. Collected figures are "
         "recomputed, so they are not affected; the workbook's own dashboard may be."),
    Code("type-error", "returns", "error",
         "Text in a number cell, a decimal in a whole-number field, a date that is not a date, a "
         "year that is not a year. The value is kept as text in values.csv and counts as blank "
         "in figures."),
    Code("formula-in-input", "returns", "error",
         "An entry cell holds a formula instead of a typed value. The formula is kept as text in "
         "values.csv; its stored result is not used, and the cell counts as blank."),
    Code("error-value", "returns", "error",
         "An entry cell holds an error value (#N/A, #DIV/0! typed or pasted as a value). The "
         "error text is kept in values.csv; the cell counts as blank in figures."),
    Code("number-as-text", "returns", "warning", "A number stored as text; read as the number."),
    Code("date-as-text", "returns", "warning",
         "A date typed as text (2026-04-30 or 30/04/2026); read as the date."),
    Code("date-as-number", "returns", "warning",
         "A date field holding a plain number; read as an Excel date serial."),
    Code("boolean-as-text", "returns", "warning",
         "A Yes/No field holding TRUE, FALSE, Y or N as text; read as Yes or No."),
    Code("constraint-error", "returns", "error",
         "A value outside its field's minimum, maximum, choices, pattern or length."),
    Code("required-missing", "returns", "error",
         "A required value is blank (a required measure only in periods where some measure was "
         "entered)."),
    Code("rule-failed", "returns", "rule",
         "A check from the spec's rules failed, evaluated in Python on the values read. Not "
         "checked where it uses a cell with a `type-error`, `error-value` or "
         "`formula-in-input`."),
    # Collecting: paths that could not be searched, files whose reading crashed.
    Code("unreadable-folder", "returns", "error",
         "A folder could not be listed (permissions), so no return in it was read.",
         rejects=True),
    Code("broken-symlink", "returns", "error", "A link in a folder points to nothing.",
         rejects=True),
    Code("symlink-loop", "returns", "error",
         "A link leads back to a folder already being searched (not followed), or round a loop "
         "of links.",
         rejects=True),
    Code("read-crashed", "returns", "error",
         "Reading the file failed unexpectedly (the reader raised, or its process died); the "
         "other files were still collected.",
         rejects=True),
    Code("figure-incomplete", "returns", "warning",
         "A derived figure (in one period) or KPI is left blank because an input it needs has "
         "no number while others were entered; the message names the missing inputs. No "
         "value is collected for it: a blank is never taken for 0."),
    Code("duplicate-return", "returns", "error",
         "The same organisation, template and reporting year as an earlier file (a form: "
         "identical values)."),
    Code("not-carried", "returns", "error",
         "`migrate` or `rollover`: a value of the return left out of the new workbook, located "
         "at the return's cell: its field was removed (or moved between profile and measures), "
         "its period or type changed, the new version's constraints refuse it, or the return "
         "itself could not use it; the message says which. Nothing is guessed."),
    Code("cannot-migrate", "returns", "error",
         "`migrate` or `rollover`: the return cannot go into the version asked for (its "
         "template has no such version, or the return is newer); nothing is written for it.",
         rejects=True),
    # ------------------------------------------------------------------ import-counter
    Code("counter-unreadable", "counter", "error",
         "the report cannot be read: missing permissions, a damaged workbook, or JSON cut "
         "short (located at its line and column); the report is not used"),
    Code("counter-not-a-report", "counter", "error",
         "the file is not a COUNTER report (no Report_ID and Release in its header, or an "
         "API exception instead of a report); not used"),
    Code("counter-bad-header", "counter", "error",
         "the header is wrong: a Report_ID that is not COUNTER's, a release other than 5 or "
         "5.1, Metric_Types that are not COUNTER metrics, a Reporting_Period that is not whole "
         "dates, or no table of usage; not used"),
    Code("counter-bad-row", "counter", "error",
         "a row is cut short, names a Metric_Type that is not COUNTER's, or has a count that "
         "is not a whole number (located at its line); the report is not used"),
    Code("counter-exception", "counter", "warning",
         "the report's header lists COUNTER exceptions (3030 no usage, 3040 partial data...); "
         "its figures are used"),
    Code("counter-unused-report", "counter", "warning",
         "a report type that supplies none of the return's fields (IR, TR_J1, TR_B3...)"),
    Code("counter-duplicate", "counter", "warning",
         "the same report of the same platform and period given twice, or months already in "
         "an earlier report of that type: counted once, from the first"),
    Code("counter-outside-year", "counter", "warning",
         "months of a report outside the return's reporting year (April to March); not used"),
    Code("counter-gap", "counter", "warning",
         "a month without a report for a platform that has reports before and after it"),
    Code("counter-no-platform-report", "counter", "warning",
         "a platform with only title or database reports: its item requests are not filled"),
    Code("counter-conflict", "counter", "error",
         "the return already holds a different figure for that month (both are shown); left "
         "as it was unless `--replace`"),
    Code("counter-replaced", "counter", "warning",
         "with `--replace`: a figure of the return replaced by the reports' figure"),
    Code("counter-wrong-return", "counter", "error",
         "the return cannot take the import: unreadable, a template without COUNTER fields, "
         "or no reporting year; nothing is written"),
    Code("left-out", "returns", "warning",
         "`benchmark`: a readable return not compared (another template, reporting year or "
         "set of periods than the benchmark's, or a duplicate); the message says which."),
    Code("kpi-changed", "returns", "warning",
         "`benchmark`: a return of an older template version is left out of one KPI, whose "
         "formula differs in the current version (or which its version lacks); its other "
         "KPIs are compared."),
    Code("no-peer-group", "returns", "warning",
         "`benchmark`: a service lacks the context value a peer group needs, so it has no "
         "group there; nothing is imputed."),
)
# fmt: on
"""Every problem code, grouped by area in the order the docs list them."""

CODES: Mapping[str, Code] = {entry.code: entry for entry in CATALOGUE}
"""Code to its catalogue entry."""


def codes_in(area: Area) -> dict[str, Code]:
    """The codes that arise in ``area`` (its own and those it shares), in catalogue order."""
    return {c.code: c for c in CATALOGUE if c.area == area or area in c.also}


def check_code(code: str, severity: str) -> None:
    """Raise :class:`ValueError` for a code not in the catalogue, or a severity it never has.

    A programming error, not a user's mistake: it is raised when a :class:`Problem` is made.
    """
    entry = CODES.get(code)
    if entry is None:
        raise ValueError(f"{code!r} is not in lks_templates.codes.CATALOGUE; add it there.")
    if entry.severity in ("error", "warning") and severity != entry.severity:
        raise ValueError(f"{code!r} is catalogued as {entry.severity}, not {severity}.")


# ------------------------------------------------------------------------ docs tables

_TABLES: dict[str, tuple[str, tuple[Area, ...]]] = {
    "spec": ("| Code | Meaning | Example |\n| --- | --- | --- |", ("spec-files", "spec")),
    "import": ("| Code | Severity | Meaning |\n| --- | --- | --- |", ("import",)),
    "dist": ("| Code | Meaning |\n| --- | --- |", ("dist",)),
    "returns": ("| code | severity | rejects | meaning |\n|---|---|---|---|", ("returns",)),
    "counter": ("| Code | Severity | Meaning |\n| --- | --- | --- |", ("counter",)),
}
TABLES = tuple(_TABLES)
"""The names of the generated code tables (``<!-- BEGIN GENERATED CODES: NAME -->``)."""


def code_table(name: str) -> str:
    """The Markdown table of the codes of one docs table (see :data:`TABLES`)."""
    header, areas = _TABLES[name]
    entries: dict[str, Code] = {}
    for area in areas:
        entries.update(codes_in(area))
    rows = [header]
    for entry in entries.values():
        code = f"`{entry.code}`"
        if name == "spec":
            rows.append(f"| {code} | {entry.summary} | {entry.example} |")
        elif name in ("import", "counter"):
            rows.append(f"| {code} | {entry.severity} | {entry.summary} |")
        elif name == "dist":
            rows.append(f"| {code} | {entry.summary} |")
        else:
            severity = "from the rule" if entry.severity == "rule" else entry.severity
            rejects = "yes" if entry.rejects else "no"
            rows.append(f"| {code} | {severity} | {rejects} | {_sentence(entry.summary)} |")
    return "\n".join(rows)


def _sentence(summary: str) -> str:
    """A summary as the sentence the returns table uses (shared codes are phrases)."""
    summary = summary[:1].upper() + summary[1:]
    return summary if summary.endswith(".") else f"{summary}."
