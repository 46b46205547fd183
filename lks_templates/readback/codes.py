"""The problem codes read-back reports: a view of :mod:`lks_templates.codes`.

``rejects`` codes stop a file from being read at all; the others are reported on a file
whose values were read. The table in docs/reading-returns.md is generated from the same
catalogue.
"""

from __future__ import annotations

from lks_templates.codes import Code, codes_in

CODES: dict[str, Code] = codes_in("returns")
"""Code to its catalogue entry (``severity``, ``rejects``, ``summary``)."""
