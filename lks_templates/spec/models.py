"""Typed, frozen models of the spec language.

The docstring of each attribute documents the spec language: ``docs/spec-reference.md``
and the JSON Schema (``lks-templates schema``) are generated from, or kept in step with,
what is written here. Models are built only from YAML that ``spec.loader`` has read and
``spec.validate`` has checked; cross-references (dataset ids, field names, formulas) are
checked there, not here.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from lks_templates.spec.limits import MAX_ID_LENGTH

SPEC_LANGUAGE_VERSION = 1

FieldType = Literal["string", "integer", "number", "boolean", "date"]
Frequency = Literal["monthly", "annual"]
Aggregate = Literal["sum", "mean", "last", "none"]
PeriodFrequency = Literal["monthly", "quarterly", "annual"]
Direction = Literal["higher", "lower", "neutral"]
Severity = Literal["error", "warning"]
RolloverRule = Literal["carry", "clear"]
ChartType = Literal["column", "bar", "line", "area", "pie", "radar", "doughnut", "scatter"]

SEMVER_PATTERN = (
    r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$"
)
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class Constraints(_Model):
    """Frictionless Table Schema constraints, with the same keys and meaning."""

    required: bool = False
    """A value must be entered (highlighted in the workbook until it is)."""
    minimum: float | int | None = None
    """Smallest allowed value (inclusive), for numbers."""
    maximum: float | int | None = None
    """Largest allowed value (inclusive), for numbers."""
    enum: list[str] | None = None
    """The allowed values; becomes a drop-down list in the workbook."""
    pattern: str | None = None
    """A regular expression the whole text must match (checked on read-back)."""
    minLength: int | None = Field(default=None, ge=0)  # camelCase: the Frictionless key
    """Fewest characters allowed in a text value."""
    maxLength: int | None = Field(default=None, ge=0)  # camelCase: the Frictionless key
    """Most characters allowed in a text value."""


class FieldSpec(_Model):
    """One field of a dataset: defined once, used by any number of templates."""

    name: str
    """Identifier: lower case letters, digits and underscores; becomes an Excel defined name."""
    title: str
    """Short human label shown in workbooks."""
    description: str
    """One-sentence definition of what is counted."""
    type: FieldType = "number"
    """Frictionless type: string, integer, number, boolean or date."""
    format: str | None = None
    """Frictionless format hint (kept for round-tripping Table Schema)."""
    constraints: Constraints = Field(default_factory=Constraints)
    """Frictionless constraints."""
    unit: str = ""
    """Unit of the value, e.g. ``searches``, ``GBP``, ``WTE``."""
    section: str = "General"
    """Grouping on the entry sheet and in the data dictionary."""
    frequency: Frequency = "monthly"
    """``monthly``: one value per period; ``annual``: one value per return."""
    aggregate: Aggregate = "sum"
    """How a monthly field's period values combine into the Year to date figure: ``sum`` for
    flows counted over each period (searches, loans); ``mean``, the average of the periods
    entered, for scores and rates; ``last``, the latest period entered, for stocks counted at
    a moment (registered users at month end); ``none`` where periods cannot be combined
    (distinct users in each month), so the Year to date is left blank. A chart cannot plot
    a running total (``cumulative: true``) of a field that is not ``sum``. Ignored for
    ``annual`` fields, which have one value per return."""
    weighted_by: str | None = None
    """For an ``aggregate: mean`` field only: the field whose period values weight each
    period's mean in the Year to date (``SUMPRODUCT(score, ratings) / SUM(ratings)``, the
    mean of all ratings rather than the mean of the monthly means). It must be a measure of
    every template that uses this field."""
    guidance: str = ""
    """Counting guidance that settles the usual arguments."""
    standard: str = ""
    """Where the definition follows a standard, e.g. ``ISO 2789``, ``COUNTER R5``."""
    example: Any = None
    """An example value (used for previews and documentation)."""
    blank_means_zero: bool = False
    """Whether a blank entry of this field counts as 0 in derived figures and KPIs. By
    default a figure is blank (and says what it needs) while any input it names has no
    number; set this only where a blank truly means none (a service with no such item)."""
    renamed_from: str | list[str] | None = None
    """The name (or names, oldest first) this field had in earlier versions of the dataset.
    ``diff``, ``migrate``, ``rollover`` and ``collect`` follow a rename, so a return of an
    older version carries its values into this field. A rename still needs a major version
    bump of every template that uses the field."""
    rollover: RolloverRule = "carry"
    """For a profile field: what ``rollover`` does with it when it starts next year's
    workbook: ``carry`` the value over (the service's name, its trust type), or ``clear``
    it, for a figure that must be counted afresh each year (staff served)."""

    @property
    def old_names(self) -> list[str]:
        """The names this field had before (``renamed_from`` as a list, oldest first)."""
        if self.renamed_from is None:
            return []
        if isinstance(self.renamed_from, str):
            return [self.renamed_from]
        return list(self.renamed_from)


class _SpecHeader(_Model):
    """The keys every spec file starts with; each kind narrows ``kind`` to its own name."""

    spec: Literal[1]
    """Spec-language version; always 1."""
    kind: str
    """Which kind of spec this is."""
    id: Annotated[str, Field(pattern=ID_PATTERN, max_length=MAX_ID_LENGTH)]
    """Identifier of this spec, lower-case words joined by hyphens, at most 100 characters
    (it names the workbook file); kept across versions."""
    version: Annotated[str, Field(pattern=SEMVER_PATTERN)]
    """Semantic version of this spec, bumped by maintainers."""
    title: str
    """Title, shown on every sheet of a workbook (template, form) or as a heading (dataset, FAQ)."""


class DatasetSpec(_SpecHeader):
    """``kind: dataset``: the data dictionary."""

    kind: Literal["dataset"]
    """Always ``dataset``."""
    description: str = ""
    """What the dataset is for."""
    fields: list[FieldSpec]
    """Every field, defined once."""

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)


class Period(_Model):
    """How a template's reporting year is divided."""

    frequency: PeriodFrequency = "monthly"
    """``monthly`` (12 periods), ``quarterly`` (4) or ``annual`` (1)."""
    year_start_month: int = Field(default=4, ge=1, le=12)
    """Month the reporting year starts in; 4 (April) for the NHS financial year."""


class Derived(_Model):
    """A figure computed per period from measures."""

    name: str
    """Identifier; becomes an Excel defined name."""
    title: str
    """Label shown in the workbook."""
    formula: str
    """Excel-style formula; measure names mean the value for the same period."""
    format: str = "0.0"
    """Excel number format."""
    unit: str = ""
    """Unit of the value, e.g. ``people per session``."""
    description: str = ""
    """What the figure means, for the data dictionary."""


class Kpi(_Model):
    """A figure on the dashboard, computed over the whole year."""

    name: str
    """Identifier; becomes an Excel defined name."""
    title: str
    """Label shown on the dashboard tile."""
    formula: str
    """Excel-style formula; measure and derived names mean all period values."""
    format: str = "0.0"
    """Excel number format, e.g. ``0.0``, ``0%``, ``£#,##0``; ``'"1 : "#,##0'`` shows a ratio
    as policy writes it (``1 : 1,447``), its target as ``Target 1 : 1,250 or better``."""
    direction: Direction = "neutral"
    """Whether higher or lower is better; ``neutral`` shows no red/green."""
    target: float | int | None = None
    """Optional target to compare against."""
    unit: str = ""
    """Unit of the value, e.g. ``per 1,000 staff``."""
    description: str = ""
    """What the KPI means and why it matters."""


class Rule(_Model):
    """A check on entered data."""

    name: str
    """Identifier; becomes an Excel defined name."""
    check: str
    """Formula that must be TRUE; evaluated per period when it names measures."""
    severity: Severity = "error"
    """``error`` (must be fixed) or ``warning`` (check and confirm)."""
    message: str
    """What is wrong and what to do, shown when the check fails."""


class Chart(_Model):
    """A chart on the dashboard."""

    title: str
    """Chart title, shown above the chart."""
    type: ChartType = "column"
    """column, bar, line, area, pie, radar, doughnut or scatter."""
    series: Annotated[list[str], Field(min_length=1)]
    """Measures or derived figures, one series each; at least one."""
    cumulative: bool = False
    """Plot year-to-date running totals instead of period values."""
    alt_text: str = ""
    """What the chart shows, for screen readers (its months and the Data sheet rows of its
    figures are added); generated from the type, series and period when empty."""


class TemplateSpec(_SpecHeader):
    """``kind: template``: one dashboard workbook."""

    kind: Literal["template"]
    """Always ``template``."""
    description: str = ""
    """What the workbook is for, shown on the guidance sheet."""
    dataset: str
    """Id of the dataset spec whose fields this template uses by name."""
    period: Period = Field(default_factory=Period)
    """How the reporting year is divided into periods."""
    profile: list[str] = Field(default_factory=list)
    """Fields entered once per return."""
    measures: list[str] = Field(default_factory=list)
    """Fields entered once per period."""
    derived: list[Derived] = Field(default_factory=list)
    """Figures computed per period from measures, each in its own row."""
    kpis: list[Kpi] = Field(default_factory=list)
    """Figures over the whole year, shown as tiles on the dashboard."""
    rules: list[Rule] = Field(default_factory=list)
    """Checks on entered data, evaluated live on the checks sheet and on read-back."""
    charts: list[Chart] = Field(default_factory=list)
    """Charts on the dashboard."""
    infographic: bool = True
    """Add a one-page infographic sheet."""
    send_to: str = ""
    """Where to send the filled return (shown on the guidance sheet)."""
    faq: str | None = None
    """Id of a ``kind: faq`` spec rendered into the guidance sheet."""

    def canonical_json(self) -> str:
        """Stable JSON of the validated spec: sorted keys, no whitespace."""
        return json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


class FormSpec(_SpecHeader):
    """``kind: form``: a one-record form (e.g. an impact case study), read back like a return."""

    kind: Literal["form"]
    """Always ``form``."""
    description: str = ""
    """What the form is for, shown on the guidance sheet."""
    dataset: str
    """Id of the dataset spec whose fields the form uses by name."""
    fields: list[str]
    """Fields of the form, entered once, in this order."""
    rules: list[Rule] = Field(default_factory=list)
    """Checks over the form's fields."""
    send_to: str = ""
    """Where to send the filled form (shown on the guidance sheet)."""
    faq: str | None = None
    """Id of a ``kind: faq`` spec rendered into the guidance sheet."""


class FaqEntry(_Model):
    """One question and its answer."""

    question: str
    """The question, as a library manager would ask it."""
    answer: str
    """The answer, in plain English."""
    topic: str = "General"
    """Heading the entry is grouped under."""


class FaqSpec(_SpecHeader):
    """``kind: faq``: questions and answers rendered into guidance sheets and the docs."""

    kind: Literal["faq"]
    """Always ``faq``."""
    entries: list[FaqEntry]
    """The questions and answers, in the order shown."""


Coverage = Literal["whole_year", "same_periods"]
FunnelLimits = Literal["poisson", "binomial"]


class Bands(_Model):
    """Size bands of one context field: by fixed ``breaks`` or by equal-count ``quantiles``."""

    field: str
    """A number field of the template's profile (a context field, such as staff served)."""
    breaks: list[float | int] | None = None
    """Increasing cut points: ``[3000, 6000]`` gives < 3000, 3000 to < 6000 and >= 6000."""
    quantiles: int | None = Field(default=None, ge=2, le=20)
    """Instead of ``breaks``: this many bands holding about equal numbers of services,
    cut at the quantiles (linear interpolation) of the services present."""


class Nearest(_Model):
    """The most similar services by weighted Euclidean distance over standardised fields."""

    k: int = Field(default=10, ge=1)
    """How many other services join each service's group."""
    fields: dict[str, Annotated[float | int, Field(gt=0)]]
    """Number fields of the profile (context fields) and their weights, e.g.
    ``{staff_wte_served: 2, learners_on_placement: 1}``."""


class PeerGroup(_Model):
    """One way of choosing peers; exactly one of ``same``, ``bands`` and ``nearest``."""

    name: str
    """Identifier of the peer group, written in the CSV files."""
    title: str = ""
    """Label shown in workbooks; the name when empty."""
    same: list[str] | None = None
    """Services with equal values of these profile (context) fields, e.g. ``[trust_type]``."""
    bands: Bands | None = None
    """Services in the same size band of one profile (context) number field."""
    nearest: Nearest | None = None
    """Each service with its ``k`` most similar services."""


class Funnel(_Model):
    """A funnel plot of a KPI that is a count over a population (Spiegelhalter)."""

    kpi: str
    """The KPI the funnel is for; one of the benchmark's KPIs."""
    numerator: str
    """The count: a measure (summed over the periods, written ``SUM(name)`` or ``name``) or
    a number field of the profile."""
    denominator: str
    """The population: a number field of the profile, e.g. ``staff_headcount_served``."""
    per: float | int = Field(default=1, gt=0)
    """Scale of the shown rate, e.g. 1000 for "per 1,000 staff" or 100 for a percentage."""
    limits: FunnelLimits = "poisson"
    """``poisson`` for a count per population, ``binomial`` for a proportion (the count is
    part of the denominator, such as positive impact returns of all returns)."""


class BenchmarkSpec(_SpecHeader):
    """``kind: benchmark``: how returns of one template are compared with their peers."""

    kind: Literal["benchmark"]
    """Always ``benchmark``."""
    description: str = ""
    """What the benchmark is for, shown in its workbooks."""
    template: str
    """Id of the template whose returns are compared (any version that has these KPIs)."""
    kpis: list[str] | None = None
    """KPIs compared; every KPI of the template when not given."""
    min_group_size: int = Field(default=5, ge=1)
    """Fewer services with a value than this: the statistic is not shown (``[c]``)."""
    show_range: bool = False
    """Show the minimum and maximum (single services' values) of each group."""
    coverage: Coverage = "whole_year"
    """``whole_year``: only returns with every period entered; ``same_periods``: returns
    covering the same periods as most of the returns."""
    peer_groups: list[PeerGroup]
    """The ways of choosing peers; each service is compared within each."""
    funnels: list[Funnel] = Field(default_factory=list)
    """Funnel plots of KPIs that are rates."""


class ReleaseLayout(_Model):
    """Where one build of a released version put its cells: what read-back checks a return
    of that build against. Recorded by ``release`` for each generator layout the version
    has been built with, so a return made before the generator changed still reads."""

    sheets: list[str]
    """Sheet names, in order."""
    names: dict[str, str]
    """Every defined name the generator wrote -> its reference (``Data!$D$9:$O$9``)."""
    formulas: dict[str, dict[str, str]]
    """Sheet -> cell (``A1``) -> the formula the generator wrote there."""
    last_year: list[str] = Field(default_factory=list)
    """Measures whose last year's values the workbook holds (``lks_last_year_<measure>``)."""


class ReleaseSpec(_SpecHeader):
    """``kind: release``: a released version of a template or form, kept whole.

    Written by ``lks-templates release`` under ``template_specs/released/`` and never edited
    by hand: the template (or form) as it was released, the definitions of exactly the
    fields it used and its FAQ. Returns of that version are read against it, however the
    dataset has changed since. ``id`` and ``version`` are the template's.
    """

    kind: Literal["release"]
    """Always ``release``."""
    released: date
    """The day the version was released."""
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    """The ``lks_spec_sha256`` every workbook of this version carries; checked on loading."""
    template: Annotated[TemplateSpec | FormSpec, Field(discriminator="kind")]
    """The template or form spec, as released."""
    dataset: DatasetSpec
    """The dataset as released, holding only the fields the template uses."""
    faq: FaqSpec | None = None
    """The FAQ the template named, as released."""
    layouts: list[ReleaseLayout] = Field(default_factory=list)
    """Each workbook layout this version has been built with, oldest first (not part of
    ``sha256``, which is of the spec)."""

    def resolved(self, source: str = "") -> ResolvedTemplate:
        """The released template with its own dataset, FAQ and recorded layouts."""
        return ResolvedTemplate(
            template=self.template,
            dataset=self.dataset,
            source=source,
            faq=self.faq,
            released=True,
            layouts=tuple(self.layouts),
        )


AnySpec = DatasetSpec | TemplateSpec | FormSpec | FaqSpec | BenchmarkSpec | ReleaseSpec


class ResolvedTemplate(BaseModel):
    """A validated template with the dataset it draws its fields from.

    This is what every downstream step (layout, render, read-back) takes.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    template: TemplateSpec | FormSpec
    """The template, or a one-record form (whose fields are all entered once)."""
    dataset: DatasetSpec
    source: str = ""
    """Path of the template's YAML file, for messages."""
    faq: FaqSpec | None = None
    """The FAQ the template names in ``faq``, if any."""
    released: bool = False
    """Whether this is a released snapshot (``kind: release``) rather than a current spec."""
    layouts: tuple[ReleaseLayout, ...] = ()
    """The workbook layouts recorded when this version was released (see
    :class:`ReleaseLayout`); read-back tries them for a return that today's layout does not
    fit. Not part of :meth:`sha256`."""

    @property
    def is_form(self) -> bool:
        """True for a ``kind: form`` spec."""
        return isinstance(self.template, FormSpec)

    @property
    def profile_names(self) -> list[str]:
        """Fields entered once: a template's profile, or every field of a form."""
        if isinstance(self.template, FormSpec):
            return list(self.template.fields)
        return list(self.template.profile)

    @property
    def measure_names(self) -> list[str]:
        """Fields entered once per period (none for a form)."""
        if isinstance(self.template, FormSpec):
            return []
        return list(self.template.measures)

    @property
    def profile_fields(self) -> list[FieldSpec]:
        return [self.dataset.field(n) for n in self.profile_names]

    @property
    def measure_fields(self) -> list[FieldSpec]:
        return [self.dataset.field(n) for n in self.measure_names]

    def canonical_json(self) -> str:
        """The template plus the definitions of the fields it uses, as stable JSON."""
        used = {*self.profile_names, *self.measure_names}
        # Keys left at their defaults are left out, so that a key the spec language gains
        # later (with a default that keeps today's meaning) does not change the checksum of
        # every template already sent out.
        data = {
            "template": self.template.model_dump(mode="json", exclude_defaults=True),
            "dataset": {"id": self.dataset.id, "version": self.dataset.version},
            "fields": [
                f.model_dump(mode="json", exclude_defaults=True)
                for f in self.dataset.fields
                if f.name in used
            ],
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    def sha256(self) -> str:
        """``lks_spec_sha256``: SHA-256 of :meth:`canonical_json`."""
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()
