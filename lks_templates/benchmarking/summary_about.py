"""The summary's About sheet: what the workbook is, the run's facts (one wording with the
services' workbooks), each peer group's rule and the method in words, and its sheets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from lks_templates.benchmarking.workbook import NO_VALUE, SUPPRESSED, _title, vintage
from lks_templates.layout.model import PageSetup, SheetPlan
from lks_templates.spec.models import PeerGroup

if TYPE_CHECKING:
    from lks_templates.benchmarking.summary import Context

ABOUT_WIDTH = 90.0
"""Characters of the About sheet's one column: fits a portrait A4 page unscaled."""


def about_sheet(ctx: Context, sheets: Sequence[tuple[str, str]]) -> SheetPlan:
    """What the summary is, the run's facts, the method in words, and a guide to its sheets."""
    from lks_templates.benchmarking.summary import (
        ABOUT,
        LEFT_OUT,
        LINE,
        NO_GROUP,
        WHOLE,
        text_lines,
    )

    spec, outcome = ctx.spec, ctx.outcome
    sheet = SheetPlan(name=ABOUT, protect=True)
    sheet.column_widths[0] = ABOUT_WIDTH
    sheet.put(0, 0, f"Summary for the lead: {spec.title}", style="title")
    sheet.row_heights[0] = 24
    whole = [item for item in ctx.left if item.what == WHOLE]
    unread = sum(item.problem != "left-out" for item in whole)
    lines: list[tuple[str, str]] = [
        (
            "subtitle",
            "Every service compared under "
            + vintage(spec, ctx.template, outcome.returns, ctx.date),
        ),
        (
            "about_text",
            f"{outcome.returns:,} returns compared; {len(whole):,} not compared: "
            f"{len(whole) - unread:,} left out by the benchmark's rules and {unread:,} that "
            f"could not be read (the {LEFT_OUT} sheet says why).",
        ),
        (
            "about_text",
            "This workbook names every service. It is for the lead: send each "
            "service only its own workbook from the services folder, which names "
            "no other service.",
        ),
    ]
    if spec.description:
        lines.append(("about_text", spec.description))
    lines.append(("about_heading", "How services are compared"))
    for group in spec.peer_groups:
        lines.append(("about_text", f"{group.title or group.name}: {rule(group, ctx.titles)}"))
    lines += [
        (
            "about_text",
            "Peers are chosen only by what describes the population served, never "
            "by the figures being compared.",
        ),
        (
            "about_text",
            "For each group and KPI: n is the number of services in the group with "
            "a value; the lower quartile, median and upper quartile are found by "
            "linear interpolation, as Excel's QUARTILE.INC.",
        ),
        (
            "about_text",
            "A service's quarter is 1 plus the number of those three figures its "
            "value is above: 1 is the lowest quarter of its group, 4 the highest. "
            "Whether high is good depends on the KPI.",
        ),
        (
            "about_text",
            f"Where fewer than {spec.min_group_size} services in a group have a "
            f"value, no statistic of that group is shown ({SUPPRESSED}), so that no "
            f"service can be picked out. {NO_VALUE}: the service's value is blank or "
            f"one of its inputs has an error. {NO_GROUP}: the service has no group "
            "there, because a value the group is chosen by is blank.",
        ),
    ]
    if spec.funnels:
        lines.append(
            (
                "about_text",
                "Funnel plots: a rate is compared with control limits around "
                "the group's pooled rate that narrow as the population grows; a service "
                "outside the 99.8% limits differs by more than chance would explain.",
            )
        )
    lines.append(("about_heading", "The sheets of this workbook"))
    lines += [("about_text", f"{name}: {what}") for name, what in sheets]
    lines.append(("note", "The method in full: docs/benchmarking.md of lks-templates."))
    at = 2
    for style, text in lines:
        if style == "about_heading":
            at += 1
        sheet.put(at, 0, text, style=style)
        height = LINE * text_lines(text, ABOUT_WIDTH) + 4
        sheet.row_heights[at] = max(height, 20.0) if style == "about_heading" else height
        at += 1
    sheet.page = PageSetup(landscape=False, fit_width=1)
    return sheet


def rule(group: PeerGroup, titles: Mapping[str, str]) -> str:
    """How a peer group chooses its members, in words."""
    if group.same is not None:
        fields = " and ".join(_title(f, titles) for f in group.same)
        return f"services with the same {fields}."
    if group.bands is not None:
        field_title = _title(group.bands.field, titles)
        if group.bands.breaks is not None:
            cuts = ", ".join(f"{b:,}" for b in group.bands.breaks)
            return f"services in the same band of {field_title}, cut at {cuts}."
        return (
            f"services in the same band of {field_title}: {group.bands.quantiles} bands "
            "holding about equal numbers of services."
        )
    if group.nearest is not None:
        weights = ", ".join(
            f"{_title(f, titles)} (weight {w:g})" for f, w in group.nearest.fields.items()
        )
        return (
            f"each service and the {group.nearest.k} services most similar by {weights}, "
            "each measured in standard deviations across every service compared."
        )
    return "every service."
