"""lks-templates: NHS library and knowledge services statistics templates from YAML specs.

Public API (imported lazily so that ``import lks_templates`` stays cheap):

- ``load_spec(path)``, ``load_specs(paths)``: load and validate specs.
- ``build_workbook(spec, path)``: write one template workbook.
- ``read_return(path)``: read one filled workbook back.
- ``collect(paths)``: read many into tidy tables.
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "load_spec": "lks_templates.spec",
    "load_specs": "lks_templates.spec",
    "build_workbook": "lks_templates.build",
    "read_return": "lks_templates.readback",
    "collect": "lks_templates.collect",
    "Problem": "lks_templates.errors",
    "SpecError": "lks_templates.errors",
}

__all__ = ["__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'lks_templates' has no attribute {name!r}")
