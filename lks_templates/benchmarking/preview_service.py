"""The preview of a service's benchmark workbook in ``dist/previews/``.

``lks-templates preview`` writes, beside the templates' dashboards, two pictures of one
service's ``services/<ODS code>.xlsx``: its first printed page (who, the method, the
table) and the page with the most funnel plots. The workbook comes from a run of the shipped
``monthly-activity-peers`` benchmark over ``example-returns`` (clearly synthetic: every
name says "Example", codes start ``EX``), dated :data:`PREVIEW_DATE`, so the workbook is
the same on any day. The download page and ``dist/README.md`` list the pictures with alt
text; as with every preview, ``check`` looks only for the files (PNG bytes vary between
LibreOffice versions), while the words on the page are rebuilt byte for byte.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import tempfile
import zipfile
from collections import Counter
from pathlib import Path

from lks_templates.spec.models import BenchmarkSpec, TemplateSpec
from lks_templates.spec.specset import SpecSet

PREVIEW_BENCHMARK = "monthly-activity-peers"
"""The shipped benchmark spec the preview is made with (two funnel KPIs)."""
PREVIEW_SERVICES = 60
"""How many example returns are compared (as in the README's commands)."""
PREVIEW_CODE = "EX001"
"""The example service shown."""
PREVIEW_DATE = dt.date(2026, 1, 1)
"""The run's date shown in the preview (the templates' fixed creation date)."""
FIRST, FUNNELS = "benchmark-service.png", "benchmark-service-funnels.png"


def preview_benchmark(specs: SpecSet) -> BenchmarkSpec | None:
    """The benchmark spec of the preview, when ``specs`` has it and its template."""
    found = specs.get(PREVIEW_BENCHMARK)
    if not isinstance(found, BenchmarkSpec):
        return None
    return found if isinstance(specs.get(found.template), TemplateSpec) else None


def service_previews(specs: SpecSet) -> list[tuple[str, str]]:
    """(PNG file name, alt text) of each picture of the preview; none without its spec."""
    spec = preview_benchmark(specs)
    template = specs.get(spec.template) if spec is not None else None
    if spec is None or not isinstance(template, TemplateSpec):
        return []
    titles = {k.name: k.title for k in template.kpis}
    funnels = [titles.get(f.kpi, f.kpi) for f in spec.funnels]
    groups = [g.title or g.name for g in spec.peer_groups]
    who = f"Example Trust 001, one of {PREVIEW_SERVICES} made-up services"
    first = (
        f"First page of the benchmark workbook of {who}: its name and ODS code, the "
        f"benchmark and the method, then a table of each KPI with its value, the peer group "
        f"({', '.join(groups)}), who is in the group in words, the number of services, the "
        "quartiles and its quarter; no statistic where a group is too small to show."
    )
    funnel = (
        f"A later page of the same workbook: funnel plots of {' and '.join(funnels) or 'rates'} "
        "for the peer groups large enough to show: the group's rate as a solid line, dashed "
        "95% and dotted 99.8% control limits narrowing as the population grows, and the "
        "service's own point, with no other service shown."
    )
    return [(FIRST, first), (FUNNELS, funnel)]


def render_service_previews(specs: SpecSet, out: Path, *, dpi: int) -> list[Path]:
    """Write the preview's pictures into ``out`` (each atomically); none without its spec.

    Raises :class:`lks_templates.preview.LibreOfficeError` when soffice, pdftoppm or
    pdfinfo is missing or fails.
    """
    from lks_templates.benchmarking import benchmark
    from lks_templates.benchmarking.examples import write_examples
    from lks_templates.benchmarking.workbook import file_name
    from lks_templates.preview import LibreOfficeError, convert, rasterise

    spec = preview_benchmark(specs)
    resolved = specs.resolve(spec.template) if spec is not None else None
    if spec is None or resolved is None:
        return []
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        raise LibreOfficeError(
            "pdfinfo is not installed; on Debian or Ubuntu: apt-get install poppler-utils"
        )
    with tempfile.TemporaryDirectory(prefix="lks-preview-benchmark-") as temp:
        work = Path(temp)
        write_examples(resolved, PREVIEW_SERVICES, work / "returns")
        benchmark([work / "returns"], spec, specs=specs, out=work / "run", date=PREVIEW_DATE)
        source = work / "run" / "services" / file_name(PREVIEW_CODE)
        (pdf,) = convert([source], work / "pdf", "pdf")
        done = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True,
                              timeout=60, check=False)  # fmt: skip
        pages = [line.split()[-1] for line in done.stdout.splitlines()
                 if line.startswith("Pages:")]  # fmt: skip
        if done.returncode != 0 or not pages:
            raise LibreOfficeError(f"pdfinfo could not read {pdf.name}: {done.stderr.strip()}")
        page = funnel_page(source, int(pages[0]))
        return [rasterise(pdf, out / FIRST, dpi, page=1),
                rasterise(pdf, out / FUNNELS, dpi, page=page)]  # fmt: skip


def funnel_page(workbook: Path, pages: int) -> int:
    """The printed page (1-based, of ``pages``) holding the most funnel plots of a service
    workbook: the charts follow the tables, each manual page break starts a page of
    charts, so chart page k (k breaks above it) is page ``pages - breaks + k``."""
    with zipfile.ZipFile(workbook) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
        drawing = archive.read("xl/drawings/drawing1.xml").decode()
        links = archive.read("xl/drawings/_rels/drawing1.xml.rels").decode()
        target = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="\.\./charts/(chart\d+\.xml)"',
                                 links))  # fmt: skip
        breaks = [int(b) for b in re.findall(r'<brk id="(\d+)"', sheet)]
        counts: Counter[int] = Counter()
        for anchor in re.findall(r"<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>", drawing, re.S):
            row = int(re.findall(r"<xdr:row>(\d+)</xdr:row>", anchor)[0])
            chart = re.search(r'<c:chart [^>]*r:id="(rId\d+)"', anchor)
            name = target.get(chart.group(1), "") if chart else ""
            if name and b"<c:scatterChart>" in archive.read(f"xl/charts/{name}"):
                counts[sum(b <= row for b in breaks)] += 1
    if not counts:
        return pages
    best = max(counts, key=lambda k: (counts[k], -k))
    return max(1, min(pages, pages - len(breaks) + best))
