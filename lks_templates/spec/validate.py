"""Check one loaded spec document: its kind, its shape and its names.

Shape errors come from pydantic and are translated into located problems with stable
codes (``unknown-key``, ``wrong-type``, ``missing-key``, ``bad-version``, ``bad-value``).
Checks that need other files (dataset fields, FAQ ids, formulas over fields) live in
``spec.crossref``; formula checks in ``spec.formulas``.
"""

from __future__ import annotations

import re
import types
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from lks_templates.errors import Problem
from lks_templates.spec.loader import DataPath, LoadedDocument, Position
from lks_templates.spec.models import (
    SPEC_LANGUAGE_VERSION,
    AnySpec,
    BenchmarkSpec,
    DatasetSpec,
    FaqSpec,
    FormSpec,
    ReleaseSpec,
    TemplateSpec,
)
from lks_templates.spec.names import (
    MAX_LIST_LENGTH,
    did_you_mean,
    generator_name_message,
    is_generator_name,
    name_problem,
)

KINDS: dict[str, type[BaseModel]] = {
    "dataset": DatasetSpec,
    "template": TemplateSpec,
    "form": FormSpec,
    "faq": FaqSpec,
    "benchmark": BenchmarkSpec,
    "release": ReleaseSpec,
}
"""The ``kind`` of each spec document and the model it is validated into."""

_BAD_VALUE_TYPES = {
    "literal_error",
    "enum",
    "string_pattern_mismatch",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "too_short",
    "too_long",
    "string_too_short",
    "string_too_long",
}


def problem_at(doc: LoadedDocument, where: Position, code: str, message: str) -> Problem:
    """A problem in ``doc`` at ``where``."""
    return Problem(code, message, file=doc.file, line=where.line, column=where.column)


def dotted(path: Sequence[str | int]) -> str:
    """``fields[2].constraints.minimum`` for messages."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "the document"


def check_document(doc: LoadedDocument) -> tuple[AnySpec | None, list[Problem]]:
    """Validate one document on its own: the typed spec (None when its shape is wrong) and
    every problem found, including naming problems that leave the shape valid."""
    data = doc.data
    model = _kind_model(doc)
    if isinstance(model, Problem):
        return None, [model]
    version = data.get("spec")
    if "spec" in data and not (type(version) is int and version == SPEC_LANGUAGE_VERSION):
        where = doc.value_position(("spec",))
        return None, [
            problem_at(doc, where, "unsupported-spec-version",
                       f"This library reads spec-language version {SPEC_LANGUAGE_VERSION}, "
                       f"not {version!r}; write `spec: {SPEC_LANGUAGE_VERSION}` or upgrade "
                       "lks-templates.")
        ]  # fmt: skip
    problems = name_problems(doc)
    try:
        spec = model.model_validate(data, strict=True)
    except ValidationError as error:
        return None, shape_problems(doc, model, error) + problems
    assert isinstance(
        spec, DatasetSpec | TemplateSpec | FormSpec | FaqSpec | BenchmarkSpec | ReleaseSpec
    )
    if isinstance(spec, ReleaseSpec):
        from lks_templates.spec.release import release_problems

        problems += release_problems(doc, spec)
    # Name problems do not stop the spec from being cross-checked: every problem is reported.
    return spec, problems


def _kind_model(doc: LoadedDocument) -> type[BaseModel] | Problem:
    kind = doc.data.get("kind")
    allowed = ", ".join(KINDS)
    if "kind" not in doc.data:
        return problem_at(
            doc,
            doc.value_position(()),
            "missing-key",
            f"The spec has no `kind`; add `kind:` with one of {allowed}.",
        )
    if isinstance(kind, str) and kind in KINDS:
        return KINDS[kind]
    hint = did_you_mean(kind, KINDS) if isinstance(kind, str) else ""
    return problem_at(
        doc,
        doc.value_position(("kind",)),
        "bad-value",
        f"`kind` is {kind!r}, which is not a kind of spec.{hint} Use one of {allowed}.",
    )


# ---------------------------------------------------------------------------------------
# pydantic errors -> located problems


def shape_problems(
    doc: LoadedDocument, model: type[BaseModel], error: ValidationError
) -> list[Problem]:
    """Translate pydantic's errors into one problem per place, with stable codes."""
    problems: list[Problem] = []
    seen: set[tuple[DataPath, str]] = set()
    for item in error.errors(include_url=False):
        loc: DataPath = tuple(item["loc"])
        kind = item["type"]
        if kind not in ("missing", "extra_forbidden"):
            # Union members add their own step ("float", "int"); keep the written part.
            while loc and loc not in doc.values:
                loc = loc[:-1]
        if any(loc[:end] in doc.refused for end in range(len(loc) + 1)):
            continue  # the loader reported this value already
        code, where, message = _translate(doc, model, loc, kind, item)
        if (loc, code) in seen:
            continue
        seen.add((loc, code))
        problems.append(problem_at(doc, where, code, message))
    return problems


