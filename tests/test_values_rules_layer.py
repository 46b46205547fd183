"""The rules that compute, read-back and the CLI share live apart from ``layout``."""

from __future__ import annotations

import json
import subprocess
import sys


def test_reading_a_return_imports_no_layout_module() -> None:
    code = (
        "import json, sys\n"
        "import lks_templates.compute, lks_templates.readback, lks_templates.readback.read\n"
        "import lks_templates.readback.figures, lks_templates.commands.read\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('lks_templates'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = json.loads(done.stdout)
    assert "lks_templates.rules.semantics" in loaded  # the check itself can see modules
    assert [m for m in loaded if m.startswith("lks_templates.layout")] == []
