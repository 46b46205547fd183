"""Read a YAML spec file into plain Python data plus the position of every key and value.

PyYAML's composer gives a node tree whose nodes carry start and end marks; walking it
(instead of ``yaml.safe_load``) keeps those marks, so every later problem can name the exact
line and column. The walk also catches what ``safe_load`` silently accepts: duplicate keys
(the last one would win) and, through a node budget, alias bombs.

Positions are 1-based, as editors and compilers print them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lks_templates.errors import Problem

DataPath = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and list indices from the top."""

MAX_NODES = 50_000
"""Most nodes a spec may expand to; a spec is a few thousand at most, aliases can explode."""

MAX_BYTES = 5_000_000
"""Largest spec file read; the real supplementary dataset is well under 100 kB."""

_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass(frozen=True, order=True)
class Position:
    """A 1-based line and column in a spec file."""

    line: int
    column: int


@dataclass
class LoadedDocument:
    """One YAML document: its data and where each part of it was written."""

    file: str
    """The path as given by the caller, used in messages."""
    data: Any
    """Plain Python data (dicts, lists, str, int, float, bool, None, dates)."""
    values: dict[DataPath, Position] = field(default_factory=dict)
    """Start of every value, by path (the document itself is ``()``)."""
    keys: dict[DataPath, Position] = field(default_factory=dict)
    """Start of the key that introduces the value at a path."""
    inline_shift: dict[DataPath, int] = field(default_factory=dict)
    """For scalars written on one line without escapes: how many characters the text starts
    after the value's position (0 for plain, 1 for quoted). Character ``i`` of the value is
    then at column ``start + shift + i``."""

    def value_position(self, path: DataPath) -> Position:
        """Where the value at ``path`` starts, or its nearest written ancestor."""
        for prefix in _prefixes(path):
            if prefix in self.values:
                return self.values[prefix]
        return Position(1, 1)

    def key_position(self, path: DataPath) -> Position:
        """Where the key of ``path`` is written; the value's position for list items."""
        if path in self.keys:
            return self.keys[path]
        return self.value_position(path)

    def offset_position(self, path: DataPath, offset: int) -> Position:
        """Where character ``offset`` (0-based) of the scalar at ``path`` is written.

        Exact for plain or quoted one-line scalars; the value's start otherwise (block
        scalars and escapes change the mapping between text and source).
        """
        start = self.value_position(path)
        shift = self.inline_shift.get(path)
        if shift is None:
            return start
        return Position(start.line, start.column + shift + max(offset, 0))


def _prefixes(path: DataPath) -> Iterator[DataPath]:
    for end in range(len(path), -1, -1):
        yield path[:end]


def _position(node: Node) -> Position:
    return Position(node.start_mark.line + 1, node.start_mark.column + 1)


