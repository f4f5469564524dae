"""The arithmetic of evaluations (måluppfyllelse): pure functions, no database, no HTTP.

- the target in force for an org unit and a year (the region's, or a committee's own);
- the region's value from its units' numerators and denominators (Σ/Σ, never a mean of
  percentages);
- one evaluation's status, comparing with the last earlier period of the same span when
  the target asks for a change;
- which evaluations an area verdict counts, and the verdict (at least half met).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, Protocol

from services.indicators.models import REGION
from services.indicators.result_rows import DEFAULT_BREAKDOWN, WITH_VALUE
from services.indicators.schemas import (
    AreaEvaluation,
    ComparedWith,
    EvaluationItem,
    EvaluationStatus,
)
from services.indicators.targets import COMPARING_KINDS, ParsedTarget, evaluate
from shared.periods import MIN_YEAR, Period

SHARE_PLACES = Decimal("0.0001")
AGGREGATE_PLACES = Decimal("0.0001")
#: Σnumerator/Σdenominator is scaled to the indicator's unit.
UNIT_SCALE = {
    "percent": Decimal(100),
    "per_100_vardplatser": Decimal(100),
    "per_1000_inhabitants": Decimal(1000),
}


class StoredTarget(Protocol):
    """A target as stored: its expression as written and its parsed form as JSON."""

    @property
    def indicator(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def org_unit(self) -> str: ...
    @property
    def expression(self) -> str: ...
    @property
    def parsed(self) -> str: ...


class UnitFigures(Protocol):
    """A unit's numerator and denominator for one indicator, breakdown and period."""

    @property
    def indicator(self) -> str: ...
    @property
    def breakdown(self) -> str: ...
    @property
    def period(self) -> str: ...
    @property
    def numerator(self) -> Decimal: ...
    @property
    def denominator(self) -> Decimal: ...
    @property
    def status(self) -> str: ...


@dataclass(frozen=True)
class ChosenTarget:
    """The target an evaluation is judged against, and whose it is."""

    expression: str
    year: int
    source: Literal["region", "org_unit"]
    org_unit: str | None
    parsed: ParsedTarget


def targets_in_force(targets: Iterable[StoredTarget]) -> dict[str, ChosenTarget]:
    """Per indicator, the target in force among the region's and one unit's own targets
    (all set for the year evaluated or before).

    Each side's latest target counts; the unit's own wins unless the region set a newer one.
    """
    region: dict[str, StoredTarget] = {}
    own: dict[str, StoredTarget] = {}
    for target in targets:
        side = region if target.org_unit == REGION else own
        latest = side.get(target.indicator)
        if latest is None or latest.year < target.year:
            side[target.indicator] = target
    out: dict[str, ChosenTarget] = {}
    for code in region.keys() | own.keys():
        theirs, ours = region.get(code), own.get(code)
        if ours is not None and (theirs is None or ours.year >= theirs.year):
            out[code] = _in_force(ours, "org_unit")
        elif theirs is not None:
            out[code] = _in_force(theirs, "region")
    return out


def _in_force(target: StoredTarget, source: Literal["region", "org_unit"]) -> ChosenTarget:
    return ChosenTarget(
        expression=target.expression,
        year=target.year,
        source=source,
        org_unit=target.org_unit if source == "org_unit" else None,
        parsed=ParsedTarget.model_validate_json(target.parsed),
    )


def comparable_periods(period: Period) -> list[str]:
    """The period itself, then the same span in every earlier year, newest first."""
    return [str(period)] + [
        str(Period(y, period.first_month, period.last_month, period.kind))
        for y in range(period.year - 1, MIN_YEAR - 1, -1)
    ]


@dataclass(frozen=True)
class Observed:
    """A value in a series: stored for the unit, or the region's sum over its units."""

    value: Decimal | None
    status: str
    aggregated: bool = False

    @property
    def judgeable(self) -> bool:
        return self.status in WITH_VALUE and self.value is not None


