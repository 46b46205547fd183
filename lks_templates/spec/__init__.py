"""The spec language: load YAML specs, validate them with located problems, export a schema.

Public API:

- :func:`load_spec` (one file, checked on its own) and :func:`load_specs` (files and
  folders, every check across files); both raise :class:`~lks_templates.errors.SpecError`
  carrying every problem found.
- :class:`SpecSet`: the loaded specs, with ``resolved()`` templates for the generator and
  ``get(id, version)`` / ``resolve(id, version)`` for read-back.
- :func:`validate_paths`: the same checks, returning the problems instead of raising.
- :func:`shipped_specs_dir`: the specs folder shipped with the library.
"""

from __future__ import annotations

from lks_templates.spec.models import (
    AnySpec,
    DatasetSpec,
    FaqSpec,
    FormSpec,
    ResolvedTemplate,
    TemplateSpec,
)
from lks_templates.spec.specset import (
    SpecSet,
    load_spec,
    load_specs,
    shipped_specs_dir,
    validate_paths,
)

__all__ = [
    "AnySpec",
    "DatasetSpec",
    "FaqSpec",
    "FormSpec",
    "ResolvedTemplate",
    "SpecSet",
    "TemplateSpec",
    "load_spec",
    "load_specs",
    "shipped_specs_dir",
    "validate_paths",
]
