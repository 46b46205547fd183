"""The documented limits are the enforced ones, and the generator's names are one list."""

from __future__ import annotations

import re
from pathlib import Path

from lks_templates.formula import parser
from lks_templates.layout import RESERVED_NAMES
from lks_templates.spec import limits
from lks_templates.spec.names import GENERATOR_NAMES, GENERATOR_PREFIXES, is_generator_name

DOCS = Path(__file__).resolve().parent.parent / "docs"


def _limits_table() -> str:
    text = (DOCS / "spec-reference.md").read_text(encoding="utf-8")
    return text.split("## Limits", 1)[1].split("\n## ", 1)[0]


def test_every_limit_is_documented_with_its_value() -> None:
    table = _limits_table()
    for value in (
        limits.MAX_BYTES, limits.MAX_DEPTH, limits.MAX_NODES, limits.MAX_ID_LENGTH,
        limits.MAX_TEXT_LENGTH, parser.MAX_FORMULA_LENGTH, parser.MAX_FORMULA_NESTING,
        parser.MAX_FORMULA_DEPTH,
    ):  # fmt: skip
        assert re.search(rf"\b{value:,}\b", table), f"{value:,} is not in the Limits table"


def test_generator_names_are_one_list_the_layout_uses() -> None:
    assert set(RESERVED_NAMES) == GENERATOR_NAMES
    # Every defined name the layout adds by itself is in the list.
    layout = DOCS.parent / "lks_templates" / "layout"
    added = set()
    for module in layout.glob("*.py"):
        added |= set(re.findall(r'names\["([a-z_]+)"\]', module.read_text(encoding="utf-8")))
    assert added and added <= GENERATOR_NAMES, sorted(added - GENERATOR_NAMES)


def test_the_generator_namespace_is_exact() -> None:
    assert GENERATOR_PREFIXES == ("lks_last_year_",)
    assert is_generator_name("lks_last_year_loans") and is_generator_name("lks_periods")
    # The shipped dataset's own lks_ fields stay the user's.
    for name in ("lks_wte_total", "lks_headcount", "lks_last_year", "lks_period"):
        assert not is_generator_name(name), name
    contract = (DOCS / "workbook-contract.md").read_text(encoding="utf-8")
    reference = (DOCS / "spec-reference.md").read_text(encoding="utf-8")
    for name in [*GENERATOR_NAMES, *GENERATOR_PREFIXES]:
        assert f"`{name}" in contract and f"`{name}" in reference, name