def load_document(path: str | Path) -> tuple[LoadedDocument | None, list[Problem]]:
    """Read one spec file. Returns the document (None when unusable) and its problems."""
    file = str(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_BYTES:
            return None, [
                Problem(
                    "unreadable-file",
                    f"The file is {size:,} bytes; a spec should be far smaller "
                    f"(limit {MAX_BYTES:,}). Check that this is the right file.",
                    file=file,
                )
            ]
        raw = Path(path).read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return None, [
            Problem(
                "unreadable-file",
                f"Cannot read the file ({reason}). Check that it exists and that you may read it.",
                file=file,
            )
        ]
    if b"\x00" in raw:
        return None, [_not_text(file)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [_not_text(file)]
    return load_text(text, file)


def _not_text(file: str) -> Problem:
    return Problem(
        "not-text",
        "This is not a UTF-8 text file; a spec must be YAML text. Save it as UTF-8 or "
        "remove it from the specs folder.",
        file=file,
    )


def load_text(text: str, file: str) -> tuple[LoadedDocument | None, list[Problem]]:
    """Parse YAML ``text`` (read from ``file``, named in messages)."""
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as error:
        return None, [_syntax_problem(error, file)]
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        char = error.character
        code_point = char if isinstance(char, int) else ord(char)
        message = (
            f"The character U+{code_point:04X} is not allowed in YAML; "
            "delete it or retype the text around it."
        )
        return None, [Problem("yaml-syntax", message, file=file, line=line, column=column)]
    except yaml.YAMLError as error:  # pragma: no cover - every PyYAML error above has a mark
        return None, [Problem("yaml-syntax", f"{error}. Fix the YAML syntax.", file=file)]
    if not isinstance(root, MappingNode):
        return None, [_not_a_mapping(root, file)]
    walker = _Walker(text, file)
    data = walker.walk(root, ())
    doc = LoadedDocument(file, data, walker.values, walker.keys, walker.inline_shift)
    return doc, walker.problems


def _compose(text: str) -> Node | None:
    """The node tree, by libyaml when present (about ten times faster than pure Python).

    On any error the pure-Python parser runs again, so that messages and positions are the
    same wherever the library runs, with or without libyaml.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return yaml.compose(text, Loader=fast)
        except yaml.YAMLError:
            pass
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _not_a_mapping(root: Node | None, file: str) -> Problem:
    if root is None:
        return Problem(
            "not-a-mapping",
            "The file holds no YAML data; a spec is a mapping that starts with "
            "`spec: 1` and `kind: ...`. Fill it in or delete the file.",
            file=file,
            line=1,
            column=1,
        )
    shape = "a list" if isinstance(root, SequenceNode) else "a single value"
    where = _position(root)
    return Problem(
        "not-a-mapping",
        f"The file holds {shape}, not a mapping of keys to values; a spec starts with "
        "`spec: 1` and `kind: ...` at the left margin.",
        file=file,
        line=where.line,
        column=where.column,
    )


def _syntax_problem(error: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    parts = [part for part in (error.context, error.problem) if part]
    what = ", ".join(parts).rstrip(".") or "invalid YAML"
    hint = "Fix the YAML syntax here (check indentation, colons and quotes)."
    if "\\t" in what or "'\\t'" in what or "tab" in what:
        hint = "YAML does not allow tabs for indentation; use spaces."
    elif "expected a single document" in what:
        hint = "Put one spec in each file (remove the `---` separator and what follows)."
    message = f"{what[:1].upper()}{what[1:]}. {hint}"
    if mark is None:  # pragma: no cover - PyYAML sets a mark on composer and parser errors
        return Problem("yaml-syntax", message, file=file)
    return Problem("yaml-syntax", message, file=file, line=mark.line + 1, column=mark.column + 1)


class _Walker:
    """Turns a node tree into data, recording positions and catching duplicate keys."""

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.values: dict[DataPath, Position] = {}
        self.keys: dict[DataPath, Position] = {}
        self.inline_shift: dict[DataPath, int] = {}
        self.problems: list[Problem] = []
        self._constructor = SafeConstructor()
        self._budget = MAX_NODES
        self._active: set[int] = set()

    def walk(self, node: Node, path: DataPath) -> Any:
        self._budget -= 1
        if self._budget == 0:
            self._problem(
                node,
                "yaml-syntax",
                "The YAML expands to too many values "
                f"(over {MAX_NODES:,}); check anchors and aliases (`&`, `*`).",
            )
        if self._budget <= 0 or id(node) in self._active:
            if id(node) in self._active:
                self._problem(
                    node,
                    "yaml-syntax",
                    "An alias refers to a value that contains it; remove the recursive `*` alias.",
                )
            return None
        self.values.setdefault(path, _position(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [self.walk(item, (*path, i)) for i, item in enumerate(node.value)]
            assert isinstance(node, MappingNode)
            return self._mapping(node, path)
        finally:
            self._active.discard(id(node))

    def _scalar(self, node: ScalarNode, path: DataPath) -> Any:
        try:
            value = self._constructor.construct_object(node)
        except ConstructorError as error:
            what = (error.problem or "unreadable value").rstrip(".")
            self._problem(
                node,
                "yaml-syntax",
                f"{what[:1].upper()}{what[1:]}; write a plain value (quote it if it is text).",
            )
            return None
        if isinstance(value, str) and node.start_mark.line == node.end_mark.line:
            source = self.text[node.start_mark.index : node.end_mark.index]
            if source == value:
                self.inline_shift[path] = 0
            elif node.style in ("'", '"') and source[1:-1] == value:
                self.inline_shift[path] = 1
        return value

    def _mapping(self, node: MappingNode, path: DataPath) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        merges: list[Node] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append(value_node)
                continue
            if not isinstance(key_node, ScalarNode):
                self._problem(
                    key_node,
                    "wrong-type",
                    "A key must be a plain word such as `title`, not a list or mapping.",
                )
                continue
            # The key's source text, not its YAML 1.1 meaning (`on:` is not `True:`).
            key = str(key_node.value)
            where = _position(key_node)
            if key in first_seen:
                first = first_seen[key]
                self._problem(
                    key_node,
                    "duplicate-key",
                    f"The key `{key}` is written twice in "
                    f"this mapping (first at line {first.line}); keep only one.",
                )
                continue
            first_seen[key] = where
            self.keys.setdefault((*path, key), where)
            result[key] = self.walk(value_node, (*path, key))
        for merge in merges:
            self._merge(result, merge, path)
        return result

    def _merge(self, result: dict[str, Any], merge: Node, path: DataPath) -> None:
        """YAML merge keys (``<<: *defaults``): explicit keys win over merged ones."""
        sources = merge.value if isinstance(merge, SequenceNode) else [merge]
        for source in sources:
            if not isinstance(source, MappingNode):
                self._problem(
                    source,
                    "wrong-type",
                    "A merge key (`<<`) takes an alias of a mapping, such as `<<: *defaults`.",
                )
                continue
            merged = self._mapping(source, path)
            for key, value in merged.items():
                result.setdefault(key, value)

    def _problem(self, node: Node, code: str, message: str) -> None:
        where = _position(node)
        self.problems.append(
            Problem(code, message, file=self.file, line=where.line, column=where.column)
        )
