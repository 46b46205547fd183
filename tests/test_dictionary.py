"""The generated data dictionary and FAQ pages: in step with the specs, complete, linked."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from lks_templates.cli import main
from lks_templates.dictionary import (
    data_dictionary,
    describe_constraints,
    faq_page,
    field_usage,
    render_docs,
)
from lks_templates.spec import DatasetSpec, SpecSet, load_specs
from lks_templates.spec.models import Constraints

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "template_specs"
DOCS = ROOT / "docs"


@pytest.fixture(scope="module")
def specs() -> SpecSet:
    return load_specs([SPECS])


def test_committed_pages_are_in_step_with_the_specs(specs: SpecSet) -> None:
    for name, text in render_docs(specs).items():
        committed = (DOCS / name).read_text(encoding="utf-8")
        assert committed == text, f"docs/{name} is out of date: run `lks-templates docs`"


def test_rendering_is_deterministic(specs: SpecSet) -> None:
    assert render_docs(specs) == render_docs(load_specs([SPECS]))


def test_every_field_has_an_entry_under_its_section(specs: SpecSet) -> None:
    page = data_dictionary(specs)
    headings = re.findall(r"^(#{2,4}) (.+)$", page, flags=re.MULTILINE)
    dataset = specs.get("supplementary-dataset")
    assert isinstance(dataset, DatasetSpec)
    # Within the supplementary dataset's part of the page, each field sits under its section.
    start = headings.index(("##", dataset.title))
    section = ""
    placed: dict[str, str] = {}
    for level, text in headings[start + 1 :]:
        if level == "##":
            break
        if level == "###":
            section = text
        else:
            placed[text.strip("`")] = section
    assert placed == {f.name: f.section for f in dataset.fields}


def test_field_entry_shows_every_part(specs: SpecSet) -> None:
    page = data_dictionary(specs)
    entry = page.split("#### `loans`\n", 1)[1].split("\n#### ", 1)[0]
    assert "**Loans**" in entry
    definition = "Initial loans of physical items to users in the period, excluding renewals."
    assert f"| Definition | {definition} |" in entry
    assert "| Type | integer |" in entry
    assert "| Unit | loans |" in entry
    assert "| Frequency | monthly (one value per period) |" in entry
    assert "| Constraints | optional; at least 0; whole number |" in entry
    assert "| Standard | ISO 2789 (lending) |" in entry
    assert "| Example | 420 |" in entry
    users = ["monthly-activity", "staffing-and-finance", "supplementary-return"]
    assert "| Used by | " + ", ".join(f"`{u}` (per period)" for u in users) + " |" in entry
    assert "Counting guidance: Do renewals count as loans? No:" in entry


def test_usage_lists_templates_and_forms(specs: SpecSet) -> None:
    dataset = specs.get("supplementary-dataset")
    assert isinstance(dataset, DatasetSpec)
    usage = field_usage(specs, dataset)
    assert [(u.spec_id, u.how) for u in usage["evidence_searches"]] == [
        ("impact", "per period"),
        ("monthly-activity", "per period"),
        ("supplementary-return", "per period"),
    ]
    assert [u.spec_id for u in usage["registered_user_notes"]] == [
        "reach-and-registration",
        "supplementary-return",
    ]
    cases = specs.get("case-study-fields")
    assert isinstance(cases, DatasetSpec)
    assert [(u.spec_id, u.how) for u in field_usage(specs, cases)["case_narrative"]] == [
        ("impact-case-study", "once per return")
    ]


def test_links_resolve_to_headings_even_for_repeated_names(specs: SpecSet) -> None:
    page = data_dictionary(specs)
    # GitHub's anchors: the second heading with the same text gets "-1".
    assert "[`org_name`](#org_name)" in page
    assert "[`org_name`](#org_name-1)" in page
    assert page.index("[`org_name`](#org_name)") < page.index("[`org_name`](#org_name-1)")
    seen: dict[str, int] = {}
    anchors: set[str] = set()
    for heading in re.findall(r"^#+ (.+)$", page, flags=re.MULTILINE):
        base = re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-")
        anchors.add(f"{base}-{seen[base]}" if base in seen else base)
        seen[base] = seen.get(base, 0) + 1
    links = re.findall(r"\]\(#([^)]+)\)", page)
    assert links and [link for link in links if link not in anchors] == []
    assert "\x00" not in page


@pytest.mark.parametrize(
    ("constraints", "field_type", "expected"),
    [
        (Constraints(required=True, minimum=0), "integer", "required; at least 0; whole number"),
        (Constraints(minimum=1, maximum=5), "number", "optional; from 1 to 5"),
        (Constraints(maxLength=500), "string", "optional; at most 500 characters"),
        (Constraints(minLength=3, maxLength=200), "string", "optional; 3 to 200 characters"),
        (Constraints(pattern="[A-Z]{3}"), "string", "optional; whole text matches `[A-Z]{3}`"),
        (Constraints(enum=["A", "B"]), "string", "optional; one of: A; B"),
        (Constraints(maximum=1.5), "number", "optional; at most 1.5"),
    ],
)
def test_describe_constraints(constraints: Constraints, field_type: str, expected: str) -> None:
    assert describe_constraints(constraints, field_type) == expected


def test_faq_page_groups_questions_by_topic(specs: SpecSet) -> None:
    page = faq_page(specs)
    assert page.splitlines()[2] == "# Statistics Toolbox FAQ"
    topics = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert topics == [
        "Why we collect",
        "How to count",
        "Sending your return",
        "Benchmarking",
        "Confidentiality",
    ]
    benchmarking = page.split("## Benchmarking\n", 1)[1].split("\n## ", 1)[0]
    assert '### What does "sensitive benchmarking" mean?' in benchmarking
    assert "- [Sending your return](#sending-your-return)" in page


def test_docs_command_writes_and_checks(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "docs"
    assert main(["docs", "--specs", str(SPECS), "--out", str(out), "--check"]) == 1
    assert "data-dictionary.md: out of date" in capsys.readouterr().out
    assert main(["docs", "--specs", str(SPECS), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["api.md", "data-dictionary.md", "faq.md"]
    assert (out / "faq.md").read_text(encoding="utf-8") == (DOCS / "faq.md").read_text(
        encoding="utf-8"
    )
    assert main(["docs", "--specs", str(SPECS), "--out", str(out), "--check"]) == 0
    # A spec edit makes the pages stale.
    edited = tmp_path / "specs"
    shutil.copytree(SPECS, edited)
    faq = edited / "faq.yaml"
    faq.write_text(faq.read_text(encoding="utf-8").replace("Do renewals", "Do re-loans"))
    assert main(["docs", "--specs", str(edited), "--out", str(out), "--check"]) == 1
    assert (
        capsys.readouterr()
        .out.strip()
        .endswith("faq.md: out of date; run `lks-templates docs` and commit the result.")
    )
    assert main(["docs", "--specs", str(tmp_path / "nowhere")]) == 2


def test_docs_refreshes_the_generated_tables_of_hand_written_pages(tmp_path: Path) -> None:
    out = tmp_path / "docs"
    shutil.copytree(DOCS, out)
    page = out / "reading-returns.md"
    committed = page.read_text(encoding="utf-8")
    row = "| `too-large` | error | yes | The file is larger than any return could be. |"
    assert row in committed
    page.write_text(committed.replace(row, "| `too-large` | warning | no | edited |"), "utf-8")
    assert main(["docs", "--specs", str(SPECS), "--out", str(out), "--check"]) == 1
    assert main(["docs", "--specs", str(SPECS), "--out", str(out)]) == 0
    assert page.read_text(encoding="utf-8") == committed
    # Text outside the marks is the author's and is kept.
    page.write_text(committed.replace("Notes on some codes:", "Notes:"), "utf-8")
    assert main(["docs", "--specs", str(SPECS), "--out", str(out), "--check"]) == 0


def test_figures_and_checks_by_template(specs: SpecSet) -> None:
    page = data_dictionary(specs)
    part = page.split("\n## Figures and checks by template\n", 1)[1]
    staffing = part.split("### Staffing and finance dashboard (`staffing-and-finance` 1.0.0)", 1)[1]
    staffing = staffing.split("\n### ", 1)[0]
    row = (
        "| `staff_per_qualified_librarian` | NHS WTE per qualified librarian WTE | "
        "`staff_wte_served / lks_wte_qualified` | lower | 1,250 |"
    )
    assert row in staffing
    assert "| `qualified_not_above_total` | error | " in staffing
    form = part.split("### Impact case study form (`impact-case-study` 1.0.0)", 1)[1]
    assert "| `at_least_one_impact` | warning | " in form and "| KPI |" not in form
    assert "- [Figures and checks by template](#figures-and-checks-by-template)" in page


def _entry(page: str, name: str) -> str:
    """The table of one field's entry in the data dictionary page."""
    start = page.index(f"#### `{name}`")
    return page[start : page.index("####", start + 5)]


def test_each_monthly_field_says_how_its_months_combine(specs: SpecSet) -> None:
    page = data_dictionary(specs)
    # Spec: registered_users is a count at the month end (aggregate: last).
    assert "| Over the year | latest month: the last month entered, not added up |" in _entry(
        page, "registered_users"
    )
    assert "| Over the year | added up: the sum of the months entered |" in _entry(
        page, "evidence_searches"
    )
    # An annual field has one value a year: nothing to combine, no row.
    assert "Over the year" not in _entry(page, "org_name")
