"""Request and response models of the indicators service.

What comes in is typed at the edge: org units with ``shared.boundary``'s types, an
indicator code with ``IndicatorCode``; the layers behind trust the values.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    WithJsonSchema,
)

from services.indicators.targets import ParsedTarget
from shared.boundary import OrgUnitField
from shared.periods import Period, PeriodError


def json_number(value: Decimal) -> int | float:
    """Exact decimals go out as JSON numbers (integral ones as integers)."""
    if value == value.to_integral_value():
        return int(value)
    return float(value)


#: A Decimal inside, a JSON number outside (the float's shortest form shows the same digits).
Number = Annotated[Decimal, PlainSerializer(json_number, return_type=int | float, when_used="json")]

Unit = Literal[
    "percent",
    "count",
    "per_100_vardplatser",
    "per_1000_inhabitants",
    "index_score",
    "days",
    "other",
]
Direction = Literal["higher_is_better", "lower_is_better"]
Source = Literal["NPE", "national_register", "own_systems", "other"]
OrgUnitKind = Literal["region", "committee", "hospital_board"]
ResultStatus = Literal["final", "preliminary", "missing", "not_available"]
EvaluationStatus = Literal["met", "not_met", "no_target", "no_data", "not_evaluable"]
TimeAggregation = Literal["ratio", "sum", "mean", "last"]
#: ``quality``: judged against its targets (kvalitetsindikator); ``volume``: a production
#: volume without target (produktionsvolym), followed against the previous year.
IndicatorKind = Literal["quality", "volume"]

CODE_PATTERN = r"^[A-Z0-9][A-Z0-9_-]{1,39}$"
_CODE = re.compile(CODE_PATTERN)


def check_indicator_code(code: str) -> str:
    """An indicator code: an IB id such as ``ID0069``, or an own code such as ``EJIB-DIGBOK``."""
    if not _CODE.match(code):
        raise ValueError(
            f"indicator code {code!r} is malformed; use e.g. ID0069 or EJIB-DIGBOK "
            "(A–Z, 0–9, '-' and '_', 2–40 characters)"
        )
    return code


IndicatorCode = Annotated[
    str,
    AfterValidator(check_indicator_code),
    WithJsonSchema({"type": "string", "pattern": CODE_PATTERN, "examples": ["ID0069"]}),
]


_SLUG = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")


def _slug(value: Any) -> str:
    if not (isinstance(value, str) and len(value) <= 100 and _SLUG.match(value)):
        raise ValueError(f"{value!r} is not a breakdown, a lower-case slug such as vardcentraler")
    return value


def _period_text(value: Any) -> str:
    try:
        return str(Period.parse(value))
    except PeriodError as exc:
        raise ValueError(str(exc)) from exc


#: A breakdown (uppdelning): ``total``, ``vardcentraler``, ``standardiserade_vardforlopp``.
BreakdownName = Annotated[str, BeforeValidator(_slug)]
#: A period, kept in canonical text (``2024-01/2024-09``).
PeriodText = Annotated[str, BeforeValidator(_period_text)]


class PlacementIn(BaseModel):
    """Breakdowns the annex places under another area (and delmål) than the indicator's."""

    model_config = ConfigDict(extra="forbid")

    area: str = Field(min_length=1, description="An area of the goal hierarchy (name or code).")
    goal: str | None = Field(default=None, description="Optional; the area's goal.")
    delmal: str | None = Field(default=None, description="Optional delmål under the area.")
    breakdowns: list[BreakdownName] = Field(
        min_length=1, description="The breakdowns placed here, e.g. `standardiserade_vardforlopp`."
    )


class PlacementOut(BaseModel):
    goal: str
    area: str
    delmal: str | None
    breakdowns: list[str] | None = Field(
        description="The breakdowns placed here; null: every breakdown not placed elsewhere "
        "(the indicator's own place, always first)."
    )


