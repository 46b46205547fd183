"""What reading one returned workbook produces."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lks_templates.errors import Problem
from lks_templates.readback.values import Value

if TYPE_CHECKING:
    import pandas as pd

Figure = float | int | bool | str | None


@dataclass(frozen=True)
class YearOnYear:
    """One measure's year on year comparison; None where the workbook shows a blank."""

    this_year: float | None
    """The Year to date (the only period's value in an annual template)."""
    last_year: float | None
    """Last year's values combined over the periods entered this year."""
    change: float | None
    """``this_year - last_year``."""
    change_percent: float | None
    """The change over the size of last year, as a fraction (0.05 is 5%)."""


@dataclass(frozen=True)
class PeriodInfo:
    """One period of the return: its stable key and, once the year is known, its first day."""

    key: str
    """``m01`` .. ``m12``, ``q1`` .. ``q4`` or ``year`` (see ``rules.periods``)."""
    start: dt.date | None


@dataclass(frozen=True)
class Location:
    """Where a value sits in the workbook."""

    sheet: str
    cell: str


@dataclass
class Return:
    """One returned workbook, read and checked.

    ``readable`` is False when the file could not be read at all (not a workbook, hostile,
    unknown template...); ``problems`` then holds one problem saying why.
    """

    file: str
    """The file's name in problems: the path as given, or ``read_return(..., file=)``."""
    readable: bool = False
    """Whether the file was read; False when it was refused as a whole."""
    template_id: str = ""
    """The ``lks_template_id`` document property; "" when the file was refused before it."""
    template_version: str = ""
    """The ``lks_template_version`` document property."""
    spec_sha256: str = ""
    """The checksum of the spec the values were checked against (the current spec or the
    released snapshot the workbook was made from): ``SpecSet.resolve(template_id,
    template_version, spec_sha256)`` gives it back. "" when the file was refused."""
    kind: str = "template"
    """``template`` or ``form``."""
    reporting_year: int | None = None
    """The reporting year entered; None when blank or not a year."""
    periods: list[PeriodInfo] = field(default_factory=list)
    """The template's periods, in order, with their first days once the year is known."""
    profile: dict[str, Value | None] = field(default_factory=dict)
    """Fields entered once (every field of a form), as checked values; None when blank."""
    measures: dict[str, list[Value | None]] = field(default_factory=dict)
    """Measures entered per period, in period order; None when blank or unusable."""
    derived: dict[str, list[Figure]] = field(default_factory=dict)
    """Derived figures per period, recomputed in Python from the values read."""
    last_year: dict[str, list[Value | None]] = field(default_factory=dict)
    """Measure -> last year's values per period, in period order, as read (and checked)
    from ``lks_last_year_<measure>``; None when blank or unusable. Empty for a return made
    before the Last year block existed (and for a form)."""
    year_on_year: dict[str, YearOnYear] = field(default_factory=dict)
    """Measure -> this year to date, last year over the same periods and the change, as
    the Data sheet shows them (``rules.lastyear``), recomputed in Python; only when some
    last year's value was read, and only for measures with a Last year figure."""
    kpis: dict[str, Figure] = field(default_factory=dict)
    """KPIs, recomputed in Python from the values read."""
    kpi_needs: dict[str, str] = field(default_factory=dict)
    """KPI -> what its tile says is missing while it is blank (``Needs total expenditure``)."""
    kpi_notes: dict[str, str] = field(default_factory=dict)
    """KPI -> the note its tile shows while an annual figure in it is set against part of
    the year (``Annual figure over 3 of 12 months``); only KPIs with a note."""
    coverage: str = ""
    """The periods entered in words, as ``lks_coverage`` shows them (``April to June 2025
    (3 of 12 months)``); "" for a form or while nothing is entered."""
    periods_entered: int = 0
    """Periods with any entry (``lks_periods_entered``)."""
    entered_periods: list[str] = field(default_factory=list)
    """Keys of the periods with any entry, in period order (``periods_entered`` of them)."""
    raw_errors: dict[tuple[str, str], object] = field(default_factory=dict)
    """(field, period key or "") -> the unusable cell content behind a ``type-error``, or
    the formula (with its ``=``) behind a ``formula-in-input``."""
    locations: dict[tuple[str, str], Location] = field(default_factory=dict)
    """(field, period key or "") -> where the value was read."""
    problems: list[Problem] = field(default_factory=list)
    """Every problem found, located at its sheet and cell."""

    @property
    def org_ods_code(self) -> str:
        """The organisation's ODS code as entered, or "" when the template has none."""
        code = self.profile.get("org_ods_code")
        return code.strip().upper() if isinstance(code, str) else ""

    @property
    def errors(self) -> list[Problem]:
        """The problems of severity ``error``."""
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        """The problems of severity ``warning``."""
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def values(self) -> pd.DataFrame:
        """Per-period values: one row per period, one column per measure and derived figure.

        The index is the period key; ``period_start`` holds the period's first day.
        """
        import pandas as pd

        data: dict[str, list[object]] = {
            "period_start": [p.start for p in self.periods],
        }
        for name, series in self.measures.items():
            data[name] = list(series)
        for name, figures in self.derived.items():
            data.setdefault(name, list(figures))
        frame = pd.DataFrame(data, index=pd.Index([p.key for p in self.periods], name="period"))
        return frame
