"""The attribute docstrings of the spec models, as field descriptions, when first needed.

The docstring under each attribute in ``spec.models`` documents the spec language; the JSON
Schema and the reference tables (``spec.schema``) show it as the field's description. The
models do not ask pydantic to read them as each class is made (``use_attribute_docstrings``):
on Python before 3.13 that walks the call stack and tokenises the source once per class,
about a sixth of the library's start-up, for text that only the schema and the reference use.
:func:`describe_fields` reads the module's source once, with :mod:`ast`, the way pydantic
does, and gives each field without a description its docstring.
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, get_args

from pydantic import BaseModel


@cache
def _class_docstrings(module: ModuleType) -> dict[str, dict[str, str]]:
    """Class name -> attribute -> its docstring, for the classes defined in ``module``."""
    source = Path(str(module.__file__)).read_text(encoding="utf-8")
    found: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for first, second in zip(node.body, node.body[1:], strict=False):
            # `name: type = default` followed by a bare string: that string documents it.
            if (
                isinstance(first, ast.AnnAssign)
                and isinstance(first.target, ast.Name)
                and isinstance(second, ast.Expr)
                and isinstance(second.value, ast.Constant)
                and isinstance(second.value.value, str)
            ):
                docs[first.target.id] = inspect.cleandoc(second.value.value)
        found[node.name] = docs
    return found


def attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Each attribute of ``model`` -> its docstring, inherited ones included (a subclass's
    own docstring wins, as when it narrows ``kind``)."""
    docs: dict[str, str] = {}
    for cls in reversed(model.__mro__):
        if cls is BaseModel or not issubclass(cls, BaseModel):
            continue  # pydantic's own attributes and ``object`` are not spec keys
        module = inspect.getmodule(cls)
        if module is not None and getattr(module, "__file__", None):
            docs.update(_class_docstrings(module).get(cls.__name__, {}))
    return docs


def describe_fields(models: Sequence[type[BaseModel]]) -> None:
    """Give every field of ``models`` without a description its attribute docstring.

    A model whose schema was already built (a spec was validated in this process, or the
    model was made as a default) is rebuilt, the models it is made of first, so that the
    models containing it take the descriptions too.
    """
    changed = False
    for model in models:
        docs = attribute_docstrings(model)
        for name, info in model.model_fields.items():
            if info.description is None and name in docs:
                info.description = docs[name]
                changed = True
    if changed:
        for model in sorted(models, key=_depth):
            if model.__pydantic_complete__:
                model.model_rebuild(force=True)


def _depth(model: type[BaseModel]) -> int:
    """1 for a model made of plain values; 1 + the deepest model among its fields' types."""
    return 1 + max((_depth(part) for part in _parts(model)), default=0)


def _parts(model: type[BaseModel]) -> set[type[BaseModel]]:
    """The models that the fields of ``model`` hold, inside lists and unions too."""
    found: set[type[BaseModel]] = set()
    pending: list[Any] = [info.annotation for info in model.model_fields.values()]
    while pending:
        annotation = pending.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.add(annotation)
        else:
            pending.extend(get_args(annotation))
    return found
