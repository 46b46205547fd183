"""Plan to workbook: xlsxwriter only here; styles and charts in their own modules.

Never reads YAML: it takes a :class:`lks_templates.layout.WorkbookPlan`.
"""

from __future__ import annotations

from lks_templates.render.workbook import CREATED, render_workbook

__all__ = ["CREATED", "render_workbook"]