def _translate(
    doc: LoadedDocument, model: type[BaseModel], loc: DataPath, kind: str, item: Any
) -> tuple[str, Position, str]:
    name = dotted(loc)
    if kind == "extra_forbidden":
        allowed = sorted(_model_at(model, loc[:-1]) or [])
        key = str(loc[-1])
        message = (f"`{key}` is not a key here.{did_you_mean(key, allowed)} "
                   f"Allowed keys: {', '.join(allowed)}.")  # fmt: skip
        return "unknown-key", doc.key_position(loc), message
    if kind == "missing":
        where = f"`{dotted(loc[:-1])}`" if loc[:-1] else "The spec"
        message = f"{where} needs the key `{loc[-1]}`; add it."
        return "missing-key", doc.value_position(loc[:-1]), message
    value = item.get("input")
    if loc[:1] == ("version",):
        message = (f"`version` is {_show(value)}, not a semantic version; write three numbers "
                   "such as `1.0.0` (major.minor.patch).")  # fmt: skip
        return "bad-version", doc.value_position(loc), message
    annotation = _annotation_at(model, loc)
    if kind in _BAD_VALUE_TYPES:
        return "bad-value", doc.value_position(loc), _bad_value(name, value, annotation, item)
    expected = _describe(annotation) if annotation is not None else "something else"
    message = f"`{name}` should be {expected}, not {_describe_value(value)}.{_type_hint(value)}"
    return "wrong-type", doc.value_position(loc), message


def _bad_value(name: str, value: Any, annotation: Any, item: Any) -> str:
    choices = _literal_choices(annotation)
    if choices:
        hint = did_you_mean(value, choices) if isinstance(value, str) else ""
        return (f"`{name}` is {_show(value)}, which is not allowed.{hint} "
                f"Use one of: {', '.join(choices)}.")  # fmt: skip
    if item["type"] == "too_short" and isinstance(value, list) and not value:
        return f"`{name}` is an empty list; list at least one, or remove the key."
    if item["type"] == "string_too_long" and isinstance(value, str):
        limit = item.get("ctx", {}).get("max_length")
        why = " (an id names the workbook file)" if name == "id" else ""
        return f"`{name}` is {len(value):,} characters long; at most {limit} are allowed{why}. Shorten it."  # noqa: E501
    if item["type"] == "string_pattern_mismatch" and name.endswith("id"):
        return (f"`{name}` is {_show(value)}; an id is lower-case letters and digits in words "
                "joined by hyphens, such as `monthly-activity`.")  # fmt: skip
    reason = str(item["msg"]).removeprefix("Input ").removeprefix("Value ")
    return f"`{name}` is {_show(value)}; it {reason}."


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else f"{text[:57]}..."


def _type_hint(value: Any) -> str:
    if isinstance(value, bool):
        return (" YAML reads yes, no, on, off, true and false as true or false; put the "
                "value in quotes if it is text.")  # fmt: skip
    if value is None:
        return " The value is empty; write one after the colon or remove the key."
    if isinstance(value, int | float | date):
        return " Put the value in quotes if it is meant as text."
    return ""


def _describe_value(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, str):
        return f"text ({_show(value)})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, date):
        return f"a date ({value.isoformat()})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__  # pragma: no cover - YAML yields only the types above


def _strip(annotation: Any) -> Any:
    """Drop ``Annotated`` and ``None`` from an annotation."""
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        if len(members) == 1:
            return _strip(members[0])
    return annotation


def _annotation_at(model: type[BaseModel], loc: DataPath) -> Any:
    """The declared type of the value at ``loc``, or None when the path leaves the models."""
    annotation: Any = model
    for part in loc:
        annotation = _strip(annotation)
        if isinstance(part, int):
            if get_origin(annotation) is not list:
                return None
            annotation = get_args(annotation)[0]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
            info = annotation.model_fields.get(part)
            if info is None:
                return None
            annotation = info.annotation
        else:
            return None
    return annotation


def _model_at(model: type[BaseModel], loc: DataPath) -> list[str] | None:
    annotation = _strip(_annotation_at(model, loc))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return None


def _literal_choices(annotation: Any) -> list[str]:
    annotation = _strip(annotation)
    if get_origin(annotation) is Literal:
        return [str(choice) for choice in get_args(annotation)]
    return []


