"""A benchmark keeps of each return only the figures it compares (who, which periods, the
context fields of its peer groups, its funnel counts and populations, its KPIs): every
return read is dropped once that part is kept, and the command line never loads pandas."""

from __future__ import annotations

import gc
import subprocess
import sys
import weakref
from pathlib import Path
from typing import Any

import pytest
import yaml

import lks_templates.readback as readback
from lks_templates.benchmarking import find_benchmark, read_all, template_of
from lks_templates.cli import main
from lks_templates.readback.result import Return
from lks_templates.spec import load_specs

ROOT = Path(__file__).parent.parent
SPECS = ROOT / "template_specs"
SERVICES = 8


@pytest.fixture(scope="module")
def returns(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("returns")
    assert main(["example-returns", "monthly-activity", "--services", str(SERVICES),
                 "--out", str(out), "--specs", str(SPECS)]) == 0  # fmt: skip
    return out


def _used_by_the_spec() -> set[str]:
    """The fields the shipped spec names, read from its YAML (not by the code under test)."""
    text = (SPECS / "benchmarks" / "monthly-activity-peers.yaml").read_text(encoding="utf-8")
    spec = yaml.safe_load(text)
    names = {"org_name", "org_ods_code"}
    for group in spec["peer_groups"]:
        names |= set(group.get("same", []))
        names |= {group["bands"]["field"]} if "bands" in group else set()
        names |= set(group["nearest"]["fields"]) if "nearest" in group else set()
    for funnel in spec["funnels"]:
        names.add(funnel["numerator"].removeprefix("SUM(").removesuffix(")"))
        names.add(funnel["denominator"])
    return names


def test_only_the_compared_figures_are_kept_and_every_return_is_dropped(
    returns: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    specs = load_specs([SPECS])
    spec = find_benchmark("monthly-activity-peers", specs)
    template = template_of(spec, specs)
    alive: list[weakref.ref[Return]] = []
    real = readback.read_return

    def tracked(*args: Any, **kwargs: Any) -> Return:
        result = real(*args, **kwargs)
        alive.append(weakref.ref(result))
        return result

    monkeypatch.setattr(readback, "read_return", tracked)
    read = read_all([returns], specs, spec, template)
    gc.collect()
    assert len(alive) == SERVICES and all(ref() is None for ref in alive)
    used = _used_by_the_spec()
    profile = {"org_name", "org_ods_code", "trust_type", "nhs_region", "staff_headcount_served"}
    assert used == profile | {"evidence_searches", "training_attendees"}
    for compared in read.compared:
        service = compared.service
        assert set(service.profile) == profile  # no notes, no other profile field
        assert set(service.sums) == {"evidence_searches", "training_attendees"}
        assert set(service.kpis) == {k.name for k in template.kpis}
        assert compared.entered == compared.every and len(compared.every) == 12
    assert len(read.problems) == len(read.numbers)


def test_the_command_never_loads_pandas(returns: Path, tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from lks_templates.cli import main\n"
        f"main(['benchmark', {str(returns)!r}, '--spec', 'monthly-activity-peers', '--out', "
        f"{str(tmp_path)!r}, '--date', '2026-04-30'])\n"
        "print(sorted(m for m in ('pandas', 'openpyxl', 'numpy') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT)  # fmt: skip
    assert done.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "services" / "EX001.xlsx").is_file()
