"""lks-templates: NHS library and knowledge services statistics templates from YAML specs.

The public Python API is the names of :data:`__all__`, documented in docs/api.md. They are
imported lazily, on first use, so that ``import lks_templates`` stays cheap (it imports
neither pydantic nor pandas nor xlsxwriter):

- specs: :func:`load_spec`, :func:`load_specs`, :func:`validate_paths`,
  :func:`shipped_specs_dir`, :class:`SpecSet`, and :data:`SpecSource`, what every
  ``specs=`` accepts;
- building: :func:`build_workbook`, :func:`build_all`, :func:`check_dist`;
- reading back: :func:`read_return` (one :class:`Return`), :func:`collect` (a
  :class:`Collection` of DataFrames), :func:`write_collection` (CSV files, streamed);
- COUNTER usage: :func:`import_counter` (reports into a copy of the e-resources return,
  a :class:`CounterImport`);
- benchmarking: :func:`benchmark` (a :class:`Benchmark` of DataFrames: each service's
  KPIs beside its peers' quartiles, with suppression and funnel limits);
- problems: :class:`Problem` and the exceptions :class:`LksError`, :class:`SpecError`,
  :class:`BuildError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
"""The library version, written into every workbook as ``lks_generator_version``."""

if TYPE_CHECKING:  # what type checkers and editors see; at run time, __getattr__ below
    from lks_templates.benchmarking import Benchmark, benchmark
    from lks_templates.build import build_all, build_workbook, check_dist
    from lks_templates.collection import Collection, collect, write_collection
    from lks_templates.counter import CounterImport, import_counter
    from lks_templates.errors import BuildError, LksError, Problem, SpecError
    from lks_templates.readback import Return, read_return
    from lks_templates.spec import (
        SpecSet,
        load_spec,
        load_specs,
        shipped_specs_dir,
        validate_paths,
    )
    from lks_templates.spec.specset import SpecSource

_LAZY = {
    "load_spec": "lks_templates.spec",
    "load_specs": "lks_templates.spec",
    "validate_paths": "lks_templates.spec",
    "shipped_specs_dir": "lks_templates.spec",
    "SpecSet": "lks_templates.spec",
    "SpecSource": "lks_templates.spec.specset",
    "build_workbook": "lks_templates.build",
    "build_all": "lks_templates.build",
    "check_dist": "lks_templates.build",
    "read_return": "lks_templates.readback",
    "Return": "lks_templates.readback",
    "collect": "lks_templates.collection",
    "write_collection": "lks_templates.collection",
    "Collection": "lks_templates.collection",
    "import_counter": "lks_templates.counter",
    "CounterImport": "lks_templates.counter",
    "benchmark": "lks_templates.benchmarking",
    "Benchmark": "lks_templates.benchmarking",
    "Problem": "lks_templates.errors",
    "LksError": "lks_templates.errors",
    "SpecError": "lks_templates.errors",
    "BuildError": "lks_templates.errors",
}
"""Public name -> the module that defines it."""

__all__ = [
    "Benchmark",
    "BuildError",
    "Collection",
    "CounterImport",
    "LksError",
    "Problem",
    "Return",
    "SpecError",
    "SpecSet",
    "SpecSource",
    "__version__",
    "benchmark",
    "build_all",
    "build_workbook",
    "check_dist",
    "collect",
    "import_counter",
    "load_spec",
    "load_specs",
    "read_return",
    "shipped_specs_dir",
    "validate_paths",
    "write_collection",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # found at once from now on
        return value
    raise AttributeError(f"module 'lks_templates' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
