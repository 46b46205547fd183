"""Every problem code the spec loader and validator can report, with what it means.

``docs/spec-reference.md`` lists them all with an example each (a test checks it), and
the bad-spec cases under ``tests/data/cases/`` cover every one that a spec file can cause.
"""

from __future__ import annotations

FILE_CODES: dict[str, str] = {
    "missing-path": "a path given to validate does not exist",
    "no-specs": "a folder holds no *.yaml or *.yml file",
    "not-a-file": "load_spec was given a folder",
    "unreadable-file": "the file cannot be read (permissions, or far too large)",
    "not-text": "the file is not UTF-8 text (a binary file, say)",
}
"""Problems about files and paths rather than their content."""

SPEC_CODES: dict[str, str] = {
    "yaml-syntax": "the YAML cannot be parsed",
    "duplicate-key": "the same key twice in one mapping",
    "not-a-mapping": "the file is empty, a list or a single value",
    "unknown-key": "a key the spec language does not have",
    "wrong-type": "a value of the wrong type (text for a number, a list for text...)",
    "missing-key": "a required key is missing",
    "bad-version": "`version` is not a semantic version",
    "bad-value": "a value outside what is allowed (an unknown kind or type, a bad id...)",
    "unsupported-spec-version": "`spec` is not a spec-language version this library reads",
    "invalid-name": "a name is not a lower-case identifier",
    "name-like-cell-reference": "a name Excel or LibreOffice would read as a cell reference",
    "name-like-function": "a name that is a spreadsheet function or boolean",
    "name-too-long": "a name longer than Excel's 255 characters",
    "reserved-name": "a name that is one of Excel's built-in names",
    "duplicate-name": "two things with one name, or a field listed twice",
    "enum-too-long": "allowed values that Excel cannot hold in one drop-down list",
    "duplicate-id": "two specs with the same id and version",
    "unknown-dataset": "a template or form names a dataset that does not exist",
    "unknown-field": "a template, form or chart names a field that does not exist",
    "annual-measure": "an annual field entered per period",
    "cumulative-not-additive": "a running total charted of a field whose periods do not add up",
    "unknown-faq": "a template or form names an FAQ that does not exist",
    "formula-syntax": "a formula cannot be parsed",
    "cell-reference": "a formula uses a cell reference instead of a name",
    "unknown-name": "a formula uses a name that is not in scope",
    "unknown-function": "a formula calls a function that is not allowed",
    "wrong-arity": "a function is given the wrong number of arguments",
    "range-in-scalar-context": "a KPI uses a measure outside an aggregate such as SUM",
    "type-mismatch": "a formula mixes types (text in arithmetic)",
    "reference-required": "a function that needs a name is given an expression",
    "text-too-long": "a text literal longer than Excel allows in a formula",
    "cycle": "derived figures or KPIs that depend on each other in a loop",
}
"""Problems inside spec files, each located at a line and column."""

PROBLEM_CODES: dict[str, str] = {**FILE_CODES, **SPEC_CODES}
