"""``dist/index.html``: the download page, a card per template and form, for library managers.

Static and self-contained: no script, no web fonts, nothing fetched from the network, so
it works opened from a folder or served as it is. Written for WCAG 2.2 AA (checked with
axe-core in a headless browser by the tests): ``lang="en-GB"``, one ``h1`` and a heading
per card, landmarks, tables with header cells, visible focus, NHS colours with at least
4.5:1 contrast, and alt text on every preview.

The page depends only on the specs and the built workbooks (size and SHA-256), never on
whether the previews have been rendered, so ``check`` can rebuild it byte for byte.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from html import escape
from pathlib import Path

from lks_templates.dictionary import DATA_DICTIONARY, _anchor, data_dictionary
from lks_templates.layout.about import DEFAULT_SEND_TO
from lks_templates.render.workbook import CREATED, LANGUAGE
from lks_templates.spec.models import FieldSpec, FormSpec, ResolvedTemplate, TemplateSpec
from lks_templates.spec.specset import SpecPaths, SpecSet

PAGE = "index.html"
PREVIEWS = "previews"
DICTIONARY_LINK = f"../docs/{DATA_DICTIONARY}"
"""From dist/ to the data dictionary in the repository."""
_WHEN = {"monthly": "each month", "quarterly": "each quarter", "annual": "once a year"}

STYLE = """
:root { --blue: #005EB8; --dark-blue: #003087; --text: #231F20; --grey: #425563;
  --pale: #E8EDEE; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Arial, "Liberation Sans", Helvetica, sans-serif;
  font-size: 1rem; line-height: 1.5; color: var(--text); background: #FFFFFF; }
header { background: var(--blue); color: #FFFFFF; padding: 1.5rem 1rem; }
header div { max-width: 62rem; margin: 0 auto; }
header p { margin: 0.25rem 0 0; }
h1 { margin: 0; font-size: 2rem; line-height: 1.2; }
main, footer { max-width: 64rem; margin: 0 auto; padding: 1rem; }
.card { border: 1px solid var(--grey); border-top: 6px solid var(--blue); margin: 1.5rem 0;
  padding: 0 1.25rem 1.25rem; }
h2 { color: var(--dark-blue); font-size: 1.5rem; margin: 1rem 0 0.5rem; }
h3 { color: var(--dark-blue); font-size: 1.125rem; margin: 1.25rem 0 0.5rem; }
dl { display: grid; grid-template-columns: minmax(8rem, 12rem) 1fr; gap: 0.25rem 1rem; }
dt { font-weight: bold; }
dd { margin: 0; }
@media (max-width: 40rem) { dl { grid-template-columns: 1fr; } dd { margin-bottom: 0.5rem; } }
a { color: var(--blue); }
a:visited { color: #330072; }
a:focus, summary:focus { outline: 3px solid #FFB81C; outline-offset: 2px;
  background: #FFB81C; color: var(--text); }
.download { display: inline-block; background: var(--blue); color: #FFFFFF; font-weight: bold;
  padding: 0.6rem 1rem; text-decoration: none; border-radius: 4px; }
.download:visited { color: #FFFFFF; }
code { font-family: "Courier New", "Liberation Mono", monospace; font-size: 0.875rem;
  overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0; }
th, td { border: 1px solid var(--grey); padding: 0.35rem 0.5rem; text-align: left;
  vertical-align: top; }
thead th { background: var(--pale); }
summary { cursor: pointer; font-weight: bold; color: var(--blue); }
figure { margin: 1rem 0; }
figure img { max-width: min(100%, 48rem); height: auto; border: 1px solid var(--pale); }
figcaption { color: var(--grey); font-size: 0.875rem; }
footer { color: var(--grey); font-size: 0.875rem; border-top: 1px solid var(--pale); }
""".strip()


def download_page(
    templates: Sequence[ResolvedTemplate],
    out: Path,
    paths: SpecPaths | SpecSet,
    benchmark_previews: Sequence[tuple[str, str]] = (),
) -> str:
    """The page for ``templates``, whose workbooks are already built in ``out``; ``paths``:
    the specs (or the set already loaded from them) the dictionary anchors come from;
    ``benchmark_previews``: (file, alt text) of each picture of a service's benchmark
    workbook, shown in a card of their own after the templates."""
    anchors = field_anchors(paths)
    cards = [_card(resolved, out, anchors) for resolved in templates]
    links = [(r.template.id, r.template.title) for r in templates]
    if benchmark_previews:
        cards.append(_benchmark_card(benchmark_previews))
        links.append((BENCHMARK_ID, BENCHMARK_TITLE))
    contents = "\n".join(
        f'      <li><a href="#{escape(ident)}">{escape(title)}</a></li>' for ident, title in links
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{LANGUAGE}">',
            "<head>",
            '  <meta charset="utf-8">',
            '  <meta name="viewport" content="width=device-width, initial-scale=1">',
            "  <title>Statistics templates for NHS library and knowledge services</title>",
            f"  <style>\n{STYLE}\n  </style>",
            "</head>",
            "<body>",
            "  <header><div>",
            "    <h1>Statistics templates for NHS library and knowledge services</h1>",
            "    <p>Blank Excel workbooks to download, fill in and send on. Each one checks "
            "your figures as you type and draws its own dashboard.</p>",
            "  </div></header>",
            "  <main>",
            '    <nav aria-label="Templates on this page">',
            "    <h2>On this page</h2>",
            "    <ul>",
            contents,
            "    </ul>",
            "    </nav>",
            *cards,
            "  </main>",
            "  <footer>",
            "    <p>Each workbook opens in Excel or LibreOffice; no macros. Leave a cell blank "
            "when you have no figure: do not type 0 for unknown. The SHA-256 fingerprint lets "
            "you check that a download is the file published here.</p>",
            "  </footer>",
            "</body>",
            "</html>",
            "",
        ]
    )


def field_anchors(paths: SpecPaths | SpecSet) -> dict[tuple[str, str], str]:
    """(dataset id, field name) -> its anchor in the data dictionary page, counted the way
    GitHub counts repeated headings (the second ``org_name`` is ``org_name-1``)."""
    from lks_templates.spec import load_specs

    specs = paths if isinstance(paths, SpecSet) else load_specs(paths)
    titles = {dataset.title: dataset.id for dataset in specs.datasets}
    found: dict[tuple[str, str], str] = {}
    seen: dict[str, int] = {}
    dataset = ""
    for line in data_dictionary(specs).splitlines():
        if not line.startswith("#"):
            continue
        text = line.lstrip("#").strip()
        base = _anchor(text)
        count = seen.get(base, 0)
        seen[base] = count + 1
        if line.startswith("## "):
            dataset = titles.get(text, dataset)
        elif line.startswith("#### `") and text.endswith("`"):
            found.setdefault((dataset, text.strip("`")), base if count == 0 else f"{base}-{count}")
    return found


def _card(resolved: ResolvedTemplate, out: Path, anchors: dict[tuple[str, str], str]) -> str:
    spec = resolved.template
    file = out / f"{spec.id}.xlsx"
    data = file.read_bytes()
    ident = escape(spec.id)
    title = escape(spec.title)
    is_form = isinstance(spec, FormSpec)
    kind = "Form" if is_form else "Template"
    lines = [
        f'    <article class="card" id="{ident}" aria-labelledby="{ident}-title">',
        f'      <h2 id="{ident}-title">{title}</h2>',
    ]
    if spec.description:
        lines.append(f"      <p>{escape(' '.join(spec.description.split()))}</p>")
    lines += [
        "      <dl>",
        f"        <dt>Who fills it in</dt><dd>{escape(_who(spec))}</dd>",
        f"        <dt>Where it goes</dt><dd>{escape(_send_to(spec))}</dd>",
        f"        <dt>Version</dt><dd>{kind} <code>{ident}</code> version {escape(spec.version)}, "
        f"dated {CREATED.day} {CREATED:%B %Y}; fields from {escape(resolved.dataset.title)} "
        f"version {escape(resolved.dataset.version)}</dd>",
        f"        <dt>File</dt><dd>{ident}.xlsx, Excel workbook, {_size(len(data))}</dd>",
        f"        <dt>SHA-256</dt><dd><code>{hashlib.sha256(data).hexdigest()}</code></dd>",
        "      </dl>",
        f'      <p><a class="download" href="{ident}.xlsx" download>Download {title} '
        f"(Excel workbook, {_size(len(data))})</a></p>",
    ]
    lines += _fields(resolved, anchors)
    if isinstance(spec, TemplateSpec):
        lines += _previews(spec)
    lines.append("    </article>")
    return "\n".join(lines)


def _send_to(spec: TemplateSpec | FormSpec) -> str:
    return " ".join((spec.send_to or DEFAULT_SEND_TO).split())


def _who(spec: TemplateSpec | FormSpec) -> str:
    if isinstance(spec, FormSpec):
        each = spec.title.lower().removesuffix(" form")
        return f"Library and knowledge service staff: one workbook for each {each}."
    when = _WHEN[spec.period.frequency]
    after = ", after 31 March" if spec.period.frequency == "annual" else ""
    return f"Whoever keeps your service's statistics, {when}{after}."


def _size(count: int) -> str:
    return f"{count / 1024:,.0f} KB" if count >= 1024 else f"{count} bytes"


def _fields(resolved: ResolvedTemplate, anchors: dict[tuple[str, str], str]) -> list[str]:
    spec = resolved.template
    once = resolved.profile_fields
    per_period = [] if isinstance(spec, FormSpec) else resolved.measure_fields
    every = _WHEN[spec.period.frequency] if isinstance(spec, TemplateSpec) else ""
    count = len(once) + len(per_period)
    lines = [
        "      <details>",
        f"        <summary>The {count} fields it collects</summary>",
        "        <table>",
        f"          <caption>Fields of {escape(spec.title)}, with links to their "
        f'definitions in the <a href="{DICTIONARY_LINK}">data dictionary</a></caption>',
        '          <thead><tr><th scope="col">Field</th><th scope="col">Unit</th>'
        '<th scope="col">Entered</th><th scope="col">Required</th></tr></thead>',
        "          <tbody>",
    ]
    for field, entered in [*((f, "once") for f in once), *((f, every) for f in per_period)]:
        lines.append(_field_row(resolved.dataset.id, field, entered, anchors))
    lines += ["          </tbody>", "        </table>", "      </details>"]
    return lines


def _field_row(
    dataset: str, field: FieldSpec, entered: str, anchors: dict[tuple[str, str], str]
) -> str:
    anchor = anchors.get((dataset, field.name), "")
    href = f"{DICTIONARY_LINK}#{anchor}" if anchor else DICTIONARY_LINK
    required = "Yes" if field.constraints.required else "No"
    return (
        f'          <tr><th scope="row"><a href="{escape(href)}">{escape(field.title)}</a></th>'
        f"<td>{escape(field.unit or field.type)}</td><td>{escape(entered)}</td>"
        f"<td>{required}</td></tr>"
    )


def _previews(spec: TemplateSpec) -> list[str]:
    kpis = [k.title for k in spec.kpis]
    charts = [c.title[0].lower() + c.title[1:] for c in spec.charts]
    shows = []
    if kpis:
        shows.append(f"tiles for {_and(kpis[:8])}")
    if charts:
        shows.append(f"charts of {_and(charts)}")
    what = "; ".join(shows) or "its figures"
    pictures = [("dashboard", "Dashboard", what)]
    if spec.infographic:
        pictures.append(
            (
                "infographic",
                "Infographic",
                "its main figures as large numbers"
                + (f", with charts of {_and(charts[:2])}" if charts else ""),
            )
        )
    lines = ["      <h3>What it looks like filled in</h3>"]
    for key, name, content in pictures:
        alt = f"{name} of {spec.title} filled with example figures: {content}."
        lines += [
            "      <figure>",
            f'        <img src="{PREVIEWS}/{escape(spec.id)}-{key}.png" alt="{escape(alt)}">',
            f"        <figcaption>{name}, with example figures for a made-up service.</figcaption>",
            "      </figure>",
        ]
    return lines


BENCHMARK_ID = "benchmark-workbook"
BENCHMARK_TITLE = "Benchmark workbook for each service"


def _benchmark_card(pictures: Sequence[tuple[str, str]]) -> str:
    """The card showing a service's benchmark workbook (from made-up example returns)."""
    lines = [
        f'    <article class="card" id="{BENCHMARK_ID}" aria-labelledby="{BENCHMARK_ID}-title">',
        f'      <h2 id="{BENCHMARK_ID}-title">{BENCHMARK_TITLE}</h2>',
        "      <p>After the returns are collected, a regional lead can run "
        "<code>lks-templates benchmark</code>, which writes one workbook for each service: "
        "its KPIs beside the quartiles of similar services and funnel plots, naming no "
        "other service. Nothing to download here: the workbooks are made from your "
        "returns.</p>",
        "      <h3>What a service receives</h3>",
    ]
    for name, alt in pictures:
        lines += [
            "      <figure>",
            f'        <img src="{PREVIEWS}/{escape(name)}" alt="{escape(alt)}">',
            "        <figcaption>From made-up example returns of the monthly activity "
            "template.</figcaption>",
            "      </figure>",
        ]
    lines.append("    </article>")
    return "\n".join(lines)


def _and(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
