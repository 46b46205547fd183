"""Collect many returned workbooks into tidy tables: values, problems and a data package.

``lks_templates.collect(paths)`` is the function (:func:`~lks_templates.collection.run.collect`);
this package holds it and its parts, one module per job:

- :mod:`~lks_templates.collection.find`: the files under the paths given, and a problem
  for each place that could not be searched;
- :mod:`~lks_templates.collection.rows`: the rows one read return contributes;
- :mod:`~lks_templates.collection.returns`: the one row a file of returns.csv;
- :mod:`~lks_templates.collection.versions`: returns of older versions under the current
  field names, and what the data package says about them;
- :mod:`~lks_templates.collection.dedupe`: later copies of the same return, marked;
- :mod:`~lks_templates.collection.workers`: reading in this process or several, a crash
  costing only its own file;
- :mod:`~lks_templates.collection.escaping`: the CSV guard against formula injection;
- :mod:`~lks_templates.collection.output`: CSV and Parquet files, written atomically;
- :mod:`~lks_templates.collection.datapackage`: the Frictionless descriptor;
- :mod:`~lks_templates.collection.run`: a run, :func:`write_collection` and :func:`collect`.

Why not ``lks_templates.collect`` as the package: importing a submodule binds its name on
the parent package, so a package of that name would hide the function
``lks_templates.collect`` that the public API promises (short of making the module itself
callable, which this package replaces).
"""

from __future__ import annotations

from lks_templates.collection.datapackage import datapackage
from lks_templates.collection.escaping import escape_text, needs_escape, unescape_text
from lks_templates.collection.find import WORKBOOK_SUFFIXES, Found, find_returns, search_returns
from lks_templates.collection.output import CsvOutput, OutputError, write_parquet, write_rows
from lks_templates.collection.returns import RETURN_COLUMNS, ReturnsTable
from lks_templates.collection.rows import (
    CELL_PROBLEMS,
    PROBLEM_COLUMNS,
    UNUSABLE,
    VALUE_COLUMNS,
    FileRows,
    rows_of,
    rows_of_problem,
)
from lks_templates.collection.run import Collection, Summary, collect, write_collection
from lks_templates.collection.workers import iter_file_rows

__all__ = [
    "CELL_PROBLEMS",
    "PROBLEM_COLUMNS",
    "RETURN_COLUMNS",
    "UNUSABLE",
    "VALUE_COLUMNS",
    "WORKBOOK_SUFFIXES",
    "Collection",
    "CsvOutput",
    "FileRows",
    "Found",
    "OutputError",
    "ReturnsTable",
    "Summary",
    "collect",
    "datapackage",
    "escape_text",
    "find_returns",
    "iter_file_rows",
    "needs_escape",
    "rows_of",
    "rows_of_problem",
    "search_returns",
    "unescape_text",
    "write_collection",
    "write_parquet",
    "write_rows",
]
