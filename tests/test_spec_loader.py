"""The YAML loader: data, positions of keys and values, and what safe_load would hide."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from lks_templates.spec import validate_paths
from lks_templates.spec.limits import MAX_BYTES, MAX_DEPTH
from lks_templates.spec.loader import MAX_NODES, LoadedDocument, Position, load_document, load_text

TEXT = """\
spec: 1
kind: template
derived:
  - name: per_session
    formula: attendees / sessions
  - {name: quoted, formula: "a + b"}
  - name: block
    formula: |
      a + b
on: yes
"""


def _load(text: str) -> tuple[LoadedDocument | None, list[tuple[int | None, int | None, str]]]:
    doc, problems = load_text(text, "spec.yaml")
    return doc, [(p.line, p.column, p.code) for p in problems]


def test_data_and_positions() -> None:
    doc, problems = _load(TEXT)
    assert problems == []
    assert doc is not None
    assert doc.data["derived"][0] == {"name": "per_session", "formula": "attendees / sessions"}
    # Keys and values, counted by hand from TEXT (1-based).
    assert doc.keys[("derived",)] == Position(3, 1)
    assert doc.values[("derived", 0)] == Position(4, 5)
    assert doc.keys[("derived", 0, "formula")] == Position(5, 5)
    assert doc.values[("derived", 0, "formula")] == Position(5, 14)
    assert doc.values[("derived", 1, "formula")] == Position(6, 29)
    assert doc.key_position(("derived", 1)) == Position(6, 5)  # a list item has no key


def test_yaml_11_words_are_not_turned_into_keys_of_another_type() -> None:
    doc, _ = _load(TEXT)
    assert doc is not None
    assert doc.data["on"] is True  # the value is YAML's boolean...
    assert "on" in doc.data  # ...but the key stays the word that was written


def test_columns_inside_one_line_scalars() -> None:
    doc, _ = _load(TEXT)
    assert doc is not None
    # "attendees / sessions" starts at column 14; "/" is its 11th character (offset 10).
    assert doc.offset_position(("derived", 0, "formula"), 10) == Position(5, 24)
    # Quoted: the text starts one column after the quote at 29.
    assert doc.offset_position(("derived", 1, "formula"), 4) == Position(6, 34)
    # Block scalars map back to where the value starts.
    assert doc.offset_position(("derived", 2, "formula"), 4) == Position(8, 14)


def test_escapes_fall_back_to_the_value_start() -> None:
    doc, _ = _load('formula: "a\\tb + c"\n')
    assert doc is not None
    assert doc.data["formula"] == "a\tb + c"
    assert doc.offset_position(("formula",), 5) == Position(1, 10)


def test_unknown_paths_fall_back_to_the_nearest_ancestor() -> None:
    doc, _ = _load(TEXT)
    assert doc is not None
    assert doc.value_position(("derived", 0, "title")) == Position(4, 5)
    assert doc.value_position(("nothing", 3)) == Position(1, 1)


def test_duplicate_keys_name_both_lines() -> None:
    doc, problems = _load("title: one\nfields: []\ntitle: two\n")
    assert problems == [(3, 1, "duplicate-key")]
    assert doc is not None and doc.data["title"] == "one"
    _, found = load_text("title: one\nfields: []\ntitle: two\n", "x.yaml")
    assert "first at line 1" in found[0].message


def test_merge_keys_explicit_keys_win() -> None:
    doc, problems = _load("base: &b {unit: GBP, section: Finance}\nf:\n  <<: *b\n  unit: WTE\n")
    assert problems == []
    assert doc is not None and doc.data["f"] == {"unit": "WTE", "section": "Finance"}


def test_syntax_errors_are_located() -> None:
    assert _load("spec: 1\n  kind: x\n")[1] == [(2, 7, "yaml-syntax")]
    assert _load("a: 1\n\tb: 2\n")[1] == [(2, 1, "yaml-syntax")]
    assert _load("a: *nowhere\n")[1] == [(1, 4, "yaml-syntax")]
    assert _load("a: 1\n---\nb: 2\n")[1] == [(2, 1, "yaml-syntax")]
    assert _load("a: \x07\n")[1] == [(1, 4, "yaml-syntax")]
    assert _load("a: !python/object:os.system x\n")[1] == [(1, 4, "yaml-syntax")]


def test_not_a_mapping() -> None:
    assert _load("")[1] == [(1, 1, "not-a-mapping")]
    assert _load("# only a comment\n")[1] == [(1, 1, "not-a-mapping")]
    assert _load("\n\n- a\n")[1] == [(3, 1, "not-a-mapping")]
    assert _load("42\n")[1] == [(1, 1, "not-a-mapping")]


def test_recursive_alias_is_refused_without_recursing_forever() -> None:
    doc, problems = _load("a: &x [1, *x]\n")
    assert problems == [(1, 11, "yaml-syntax")]  # at the alias, not the anchor
    assert doc is not None and doc.data == {"a": [1, None]}


def test_alias_bomb_is_cut_off() -> None:
    # Ten levels of ten aliases would expand to 10**10 values.
    lines = ["l0: &l0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 11):
        lines.append(f"l{level}: &l{level} [" + ", ".join([f"*l{level - 1}"] * 10) + "]")
    doc, problems = _load("\n".join(lines) + "\n")
    # Values walked: 1 (the document) + 11 (l0) + 111 (l1) + 1,111 + 11,111 = 12,345, so
    # the 50,000th falls inside l4 (line 5): reported at the alias written there, and the
    # file goes no further (its data would be cut short).
    assert doc is None
    assert [(line, code) for line, _, code in problems] == [(5, "too-many-values")]
    assert f"more than {MAX_NODES:,} values" in load_text("\n".join(lines), "x")[1][0].message


def test_same_positions_with_and_without_libyaml(monkeypatch: pytest.MonkeyPatch) -> None:
    with_c, _ = _load(TEXT)
    monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    pure, _ = _load(TEXT)
    assert with_c is not None and pure is not None
    assert (with_c.data, with_c.values, with_c.keys, with_c.inline_shift) == (
        pure.data, pure.values, pure.keys, pure.inline_shift,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------
# Limits: each a located problem, never a traceback, a hang or a full memory.


def _codes(path: Path) -> list[tuple[int | None, int | None, str]]:
    doc, problems = load_document(path)
    assert doc is None
    return [(p.line, p.column, p.code) for p in problems]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.yaml"
    os.mkfifo(pipe)
    # No writer ever opens the pipe: reading it would wait for ever.
    assert _codes(pipe) == [(None, None, "not-a-file")]
    _, problems = validate_paths(tmp_path)  # found in a folder, too, and reported
    assert [(Path(p.file).name, p.code) for p in problems] == [("pipe.yaml", "not-a-file")]


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_refused_without_reading_it() -> None:
    assert _codes(Path("/dev/zero")) == [(None, None, "not-a-file")]


def test_a_huge_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as stream:
        stream.truncate(MAX_BYTES + 1)  # sparse: costs no disk
    doc, problems = load_document(huge)
    assert doc is None and [p.code for p in problems] == ["unreadable-file"]
    assert f"limit {MAX_BYTES:,}" in problems[0].message


@pytest.mark.parametrize("fast", [True, False], ids=["libyaml", "pure-python"])
def test_deep_nesting_is_refused_at_the_level_past_the_limit(
    fast: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not fast:
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    # 100,000 brackets: far past any recursion limit, Python's or libyaml's C stack.
    for text in ("a: " + "[" * 100_000 + "]" * 100_000, "a:\n" + "".join(
            " " * i + "- \n" for i in range(1, 2000))):  # fmt: skip
        doc, problems = load_text(text, "x.yaml")
        assert doc is None
        # The mapping is level 1, so the 50th list opened is level 51.
        assert [p.code for p in problems] == ["too-deep"]
    doc, problems = load_text("a: " + "[" * 100_000 + "]" * 100_000, "x.yaml")
    assert [(p.line, p.column) for p in problems] == [(1, 4 + MAX_DEPTH - 1)]
    ok, problems = load_text("a: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1), "x.yaml")
    assert problems == [] and ok is not None


def test_depth_counts_through_aliases_and_merge_keys() -> None:
    # Each alias adds the depth of its anchor: 20 levels of 10 lists nest 200 deep.
    lines = ["l0: &l0 " + "[" * 10 + "x" + "]" * 10]
    lines += [f"l{n}: &l{n} " + "[" * 10 + f"*l{n - 1}" + "]" * 10 for n in range(1, 20)]
    doc, problems = load_text("\n".join(lines), "x.yaml")
    assert doc is None and [p.code for p in problems] == ["too-deep"]
    # Reported at the outermost alias on the way, in the line that went too deep.
    assert problems[0].line == 5 and problems[0].column == 19
    # A chain of merge keys, each merging the one before, nests the same way.
    merges = ["m0: &m0 {a: 1}"] + [f"m{n}: &m{n} {{<<: *m{n - 1}}}" for n in range(1, 200)]
    doc, problems = load_text("\n".join(merges), "x.yaml")
    assert doc is None and [p.code for p in problems] == ["too-deep"]


def test_a_mapping_that_merges_itself_is_reported_at_the_alias() -> None:
    doc, problems = _load("a: &a\n  b: 1\n  <<: *a\n")
    assert problems == [(3, 7, "yaml-syntax")]
    assert doc is not None and doc.data == {"a": {"b": 1}}


def test_numbers_no_spreadsheet_holds() -> None:
    text = f"a: {'9' * 5000}\nb: {10**309}\nc: .inf\nd: -.inf\ne: .nan\nf: 1.5e+308\ng: 2\n"
    doc, problems = _load(text)
    assert problems == [(row, 4, "bad-number") for row in range(1, 6)]
    assert doc is not None and doc.data["f"] == 1.5e308 and doc.data["g"] == 2
    assert doc.refused == {("a",), ("b",), ("c",), ("d",), ("e",)}


def test_xml_illegal_characters_are_located_in_the_text() -> None:
    # Escapes in double quotes map back to the value's start; single quotes cannot escape.
    doc, problems = _load('a: "x\\0y"\nb: "\\x1b[2J"\nc: "tab\\there"\nd: "\\uFFFE"\n')
    assert problems == [(1, 4, "illegal-character"), (2, 4, "illegal-character"),
                        (4, 4, "illegal-character")]  # fmt: skip
    assert doc is not None and doc.data["c"] == "tab\there"


def test_a_key_with_a_control_character_is_reported_at_the_key() -> None:
    assert _load('ok: 1\n"ti\\x07tle": x\n')[1] == [(2, 1, "illegal-character")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_table_schema_on_a_named_pipe_is_refused_at_once(tmp_path: Path) -> None:
    from lks_templates.tableschema import convert_tableschema

    pipe = tmp_path / "schema.json"
    os.mkfifo(pipe)
    result = convert_tableschema(pipe)  # the same bounded read as a spec's
    assert [(p.code, p.message) for p in result.problems] == [
        ("not-a-file", "This is not a regular file (a named pipe, a socket or a device); "
         "a Table Schema must be a file saved on disk.")
    ]  # fmt: skip
