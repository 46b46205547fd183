"""The rules that writing a workbook and reading a return share.

When a figure is blank and what it depends on (:mod:`.semantics`), what a period is
(:mod:`.periods`) and how a number is shown (:mod:`.numbers`) are decided here, once.
``layout`` writes the workbook by these rules; ``compute``, ``readback`` and the CLI read
a return by them, so reading a return never imports ``layout``.
"""

from __future__ import annotations
