"""Read a YAML spec file into plain Python data plus the position of every key and value.

A node tree whose nodes carry start and end marks is composed from PyYAML's events;
walking it (instead of ``yaml.safe_load``) keeps those marks, so every later problem can
name the exact line and column. The walk also catches what ``safe_load`` silently accepts:
duplicate keys (the last one would win), text no workbook can store, numbers no spreadsheet
can hold; and it enforces the limits of ``spec.limits`` (nesting depth, alias expansion),
so no file can exhaust the stack or memory.

Positions are 1-based, as editors and compilers print them.
"""

from __future__ import annotations

import math
import os
import stat
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.error import Mark
from yaml.events import (
    AliasEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from lks_templates.errors import Problem
from lks_templates.spec.limits import (
    ILLEGAL_CHARACTER,
    MAX_DEPTH,
    MAX_TEXT_LENGTH,
)
from lks_templates.spec.limits import MAX_BYTES as MAX_BYTES  # re-exported: tableschema
from lks_templates.spec.limits import MAX_NODES as MAX_NODES

DataPath = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and list indices from the top."""

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
    refused: set[DataPath] = field(default_factory=set)
    """Values the loader reported and left out (None in ``data``), so that later checks do
    not report them again as missing or of the wrong type."""

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
    raw = read_bounded(Path(path), file)
    if isinstance(raw, Problem):
        return None, [raw]
    if b"\x00" in raw:
        return None, [_not_text(file)]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [_not_text(file)]
    return load_text(text, file)


def read_bounded(path: Path, file: str, what: str = "a spec") -> bytes | Problem:
    """The file's bytes, or why they cannot be read: never waits and never reads more than
    ``MAX_BYTES`` plus one. ``what`` names the kind of file in messages.

    Opened without blocking and checked on the open handle (not on the name, which could
    change in between), so a named pipe or a device (``/dev/zero``) is refused at once
    instead of hanging or filling memory.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        handle = os.open(path, flags)
    except OSError as error:
        return _unreadable(file, error)
    try:
        mode = os.fstat(handle).st_mode
        if stat.S_ISDIR(mode):
            return Problem("not-a-file", "This is a folder, not a spec file.", file=file)
        if not stat.S_ISREG(mode):
            return Problem(
                "not-a-file",
                "This is not a regular file (a named pipe, a socket or a device); "
                f"{what} must be a file saved on disk.",
                file=file,
            )
        with os.fdopen(handle, "rb", closefd=False) as stream:
            raw = stream.read(MAX_BYTES + 1)
    except OSError as error:
        return _unreadable(file, error)
    finally:
        os.close(handle)
    if len(raw) > MAX_BYTES:
        return Problem(
            "unreadable-file",
            f"The file is over {MAX_BYTES:,} bytes; {what} should be far smaller "
            f"(limit {MAX_BYTES:,}). Check that this is the right file.",
            file=file,
        )
    return raw


def _unreadable(file: str, error: OSError) -> Problem:
    reason = error.strerror or type(error).__name__
    return Problem(
        "unreadable-file",
        f"Cannot read the file ({reason}). Check that it exists and that you may read it.",
        file=file,
    )


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
    except _LimitExceeded as limit:
        return None, [limit.problem(file)]
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
    try:
        data = walker.walk(root, (), 0)
    except _LimitExceeded as limit:
        # A file past a limit is not checked further: its data is cut short, and what
        # follows would be noise (keys "missing" only because they were never read).
        return None, [limit.problem(file)]
    doc = LoadedDocument(
        file, data, walker.values, walker.keys, walker.inline_shift, walker.refused
    )
    return doc, walker.problems


class _LimitExceeded(Exception):
    """A documented limit is passed at ``mark``; the file is refused with one problem."""

    def __init__(self, code: str, message: str, mark: Mark) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.mark = mark

    def problem(self, file: str) -> Problem:
        return Problem(
            self.code, self.message, file=file, line=self.mark.line + 1,
            column=self.mark.column + 1,
        )  # fmt: skip


def _too_deep(mark: Mark) -> _LimitExceeded:
    return _LimitExceeded(
        "too-deep",
        f"Lists and mappings are nested more than {MAX_DEPTH} levels deep here (aliases "
        "and merge keys count); a spec needs a handful. Flatten the structure.",
        mark,
    )


def _compose(text: str) -> Node | None:
    """The node tree, by libyaml when present (several times faster than pure Python).

    On any error the pure-Python parser runs again, so that messages and positions are the
    same wherever the library runs, with or without libyaml.
    """
    fast = getattr(yaml, "CSafeLoader", None)
    if fast is not None:
        try:
            return _compose_with(fast, text)
        except yaml.YAMLError:
            pass
    return _compose_with(yaml.SafeLoader, text)


def _compose_with(loader_class: Any, text: str) -> Node | None:
    """PyYAML's composer without its recursion: nodes are built from the parser's events
    with an explicit stack, so nesting is checked against ``MAX_DEPTH`` as it is read and no
    depth of brackets or indentation can exhaust Python's stack (or libyaml's C stack)."""
    loader = loader_class(text)
    try:
        loader.get_event()  # StreamStartEvent
        if loader.check_event(StreamEndEvent):
            return None
        document = loader.get_event()  # DocumentStartEvent
        root = _compose_document(loader)
        loader.get_event()  # DocumentEndEvent
        if not loader.check_event(StreamEndEvent):
            extra = loader.get_event()
            raise ComposerError(
                "expected a single document in the stream", document.start_mark,
                "but found another document", extra.start_mark,
            )  # fmt: skip
        return root
    finally:
        loader.dispose()


def _compose_document(loader: Any) -> Node:
    anchors: dict[str, Node] = {}
    # Open collections, innermost last; for a mapping, the key waiting for its value.
    stack: list[tuple[SequenceNode | MappingNode, list[Node]]] = []
    while True:
        event = loader.get_event()
        # libyaml's marks are typed apart from PyYAML's but have the same fields.
        start: Mark = event.start_mark
        end: Mark = event.end_mark
        node: Node
        if isinstance(event, AliasEvent):
            if event.anchor not in anchors:
                raise ComposerError(None, None, f"found undefined alias {event.anchor!r}", start)
            node = _Alias(anchors[event.anchor], start)
        elif isinstance(event, ScalarEvent):
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(ScalarNode, event.value, event.implicit)
            node = ScalarNode(tag, event.value, start, end, style=event.style)
            _anchor(anchors, event, node)
        elif isinstance(event, SequenceStartEvent | MappingStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _too_deep(start)
            kind = SequenceNode if isinstance(event, SequenceStartEvent) else MappingNode
            tag = event.tag
            if tag is None or tag == "!":
                tag = loader.resolve(kind, None, event.implicit)
            opened = kind(tag, [], start, None, flow_style=event.flow_style)
            _anchor(anchors, event, opened)
            stack.append((opened, []))
            continue
        else:  # SequenceEndEvent or MappingEndEvent
            node, _ = stack.pop()
            node.end_mark = end
        if not stack:
            return node
        parent, pending = stack[-1]
        if isinstance(parent, SequenceNode):
            parent.value.append(node)
        elif pending:
            parent.value.append((pending.pop(), node))
        else:
            pending.append(node)


class _Alias(Node):
    """Where an alias (``*name``) is written, and the node it stands for.

    The walker reports a limit passed inside an alias at the outermost alias that led there,
    not deep inside the anchor, which may be far above in the file.
    """

    id = "alias"

    def __init__(self, target: Node, mark: Mark) -> None:
        super().__init__(target.tag, target.value, mark, mark)
        self.target = target


def _target(node: Node) -> Node:
    return node.target if isinstance(node, _Alias) else node


def _anchor(anchors: dict[str, Node], event: Any, node: Node) -> None:
    anchor = event.anchor
    if anchor is None:
        return
    if anchor in anchors:
        raise ComposerError(
            f"found duplicate anchor {anchor!r}; first occurrence", anchors[anchor].start_mark,
            "second occurrence", event.start_mark,
        )  # fmt: skip
    anchors[anchor] = node


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
    """Turns a node tree into data, recording positions and catching duplicate keys.

    Recursion here is bounded: ``depth`` (list and mapping levels, aliases and merge keys
    included) stops at ``MAX_DEPTH``, and the value budget at ``MAX_NODES``.
    """

    def __init__(self, text: str, file: str) -> None:
        self.text = text
        self.file = file
        self.values: dict[DataPath, Position] = {}
        self.keys: dict[DataPath, Position] = {}
        self.inline_shift: dict[DataPath, int] = {}
        self.problems: list[Problem] = []
        self.refused: set[DataPath] = set()
        self._constructor = SafeConstructor()
        self._budget = MAX_NODES
        self._active: set[int] = set()

    def walk(self, node: Node, path: DataPath, depth: int, site: Mark | None = None) -> Any:
        """The data of ``node`` at ``path``; ``site``: the outermost alias on the way."""
        if isinstance(node, _Alias):
            site = site or node.start_mark
            if id(node.target) in self._active:
                self._problem(
                    node,
                    "yaml-syntax",
                    "An alias refers to a value that contains it; remove the recursive `*` alias.",
                )
                return None
            node = node.target
        self._budget -= 1
        if self._budget < 0:
            raise _LimitExceeded(
                "too-many-values",
                f"The YAML expands to more than {MAX_NODES:,} values; check anchors and "
                "aliases (`&`, `*`): a few lines of them can repeat a value billions of times.",
                site or node.start_mark,
            )
        if depth >= MAX_DEPTH and not isinstance(node, ScalarNode):
            raise _too_deep(site or node.start_mark)  # as the composer counts levels
        self.values.setdefault(path, _position(node))
        if isinstance(node, ScalarNode):
            return self._scalar(node, path)
        self._active.add(id(node))
        try:
            if isinstance(node, SequenceNode):
                return [
                    self.walk(item, (*path, i), depth + 1, site)
                    for i, item in enumerate(node.value)
                ]
            assert isinstance(node, MappingNode)
            return self._mapping(node, path, depth, site)
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
            self.refused.add(path)
            return None
        except ValueError:
            # Python refuses to read an integer of over 4,300 digits (a guard against
            # quadratic conversion); no spreadsheet holds one anyway.
            self._problem(node, "bad-number", _number_message(f"{len(node.value):,} digits"))
            self.refused.add(path)
            return None
        if isinstance(value, str):
            self._text(node, path, value)
        elif _unholdable(value):
            self._problem(node, "bad-number", _number_message(_show_number(value)))
            self.refused.add(path)
            return None
        return value

    def _text(self, node: ScalarNode, path: DataPath, value: str) -> None:
        if node.start_mark.line == node.end_mark.line:
            source = self.text[node.start_mark.index : node.end_mark.index]
            if source == value:
                self.inline_shift[path] = 0
            elif node.style in ("'", '"') and source[1:-1] == value:
                self.inline_shift[path] = 1
        illegal = ILLEGAL_CHARACTER.search(value)
        if illegal is not None:
            where = self.values[path]
            shift = self.inline_shift.get(path)
            if shift is not None:
                where = Position(where.line, where.column + shift + illegal.start())
            self.problems.append(Problem(
                "illegal-character",
                f"This text holds the character U+{ord(illegal.group()):04X} (a control "
                "character), which no workbook can store; remove the escape that writes it.",
                file=self.file, line=where.line, column=where.column,
            ))  # fmt: skip
        elif len(value) > MAX_TEXT_LENGTH:
            self._problem(
                node,
                "text-too-long",
                f"This text is {len(value):,} characters long; a spreadsheet cell holds at "
                f"most {MAX_TEXT_LENGTH:,}. Shorten it.",
            )

    def _mapping(
        self, node: MappingNode, path: DataPath, depth: int, site: Mark | None
    ) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, Position] = {}
        merges: list[Node] = []
        for written_key, value_node in node.value:
            key_node = _target(written_key)
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
            if ILLEGAL_CHARACTER.search(key):
                self._problem(key_node, "illegal-character",
                              "This key holds a control character; retype it.")  # fmt: skip
            self.keys.setdefault((*path, key), where)
            result[key] = self.walk(value_node, (*path, key), depth + 1, site)
        for merge in merges:
            self._merge(result, merge, path, depth, site)
        return result

    def _merge(
        self, result: dict[str, Any], merge: Node, path: DataPath, depth: int, site: Mark | None
    ) -> None:
        """YAML merge keys (``<<: *defaults``): explicit keys win over merged ones."""
        written_list = _target(merge)
        sources = written_list.value if isinstance(written_list, SequenceNode) else [merge]
        for written in sources:
            where = site or (written.start_mark if isinstance(written, _Alias) else None)
            source = _target(written)
            if not isinstance(source, MappingNode):
                self._problem(
                    source,
                    "wrong-type",
                    "A merge key (`<<`) takes an alias of a mapping, such as `<<: *defaults`.",
                )
                continue
            if id(source) in self._active:
                self._problem(
                    written,
                    "yaml-syntax",
                    "A merge key (`<<`) refers to the mapping that holds it; merge another "
                    "mapping or remove the `<<` line.",
                )
                continue
            if depth + 1 >= MAX_DEPTH:
                raise _too_deep(where or source.start_mark)
            self._budget -= 1
            self._active.add(id(source))
            try:
                merged = self._mapping(source, path, depth + 1, where)
            finally:
                self._active.discard(id(source))
            for key, value in merged.items():
                result.setdefault(key, value)

    def _problem(self, node: Node, code: str, message: str) -> None:
        where = _position(node)
        self.problems.append(
            Problem(code, message, file=self.file, line=where.line, column=where.column)
        )


def _unholdable(value: Any) -> bool:
    """A number no spreadsheet can hold: infinite, not a number, or beyond ±1.8E+308."""
    if isinstance(value, bool):
        return False
    if isinstance(value, float):
        return not math.isfinite(value)
    return isinstance(value, int) and abs(value) > sys.float_info.max


def _show_number(value: float | int) -> str:
    if isinstance(value, int):
        return f"{len(str(abs(value))):,} digits"
    return "not a number" if math.isnan(value) else "infinite"


def _number_message(what: str) -> str:
    return (
        f"This number ({what}) is beyond what a spreadsheet can hold (about 1.8E+308 at "
        "most); write a smaller number, or quote it if it is text."
    )
