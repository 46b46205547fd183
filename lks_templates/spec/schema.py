"""JSON Schema and Markdown reference of the spec language, generated from the models.

The schema is committed at ``schema/lks-spec.schema.json`` so that a spec file can start
with ``# yaml-language-server: $schema=../schema/lks-spec.schema.json`` and get completion
and checking in editors. The tables of ``docs/spec-reference.md`` come from
:func:`reference_tables`. Tests keep both files in step with the models; regenerate them
with ``lks-templates schema --out schema/lks-spec.schema.json`` and
``python -m lks_templates.spec.schema --reference docs/spec-reference.md``.
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, Field, TypeAdapter
from pydantic_core import PydanticUndefined

from lks_templates.spec.docstrings import describe_fields
from lks_templates.spec.models import (
    Bands,
    BenchmarkSpec,
    Chart,
    Constraints,
    DatasetSpec,
    Derived,
    FaqEntry,
    FaqSpec,
    FieldSpec,
    FormSpec,
    Funnel,
    Kpi,
    Nearest,
    PeerGroup,
    Period,
    ReleaseSpec,
    Rule,
    TemplateSpec,
)

SCHEMA_FILE = "schema/lks-spec.schema.json"
"""Where the schema is committed, relative to the repository root."""
BEGIN_MARK = "<!-- BEGIN GENERATED KEY TABLES: do not edit by hand -->"
END_MARK = "<!-- END GENERATED KEY TABLES -->"

# Order of the reference: each kind, then the parts it is made of.
REFERENCE_MODELS: list[type[BaseModel]] = [
    DatasetSpec, FieldSpec, Constraints,
    TemplateSpec, Period, Derived, Kpi, Rule, Chart,
    FormSpec,
    FaqSpec, FaqEntry,
    BenchmarkSpec, PeerGroup, Bands, Nearest, Funnel,
    ReleaseSpec,
]  # fmt: skip
describe_fields(REFERENCE_MODELS)  # the models leave their docstrings unread (start-up)

_SpecUnion = Annotated[
    Union[DatasetSpec, TemplateSpec, FormSpec, FaqSpec, BenchmarkSpec, ReleaseSpec],  # noqa: UP007
    Field(discriminator="kind"),
]


def spec_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one spec file: one of the kinds, chosen by ``kind``."""
    schema = TypeAdapter(_SpecUnion).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "lks-templates spec",
        "description": (
            "One spec file of lks-templates: a dataset (data dictionary), a template "
            "(dashboard workbook), a form (one-record return), an FAQ or a benchmark (how "
            "returns are compared with peers), or a released snapshot written by `release`, chosen "
            "by `kind`."
        ),
        **schema,
    }


def schema_text() -> str:
    """The schema as stable, indented JSON text ending in a newline."""
    return json.dumps(spec_schema(), indent=2, ensure_ascii=False) + "\n"


def _type_name(annotation: Any) -> str:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    origin = get_origin(annotation)
    if origin is Literal:
        return " \\| ".join(f"`{value}`" for value in get_args(annotation))
    if origin is list:
        return f"list of {_type_name(get_args(annotation)[0])}"
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _type_name(members[0])
        if set(members) <= {int, float}:
            return "number"
        return " or ".join(_type_name(member) for member in members)
    simple = {str: "text", int: "whole number", float: "number", bool: "true/false"}
    if annotation in simple:
        return simple[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return f"[{annotation.__name__}](#{annotation.__name__.lower()})"
    return "any"


def _default(info: Any) -> str:
    if info.is_required():
        return "required"
    if info.default_factory is not None:
        value = info.default_factory()
        if isinstance(value, BaseModel):
            return "all defaults"
        return f"`{json.dumps(value)}`"
    if info.default is PydanticUndefined or info.default is None:
        return "none"
    return f"`{json.dumps(info.default)}`"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def reference_tables() -> str:
    """Markdown: one section per model, a table of its keys (type, default, meaning)."""
    parts: list[str] = []
    for model in REFERENCE_MODELS:
        doc = " ".join((model.__doc__ or "").split())
        parts += [f"### {model.__name__}", "", doc, ""]
        parts += ["| Key | Type | Default | Meaning |", "| --- | --- | --- | --- |"]
        for key, info in model.model_fields.items():
            meaning = _cell(info.description or "")
            parts.append(
                f"| `{key}` | {_type_name(info.annotation)} | {_default(info)} | {meaning} |"
            )
        parts.append("")
    return "\n".join(parts)


def replace_tables(document: str) -> str:
    """``document`` with the text between the generated-table marks replaced."""
    head, _, rest = document.partition(BEGIN_MARK)
    _, _, tail = rest.partition(END_MARK)
    return f"{head}{BEGIN_MARK}\n\n{reference_tables()}\n{END_MARK}{tail}"


def _main(argv: list[str]) -> int:
    """``python -m lks_templates.spec.schema --reference FILE``: refresh the tables in FILE."""
    if len(argv) != 2 or argv[0] != "--reference":
        print("usage: python -m lks_templates.spec.schema --reference FILE", file=sys.stderr)
        return 2
    path = Path(argv[1])
    path.write_text(replace_tables(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