class IndicatorIn(BaseModel):
    """An indicator as `PUT /v1/indicators/{code}` takes it."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1)
    unit: Unit
    direction: Direction
    source: Source = "other"
    area: str = Field(
        min_length=1, description="An area of the goal hierarchy (its name or code, e.g. G2.A1)."
    )
    goal: str | None = Field(
        default=None, description="Optional; must be the goal the area belongs to."
    )
    delmal: str | None = Field(
        default=None, description="Optional delmål under the area (its text or code)."
    )
    not_reportable_by: list[Literal["hospital_board"]] = Field(
        default=[],
        description="Org-unit kinds that cannot report it (a population denominator: `hospital_board`).",
    )
    time_aggregation: TimeAggregation | None = Field(
        default=None,
        description="How monthly results roll up to a quarter, tertial, range or year: `ratio` "
        "(Σnumerator/Σdenominator), `sum`, `mean` or `last` (the latest month). Default from "
        "the unit: rates `ratio`, counts `sum`, others `mean`.",
    )
    placements: list[PlacementIn] = Field(
        default=[],
        description="Breakdowns placed under another area/delmål than `area` (the annex shows "
        "the NPE SVF rows under the cancer area). Each breakdown at most once.",
    )
    coverage_notes: dict[PeriodText, str] = Field(
        default={},
        description="Period → the note a report gives a result that covers less than the "
        "period asked for (shown as `coverage_note` on evaluations using it).",
    )
    kind: IndicatorKind = Field(
        default="quality",
        description="`quality` (judged against targets) or `volume` (a production volume "
        "without target: no targets, not evaluated, followed at `/v1/production`).",
    )


class IndicatorOut(BaseModel):
    code: str
    name: str
    description: str
    unit: Unit
    direction: Direction
    source: str
    goal: str
    area: str
    delmal: str | None
    not_reportable_by: list[str]
    reportable_at: list[OrgUnitKind]
    time_aggregation: TimeAggregation
    placements: list[PlacementOut] = Field(
        description="Where the indicator's breakdowns sit: its own place first (`breakdowns` "
        "null), then any breakdowns the annex puts elsewhere."
    )
    coverage_notes: dict[str, str]
    kind: IndicatorKind
    updated_at: datetime
    change_seq: int


class TargetIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    expression: str = Field(
        max_length=200,
        description="As written: `>95%`, `≥80%`, `<0,5/100 vpl.`, `<20 000`, `ökning ≥10%/år`, "
        "`≥ 10 % minskning/år`, `Ökning`, `NPE: förbättring ≥1,0 enhet`, `-` (no target).",
    )
    org_unit: OrgUnitField | None = Field(
        default=None,
        description="A committee setting its own target (at least as strict as the region's); "
        "null for the region's target.",
    )


class TargetOut(BaseModel):
    indicator: str
    year: int
    org_unit: str | None
    source: Literal["region", "org_unit"]
    expression: str
    parsed: ParsedTarget
    updated_at: datetime
    change_seq: int
    etag: str = Field(
        description="This target's version, to send as `If-Match` when replacing it "
        "(`PUT /v1/indicators/{code}/targets/{year}`); stale → 412."
    )


class TargetList(BaseModel):
    items: list[TargetOut]


class ResultOut(BaseModel):
    id: int
    indicator: str
    org_unit: str
    period: str
    breakdown: str
    value: Number | None
    numerator: Number | None
    denominator: Number | None
    status: ResultStatus
    updated_at: datetime
    change_seq: int


class RowErrorOut(BaseModel):
    row: int
    errors: list[dict[str, Any]]


class LoadAnswer(BaseModel):
    inserted: int
    updated: int
    unchanged: int
    rejected: list[RowErrorOut]
    dry_run: bool = False


class DeleteAnswer(BaseModel):
    deleted: int


class TargetInForce(BaseModel):
    expression: str
    year: int
    source: Literal["region", "org_unit"]
    org_unit: str | None = None
    kind: str


class MonthsOut(BaseModel):
    found: int = Field(description="Months of the span with a result that took part.")
    of: int = Field(description="Months in the span.")


class ComparedWith(BaseModel):
    period: str
    value: Number


class EvaluationItem(BaseModel):
    indicator: str
    name: str
    goal: str = Field(description="Where the annex puts this indicator and breakdown.")
    area: str = Field(description="Where the annex puts this indicator and breakdown.")
    delmal: str | None = Field(description="Where the annex puts this indicator and breakdown.")
    unit: str
    direction: str
    org_unit: str
    period: str
    breakdown: str
    value: Number | None
    result_status: ResultStatus | None = Field(
        description="The result's own status (`preliminary` values are evaluated as they are)."
    )
    aggregated: bool = Field(
        default=False,
        description="The value is the region's Σnumerator/Σdenominator over the units (no stored region value).",
    )
    target: TargetInForce | None
    status: EvaluationStatus
    compared_with: ComparedWith | None
    value_org_unit: str | None = Field(
        default=None,
        description="Whose result the value is: the org unit's own, or REGION's for HSN and "
        "RS, which follow the region's indicators.",
    )
    coverage: str | None = Field(
        default=None,
        description="The span the value covers when it is less than the period asked (year to "
        "date: `2024-01/2024-09` for 2024 while Q4 is not processed); null when it is the "
        "whole period.",
    )
    coverage_note: str | None = Field(
        default=None, description="The report's note on that coverage, when it has one."
    )
    months: MonthsOut | None = Field(
        default=None,
        description="For a value rolled up from monthly results: months found of the months in "
        "the period (a gap is shown, never filled); null when not rolled up.",
    )


class EvaluationList(BaseModel):
    items: list[EvaluationItem]


class AreaEvaluation(BaseModel):
    goal: str
    area: str
    indicators: int = Field(description="Indicators of the area in this view.")
    with_target: int = Field(description="Counted evaluations whose indicator has a target.")
    evaluated: int = Field(description="Counted evaluations judged `met` or `not_met`.")
    met: int
    share: Number | None = Field(description="met / evaluated, four decimals; null when none.")
    verdict: Literal["met", "not_met", "not_evaluable"]


class AreaEvaluationList(BaseModel):
    items: list[AreaEvaluation]


class EvaluationSummary(BaseModel):
    """The evaluations and the area verdicts of one org unit and period, from one pass."""

    evaluations: list[EvaluationItem] = Field(
        description="The items of `GET /v1/evaluations` for the same org unit and period."
    )
    areas: list[AreaEvaluation] = Field(
        description="The items of `GET /v1/area-evaluations` for the same org unit and period."
    )