def _describe(annotation: Any) -> str:
    annotation = _strip(annotation)
    origin = get_origin(annotation)
    if origin is Literal:
        return "one of " + ", ".join(str(a) for a in get_args(annotation))
    if origin is list:
        return f"a list of {_describe(get_args(annotation)[0]).removeprefix('a ')}"
    if origin in (Union, types.UnionType):
        members = {a for a in get_args(annotation) if a is not type(None)}
        if members <= {int, float}:
            return "a number"
        return " or ".join(_describe(a) for a in get_args(annotation) if a is not type(None))
    simple = {str: "text", int: "a whole number", float: "a number", bool: "true or false"}
    if annotation in simple:
        return simple[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "a mapping of keys to values"
    return "a value"


# ---------------------------------------------------------------------------------------
# names within one file


def name_problems(doc: LoadedDocument) -> list[Problem]:
    """Naming rules, duplicates within the file, and Excel's list-length limit.

    Works on the raw data, so that names are checked even when the shape is wrong elsewhere.
    """
    kind = doc.data.get("kind")
    if kind == "dataset":
        return _dataset_checks(doc) + _chart_texts(doc, [("fields", "title"), ("fields", "unit")])
    if kind == "template":
        problems = _named_items(doc, ["derived", "kpis", "rules"])
        problems += _chart_texts(
            doc, [("derived", "title"), ("derived", "unit"), ("charts", "title")]
        )
        return problems + _listed_fields(doc, ["profile", "measures"])
    if kind == "form":
        return _named_items(doc, ["rules"]) + _listed_fields(doc, ["fields"])
    if kind == "benchmark":
        from lks_templates.spec.benchmark import benchmark_shape_problems

        return _named_items(doc, ["peer_groups"]) + benchmark_shape_problems(doc)
    return []


def _chart_texts(doc: LoadedDocument, keys: Iterable[tuple[str, str]]) -> list[Problem]:
    """Texts that can name a chart, its series or its axis must not start with ``=``: a
    chart takes such a name as a formula (``=cmd|' /C calc'!A0`` would be a reference)."""
    problems: list[Problem] = []
    for group, key in keys:
        for index, item in _items(doc, group):
            text = item.get(key) if isinstance(item, dict) else None
            if isinstance(text, str) and text.startswith("="):
                where = doc.value_position((group, index, key))
                problems.append(problem_at(doc, where, "bad-value",
                                           f"`{group}[{index}].{key}` starts with `=`, which a "
                                           "chart would read as a formula; start it with a "
                                           "word."))  # fmt: skip
    return problems


def _items(doc: LoadedDocument, key: str) -> list[tuple[int, Any]]:
    value = doc.data.get(key)
    return list(enumerate(value)) if isinstance(value, list) else []


def _named_items(doc: LoadedDocument, groups: Iterable[str]) -> list[Problem]:
    """Check each ``name`` and report the second of any two equal names."""
    problems: list[Problem] = []
    first: dict[str, Position] = {}
    for group in groups:
        for index, item in _items(doc, group):
            name = item.get("name") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            where = doc.value_position((group, index, "name"))
            found = name_problem(name)
            if found:
                problems.append(problem_at(doc, where, *found))
            if is_generator_name(name):
                problems.append(
                    problem_at(doc, where, "reserved-name", generator_name_message(name))
                )
            elif name in first:
                problems.append(problem_at(doc, where, "duplicate-name",
                                           f"`{name}` is already used at line "
                                           f"{first[name].line}; every field, derived figure, "
                                           "KPI and rule needs its own name."))  # fmt: skip
            else:
                first[name] = where
    return problems


def _listed_fields(doc: LoadedDocument, keys: Iterable[str]) -> list[Problem]:
    problems: list[Problem] = []
    first: dict[str, Position] = {}
    for key in keys:
        for index, name in _items(doc, key):
            if not isinstance(name, str):
                continue
            where = doc.value_position((key, index))
            if name in first:
                problems.append(
                    problem_at(
                        doc,
                        where,
                        "duplicate-name",
                        f"`{name}` is already listed at line "
                        f"{first[name].line}; list each field once.",
                    )
                )
            else:
                first[name] = where
    return problems


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _weights(doc: LoadedDocument) -> list[Problem]:
    """``weighted_by`` is for a monthly ``mean`` field and names a monthly number field."""
    fields: dict[str, dict[str, Any]] = {
        f["name"]: f
        for _, f in _items(doc, "fields")
        if isinstance(f, dict) and isinstance(f.get("name"), str)
    }
    problems: list[Problem] = []
    for index, field in _items(doc, "fields"):
        weight = field.get("weighted_by") if isinstance(field, dict) else None
        if not isinstance(weight, str):
            continue
        where = doc.value_position(("fields", index, "weighted_by"))
        other = fields.get(weight)
        if field.get("aggregate") != "mean":
            message = (
                f"`weighted_by` weights the Year to date of a mean, but `{field.get('name')}` "
                "is not `aggregate: mean`; remove `weighted_by` or set `aggregate: mean`."
            )
        elif other is None:
            message = (
                f"`{weight}` is not a field of this dataset.{did_you_mean(weight, fields)} "
                "Name the field that counts what each period's mean is of."
            )
        elif (
            other.get("type", "number") not in ("number", "integer")
            or other.get("frequency", "monthly") != "monthly"
            or weight == field.get("name")
        ):
            message = (
                f"`{weight}` cannot weight `{field.get('name')}`: the weight must be another "
                "monthly number field (the count each period's mean is of)."
            )
        else:
            continue
        problems.append(problem_at(doc, where, "bad-weight", message))
    return problems


def _renames(doc: LoadedDocument) -> list[Problem]:
    """``renamed_from`` names an old name no other field has, now or as an old name."""
    current = {
        f.get("name"): index
        for index, f in _items(doc, "fields")
        if isinstance(f, dict) and isinstance(f.get("name"), str)
    }
    claimed: dict[str, str] = {}
    problems: list[Problem] = []
    for index, field in _items(doc, "fields"):
        if not isinstance(field, dict):
            continue
        old = field.get("renamed_from")
        names = [old] if isinstance(old, str) else old if isinstance(old, list) else []
        for position, name in enumerate(names):
            if not isinstance(name, str):
                continue
            path: DataPath = ("fields", index, "renamed_from")
            if isinstance(old, list):
                path = (*path, position)
            where = doc.value_position(path)
            owner = str(field.get("name"))
            bad = name_problem(name)
            if bad:
                problems.append(problem_at(doc, where, bad[0], bad[1]))
            elif name in current:
                problems.append(problem_at(doc, where, "rename-clash",
                                           f"`{owner}` says it was renamed from `{name}`, but "
                                           f"`{name}` is still a field here; a return's "
                                           f"`{name}` cannot go to both."))  # fmt: skip
            elif name in claimed and claimed[name] != owner:
                problems.append(problem_at(doc, where, "rename-clash",
                                           f"`{owner}` and `{claimed[name]}` both say they were "
                                           f"renamed from `{name}`; a return's `{name}` can go "
                                           "to one field only."))  # fmt: skip
            claimed.setdefault(name, owner)
    return problems


def _dataset_checks(doc: LoadedDocument) -> list[Problem]:
    problems = _named_items(doc, ["fields"]) + _weights(doc) + _renames(doc)
    for index, field in _items(doc, "fields"):
        rules = field.get("constraints") if isinstance(field, dict) else None
        if not isinstance(rules, dict):
            continue
        path: DataPath = ("fields", index, "constraints")
        enum = rules.get("enum")
        if isinstance(enum, list) and len(",".join(map(str, enum))) > MAX_LIST_LENGTH:
            length = len(",".join(map(str, enum)))
            problems.append(
                problem_at(
                    doc,
                    doc.value_position((*path, "enum")),
                    "enum-too-long",
                    f"The allowed values joined with commas are {length} "
                    f"characters; Excel's drop-down lists allow "
                    f"{MAX_LIST_LENGTH}. Shorten or merge some values.",
                )
            )
        if isinstance(enum, list):
            problems += _enum_choices(doc, (*path, "enum"), enum)
        low, high = rules.get("minimum"), rules.get("maximum")
        if _is_number(low) and _is_number(high) and float(low) > float(high):  # type: ignore[arg-type]
            problems.append(
                problem_at(
                    doc,
                    doc.value_position((*path, "maximum")),
                    "bad-value",
                    f"`maximum` ({high}) is below `minimum` ({low}); swap or correct them.",
                )
            )
        pattern = rules.get("pattern")
        if isinstance(pattern, str):
            try:
                re.compile(pattern)
            except re.error as error:
                problems.append(
                    problem_at(
                        doc,
                        doc.value_position((*path, "pattern")),
                        "bad-value",
                        f"`pattern` is not a valid regular expression ({error}); correct it.",
                    )
                )
    return problems


def _enum_choices(doc: LoadedDocument, path: DataPath, enum: list[Any]) -> list[Problem]:
    """Choices a drop-down list can hold: its source is the choices joined by commas, in
    double quotes, so a comma would split a choice in two and a quote break the formula."""
    problems: list[Problem] = []
    for index, choice in enumerate(enum):
        if not isinstance(choice, str):
            continue
        for char, what in ((",", "a comma"), ('"', "a double quote")):
            if char in choice:
                message = (
                    f"The choice {_show(choice)} holds {what}, which a drop-down list cannot "
                    "show (its choices are separated by commas, in double quotes); write it "
                    "without."
                )
                where = doc.value_position((*path, index))
                problems.append(problem_at(doc, where, "bad-value", message))
                break
    return problems
