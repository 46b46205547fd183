"""Which field a field of an older version became: renames followed through ``renamed_from``.

A dataset field that was renamed says so (``renamed_from: old_name``, or a list of the
names it had, oldest first), so a return made under an old name still finds its field.
``diff``, ``migrate``, ``rollover`` and ``collect`` all follow renames through here.
"""

from __future__ import annotations

from collections.abc import Iterable

from lks_templates.spec.models import FieldSpec, ResolvedTemplate


def renames(fields: Iterable[FieldSpec]) -> dict[str, str]:
    """Every old name a field had -> the field's current name."""
    found: dict[str, str] = {}
    for field in fields:
        for old in field.old_names:
            found.setdefault(old, field.name)
    return found


def current_name(name: str, fields: Iterable[FieldSpec]) -> str | None:
    """The field of ``fields`` that ``name`` is now: itself, the field it was renamed to,
    or None when no field has (or had) that name."""
    fields = list(fields)
    if any(f.name == name for f in fields):
        return name
    return renames(fields).get(name)


def field_map(old: ResolvedTemplate, new: ResolvedTemplate) -> dict[str, str | None]:
    """Each input field of ``old`` (profile, then measures) -> the field of ``new`` it
    became, or None when ``new`` has no such field (it was removed, or is not collected by
    the new version). A name kept by the new dataset wins over a rename claiming it."""
    available = {*new.profile_names, *new.measure_names}
    fields = [f for f in new.dataset.fields if f.name in available]
    mapping: dict[str, str | None] = {}
    for name in [*old.profile_names, *old.measure_names]:
        mapping[name] = current_name(name, fields)
    return mapping
