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
WORDING = ROOT / "tests" / "data" / "wording"
"""Test specs whose text the page tests assert (the shipped specs' text may change)."""


@pytest.fixture(scope="module")
def specs() -> SpecSet:
    """The shipped specs: the committed pages must be in step with them."""
    return load_specs([SPECS])


@pytest.fixture(scope="module")
def wording() -> SpecSet:
    return load_specs([WORDING])


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


def test_field_entry_shows_every_part(wording: SpecSet) -> None:
    page = data_dictionary(wording)
    entry = page.split("#### `loans`\n", 1)[1].split("\n#### ", 1)[0]
    assert entry.splitlines() == [
        "",
        "**Books lent**",
        "",
        "| | |",
        "| --- | --- |",
        "| Definition | Books handed to a reader in the period, each counted when first lent. |",
        "| Type | integer |",
        "| Unit | books |",
        "| Frequency | monthly (one value per period) |",
        "| Over the year | added up: the sum of the months entered |",
        "| Constraints | optional; at least 0; whole number |",
        "| Standard | Test standard 42 (lending) |",
        "| Example | 37 |",
        "| Used by | `wording-annual` (per period), `wording-monthly` (per period) |",
        "",
        # The guidance is folded YAML (>-): one line on the page.
        "Counting guidance: Is a renewal a new loan? No: a renewal extends a loan already "
        "counted, so count it nowhere here.",
        "",
        "### Reach",
    ]


def test_usage_lists_templates_and_forms(wording: SpecSet) -> None:
    dataset = wording.get("wording-dataset")
    assert isinstance(dataset, DatasetSpec)
    usage = field_usage(wording, dataset)
    assert [(u.spec_id, u.how) for u in usage["loans"]] == [
        ("wording-annual", "per period"),
        ("wording-monthly", "per period"),
    ]
    assert [(u.spec_id, u.how) for u in usage["staff_served"]] == [
        ("wording-annual", "once per return"),
        ("wording-monthly", "once per return"),
    ]
    assert [u.spec_id for u in usage["members"]] == ["wording-monthly"]
    assert [u.spec_id for u in usage["team_wte"]] == ["wording-annual"]
    cases = wording.get("wording-case-fields")
    assert isinstance(cases, DatasetSpec)
    assert [(u.spec_id, u.how) for u in field_usage(wording, cases)["story"]] == [
        ("wording-form", "once per return")
    ]


def test_links_resolve_to_headings_even_for_repeated_names(wording: SpecSet) -> None:
    # org_name is a field of both test datasets.
    page = data_dictionary(wording)
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


def test_faq_page_groups_questions_by_topic(wording: SpecSet) -> None:
    page = faq_page(wording)
    assert page.splitlines()[2] == "# Wording test FAQ"
    # Topics in the order each first appears; a topic's questions together, in spec order.
    topics = re.findall(r"^## (.+)$", page, flags=re.MULTILINE)
    assert topics == ["Reasons", "Counting", "Sending it in"]
    reasons = page.split("## Reasons\n", 1)[1].split("\n## ", 1)[0]
    assert re.findall(r"^### (.+)$", reasons, flags=re.MULTILINE) == [
        "Why count books lent?",
        "Why count members?",
    ]
    assert "### Why count members?\n\nTo see how many people the service reaches.\n" in reasons
    assert "- [Sending it in](#sending-it-in)" in page


def test_docs_command_writes_and_checks(
    wording: SpecSet, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "docs"
    assert main(["docs", "--specs", str(WORDING), "--out", str(out), "--check"]) == 1
    assert "data-dictionary.md: out of date" in capsys.readouterr().out
    assert main(["docs", "--specs", str(WORDING), "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["api.md", "data-dictionary.md", "faq.md"]
    for name, text in render_docs(wording).items():
        assert (out / name).read_text(encoding="utf-8") == text
    assert main(["docs", "--specs", str(WORDING), "--out", str(out), "--check"]) == 0
    # A spec edit makes the pages stale.
    edited = tmp_path / "specs"
    shutil.copytree(WORDING, edited)
    faq = edited / "faq.yaml"
    text = faq.read_text(encoding="utf-8")
    assert "Is a renewal a loan?" in text
    faq.write_text(text.replace("Is a renewal a loan?", "Is a renewal a re-loan?"))
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


def test_figures_and_checks_by_template(wording: SpecSet) -> None:
    page = data_dictionary(wording)
    part = page.split("\n## Figures and checks by template\n", 1)[1]
    headings = re.findall(r"^### (.+)$", part, flags=re.MULTILINE)
    assert headings == [
        "Wording test annual return (`wording-annual` 2.0.0)",
        "Wording test monthly dashboard (`wording-monthly` 1.2.0)",
        "Wording test story form (`wording-form` 1.0.0)",
    ]
    annual = part.split(f"### {headings[0]}\n", 1)[1].split("\n### ", 1)[0]
    # The target of 1500 is shown with a thousands separator.
    assert (
        "| `served_per_wte` | People served per team WTE | `staff_served / team_wte` | lower "
        "| 1,500 |"
    ) in annual
    assert (
        "| `headcount_not_below_wte` | error | "
        "`IF(team_headcount > 0, team_headcount >= team_wte, TRUE)` |"
    ) in annual
    monthly = part.split(f"### {headings[1]}\n", 1)[1].split("\n### ", 1)[0]
    assert "| `loans_per_reader` | Books lent per person served | " in monthly
    assert "| higher |  |" in monthly  # no target: an empty cell
    form = part.split(f"### {headings[2]}\n", 1)[1]
    assert "| `story_told` | warning | `NOT(ISBLANK(story))` |" in form
    assert "| KPI |" not in form
    assert "- [Figures and checks by template](#figures-and-checks-by-template)" in page


def _entry(page: str, name: str) -> str:
    """The table of one field's entry in the data dictionary page."""
    start = page.index(f"#### `{name}`")
    return page[start : page.index("####", start + 5)]


def test_each_monthly_field_says_how_its_months_combine(wording: SpecSet) -> None:
    page = data_dictionary(wording)
    # Spec: members is a count at the month end (aggregate: last); new_members the default.
    assert "| Over the year | latest month: the last month entered, not added up |" in _entry(
        page, "members"
    )
    assert "| Over the year | added up: the sum of the months entered |" in _entry(
        page, "new_members"
    )
    # An annual field has one value a year: nothing to combine, no row.
    assert "Over the year" not in _entry(page, "org_name")
