"""Frictionless Table Schema interop: a dataset spec in, a dataset spec out.

A dataset spec's fields use Table Schema's own keys (``name``, ``title``, ``description``,
``type``, ``format``, ``constraints``, ``example``), so both directions are mostly a copy.
What only this project knows travels as custom properties with an ``lks:`` prefix, which
Table Schema allows and other tools ignore:

- per field: ``lks:unit``, ``lks:section``, ``lks:frequency``, ``lks:guidance``,
  ``lks:standard``, ``lks:aggregate`` (written only when it is not ``sum``),
  ``lks:weighted_by`` (only when set), ``lks:rollover`` (only when it is not ``carry``);
- per schema: ``lks:id``, ``lks:version``, ``lks:title``, ``lks:description``.

Export writes them unless asked not to (``extensions=False``); import reads them back, so a
dataset survives the round trip unchanged.

On import, what a dataset spec cannot hold is reported, never silently guessed:

- a field name that is not a valid spec name (``Total Loans``, ``fte1``, ``sum``) is an
  error located at the name, unless ``rename=True``, which converts it (documented
  conversion: lower case, runs of other characters become ``_``, a leading digit gets
  ``n_``, and a name Excel would read as a cell reference or function gets ``_value``
  appended, so ``Total Loans`` becomes ``total_loans`` and ``fte1`` becomes
  ``fte1_value``); each conversion is a warning, and the original name becomes the title
  when the field had none;
- a type other than string, integer, number, boolean or date is an error, except ``year``
  (imported as an integer) and ``any`` (imported as a string), both with a warning;
- keys a dataset spec does not have (``primaryKey``, ``rdfType``, the ``unique``
  constraint, ...) are dropped with a warning naming each one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from lks_templates.errors import Problem, Severity, SpecError, sort_problems
from lks_templates.spec.loader import DataPath, LoadedDocument, load_text, read_bounded
from lks_templates.spec.models import (
    SEMVER_PATTERN,
    SPEC_LANGUAGE_VERSION,
    DatasetSpec,
    FieldSpec,
)
from lks_templates.spec.names import name_problem, suggest_identifier

PREFIX = "lks:"
FIELD_KEYS = ("name", "title", "description", "type", "format", "constraints", "example")
"""Field keys that Table Schema and a dataset spec both understand, in output order."""
EXTENSION_KEYS = (
    "unit",
    "section",
    "frequency",
    "guidance",
    "standard",
    "aggregate",
    "weighted_by",
    "rollover",
)
"""Dataset-spec field keys carried as ``lks:<key>`` custom properties."""
CONSTRAINT_KEYS = ("required", "minimum", "maximum", "enum", "pattern", "minLength", "maxLength")
SPEC_TYPES = ("string", "integer", "number", "boolean", "date")
CONVERTED_TYPES = {"year": "integer", "any": "string"}
FREQUENCIES = ("monthly", "annual")
AGGREGATES = ("sum", "mean", "last", "none")
DEFAULT_MISSING_VALUES = [""]
SHAPE = '{"fields": [{"name": "loans", "type": "integer"}, ...]}'
"""What a Table Schema looks like, for messages about files that are not one."""


# ------------------------------------------------------------------------------- export


def export_tableschema(dataset: DatasetSpec, *, extensions: bool = True) -> dict[str, Any]:
    """The dataset as a Frictionless Table Schema descriptor (JSON-ready).

    With ``extensions`` (the default) the project's own keys travel as ``lks:`` custom
    properties, so :func:`import_tableschema` gives the same dataset back; without them the
    schema holds only what Table Schema defines.
    """
    schema: dict[str, Any] = {"fields": [_export_field(f, extensions) for f in dataset.fields]}
    schema["missingValues"] = list(DEFAULT_MISSING_VALUES)
    if extensions:
        schema[f"{PREFIX}id"] = dataset.id
        schema[f"{PREFIX}version"] = dataset.version
        schema[f"{PREFIX}title"] = dataset.title
        if dataset.description:
            schema[f"{PREFIX}description"] = dataset.description
    return schema


def _export_field(spec_field: FieldSpec, extensions: bool) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": spec_field.name,
        "title": spec_field.title,
        "description": spec_field.description,
        "type": spec_field.type,
    }
    if spec_field.format is not None:
        out["format"] = spec_field.format
    constraints = spec_field.constraints.model_dump(exclude_defaults=True)
    if constraints:
        out["constraints"] = {k: constraints[k] for k in CONSTRAINT_KEYS if k in constraints}
    if spec_field.example is not None:
        out["example"] = spec_field.example
    if extensions:
        for key in EXTENSION_KEYS:
            value = getattr(spec_field, key)
            default = {"aggregate": "sum", "rollover": "carry"}.get(key)
            if value not in ("", None) and value != default:
                out[f"{PREFIX}{key}"] = value
    return out


# ------------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    """A dataset spec (YAML-ready data) and every problem met while converting."""

    data: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]


def import_tableschema(
    path: str | Path, *, dataset_id: str | None = None, rename: bool = False
) -> dict[str, Any]:
    """Read a Table Schema (JSON or YAML) and return a dataset spec as YAML-ready data.

    Raises :class:`SpecError` carrying every error found. Warnings (dropped keys, converted
    types or names) are available from :func:`convert_tableschema`.
    """
    result = convert_tableschema(path, dataset_id=dataset_id, rename=rename)
    if result.errors:
        raise SpecError(result.errors)
    return result.data


def convert_tableschema(
    path: str | Path, *, dataset_id: str | None = None, rename: bool = False
) -> ImportResult:
    """Like :func:`import_tableschema`, but returns errors and warnings instead of raising."""
    doc, problems = _load(Path(path))
    if doc is None:
        return ImportResult({}, problems)
    converter = _Converter(doc, rename)
    data = converter.dataset(dataset_id or _default_id(doc, Path(path)))
    return ImportResult(data, sort_problems([*problems, *converter.problems]))


def _load(path: Path) -> tuple[LoadedDocument | None, list[Problem]]:
    """Parse JSON or YAML with the position of every value (JSON is read as YAML).

    Messages speak of Table Schemas, not of spec files: this is not a spec yet.
    """
    file = str(path)
    # Bounded and never blocking: a named pipe or /dev/zero is refused, not waited on.
    raw = read_bounded(path, file, "a Table Schema")
    if isinstance(raw, Problem):
        return None, [raw]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = "\x00"
    if "\x00" in text:
        message = f"This is not a UTF-8 text file; a Table Schema is JSON or YAML text: {SHAPE}."
        return None, [Problem("not-text", message, file)]
    if path.suffix.lower() == ".json":
        try:
            json.loads(text)
        except json.JSONDecodeError as error:
            message = f"This is not valid JSON: {error.msg}. Fix the JSON syntax."
            return None, [Problem("json-syntax", message, file, error.lineno, error.colno)]
        # Valid JSON has tabs only between tokens, where a space means the same and keeps
        # every column; YAML refuses some tabs that JSON allows.
        text = text.replace("\t", " ")
    doc, problems = load_text(text, file)
    return doc, [_about_schema(problem) for problem in problems]


def _about_schema(problem: Problem) -> Problem:
    """A loader problem reworded for a Table Schema (the loader's words are about specs)."""
    if problem.code == "not-a-mapping":
        message = f"This is not a Table Schema, which is a JSON object (or YAML mapping): {SHAPE}."
    elif "one spec in each file" in problem.message:
        message = "A Table Schema file holds one document; remove the `---` and what follows."
    else:
        return problem
    return replace(problem, message=message)


def _default_id(doc: LoadedDocument, path: Path) -> str:
    given = doc.data.get(f"{PREFIX}id") if isinstance(doc.data, dict) else None
    if isinstance(given, str) and given:
        return given
    slug = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return slug or "dataset"


class _Converter:
    """Turns a loaded Table Schema into dataset-spec data, collecting located problems."""

    def __init__(self, doc: LoadedDocument, rename: bool) -> None:
        self.doc = doc
        self.rename = rename
        self.problems: list[Problem] = []

    def problem(self, path: DataPath, code: str, message: str, *, warning: bool = False) -> None:
        # A key left out is pointed at by its key; anything else by its value.
        if code == "dropped-key":
            where = self.doc.key_position(path)
        else:
            where = self.doc.value_position(path)
        severity: Severity = "warning" if warning else "error"
        self.problems.append(
            Problem(code, message, self.doc.file, where.line, where.column, severity)
        )

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        schema = self.doc.data
        known = {"fields", "missingValues", *(f"{PREFIX}{k}" for k in _SCHEMA_EXTENSIONS)}
        for key in schema:
            if key not in known:
                self.problem(
                    (key,),
                    "dropped-key",
                    f"`{key}` has no place in a dataset spec and is left out.",
                    warning=True,
                )
        missing = schema.get("missingValues", DEFAULT_MISSING_VALUES)
        if missing != DEFAULT_MISSING_VALUES:
            self.problem(
                ("missingValues",),
                "dropped-key",
                "Only an empty cell means a "
                "missing value in a workbook; `missingValues` is left out.",
                warning=True,
            )
        title = schema.get(f"{PREFIX}title") or dataset_id.replace("-", " ").capitalize()
        data: dict[str, Any] = {
            "spec": SPEC_LANGUAGE_VERSION,
            "kind": "dataset",
            "id": dataset_id,
            "version": self._version(schema),
            "title": title,
        }
        if schema.get(f"{PREFIX}description"):
            data["description"] = schema[f"{PREFIX}description"]
        data["fields"] = self.fields(schema.get("fields"))
        return data

    def _version(self, schema: dict[str, Any]) -> str:
        version = schema.get(f"{PREFIX}version", "1.0.0")
        if not isinstance(version, str) or not re.match(SEMVER_PATTERN, version):
            self.problem(
                (f"{PREFIX}version",),
                "invalid-version",
                f"`{version}` is not a semantic version such as 1.0.0.",
            )
            return "1.0.0"
        return version

    def fields(self, raw: Any) -> list[dict[str, Any]]:
        if not isinstance(raw, list) or not raw:
            self.problem(
                ("fields",),
                "missing-fields",
                f"A Table Schema needs a non-empty `fields` list: {SHAPE}.",
            )
            return []
        out: list[dict[str, Any]] = []
        seen: dict[str, int] = {}
        for index, item in enumerate(raw):
            path: DataPath = ("fields", index)
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                self.problem(path, "missing-key", "Each field needs a `name` (text).")
                continue
            converted = self.field(item, path)
            name = converted["name"]
            if name in seen:
                self.problem(
                    (*path, "name"),
                    "duplicate-name",
                    f"`{name}` is also the name of field {seen[name] + 1}; "
                    "every field needs its own name.",
                )
            seen.setdefault(name, index)
            out.append(converted)
        return out

    def field(self, item: dict[str, Any], path: DataPath) -> dict[str, Any]:
        for key in item:
            if key not in FIELD_KEYS and key not in _FIELD_EXTENSIONS:
                self.problem(
                    (*path, key),
                    "dropped-key",
                    f"`{key}` has no place in a dataset spec field and is left out.",
                    warning=True,
                )
        name = self.name(item["name"], (*path, "name"))
        out: dict[str, Any] = {"name": name}
        title = item.get("title")
        if not title:
            title = item["name"] if name != item["name"] else _title_from(name)
        out["title"] = str(title)
        out["description"] = str(item.get("description") or "")
        if not out["description"]:
            self.problem(
                path,
                "missing-description",
                f"`{name}` has no description; add a one-sentence definition of what is counted.",
                warning=True,
            )
        out["type"] = self.type(item.get("type", "string"), (*path, "type"))
        if "format" in item:
            out["format"] = item["format"]
        constraints = self.constraints(item.get("constraints"), out["type"], path)
        if constraints:
            out["constraints"] = constraints
        for key in EXTENSION_KEYS:
            value = item.get(f"{PREFIX}{key}")
            if value is not None:
                out[key] = self.extension(key, value, (*path, f"{PREFIX}{key}"))
        if "example" in item:
            out["example"] = item["example"]
        return out

    def name(self, name: str, path: DataPath) -> str:
        broken = name_problem(name)
        if broken is None:
            return name
        if not self.rename:
            code, message = broken
            self.problem(path, code, f"{message} Or import with --rename to convert names.")
            return name
        new = suggest_identifier(name)
        if name_problem(new) is not None:
            new = f"{new}_value"
        self.problem(
            path,
            "renamed-field",
            f"`{name}` is not a valid spec name; imported "
            f"as `{new}`. Rename the column in your data to match.",
            warning=True,
        )
        return new

    def type(self, raw: Any, path: DataPath) -> str:
        if raw in SPEC_TYPES:
            return str(raw)
        if raw in CONVERTED_TYPES:
            new = CONVERTED_TYPES[raw]
            self.problem(
                path, "converted-type", f"Type `{raw}` is imported as `{new}`.", warning=True
            )
            return new
        self.problem(
            path,
            "unsupported-type",
            f"Type `{raw}` cannot be entered in a "
            f"workbook cell; use one of {', '.join(SPEC_TYPES)}.",
        )
        return "string"

    def constraints(self, raw: Any, kind: str, path: DataPath) -> dict[str, Any]:
        if raw is None:
            return {}
        where: DataPath = (*path, "constraints")
        if not isinstance(raw, dict):
            self.problem(where, "wrong-type", "`constraints` must be a mapping.")
            return {}
        out: dict[str, Any] = {}
        for key, value in raw.items():
            if key not in CONSTRAINT_KEYS:
                self.problem(
                    (*where, key),
                    "dropped-key",
                    f"The `{key}` constraint has no place in a dataset spec and is left out.",
                    warning=True,
                )
            elif key in ("minimum", "maximum") and not _is_number(value):
                self.problem(
                    (*where, key),
                    "unsupported-constraint",
                    f"`{key}` must be a number in a dataset spec, not {value!r}.",
                )
            elif key == "enum" and (kind != "string" or not isinstance(value, list)):
                self.problem(
                    (*where, key),
                    "unsupported-constraint",
                    "`enum` is supported "
                    "for string fields only; use minimum and maximum for numbers.",
                )
            else:
                out[key] = value
        return {k: out[k] for k in CONSTRAINT_KEYS if k in out}

    def extension(self, key: str, value: Any, path: DataPath) -> Any:
        if key == "frequency" and value not in FREQUENCIES:
            self.problem(
                path,
                "invalid-value",
                f"`{PREFIX}frequency` must be one of {', '.join(FREQUENCIES)}, not {value!r}.",
            )
            return "monthly"
        if key == "aggregate" and value not in AGGREGATES:
            self.problem(
                path,
                "invalid-value",
                f"`{PREFIX}aggregate` must be one of {', '.join(AGGREGATES)}, not {value!r}.",
            )
            return "sum"
        if key == "rollover" and value not in ROLLOVER_RULES:
            self.problem(
                path,
                "invalid-value",
                f"`{PREFIX}rollover` must be one of {', '.join(ROLLOVER_RULES)}, not {value!r}.",
            )
            return "carry"
        return str(value)


ROLLOVER_RULES = ("carry", "clear")
"""The values of a field's ``rollover`` (``spec.models.RolloverRule``)."""
_SCHEMA_EXTENSIONS = ("id", "version", "title", "description")
_FIELD_EXTENSIONS = frozenset(f"{PREFIX}{key}" for key in EXTENSION_KEYS)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _title_from(name: str) -> str:
    return name.replace("_", " ").strip().capitalize() or name
