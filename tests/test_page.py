"""dist/index.html, the download page: its facts checked against the files themselves,
and its accessibility checked by axe-core in headless Chromium.

The browser test needs Chromium (Debian's ``chromium``) and axe-core (npm), which
``.ci/run`` installs; without them it is skipped, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
DIST = ROOT / "dist"
PAGE = DIST / "index.html"
DICTIONARY = ROOT / "docs" / "data-dictionary.md"
AXE_CACHE = Path.home() / ".cache" / "lks-templates" / "node"


def _page() -> str:
    return PAGE.read_text(encoding="utf-8")


def _cards() -> dict[str, str]:
    """Card id -> the card's HTML."""
    return dict(re.findall(r'<article class="card" id="([^"]+)".*?>(.*?)</article>', _page(), re.S))


def test_a_card_per_workbook_with_its_size_and_sha256() -> None:
    workbooks = sorted(DIST.glob("*.xlsx"))
    cards = _cards()
    # One more card, with nothing to download: what a service's benchmark workbook shows.
    assert sorted(cards) == sorted([*(p.stem for p in workbooks), "benchmark-workbook"])
    for path in workbooks:
        card = cards[path.stem]
        data = path.read_bytes()
        assert f"<code>{hashlib.sha256(data).hexdigest()}</code>" in card
        assert f"{round(len(data) / 1024):,} KB" in card
        assert f'href="{path.name}" download' in card


def test_each_card_says_what_it_is_for_who_fills_it_and_its_version() -> None:
    cards = _cards()
    for path in sorted((ROOT / "template_specs").glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        if spec["kind"] not in ("template", "form"):
            continue
        card = cards[spec["id"]]
        assert html.escape(" ".join(spec["description"].split())) in card
        assert f"version {spec['version']}" in card
        assert "<dt>Who fills it in</dt>" in card and "<dt>Where it goes</dt>" in card
        if spec["kind"] == "template":
            assert f'src="previews/{spec["id"]}-dashboard.png" alt="Dashboard of ' in card


def test_the_benchmark_card_shows_a_service_workbook_with_alt_text() -> None:
    card = _cards()["benchmark-workbook"]
    assert "download" not in card.replace("Nothing to download", "")
    pictures = re.findall(r'<img src="previews/([^"]+)" alt="([^"]+)">', card)
    assert [name for name, _alt in pictures] == ["benchmark-service.png",
                                                 "benchmark-service-funnels.png"]  # fmt: skip
    for name, alt in pictures:
        assert (DIST / "previews" / name).is_file()
        assert "Example Trust 001" in html.unescape(alt) or "funnel plots" in alt
    assert 'href="#benchmark-workbook"' in _page()  # listed in the page's contents
    readme = (DIST / "README.md").read_text(encoding="utf-8")
    assert "](previews/benchmark-service.png)" in readme
    assert "](previews/benchmark-service-funnels.png)" in readme


def _github_anchors(markdown: str) -> set[str]:
    """Every heading anchor as GitHub makes it (repeats get -1, -2 ...)."""
    seen: dict[str, int] = {}
    anchors = set()
    for line in markdown.splitlines():
        match = re.match(r"#+ (.*)", line)
        if not match:
            continue
        base = re.sub(r"[^\w\- ]", "", match.group(1).lower()).replace(" ", "-")
        count = seen.get(base, 0)
        seen[base] = count + 1
        anchors.add(base if count == 0 else f"{base}-{count}")
    return anchors


def test_every_field_links_to_its_entry_in_the_data_dictionary() -> None:
    anchors = _github_anchors(DICTIONARY.read_text(encoding="utf-8"))
    links = re.findall(r'href="\.\./docs/data-dictionary\.md#([^"]+)"', _page())
    assert len(links) > 100
    assert set(links) <= anchors
    # The case study form's org_name is the second dataset's, so its anchor is org_name-1.
    assert "org_name-1" in re.findall(r"#([\w-]+)", _cards()["impact-case-study"])


def test_static_british_english_and_no_network() -> None:
    page = _page()
    assert page.startswith('<!DOCTYPE html>\n<html lang="en-GB">')
    assert "<script" not in page.lower()
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    assert "@import" not in page and "url(" not in page
    alts = re.findall(r'<img [^>]*alt="([^"]*)"', page)
    assert len(alts) == page.count("<img ") and all(len(a) > 40 for a in alts)


def _tools() -> tuple[str, Path] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    axe = Path(os.environ.get("LKS_AXE_CORE", AXE_CACHE / "node_modules/axe-core/axe.min.js"))
    if browser is None or not axe.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs chromium (apt) and axe-core (npm): see .ci/run")
        pytest.skip("needs chromium and axe-core (see .ci/run)")
    return browser, axe


RUNNER = """<script>%s</script><script>
document.querySelectorAll('details').forEach(function (d) { d.open = true; });
axe.run(document).then(function (r) {
  var out = document.createElement('pre');
  out.id = 'axe-results';
  out.textContent = JSON.stringify({
    violations: r.violations.map(function (v) {
      return {id: v.id, impact: v.impact, nodes: v.nodes.map(function (n) {
        return n.target.join(' '); })}; }),
    passes: r.passes.map(function (v) { return v.id; })});
  document.body.appendChild(out);
});
</script></body>"""


def test_axe_core_finds_no_violation_in_headless_chromium(tmp_path: Path) -> None:
    tools = _tools()
    assert tools is not None
    browser, axe = tools
    # A copy with axe added (the page itself has no script), beside the real previews.
    copy = tmp_path / "index.html"
    copy.write_text(_page().replace("</body>", RUNNER % axe.read_text(encoding="utf-8")), "utf-8")
    (tmp_path / "previews").symlink_to(DIST / "previews")
    done = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--virtual-time-budget=30000",
            "--dump-dom",
            copy.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    found = re.search(r'<pre id="axe-results">(.*?)</pre>', done.stdout, re.S)
    assert found is not None, done.stderr[-2000:]
    results = json.loads(html.unescape(found.group(1)))
    assert results["violations"] == []
    # axe really ran its rules: contrast, language, alt text, headings, table headers.
    assert {"color-contrast", "html-lang-valid", "image-alt", "th-has-data-cells"} <= set(
        results["passes"]
    )
