"""The catalogue of problem codes: every code the package passes is catalogued, every
catalogued code is used and documented, and an unknown code fails where it is made."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path

import pytest

from lks_templates.codes import CATALOGUE, CODES, TABLES, code_table
from lks_templates.errors import Problem

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "lks_templates"
CODE_WORD = re.compile(r"^[a-z]+(?:-[a-z0-9]+)*$")
"""What a code looks like where the code is passed (``cycle`` has no hyphen)."""
HYPHENATED = re.compile(r"^[a-z]+(?:-[a-z0-9]+)+$")
"""What a code looks like as the first item of a returned tuple (``("unknown-key", ...)``)."""

WRITTEN_WITHOUT_A_PROBLEM = {"duplicate-return"}
"""Codes the package writes straight into a table row rather than into a Problem."""


def _parameters(function: ast.FunctionDef) -> list[str]:
    names = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    return names[1:] if names and names[0] in ("self", "cls") else names


def _code_positions(tree: ast.Module) -> dict[str, set[int]]:
    """Callables of one module that take a ``code``, and the argument position it has."""
    positions: dict[str, set[int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            fields = [
                s.target.id
                for s in node.body
                if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)
            ]
            if "code" in fields:  # a dataclass or NamedTuple with a code field
                positions.setdefault(node.name, set()).add(fields.index("code"))
            for method in node.body:
                if not isinstance(method, ast.FunctionDef) or method.name != "__init__":
                    continue
                if "code" in _parameters(method):
                    index = _parameters(method).index("code")
                    positions.setdefault(node.name, set()).add(index)
        elif isinstance(node, ast.FunctionDef) and "code" in _parameters(node):
            positions.setdefault(node.name, set()).add(_parameters(node).index("code"))
    return positions


def _strings(expressions: Iterable[ast.expr], shape: re.Pattern[str]) -> Iterable[str]:
    for expression in expressions:
        for node in ast.walk(expression):
            text = node.value if isinstance(node, ast.Constant) else None
            if isinstance(text, str) and shape.match(text):
                yield text


def codes_passed() -> dict[str, list[str]]:
    """Every string literal passed as a problem code in the package, with where it is.

    A literal counts when it is the ``code`` argument (by position or keyword) of
    ``Problem`` or of any function or class of the package that takes a ``code``
    (``refuse``, ``problem_at``, ``Finding``...), the default of a ``code`` parameter, or
    the first item of a returned tuple (``return "unknown-key", where, message``).
    A name defined in the calling module means that definition (``add`` is a method here
    and a closure there), otherwise any definition in the package.
    """
    trees = {
        path: ast.parse(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != PACKAGE / "codes.py"
    }
    local = {path: _code_positions(tree) for path, tree in trees.items()}
    defined = {
        path: {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef)}
        for path, tree in trees.items()
    }
    everywhere: dict[str, set[int]] = {"Problem": {0}}
    for positions in local.values():
        for name, indexes in positions.items():
            everywhere.setdefault(name, set()).update(indexes)
    found: dict[str, list[str]] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.stmt | ast.expr):
                continue
            passed: list[ast.expr] = []
            shape = CODE_WORD
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                known = local[path] if name in defined[path] else everywhere
                for index in known.get(name, set()):
                    if index < len(node.args):
                        passed.append(node.args[index])
                if name in everywhere:
                    passed += [k.value for k in node.keywords if k.arg == "code"]
            elif isinstance(node, ast.FunctionDef) and "code" in _parameters(node):
                arguments = node.args.args[-len(node.args.defaults) :] if node.args.defaults else []
                passed += [
                    default
                    for argument, default in zip(arguments, node.args.defaults, strict=True)
                    if argument.arg == "code"
                ]
            elif isinstance(node, ast.Return) and isinstance(node.value, ast.Tuple):
                passed, shape = node.value.elts[:1], HYPHENATED
            for code in _strings(passed, shape):
                found.setdefault(code, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_every_code_passed_in_the_package_is_catalogued() -> None:
    found = codes_passed()
    assert {code: places for code, places in found.items() if code not in CODES} == {}
    # The scan sees codes of every kind of call site, so it is not vacuous.
    assert {"zip-bomb", "unknown-key", "cycle", "formula-syntax", "dist-missing"} <= set(found)
    assert {"converted-type", "rule-failed", "type-error", "invalid-name"} <= set(found)


def test_every_catalogued_code_is_used() -> None:
    unused = set(CODES) - set(codes_passed()) - WRITTEN_WITHOUT_A_PROBLEM
    assert sorted(unused) == []
    collect_source = (PACKAGE / "collection" / "dedupe.py").read_text(encoding="utf-8")
    assert all(f'"{code}"' in collect_source for code in WRITTEN_WITHOUT_A_PROBLEM)


def test_catalogue_has_one_entry_per_code_with_a_summary() -> None:
    assert len(CODES) == len(CATALOGUE)
    for entry in CATALOGUE:
        assert HYPHENATED.match(entry.code) or entry.code == "cycle", entry.code
        assert entry.summary.strip(), entry.code
        if entry.area in ("spec", "spec-files"):
            assert f" {entry.code} " in entry.example, f"the example for {entry.code} shows it"


def _generated(text: str, table: str) -> str:
    begin, end = f"<!-- BEGIN GENERATED CODES: {table} -->", "<!-- END GENERATED CODES -->"
    assert text.count(begin) == 1, begin
    return text.split(begin, 1)[1].split(end, 1)[0].strip()


DOCS = {
    "spec": "spec-reference.md",
    "import": "spec-reference.md",
    "dist": "workbook-contract.md",
    "returns": "reading-returns.md",
    "counter": "counter.md",
}


def test_every_code_is_documented_in_a_current_generated_table() -> None:
    assert set(DOCS) == set(TABLES)
    documented: set[str] = set()
    for table, page in DOCS.items():
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        block = _generated(text, table)
        assert block == code_table(table), f"docs/{page} is stale: run `lks-templates docs`"
        documented |= set(re.findall(r"^\| `([a-z0-9-]+)` \|", block, flags=re.MULTILINE))
    assert documented == set(CODES)


def test_a_problem_with_an_unknown_code_is_refused_where_it_is_made() -> None:
    with pytest.raises(ValueError, match=r"'unknwon-key' is not in lks_templates\.codes"):
        Problem("unknwon-key", "A typo in a code.")
    with pytest.raises(ValueError, match="'zip-bomb' is catalogued as error, not warning"):
        Problem("zip-bomb", "Too big.", severity="warning")
    # Codes whose severity depends on the case accept either.
    assert Problem("moved-name", "Moved.", severity="warning").severity == "warning"
    assert Problem("rule-failed", "Failed.", severity="warning").code == "rule-failed"
