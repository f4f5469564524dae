"""The arithmetic of evaluations (måluppfyllelse): pure functions, no database, no HTTP.

- whose results an org unit's evaluation shows (HSN and RS follow the region's);
- the target in force for an org unit and a year (the region's, or a committee's own);
- the region's value from its units' numerators and denominators (Σ/Σ, never a mean of
  percentages);
- one evaluation's status, comparing with the last earlier period of the same span when
  the target asks for a change;
- which evaluations an area verdict counts, and the verdict (at least half met).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Literal, Protocol, TypeVar

from services.indicators.models import REGION
from services.indicators.result_rows import DEFAULT_BREAKDOWN
from services.indicators.schemas import (
    AreaEvaluation,
    ComparedWith,
    EvaluationStatus,
)
from services.indicators.series_rules import (
    Observed,
    UnitFigures,
    region_figures,
)
from services.indicators.targets import COMPARING_KINDS, ParsedTarget, evaluate
from shared.periods import MIN_YEAR, Period

__all__ = [
    "REGION_WIDE_READERS",
    "ChosenTarget",
    "Judgement",
    "Observed",
    "area_verdicts",
    "breakdowns_shown",
    "comparable_periods",
    "counted",
    "judge",
    "judge_value",
    "region_values",
    "targets_in_force",
    "values_read",
]

SHARE_PLACES = Decimal("0.0001")
#: Committees whose follow-up shows the region's indicators: HSN's quality annex is "en
#: regionövergripande resultatredovisning" (seed 002, the annex's preamble) and RS oversees
#: every committee. Their own stored results, where there are any, come first.
REGION_WIDE_READERS = frozenset({"HSN", "RS"})


def values_read(org_unit: str) -> tuple[str, ...]:
    """Whose results an evaluation of ``org_unit`` shows, in order of preference: its own,
    then (for HSN and RS) the region's, stored or summed over the units."""
    if org_unit in REGION_WIDE_READERS:
        return (org_unit, REGION)
    return (org_unit,)


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
        parsed=_parsed(target.parsed),
    )


@lru_cache(maxsize=1024)
def _parsed(stored: str) -> ParsedTarget:
    # The same few dozen stored forms are read on every evaluation; a ParsedTarget is
    # frozen, so one instance serves them all.
    return ParsedTarget.model_validate_json(stored)


def comparable_periods(period: Period) -> list[str]:
    """The period itself, then the same span in every earlier year, newest first."""
    return [str(period)] + [
        str(Period(y, period.first_month, period.last_month, period.kind))
        for y in range(period.year - 1, MIN_YEAR - 1, -1)
    ]


def region_values(
    figures: Iterable[UnitFigures], units: Mapping[str, str]
) -> dict[tuple[str, str, str], Observed]:
    """Region values from the units, per (indicator, breakdown, period):
    Σnumerator / Σdenominator scaled to the indicator's unit (``units``: code → unit),
    preliminary when any unit's figure is (``series_rules.region_figures``)."""
    return {
        key: Observed(f.value, f.status, aggregated=True)
        for key, f in region_figures(figures, units).items()
    }


@dataclass(frozen=True)
class Judgement:
    status: EvaluationStatus
    compared_with: ComparedWith | None = None


# Most evaluations end in one of these: one instance each (a judgement is frozen).
_NO_TARGET = Judgement("no_target")
_NO_DATA = Judgement("no_data")


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
    earlier = ((p, series[p]) for p in periods[1:] if p in series)
    return judge_value(target, series.get(periods[0]), earlier, higher_is_better=higher_is_better)


def judge_value(
    target: ParsedTarget | None,
    current: Observed | None,
    earlier: Iterable[tuple[str, Observed]],
    *,
    higher_is_better: bool,
) -> Judgement:
    """One evaluation: ``current`` against the target; a target asking for a change
    compares with the first of ``earlier`` (period, value; newest first) that has a value."""
    if target is None or target.kind == "none":
        return _NO_TARGET
    if current is None or not current.judgeable:
        return _NO_DATA
    assert current.value is not None
    compared = _first_judgeable(earlier) if target.kind in COMPARING_KINDS else None
    status = evaluate(
        target,
        current.value,
        compared.value if compared else None,
        higher_is_better=higher_is_better,
    )
    return Judgement(status, compared)


def _first_judgeable(earlier: Iterable[tuple[str, Observed]]) -> ComparedWith | None:
    for period, found in earlier:
        if found.judgeable:
            assert found.value is not None
            return ComparedWith(period=period, value=found.value)
    return None


def breakdowns_shown(with_results: Collection[str], asked: str | None) -> list[str]:
    """The breakdowns an indicator is evaluated for: the one asked for, else every one
    with results (``total`` first), else ``total`` alone."""
    if asked is not None:
        return [asked]
    if not with_results:  # most indicators of a unit: no results in the spans read
        return [DEFAULT_BREAKDOWN]
    return sorted(
        set(with_results) or {DEFAULT_BREAKDOWN}, key=lambda b: (b != DEFAULT_BREAKDOWN, b)
    )


class Judged(Protocol):
    """What an area verdict reads of an evaluation (an ``EvaluationItem``, or the pass's
    ``evaluation.Evaluated`` before it is one)."""

    @property
    def indicator(self) -> str: ...
    @property
    def goal(self) -> str: ...
    @property
    def area(self) -> str: ...
    @property
    def breakdown(self) -> str: ...
    @property
    def status(self) -> EvaluationStatus: ...


J = TypeVar("J", bound=Judged)


def counted(items: Sequence[J]) -> list[J]:
    """The evaluations an area verdict counts.

    Within an area, an indicator with a ``total`` evaluation counts once, through it; an
    indicator without a total there (the NPE indicators exist only per care setting)
    counts each of its breakdowns once, as the annex shows each setting as its own line.
    A breakdown placed in another area (the NPE SVF rows) counts there.
    """
    with_total = {(it.indicator, it.area) for it in items if it.breakdown == DEFAULT_BREAKDOWN}
    return [
        it
        for it in items
        if (it.indicator, it.area) not in with_total or it.breakdown == DEFAULT_BREAKDOWN
    ]


@dataclass
class _AreaTally:
    goal: str
    codes: set[str]
    with_target: int = 0
    evaluated: int = 0
    met: int = 0


def area_verdicts(items: Sequence[Judged]) -> list[AreaEvaluation]:
    """Per area, in the order of ``items``: evaluations counted, met, share and verdict.

    The verdict is ``met`` when at least half of the counted evaluations judged (``met``
    or ``not_met``) are met (seed 000, footnote 6), ``not_evaluable`` when none was."""
    areas: dict[str, _AreaTally] = {}
    for it in items:
        tally = areas.get(it.area)
        if tally is None:  # a tally made only for an area's first item
            tally = areas[it.area] = _AreaTally(it.goal, set())
        tally.codes.add(it.indicator)
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
