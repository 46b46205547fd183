"""Where a part of a template is written: the file, line and column of the newer spec.

``diff`` reports each change at the place a maintainer edits it: a field's definition in
its dataset file, a KPI or a profile entry in the template file, an answer in the FAQ file.
The places come from the loader's line marks (:class:`~lks_templates.spec.loader.
LoadedDocument`), read again from the files a :class:`~lks_templates.spec.specset.SpecSet`
was loaded from. A released snapshot holds all three parts in one file, under
``template``, ``dataset`` and ``faq``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lks_templates.spec.loader import DataPath, LoadedDocument, Position, load_document
from lks_templates.spec.models import ResolvedTemplate
from lks_templates.spec.specset import SpecSet


@dataclass(frozen=True)
class Place:
    """A 1-based line and column in a spec file; ``line`` is None when not known."""

    file: str
    line: int | None = None
    column: int | None = None


@dataclass(frozen=True)
class _Part:
    """One part of a resolved template: the document it is written in and where in it."""

    doc: LoadedDocument | None
    file: str
    prefix: DataPath = ()

    def place(self, path: DataPath, *, key: bool = True) -> Place:
        if self.doc is None:
            return Place(self.file)
        full = (*self.prefix, *path)
        at: Position = self.doc.key_position(full) if key else self.doc.value_position(full)
        return Place(self.file, at.line, at.column)

    def index_of(self, list_key: str, name_key: str, name: str) -> int | None:
        """The index of the item of list ``list_key`` whose ``name_key`` is ``name``."""
        data = self.doc.data if self.doc is not None else None
        for step in (*self.prefix, list_key):
            data = data.get(step) if isinstance(data, dict) else None
        if not isinstance(data, list):
            return None
        for index, item in enumerate(data):
            if isinstance(item, dict) and item.get(name_key) == name:
                return index
        return None


@dataclass
class Documents:
    """A cache of loaded documents: each file read once, however many templates point into
    it, shared between the locators of one run."""

    loaded: dict[str, LoadedDocument | None] = field(default_factory=dict)

    def get(self, file: str) -> LoadedDocument | None:
        if not file:
            return None
        if file not in self.loaded:
            doc, _problems = load_document(Path(file)) if Path(file).is_file() else (None, [])
            self.loaded[file] = doc
        return self.loaded[file]


@dataclass(frozen=True)
class Locator:
    """The places of one resolved template's parts (template, dataset fields, FAQ)."""

    template_part: _Part
    dataset_part: _Part
    faq_part: _Part

    def template(self, *path: str | int, key: bool = True) -> Place:
        """Where the template's key (or list item) at ``path`` is written."""
        return self.template_part.place(path, key=key)

    def item(self, list_key: str, name: str, *path: str, name_key: str = "name") -> Place:
        """Where the item of the template's ``list_key`` named ``name`` (or its ``path``)
        is written; the list's key when there is no such item."""
        index = self.template_part.index_of(list_key, name_key, name)
        if index is None:
            return self.template(list_key)
        return self.template(list_key, index, *path, key=bool(path))

    def list_entry(self, list_key: str, name: str) -> Place:
        """Where ``name`` is written in a plain list of names (``profile``, ``measures``)."""
        doc = self.template_part.doc
        data = doc.data if doc is not None else None
        for step in (*self.template_part.prefix, list_key):
            data = data.get(step) if isinstance(data, dict) else None
        if isinstance(data, list) and name in data:
            return self.template(list_key, data.index(name), key=False)
        return self.template(list_key)

    def field(self, name: str, *path: str) -> Place:
        """Where the dataset field ``name`` (or its key ``path``) is defined."""
        index = self.dataset_part.index_of("fields", "name", name)
        if index is None:
            return self.dataset_part.place(("fields",))
        if not path:
            return self.dataset_part.place(("fields", index), key=False)
        return self.dataset_part.place(("fields", index, *path))

    def faq(self, question: str, *path: str) -> Place:
        """Where the FAQ entry asking ``question`` (or its key ``path``) is written."""
        index = self.faq_part.index_of("entries", "question", question)
        if index is None:
            return self.faq_part.place(("entries",))
        return self.faq_part.place(("entries", index, *path), key=bool(path))


def locator(
    specs: SpecSet | None, resolved: ResolvedTemplate, cache: Documents | None = None
) -> Locator:
    """The :class:`Locator` of ``resolved``, one of ``specs`` (current or released)."""
    docs = cache or Documents()
    if specs is None:
        empty = _Part(None, resolved.source)
        return Locator(empty, _Part(None, ""), _Part(None, ""))
    if resolved.released:
        file = resolved.source
        doc = docs.get(file)
        return Locator(
            _Part(doc, file, ("template",)),
            _Part(doc, file, ("dataset",)),
            _Part(doc, file, ("faq",)),
        )
    template_file = resolved.source or specs.source_of(resolved.template)
    dataset_file = specs.source_of(resolved.dataset)
    faq_file = specs.source_of(resolved.faq) if resolved.faq is not None else ""
    return Locator(
        _Part(docs.get(template_file), template_file),
        _Part(docs.get(dataset_file), dataset_file),
        _Part(docs.get(faq_file), faq_file),
    )
