"""No traceback for any mistake: mutate good specs line by line and validate each result."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from lks_templates.spec import validate_paths
from lks_templates.spec.codes import SPEC_CODES

GOOD_SPECS = Path(__file__).parent / "data" / "specs"
JUNK = [
    "", "[]", "{}", "null", "-1", "1.5", "yes", "'x'", "[1, 2]", "{a: 1}", "2024-01-01",
    '"=A1"', "SUM(", "&a x", "*a", "~", "!!binary aGk=", "r1c1", "[null]", "[[1]]",
    "{name: 1}", "|", "'", "IF(", "a +", "@", "%",
]  # fmt: skip


def _mutate(lines: list[str], rng: random.Random) -> list[str]:
    lines = list(lines)
    i = rng.randrange(len(lines))
    operation = rng.choice(["delete", "duplicate", "value", "indent", "swap"])
    if operation == "delete":
        del lines[i]
    elif operation == "duplicate":
        lines.insert(i, lines[i])
    elif operation == "value" and ":" in lines[i]:
        lines[i] = lines[i].split(":")[0] + ": " + rng.choice(JUNK)
    elif operation == "indent":
        lines[i] = "  " + lines[i]
    else:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    return lines


def test_mutated_specs_give_located_problems_never_exceptions(tmp_path: Path) -> None:
    shutil.copytree(GOOD_SPECS, tmp_path / "specs")
    originals = {p.name: p.read_text(encoding="utf-8") for p in GOOD_SPECS.glob("*.yaml")}
    rng = random.Random(2789)  # ISO 2789, for a fixed, reproducible sequence
    seen_codes: set[str] = set()
    for _ in range(150):
        name = rng.choice(sorted(originals))
        target = tmp_path / "specs" / name
        target.write_text("\n".join(_mutate(originals[name].split("\n"), rng)), "utf-8")
        _, problems = validate_paths(tmp_path / "specs")
        for problem in problems:
            assert problem.code in SPEC_CODES, problem.format()
            assert problem.line is not None and problem.line >= 1, problem.format()
            assert problem.message.endswith((".", "?")), problem.format()
            seen_codes.add(problem.code)
        target.write_text(originals[name], encoding="utf-8")
    # The mutations reach well beyond YAML syntax into the spec language itself.
    assert {"yaml-syntax", "unknown-key", "missing-key", "wrong-type"} <= seen_codes
