"""The two sides of ``diff OLD NEW``: spec folders or single spec files.

- A **folder** is loaded whole (its ``released/`` snapshots too); every template and form
  id found on either side is compared, the latest version in each.
- A **file** is loaded with the spec files beside it in its folder (a template needs its
  dataset), leaving out the other versions of the file's own spec, so that ``diff
  a-2.yaml a-3.yaml`` in one folder compares those two files; a dataset or FAQ file whose
  neighbours do not load is loaded alone. Only the ids the file concerns are compared: a template or
  form file its own id; a dataset file every template and form that uses it; an FAQ file
  every one that names it.
- A **dataset file with no template beside it** is compared through the templates of the
  other side that use it: each such template is resolved once against each dataset (its
  field names followed through ``renamed_from``), and the verdict is about the dataset's
  version, since the template is the same on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lks_templates.errors import Problem, sort_problems
from lks_templates.evolve.bumps import Verdict, between, template_ids, verdict
from lks_templates.evolve.locate import Documents
from lks_templates.evolve.renames import current_name, renames
from lks_templates.spec.loader import load_document
from lks_templates.spec.models import DatasetSpec, FaqSpec, FormSpec, ResolvedTemplate, TemplateSpec
from lks_templates.spec.specset import SPEC_SUFFIXES, SpecSet, validate_paths


@dataclass
class Side:
    """One side of a comparison: its specs, and what the path given names."""

    path: Path
    specs: SpecSet = field(default_factory=SpecSet)
    kind: str = ""
    """The kind of spec in the file given (empty for a folder)."""
    spec_id: str = ""
    """The id of the spec in the file given (empty for a folder)."""

    def selected(self, other: SpecSet) -> set[str] | None:
        """The template and form ids this side asks to compare; None for every one."""
        if not self.kind:
            return None
        if self.kind in ("template", "form", "release"):
            return {self.spec_id}
        key = "dataset" if self.kind == "dataset" else "faq"
        found: set[str] = set()
        for specs in (self.specs, other):
            for spec in specs.all():
                if isinstance(spec, TemplateSpec | FormSpec) and getattr(spec, key) == self.spec_id:
                    found.add(spec.id)
        return found

    @property
    def dataset_alone(self) -> DatasetSpec | None:
        """The dataset of a dataset file no template of its own side uses."""
        if self.kind != "dataset":
            return None
        dataset = self.specs.get(self.spec_id)
        users = [t for t in self.specs.all() if getattr(t, "dataset", None) == self.spec_id]
        return dataset if isinstance(dataset, DatasetSpec) and not users else None


def load_side(path: Path) -> tuple[Side, list[Problem]]:
    """Load one side (see the module docstring) and every problem of its specs."""
    if path.is_dir():
        specs, problems = validate_paths(path)
        return Side(path, specs), _errors(problems)
    doc, problems = load_document(path)
    if doc is None or not isinstance(doc.data, dict):
        return Side(path), _errors(problems) or problems
    kind, spec_id = str(doc.data.get("kind", "")), str(doc.data.get("id", ""))
    specs, problems = validate_paths([path, *_beside(path, spec_id)])
    if _errors(problems) and kind in ("dataset", "faq"):
        # Beside files that do not load (a download folder): a dataset or FAQ stands alone.
        alone, own = validate_paths(path)
        if not _errors(own):
            return Side(path, alone, kind, spec_id), []
    return Side(path, specs, kind, spec_id), _errors(problems)


def _beside(path: Path, own_id: str) -> list[Path]:
    """The spec files in ``path``'s folder, other than ``path`` and other versions of it."""
    found: list[Path] = []
    for other in sorted(path.parent.iterdir()):
        if other.suffix.lower() not in SPEC_SUFFIXES or other.resolve() == path.resolve():
            continue
        if not other.is_file() or other.name.startswith("."):
            continue
        doc, _problems = load_document(other)
        if doc is not None and isinstance(doc.data, dict) and doc.data.get("id") == own_id:
            continue
        found.append(other)
    return found


def _errors(problems: list[Problem]) -> list[Problem]:
    return sort_problems(p for p in problems if p.severity == "error")


def compare_sides(old: Side, new: Side) -> list[Verdict]:
    """The verdict of each template or form id the two sides concern."""
    wanted = old.selected(new.specs)
    new_wanted = new.selected(old.specs)
    if wanted is None:
        wanted = new_wanted
    elif new_wanted is not None:
        wanted |= new_wanted
    old_alone, new_alone = old.dataset_alone, new.dataset_alone
    if old_alone is None and new_alone is None:
        return between(old.specs, new.specs, wanted)
    if old_alone is not None and new_alone is not None:
        return []  # no template on either side: nothing to compare
    docs = Documents()
    verdicts: list[Verdict] = []
    for spec_id in sorted(wanted if wanted is not None else template_ids(new.specs)):
        if new_alone is not None:
            old_resolved = old.specs.resolve(spec_id)
            if old_resolved is None:
                continue
            new_resolved = through(old_resolved, new_alone)
        else:
            assert old_alone is not None
            new_found = new.specs.resolve(spec_id)
            if new_found is None:
                continue
            old_resolved, new_resolved = through(new_found, old_alone), new_found
        found = verdict(old_resolved, new_resolved, new.specs, docs)
        verdicts.append(
            Verdict(
                f"{old_resolved.dataset.id} (as {spec_id} uses it)",
                old_resolved.dataset.version,
                new_resolved.dataset.version,
                found.changes,
            )
        )
    return verdicts


def through(resolved: ResolvedTemplate, dataset: DatasetSpec) -> ResolvedTemplate:
    """``resolved``'s template against another version of its dataset: each field name
    it uses becomes the name that dataset knows it by (a newer dataset through its
    ``renamed_from``, an older one back through the template's own dataset's); a field
    that dataset lacks is left out, as the template would be without it."""
    backwards = {new: old for old, new in renames(resolved.dataset.fields).items()}

    known = {f.name for f in dataset.fields}

    def names_in(names: list[str]) -> list[str]:
        """The names ``dataset`` has for ``names``; a field it lacks is left out."""
        found: list[str] = []
        for name in names:
            now = current_name(name, dataset.fields) or backwards.get(name, name)
            if now in known:
                found.append(now)
        return found

    template = resolved.template
    moved: TemplateSpec | FormSpec
    if isinstance(template, FormSpec):
        moved = template.model_copy(update={"fields": names_in(template.fields)})
    else:
        moved = template.model_copy(
            update={"profile": names_in(template.profile), "measures": names_in(template.measures)}
        )
    faq: FaqSpec | None = resolved.faq
    return ResolvedTemplate(template=moved, dataset=dataset, source=resolved.source, faq=faq)
