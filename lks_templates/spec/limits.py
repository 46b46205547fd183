"""The documented limits of a spec, in one place (``docs/spec-reference.md``, "Limits").

Each keeps a hostile or mistaken file from costing unbounded time or memory, or from
passing ``validate`` only to fail in ``build``. Every one is far above what a real spec
needs, and each is reported as a located problem with a stable code, never a traceback.
The formula limits live with the formula parser, which enforces them whoever calls it
(``lks_templates.formula.parser``: ``MAX_FORMULA_LENGTH``, ``MAX_FORMULA_NESTING``,
``MAX_FORMULA_DEPTH``).
"""

from __future__ import annotations

import re

MAX_BYTES = 5_000_000
"""Largest spec file read; the real supplementary dataset is well under 100 kB."""

MAX_DEPTH = 50
"""Deepest nesting of lists and mappings (aliases and merge keys included); a spec needs
five levels (``fields[0].constraints.enum[0]``)."""

MAX_NODES = 50_000
"""Most values a file may hold once its aliases are expanded; a spec holds a few thousand
at most, while a few lines of aliases can expand to billions (an alias bomb)."""

MAX_ID_LENGTH = 100
"""Longest ``id``: it names the workbook file (``<id>.xlsx``), its previews and the
temporary files written beside them, which a file system limits to 255 bytes in all."""

MAX_TEXT_LENGTH = 32_767
"""Longest text value: what one spreadsheet cell holds."""

ILLEGAL_CHARACTER = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""A character XML 1.0 cannot hold, so no workbook can: NUL and the other control
characters but tab and line breaks, lone surrogates, U+FFFE and U+FFFF. YAML refuses them
as typed, but its double-quoted escapes (``"\\0"``, ``"\\x07"``) can still produce them."""
