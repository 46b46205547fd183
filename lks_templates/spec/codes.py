"""The problem codes the spec loader and validator report: views of :mod:`lks_templates.codes`.

``docs/spec-reference.md`` lists them all with an example each (generated from the
catalogue), and the bad-spec cases under ``tests/data/cases/`` cover every one that a spec
file can cause.
"""

from __future__ import annotations

from lks_templates.codes import codes_in

SPEC_CODES: dict[str, str] = {c.code: c.summary for c in codes_in("spec").values()}
"""Problems inside spec files, each located at a line and column (the codes about files
and paths, such as ``missing-path``, are in the area ``spec-files``)."""
