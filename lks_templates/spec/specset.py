"""Load specs from files and folders, run every check, and hand back a :class:`SpecSet`."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeAlias, Union

from lks_templates.errors import Problem, SpecError, missing_path, sort_problems
from lks_templates.spec import crossref
from lks_templates.spec.crossref import Checked, latest, version_key
from lks_templates.spec.loader import load_document
from lks_templates.spec.models import (
    AnySpec,
    BenchmarkSpec,
    DatasetSpec,
    FaqSpec,
    FormSpec,
    ReleaseSpec,
    ResolvedTemplate,
    TemplateSpec,
)
from lks_templates.spec.validate import check_document

SPEC_SUFFIXES = (".yaml", ".yml")
SpecPaths: TypeAlias = str | os.PathLike[str] | Iterable[str | os.PathLike[str]]
"""Spec files or folders: one path, or several (folders are searched for ``*.yaml``)."""


@dataclass(frozen=True)
class SpecSet:
    """Every valid spec loaded together, sorted by id then version (oldest first).

    Several versions of one id may be present, so that old returns can still be read;
    ``get`` and ``resolve`` pick the latest version unless asked for another.
    """

    datasets: list[DatasetSpec] = field(default_factory=list)
    """Every dataset spec (``kind: dataset``): the fields and their definitions."""
    templates: list[TemplateSpec] = field(default_factory=list)
    """Every template spec (``kind: template``): dashboards of periodic measures."""
    forms: list[FormSpec] = field(default_factory=list)
    """Every form spec (``kind: form``): fields entered once, such as a case study."""
    faqs: list[FaqSpec] = field(default_factory=list)
    """Every FAQ spec (``kind: faq``)."""
    benchmarks: list[BenchmarkSpec] = field(default_factory=list)
    """Every benchmark spec (``kind: benchmark``): how returns are compared with peers."""
    releases: list[ReleaseSpec] = field(default_factory=list)
    """Every released snapshot (``kind: release``, under ``released/``): the templates and
    forms as they were sent out, which returns of those versions are read against."""
    sources: dict[tuple[str, str], str] = field(default_factory=dict)
    """``(id, version)`` -> the file the spec was read from, as given."""
    release_sources: dict[tuple[str, str], str] = field(default_factory=dict)
    """``(id, version)`` -> the file a released snapshot was read from."""

    def all(self) -> list[AnySpec]:
        """Every current spec (not the released snapshots), sorted by id then version."""
        specs: list[AnySpec] = [
            *self.datasets,
            *self.templates,
            *self.forms,
            *self.faqs,
            *self.benchmarks,
        ]
        return sorted(specs, key=lambda s: (s.id, version_key(s.version)))

    def get(self, spec_id: str, version: str | None = None) -> AnySpec | None:
        """The spec with this id (any kind) at ``version``, or its latest version."""
        matches = [s for s in self.all() if s.id == spec_id]
        if version is not None:
            return next((s for s in matches if s.version == version), None)
        return latest(matches)

    def source_of(self, spec: AnySpec) -> str:
        """The file a spec was read from."""
        return self.sources.get((spec.id, spec.version), "")

    def dataset_for(self, spec: TemplateSpec | FormSpec) -> DatasetSpec | None:
        """The latest version of the dataset a template or form names."""
        return latest(d for d in self.datasets if d.id == spec.dataset)  # type: ignore[return-value]

    def faq_for(self, spec: TemplateSpec | FormSpec) -> FaqSpec | None:
        """The latest version of the FAQ a template or form names, or None."""
        if spec.faq is None:
            return None
        return latest(f for f in self.faqs if f.id == spec.faq)  # type: ignore[return-value]

    def resolve(
        self, spec_id: str, version: str | None = None, sha256: str | None = None
    ) -> ResolvedTemplate | None:
        """The template or form with this id and version (latest when None), resolved.

        A version found only among the released snapshots resolves to its snapshot. Given
        the ``sha256`` a workbook carries, the current spec and the snapshot of that version
        are both tried and the one the workbook was made from is returned; when neither
        matches, the snapshot (what was sent out) is preferred to the current text.
        """
        spec = self.get(spec_id, version)
        current = self._resolve(spec) if isinstance(spec, TemplateSpec | FormSpec) else None
        if version is None:
            return current if current is not None else self.latest_release(spec_id)
        release = self.release(spec_id, version)
        if release is None:
            return current
        # A snapshot's checksum is checked against its content when it is loaded.
        snapshot = release.resolved(self.release_sources.get((spec_id, version), ""))
        if sha256 is not None and current is not None and current.sha256() == sha256:
            if sha256 == release.sha256:
                # The current spec is the released one: give it the layouts recorded for it.
                return current.model_copy(update={"layouts": snapshot.layouts})
            return current
        return snapshot

    def release(self, spec_id: str, version: str) -> ReleaseSpec | None:
        """The released snapshot of this template or form version, or None."""
        return next((r for r in self.releases if r.id == spec_id and r.version == version), None)

    def releases_of(self, spec_id: str) -> list[ReleaseSpec]:
        """Every released version of a template or form, oldest first."""
        return sorted(
            (r for r in self.releases if r.id == spec_id), key=lambda r: version_key(r.version)
        )

    def latest_release(self, spec_id: str) -> ResolvedTemplate | None:
        """The newest released snapshot of ``spec_id``, resolved, or None."""
        found = self.releases_of(spec_id)
        if not found:
            return None
        last = found[-1]
        return last.resolved(self.release_sources.get((last.id, last.version), ""))

    def resolved(self) -> list[ResolvedTemplate]:
        """Every template and form with its dataset and FAQ, sorted by id then version."""
        specs = [s for s in self.all() if isinstance(s, TemplateSpec | FormSpec)]
        return [self._resolve(spec) for spec in specs]

    def _resolve(self, spec: TemplateSpec | FormSpec) -> ResolvedTemplate:
        dataset = self.dataset_for(spec)
        assert dataset is not None, "load_specs checks that every dataset exists"
        return ResolvedTemplate(
            template=spec, dataset=dataset, source=self.source_of(spec), faq=self.faq_for(spec)
        )


SpecSource: TypeAlias = Union[SpecSet, SpecPaths, None]  # noqa: UP007 - SpecSet is a class
"""Where specs come from, wherever the library takes ``specs=``: a loaded :class:`SpecSet`,
spec files or folders to load (see :data:`SpecPaths`), or None for the specs shipped with
the library (:func:`shipped_specs_dir`)."""


def shipped_specs_dir() -> Path:
    """The specs shipped with the library: ``lks_templates/_specs`` in an installed wheel,
    else the ``template_specs/`` folder of the source tree."""
    package = Path(__file__).resolve().parent.parent
    installed = package / "_specs"
    return installed if installed.is_dir() else package.parent / "template_specs"


def find_spec_files(paths: SpecPaths) -> tuple[list[Path], list[Problem]]:
    """Spec files under ``paths`` (files as given, folders searched for ``*.yaml``/``*.yml``).

    Hidden files and folders are skipped. The result is sorted and without repeats.
    """
    items = [paths] if isinstance(paths, str | os.PathLike) else list(paths)
    files: dict[Path, None] = {}
    problems: list[Problem] = []
    for item in items:
        path = Path(item)
        if path.is_dir():
            found = [
                p
                for p in path.rglob("*")
                # Not is_file(): a named pipe or a dangling link among the specs is
                # reported by the loader rather than skipped in silence.
                if p.suffix.lower() in SPEC_SUFFIXES
                and not p.is_dir()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            ]
            if not found:
                problems.append(
                    Problem(
                        "no-specs",
                        "This folder holds no spec files (*.yaml or *.yml); check the path.",
                        file=str(path),
                    )
                )
            files.update(dict.fromkeys(found))
        elif path.exists():
            files[path] = None
        else:
            problems.append(missing_path(path))
    return sorted(files, key=lambda p: p.as_posix()), problems


def check_files(files: Sequence[Path], cross: bool = True) -> tuple[list[Checked], list[Problem]]:
    """Load and check each file on its own, then (``cross``) every check across files."""
    checked: list[Checked] = []
    problems: list[Problem] = []
    for file in files:
        doc, found = load_document(file)
        problems += found
        if doc is None:
            continue
        spec, found = check_document(doc)
        problems += found
        checked.append(Checked(doc, spec))
    if cross:
        problems += cross_problems(checked)
    else:
        problems += _formula_problems(checked, {})
    return checked, problems


def cross_problems(checked: Sequence[Checked]) -> list[Problem]:
    """Every problem that needs more than one file to see."""
    known = crossref.raw_ids(checked)
    valid = [item.spec for item in checked if item.spec is not None]
    datasets = {
        spec.id: spec
        for spec in sorted(
            (s for s in valid if isinstance(s, DatasetSpec)), key=lambda s: version_key(s.version)
        )
    }  # the latest version of each id wins
    faqs = {s.id: s for s in valid if isinstance(s, FaqSpec)}
    problems = crossref.duplicate_ids(checked)
    resolved: dict[int, DatasetSpec] = {}
    for index, item in enumerate(checked):
        if not isinstance(item.spec, TemplateSpec | FormSpec):
            continue
        dataset, found = crossref.resolve_dataset(item, datasets, known.get("dataset", set()))
        problems += found + crossref.faq_reference(item, faqs, known.get("faq", set()))
        if dataset is not None:
            resolved[index] = dataset
            problems += crossref.field_references(item, dataset)
    problems += _benchmark_problems(checked, valid, datasets, known.get("template", set()))
    return problems + _formula_problems(checked, resolved)


def _benchmark_problems(
    checked: Sequence[Checked],
    valid: Sequence[AnySpec],
    datasets: dict[str, DatasetSpec],
    known: set[str],
) -> list[Problem]:
    """Each benchmark against the latest version of the template it names."""
    from lks_templates.spec.benchmark import benchmark_references

    templates = {
        spec.id: spec
        for spec in sorted(
            (s for s in valid if isinstance(s, TemplateSpec)), key=lambda s: version_key(s.version)
        )
    }
    problems: list[Problem] = []
    for item in checked:
        if isinstance(item.spec, BenchmarkSpec):
            problems += benchmark_references(item.doc, item.spec, templates, datasets, known)
    return problems


def _formula_problems(
    checked: Sequence[Checked], datasets: dict[int, DatasetSpec]
) -> list[Problem]:
    from lks_templates.spec.formulas import formula_problems

    problems: list[Problem] = []
    for index, item in enumerate(checked):
        if isinstance(item.spec, TemplateSpec | FormSpec):
            problems += formula_problems(item.doc, item.spec, datasets.get(index))
    return problems


def build_set(checked: Sequence[Checked]) -> SpecSet:
    """Gather valid specs into a :class:`SpecSet`."""
    specs = sorted(
        (item for item in checked if item.spec is not None),
        key=lambda item: (item.spec.id, version_key(item.spec.version)),  # type: ignore[union-attr]
    )
    result = SpecSet()
    for item in specs:
        spec = item.spec
        assert spec is not None
        if isinstance(spec, ReleaseSpec):
            result.release_sources[(spec.id, spec.version)] = item.doc.file
            result.releases.append(spec)
            continue
        result.sources[(spec.id, spec.version)] = item.doc.file
        if isinstance(spec, DatasetSpec):
            result.datasets.append(spec)
        elif isinstance(spec, TemplateSpec):
            result.templates.append(spec)
        elif isinstance(spec, FormSpec):
            result.forms.append(spec)
        elif isinstance(spec, BenchmarkSpec):
            result.benchmarks.append(spec)
        else:
            result.faqs.append(spec)
    return result


def validate_paths(paths: SpecPaths) -> tuple[SpecSet, list[Problem]]:
    """Load every spec under ``paths`` and return the set with ALL problems, sorted.

    The set holds only the specs that passed their own checks; callers that need a
    consistent set raise when any problem is an error (see :func:`load_specs`).
    """
    files, problems = find_spec_files(paths)
    checked, found = check_files(files)
    return build_set(checked), sort_problems([*problems, *found])


def load_specs(paths: SpecPaths = "template_specs") -> SpecSet:
    """Load, validate and cross-check every spec under ``paths`` (files or folders).

    Raises :class:`SpecError` carrying every problem found, in every file, when any is an
    error.
    """
    specs, problems = validate_paths(paths)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise SpecError(problems)
    return specs


def load_spec(path: str | os.PathLike[str]) -> AnySpec:
    """Load and validate one spec file on its own.

    References to other files (the dataset's fields, FAQ ids) are not checked; formulas
    are checked for syntax and cycles only. Use :func:`load_specs` for the full check.
    Raises :class:`SpecError` with every problem in the file.
    """
    if Path(path).is_dir():
        raise SpecError([Problem("not-a-file", "load_spec reads one file; use load_specs for "
                                 "a folder.", file=str(path))])  # fmt: skip
    files, problems = find_spec_files([path])
    checked, found = check_files(files, cross=False)
    problems = sort_problems([*problems, *found])
    if problems or not checked or checked[0].spec is None:
        raise SpecError(problems)
    return checked[0].spec