def region_values(
    figures: Iterable[UnitFigures], units: Mapping[str, str]
) -> dict[tuple[str, str, str], Observed]:
    """Region values from the units, per (indicator, breakdown, period):
    Σnumerator / Σdenominator scaled to the indicator's unit (``units``: code → unit),
    preliminary when any unit's figure is."""
    sums: dict[tuple[str, str, str], tuple[Decimal, Decimal, str]] = {}
    for row in figures:
        key = (row.indicator, row.breakdown, row.period)
        num, den, status = sums.get(key, (Decimal(0), Decimal(0), "final"))
        if row.status == "preliminary":
            status = "preliminary"
        sums[key] = (num + row.numerator, den + row.denominator, status)
    out: dict[tuple[str, str, str], Observed] = {}
    for key, (num, den, status) in sums.items():
        if den <= 0:
            continue
        scale = UNIT_SCALE.get(units.get(key[0], ""), Decimal(1))
        out[key] = Observed((num * scale / den).quantize(AGGREGATE_PLACES), status, True)
    return out


@dataclass(frozen=True)
class Judgement:
    status: EvaluationStatus
    compared_with: ComparedWith | None = None


def judge(
    target: ParsedTarget | None,
    series: Mapping[str, Observed],
    periods: Sequence[str],
    *,
    higher_is_better: bool,
) -> Judgement:
    """One evaluation: the value of ``periods[0]`` in ``series`` (period → value) against
    the target; a target asking for a change compares with the newest earlier period of
    ``periods`` that has a value."""
    if target is None or target.kind == "none":
        return Judgement("no_target")
    current = series.get(periods[0])
    if current is None or not current.judgeable:
        return Judgement("no_data")
    assert current.value is not None
    compared = _last_earlier(series, periods[1:]) if target.kind in COMPARING_KINDS else None
    status = evaluate(
        target,
        current.value,
        compared.value if compared else None,
        higher_is_better=higher_is_better,
    )
    return Judgement(status, compared)


def _last_earlier(series: Mapping[str, Observed], earlier: Sequence[str]) -> ComparedWith | None:
    """The newest of the ``earlier`` periods (newest first) with a value to compare with."""
    for period in earlier:
        found = series.get(period)
        if found is not None and found.judgeable:
            assert found.value is not None
            return ComparedWith(period=period, value=found.value)
    return None


def breakdowns_shown(with_results: Iterable[str], asked: str | None) -> list[str]:
    """The breakdowns an indicator is evaluated for: the one asked for, else every one
    with results (``total`` first), else ``total`` alone."""
    if asked is not None:
        return [asked]
    return sorted(
        set(with_results) or {DEFAULT_BREAKDOWN}, key=lambda b: (b != DEFAULT_BREAKDOWN, b)
    )


def counted(items: Sequence[EvaluationItem]) -> list[EvaluationItem]:
    """The evaluations an area verdict counts.

    An indicator with a ``total`` evaluation counts once, through it; an indicator
    without a total (the NPE indicators exist only per care setting) counts each of its
    breakdowns once, as the annex shows each setting as its own line.
    """
    with_total = {it.indicator for it in items if it.breakdown == DEFAULT_BREAKDOWN}
    return [
        it for it in items if it.indicator not in with_total or it.breakdown == DEFAULT_BREAKDOWN
    ]


@dataclass
class _AreaTally:
    goal: str
    codes: set[str]
    with_target: int = 0
    evaluated: int = 0
    met: int = 0


def area_verdicts(items: Sequence[EvaluationItem]) -> list[AreaEvaluation]:
    """Per area, in the order of ``items``: evaluations counted, met, share and verdict.

    The verdict is ``met`` when at least half of the counted evaluations judged (``met``
    or ``not_met``) are met (seed 000, footnote 6), ``not_evaluable`` when none was."""
    areas: dict[str, _AreaTally] = {}
    for it in items:
        areas.setdefault(it.area, _AreaTally(it.goal, set())).codes.add(it.indicator)
    for it in counted(items):
        tally = areas[it.area]
        if it.status != "no_target":
            tally.with_target += 1
        if it.status in ("met", "not_met"):
            tally.evaluated += 1
            tally.met += it.status == "met"
    out: list[AreaEvaluation] = []
    for area, tally in areas.items():
        evaluated, met = tally.evaluated, tally.met
        share = (Decimal(met) / Decimal(evaluated)).quantize(SHARE_PLACES) if evaluated else None
        verdict: Literal["met", "not_met", "not_evaluable"] = (
            "not_evaluable" if not evaluated else "met" if 2 * met >= evaluated else "not_met"
        )
        out.append(
            AreaEvaluation(
                goal=tally.goal,
                area=area,
                indicators=len(tally.codes),
                with_target=tally.with_target,
                evaluated=evaluated,
                met=met,
                share=share,
                verdict=verdict,
            )
        )
    return out
