"""A production volume compared with the previous year (produktionsvolym jämfört med
föregående år): pure functions, no I/O.

Seed 001 asks for unique patients and production volumes to be followed monthly and
compared with the previous year; seed 002 reports them so ("131 850 operationer, en ökning
med 1 071 operationer (0,8 procent) jämfört med 2023"). The rule, like with like:

- a value stored for the period asked and one for the same period a year earlier are
  compared as they are (``basis: period``);
- else the period's months are compared with the same months of the previous year
  (``basis: months``): only the months found in both years are rolled up (by the
  indicator's ``time_aggregation``) and compared; every month missing in either year is
  listed in ``gaps``, never filled, and ``months`` says how many of the period's months
  were compared;
- nothing to compare: the values found are shown, the change is null and ``gaps`` names
  what is missing.

The change is exact (Decimal): ``change`` = value − previous value in the indicator's unit
(procentenheter for a share), ``change_pct`` = change / previous value × 100, to two
decimals (half up); null when the previous value is 0 or missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from services.indicators.series_rules import Figure, Span, TimeAggregation, combine, counts_for
from shared.periods import Period

PCT_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Change:
    """A value beside the previous year's and the difference (förändring)."""

    value: Decimal | None
    previous_value: Decimal | None
    change: Decimal | None
    change_pct: Decimal | None


@dataclass(frozen=True)
class MonthChange:
    month: str
    change: Change


@dataclass(frozen=True)
class Comparison:
    """One volume for a period against the same period of the previous year."""

    period: str
    previous_period: str
    basis: str | None
    change: Change
    months_compared: int | None
    months_of: int | None
    gaps: list[str]
    monthly: list[MonthChange]


def change_of(value: Decimal | None, previous: Decimal | None) -> Change:
    """The exact change from ``previous`` to ``value``; null parts where either is missing."""
    if value is None or previous is None:
        return Change(value, previous, None, None)
    diff = value - previous
    pct = None if previous == 0 else (diff * 100 / previous).quantize(PCT_PLACES, ROUND_HALF_UP)
    return Change(value, previous, diff, pct)


def _usable(figure: Figure | None) -> Figure | None:
    """A figure with a value (a result stored as missing or not available is a gap)."""
    return figure if figure is not None and figure.usable else None


def _rolled(figures: list[Figure], how: TimeAggregation, unit: str) -> Decimal | None:
    """The months combined by ``how``; None when they cannot be (a share whose months
    carry no numerator and denominator is never averaged)."""
    if not all(counts_for(how, f) for f in figures):
        return None
    combined = combine(figures, how, unit)
    return combined.value if combined else None


def _span(period: Period) -> Span:
    return (period.year, period.first_month, period.last_month)


@lru_cache(maxsize=1024)
def _months_of(period: Period) -> tuple[tuple[str, Span, str, Span], ...]:
    """Each month of ``period`` (none for a month) and the same month a year earlier, as
    text and span: the same for every volume compared, so made once per period."""
    if period.month_count == 1:
        return ()
    out = []
    for month in period.months():
        previous = month.previous_comparable()
        out.append((str(month), _span(month), str(previous), _span(previous)))
    return tuple(out)


def compare_with_previous_year(
    series: Mapping[Span, Figure], period: Period, how: TimeAggregation, unit: str
) -> Comparison:
    """``period``'s value beside the same span a year earlier, by the rule above."""
    before = period.previous_comparable()
    here, there = str(period), str(before)
    months = _months_of(period)
    if not series:  # nothing stored (most units' volumes): the end of the rule, at once
        nothing = Change(None, None, None, None)
        return Comparison(
            here,
            there,
            None,
            nothing,
            0 if months else None,
            len(months) or None,
            [here, there],
            [],
        )
    now = _usable(series.get(_span(period)))
    then = _usable(series.get(_span(before)))
    if now is not None and then is not None:
        return Comparison(
            here, there, "period", change_of(now.value, then.value), None, None, [], []
        )
    monthly: list[MonthChange] = []
    gaps: list[str] = []
    now_parts: list[Figure] = []
    then_parts: list[Figure] = []
    for month, this_span, previous_month, that_span in months:
        this_figure = _usable(series.get(this_span))
        that_figure = _usable(series.get(that_span))
        monthly.append(
            MonthChange(
                month,
                change_of(
                    this_figure.value if this_figure else None,
                    that_figure.value if that_figure else None,
                ),
            )
        )
        gaps += [m for m, f in ((month, this_figure), (previous_month, that_figure)) if not f]
        if this_figure is not None and that_figure is not None:
            now_parts.append(this_figure)
            then_parts.append(that_figure)
    if now_parts:
        return Comparison(
            here,
            there,
            "months",
            change_of(_rolled(now_parts, how, unit), _rolled(then_parts, how, unit)),
            len(now_parts),
            len(months),
            gaps,
            monthly,
        )
    # Nothing comparable: show what there is, name what is missing.
    if not any(m.change.value is not None or m.change.previous_value is not None for m in monthly):
        monthly = []
        gaps = [p for p, f in ((here, now), (there, then)) if f is None]
    return Comparison(
        here,
        there,
        None,
        Change(now.value if now else None, then.value if then else None, None, None),
        0 if months else None,
        len(months) or None,
        gaps,
        monthly,
    )
