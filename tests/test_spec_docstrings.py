"""Field descriptions come from the models' attribute docstrings, read only when needed.

The models leave their docstrings unread as they are made (start-up); ``spec.schema``
attaches them. These tests run in fresh processes, so that what the test session has
already imported or built cannot hide a difference.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "schema" / "lks-spec.schema.json"
REFERENCE = ROOT / "docs" / "spec-reference.md"


def _fresh(code: str) -> Any:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True,
        cwd=ROOT,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_loading_the_models_reads_no_docstring() -> None:
    code = (
        "import json\n"
        "from lks_templates.spec import models\n"
        "print(json.dumps([models.TemplateSpec.model_fields['title'].description,\n"
        "                  models.Kpi.model_fields['direction'].description]))"
    )
    assert _fresh(code) == [None, None]


def test_schema_and_reference_are_the_committed_ones_even_after_building() -> None:
    # Validating and building first makes pydantic build some models (Constraints and
    # Period as defaults, FieldSpec to dump it) before the docstrings are attached: the
    # schema must still carry every description, the parts' included.
    code = (
        "import json, tempfile\n"
        "from pathlib import Path\n"
        "from lks_templates.build import build_all\n"
        "from lks_templates.spec import models\n"
        "build_all(['template_specs'], tempfile.mkdtemp())\n"
        "built = sorted(m.__name__ for m in (models.Constraints, models.Kpi,\n"
        "               models.TemplateSpec) if m.__pydantic_complete__)\n"
        "from lks_templates.spec.schema import reference_tables, schema_text\n"
        "print(json.dumps([built, schema_text(), reference_tables()]))"
    )
    built, schema, tables = _fresh(code)
    assert built == ["Constraints", "TemplateSpec"]  # the case this test is for
    assert schema == SCHEMA.read_text(encoding="utf-8")
    assert tables.strip() in REFERENCE.read_text(encoding="utf-8")
    parsed = json.loads(schema)
    constraints = parsed["$defs"]["Constraints"]["properties"]
    assert constraints["required"]["description"] == (
        "A value must be entered (highlighted in the workbook until it is)."
    )
    # An inherited key takes the docstring of the class that declares it; `kind`, which
    # each kind narrows, takes its own.
    template = parsed["$defs"]["TemplateSpec"]["properties"]
    assert template["id"]["description"].startswith("Identifier of this spec")
    assert template["kind"]["description"] == "Always ``template``."


def test_schema_command_in_a_fresh_process_writes_the_committed_schema(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    done = subprocess.run(
        [sys.executable, "-m", "lks_templates", "schema", "--out", str(out)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert out.read_text(encoding="utf-8") == SCHEMA.read_text(encoding="utf-8")
