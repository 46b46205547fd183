"""Checks of a released snapshot (``kind: release``) on its own.

A snapshot is written by ``lks-templates release`` and read back for every return of its
version, so it must be exactly what was released: its id and version are the template's,
every field the template names is in its dataset, and its ``sha256`` is what the workbooks
of that version carry. An edited snapshot is refused rather than trusted.
"""

from __future__ import annotations

from lks_templates.errors import Problem
from lks_templates.spec.loader import LoadedDocument
from lks_templates.spec.models import ReleaseSpec
from lks_templates.spec.validate import problem_at


def release_problems(doc: LoadedDocument, spec: ReleaseSpec) -> list[Problem]:
    """Every way ``spec`` is not a whole, unedited snapshot of one template version."""
    problems: list[Problem] = []
    for key in ("id", "version"):
        own, inner = getattr(spec, key), getattr(spec.template, key)
        if own != inner:
            problems.append(problem_at(doc, doc.value_position((key,)), "release-edited",
                                       f"The release's `{key}` is {own!r} but its template's is "
                                       f"{inner!r}; a snapshot is written by `lks-templates "
                                       "release`, not by hand."))  # fmt: skip
    resolved = spec.resolved(doc.file)
    known = {f.name for f in spec.dataset.fields}
    missing = [n for n in [*resolved.profile_names, *resolved.measure_names] if n not in known]
    if missing:
        problems.append(problem_at(doc, doc.value_position(("dataset", "fields")),
                                   "release-edited",
                                   "The released dataset lacks the fields "
                                   f"{', '.join(missing)} that its template uses; write the "
                                   "snapshot again with `lks-templates release`."))  # fmt: skip
    elif resolved.sha256() != spec.sha256:
        problems.append(problem_at(doc, doc.value_position(("sha256",)), "release-edited",
                                   "The snapshot no longer matches its `sha256`: it was edited "
                                   "after release, so returns of this version would be read "
                                   "against other definitions than they were made from. Restore "
                                   "it from version control; change the spec and release a new "
                                   "version instead."))  # fmt: skip
    return problems
