"""Which COUNTER report supplies which field of the return, so that no use is counted twice.

One rule, documented in docs/counter.md: for each platform and month, each field is taken
from the first source in its list that has a report for that platform and month, summing
every row of the field's metric in it. A source is one report type or, for denials, two
taken together (TR_J2 and TR_B2 count different titles, journals and books). A platform
report and a title report both carry Total_Item_Requests for the same use; taking only the
first present is what keeps it from being counted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from lks_templates.counter.reports import UsageRow

BOOK_TYPES = frozenset({"Book", "Reference_Work"})
"""The book data types of COUNTER: Book in R5; Book and Reference_Work in R5.1 (TR_B1)."""


def _not_tdm(row: UsageRow) -> bool:
    # Text and data mining is not use by a person: COUNTER reports it as Access_Method TDM
    # and the Code of Practice keeps it out of the standard views (PR_P1, TR_B1, DR_D1).
    return "TDM" not in row.access_method.split("|")


def _books(row: UsageRow) -> bool:
    return _not_tdm(row) and row.data_type in BOOK_TYPES


@dataclass(frozen=True)
class Source:
    """Report types read together, and which of their rows count."""

    reports: tuple[str, ...]
    keep: Callable[[UsageRow], bool] = _not_tdm


@dataclass(frozen=True)
class FieldRule:
    """Where one field of the return comes from."""

    field: str
    metric: str
    """The COUNTER Metric_Type summed."""
    sources: tuple[Source, ...]
    """In order of preference: the first with a report for the platform and month wins."""


DENIAL_SOURCES = (Source(("DR_D2",)), Source(("DR",)), Source(("TR_J2", "TR_B2")))
RULES: tuple[FieldRule, ...] = (
    FieldRule(
        "counter_total_item_requests",
        "Total_Item_Requests",
        (Source(("PR_P1",)), Source(("PR",))),
    ),
    FieldRule(
        "counter_unique_item_requests",
        "Unique_Item_Requests",
        (Source(("PR_P1",)), Source(("PR",))),
    ),
    FieldRule(
        "counter_unique_title_requests",
        "Unique_Title_Requests",
        (Source(("PR_P1",)), Source(("PR",)), Source(("TR_B1",)), Source(("TR",), _books)),
    ),
    FieldRule(
        "counter_searches_regular", "Searches_Regular", (Source(("DR_D1",)), Source(("DR",)))
    ),
    FieldRule("counter_no_license", "No_License", DENIAL_SOURCES),
    FieldRule("counter_limit_exceeded", "Limit_Exceeded", DENIAL_SOURCES),
)
"""Every field the import fills, in the order of the template."""

PLATFORM_FIELDS = ("counter_total_item_requests", "counter_unique_item_requests")
"""Fields that only a platform report supplies (a problem names a platform without one)."""
PLATFORM_REPORTS = ("PR_P1", "PR")
USED_REPORTS = frozenset(r for rule in RULES for s in rule.sources for r in s.reports)
"""Report types that supply some field; any other is read, named and not used."""
