"""What reading many returns in one run may share, held in one explicit object.

Laying out a template (for its contract) costs far more than reading one return, and the
returns of one template share their small parts byte for byte, so a run remembers what
it worked out. That memory lives in a :class:`ReadContext` that the caller owns (collect
makes one per run; ``read_return`` makes a fresh one when given none), never in module
globals: nothing outlives the run, so a spec edited between two runs in one process is
read afresh, and two runs never see each other's tables.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lks_templates.readback.contract import Contract
    from lks_templates.readback.result import Location
    from lks_templates.readback.safety import PartsKey
    from lks_templates.readback.sheetxml import SheetXml
    from lks_templates.readback.workbook import Reference, Structure
    from lks_templates.spec import SpecSet
    from lks_templates.spec.models import ResolvedTemplate
    from lks_templates.spec.specset import SpecSource

MAX_ENTRIES = 256
"""Most entries of each table that grows with the returns read (emptied when full)."""


@dataclass
class ReadContext:
    """Tables shared by the reads of one run. Every table is bounded."""

    spec_sets: dict[tuple[str, ...], SpecSet] = field(default_factory=dict)
    """Resolved spec paths -> the spec set loaded from them."""
    document_parts: dict[PartsKey, str] = field(default_factory=dict)
    """Bytes of ``[Content_Types].xml`` and ``_rels/.rels`` -> the workbook part."""
    structures: dict[PartsKey, Structure] = field(default_factory=dict)
    """Bytes of the workbook part, its relationships and properties -> what they say."""
    scans: dict[bytes, SheetXml] = field(default_factory=dict)
    """Digest of an ordinary sheet part's bytes -> its scan (the sheets a return does
    not fill are the same in every return of a template); 64 entries of at most 64 KiB."""
    references: dict[str, Reference | None] = field(default_factory=dict)
    """Defined-name text -> the area it names."""
    contracts: dict[tuple[str, str, str, int | None], Contract] = field(default_factory=dict)
    """(template id, version, spec hash) -> its contract."""
    contracts_by_object: dict[int, tuple[ResolvedTemplate, Contract]] = field(default_factory=dict)
    """Hashing a spec costs more than reading a small return, so the same resolved
    object (one spec set for a whole run) skips it; the object is kept to check identity."""
    resolved: dict[
        tuple[int, str, str | None, str | None], tuple[SpecSet, ResolvedTemplate | None]
    ] = field(default_factory=dict)
    """(spec set, id, version) -> the resolved template (the spec set kept for identity)."""
    located: dict[
        tuple[int, str, tuple[str, ...]],
        tuple[Reference, list[tuple[tuple[str, str], Location]]],
    ] = field(default_factory=dict)
    """Where each value of a defined name sits, by reference object."""

    def spec_set(self, specs: SpecSource = None) -> SpecSet:
        """``specs`` as a :class:`SpecSet`: given, loaded from paths, or the shipped specs;
        paths are loaded once per context."""
        from lks_templates.spec import SpecSet, load_specs
        from lks_templates.spec.specset import shipped_specs_dir

        if isinstance(specs, SpecSet):
            return specs
        if specs is None:
            paths: list[str | os.PathLike[str]] = [shipped_specs_dir()]
        elif isinstance(specs, str | os.PathLike):
            paths = [specs]
        else:
            paths = list(specs)  # once: an iterator cannot be read twice
        key = tuple(str(Path(p).resolve()) for p in paths)
        if key not in self.spec_sets:
            self.spec_sets[key] = load_specs(paths)
        return self.spec_sets[key]


def bounded(table: dict[Any, Any], limit: int = MAX_ENTRIES) -> dict[Any, Any]:
    """``table``, emptied first when it has grown to ``limit`` entries."""
    if len(table) >= limit:
        table.clear()
    return table
