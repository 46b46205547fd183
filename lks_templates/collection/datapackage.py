"""The Frictionless data package descriptor (datapackage.json) of a collection."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from lks_templates.collection.returns import RETURN_COLUMNS
from lks_templates.collection.rows import PROBLEM_COLUMNS, VALUE_COLUMNS

if TYPE_CHECKING:
    from lks_templates.collection.versions import VersionsSeen

_ESCAPED = (
    "Text whose first visible character is = + - @ (or a full-width form), or that starts "
    "with a tab, a carriage return or ', has one extra leading ' (remove it to get the "
    "raw text)"
)
_DESCRIPTIONS = {
    "file": "Path of the returned workbook, as collected.",
    "template_id": "Template id from the workbook's lks_template_id property.",
    "template_version": "Template version from the workbook's lks_template_version property.",
    "org_ods_code": "Organisation ODS code entered in the return (upper case).",
    "kind": "profile, measure (entered values), derived or kpi (recomputed in Python).",
    "field": "Field, derived figure or KPI name as in the spec.",
    "period": "Period key: m01-m12, q1-q4 or year; empty for values entered once.",
    "period_start": "First day of the period (ISO date); empty for values entered once.",
    "value": f"The value as text. {_ESCAPED}; numbers are never changed.",
    "type": "Type of the value: integer, number, string, boolean or date.",
    "problem": "Codes of problems with this very cell, separated by ';' (see problems.csv).",
    "duplicate_of": "For a later copy of the same return, the file it repeats; else empty.",
    "severity": "error or warning.",
    "code": "Stable problem code (see docs/reading-returns.md).",
    "sheet": "Sheet of the cell concerned, if any.",
    "cell": "Cell concerned (A1 style), if any.",
    "message": "What is wrong and what to do.",
    "org_name": "Organisation name entered in the return.",
    "reporting_year": "Reporting year entered (the year it starts); empty when not entered.",
    "periods_expected": "Periods in the template's year (12 months, 4 quarters, 1 year); "
    "0 for a form; empty for a file that could not be read.",
    "periods_entered": "Periods with any entry (the workbook's lks_periods_entered).",
    "first_period": "Key (m01-m12, q1-q4, year) of the first period with any entry.",
    "last_period": "Key of the last period with any entry.",
    "errors": "Rows of problems.csv of severity error for this file.",
    "warnings": "Rows of problems.csv of severity warning for this file.",
}
_KPI = (
    "KPI {name}, recomputed in Python from the values read; empty where the KPI is "
    "blank (an input it needs has no number) or the template has no such KPI."
)


_RETURN_TYPES = dict.fromkeys(
    ("reporting_year", "periods_expected", "periods_entered", "errors", "warnings"), "integer"
)


_VERSIONS = (
    "Some returns are of an older version than their template's current one (the newest "
    "the specs know). Every value is under "
    "the name its field has in the current version, renamed fields under their new "
    "name; template_version says which version "
    "each came from. A field, derived figure or KPI the current version no longer has "
    "keeps its old name; a KPI whose formula changed is flagged; lks:templates lists "
    "them, per template."
)
_FIELD_VERSIONS = (
    " Under the name in the current version of the template; a name that version no "
    "longer has is kept as it was (see lks:templates)."
)


def _schema(
    columns: Sequence[str], types: dict[str, str], extra: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    fields = []
    for name in columns:
        found = {
            "name": name,
            "type": types.get(name, "string"),
            "description": _DESCRIPTIONS.get(name) or _KPI.format(name=name),
        }
        found.update(extra.get(name, {}))
        fields.append(found)
    return {"fields": fields, "missingValues": [""]}


def _kpi_flags(versions: VersionsSeen) -> dict[str, dict[str, Any]]:
    """The flags on each KPI column of returns.csv that a current version no longer has,
    or computes by another formula than an older version collected."""
    flags: dict[str, dict[str, Any]] = {}
    for kpi, where in versions.removed_kpis().items():
        named = "; ".join(f"{template} {version}" for template, version in where)
        flags[kpi] = {
            "description": _KPI.format(name=kpi) + f" No longer a KPI of {named}: kept for "
            "the returns of older versions, blank for the others.",
            # One template (the usual case): its current version; else "id version; ...".
            "lks:removed_in": where[0][1] if len(where) == 1 else named,
        }
    for kpi, differ in versions.changed_formulas().items():
        flag = flags.setdefault(kpi, {"description": _KPI.format(name=kpi)})
        named = "; ".join(f"{template} {', '.join(found)}" for template, found in differ)
        flag["description"] += (
            f" Computed by another formula in {named}: those returns' values are not "
            "comparable with the others'."
        )
        # One template (the usual case): the versions; else "id versions; ...".
        flag["lks:formula_changed_in"] = differ[0][1] if len(differ) == 1 else named
    return flags


def datapackage(
    kpis: Sequence[tuple[str, str]] = (), versions: VersionsSeen | None = None
) -> dict[str, Any]:
    """The Frictionless data package descriptor of a collection's CSV files.

    ``kpis`` is the (name, type) of each KPI column of returns.csv, in order. ``versions``
    (what was collected of each template's versions) adds ``lks:templates`` and the flags
    of names the current versions no longer have, when any return is of an older version.
    """
    dialect = {
        "delimiter": ",",
        "lineTerminator": "\n",
        "quoteChar": '"',
        "doubleQuote": True,
        "header": True,
    }
    mixed = versions is not None and versions.has_older
    values_extra: dict[str, dict[str, Any]] = {}
    returns_extra: dict[str, dict[str, Any]] = {}
    if versions is not None and mixed:
        values_extra["field"] = {"description": _DESCRIPTIONS["field"] + _FIELD_VERSIONS}
        returns_extra = _kpi_flags(versions)
    package: dict[str, Any] = {
        "name": "lks-returns",
        "title": "Collected LKS statistics returns",
        "description": f"Every text cell of the files is guarded against formula "
        f"injection: {_ESCAPED}. Numbers are never changed.",
        "profile": "tabular-data-package",
        "resources": [
            {
                "name": name,
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": dialect,
                "schema": _schema(columns, types, extra),
            }
            for name, columns, types, extra in (
                ("values", VALUE_COLUMNS, {"period_start": "date"}, values_extra),
                ("problems", PROBLEM_COLUMNS, {}, values_extra),
                (
                    "returns",
                    [*RETURN_COLUMNS, *(kpi for kpi, _ in kpis)],
                    {**dict(kpis), **_RETURN_TYPES},
                    returns_extra,
                ),
            )
        ],
    }
    if versions is not None and mixed:
        package["description"] += " " + _VERSIONS
        package["lks:templates"] = versions.describe()
    return package
