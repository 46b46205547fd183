"""COUNTER Release 5 and 5.1 usage reports into the e-resources return.

:func:`import_counter` reads the reports (TSV, Excel or JSON, detected from the content),
takes each field from one report per platform and month by the rule of :mod:`.rules`, and
writes a new workbook with the figures in plus a table of where each came from. The rule
and every problem code are documented in docs/counter.md.
"""

from __future__ import annotations

from lks_templates.counter.importer import CounterImport, SourceRow, import_counter
from lks_templates.counter.reports import Report, UsageRow, read_report
from lks_templates.counter.rules import RULES

__all__ = [
    "RULES",
    "CounterImport",
    "Report",
    "SourceRow",
    "UsageRow",
    "import_counter",
    "read_report",
]
