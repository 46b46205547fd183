"""Reading filled workbooks back: safely, by defined name, with located problems.

``read_return(path)`` reads and checks one workbook (pass one :class:`ReadContext` to
the reads of a batch, so they share loaded specs and prepared contracts);
``lks_templates.collect`` gathers many. Every problem code is listed in :data:`CODES`
and documented in docs/reading-returns.md.
"""

from __future__ import annotations

from lks_templates.readback.codes import CODES
from lks_templates.readback.context import ReadContext
from lks_templates.readback.read import read_return
from lks_templates.readback.result import Location, PeriodInfo, Return

__all__ = ["CODES", "Location", "PeriodInfo", "ReadContext", "Return", "read_return"]
