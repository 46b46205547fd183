"""Whether a KPI means the same in two versions of a template: its formula written out
whole (each derived figure it uses replaced by its own formula, renamed fields under
their new names), so that spacing, line breaks and a rename alone change nothing, and a
changed derived figure changes the KPI. ``collect`` flags and ``benchmark`` leaves out a
KPI whose formula changed.
"""

from __future__ import annotations

from collections.abc import Mapping

from lks_templates.spec.models import ResolvedTemplate, TemplateSpec


def kpi_formulas(resolved: ResolvedTemplate, rename: Mapping[str, str]) -> dict[str, str]:
    """KPI -> its formula written out whole, names renamed by ``rename`` (old -> new),
    each written out again as ``diff`` compares formulas
    (:func:`~lks_templates.evolve.items.canonical_formula`)."""
    from lks_templates.evolve.items import canonical_formula

    template = resolved.template
    if not isinstance(template, TemplateSpec):
        return {}
    derived = {d.name: d.formula for d in template.derived}
    written: dict[str, str] = {}

    def ref(name: str) -> str:
        if name not in derived:
            return rename.get(name, name)
        if name not in written:
            written[name] = "(?)"  # validate refuses a cycle; this only keeps it finite
            written[name] = f"({canonical_formula(derived[name], ref)})"
        return written[name]

    return {k.name: canonical_formula(k.formula, ref) for k in template.kpis}


def changed_kpis(
    old: ResolvedTemplate, new: ResolvedTemplate, rename: Mapping[str, str]
) -> dict[str, str]:
    """KPI of ``new`` -> why a return of ``old`` is not comparable on it: ``old`` has no
    such KPI, or its formula (``rename`` followed) is another one. KPIs that mean the same
    are not listed."""
    before, now = kpi_formulas(old, rename), kpi_formulas(new, {})
    version, current = old.template.version, new.template.version
    changed: dict[str, str] = {}
    for kpi, formula in now.items():
        if kpi not in before:
            changed[kpi] = f"version {version} of the template has no KPI `{kpi}`"
        elif before[kpi] != formula:
            changed[kpi] = (
                f"its formula in version {version} ({before[kpi]}) is not the one of "
                f"version {current} ({formula})"
            )
    return changed
