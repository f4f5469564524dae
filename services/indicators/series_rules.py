"""How a value for a period is found among stored results: pure functions, no I/O.

One rule module combines figures, whether over units (the region's value from its units)
or over time (months rolled up to a quarter, a tertial, a range or a year):

- ``ratio``: Σnumerator / Σdenominator, scaled to the unit (×100 for percent and per 100
  vårdplatser, ×1000 per 1 000 inhabitants): never a mean of percentages;
- ``sum``: the values added (counts);
- ``mean``: the mean of the values (an index, or a share the definition averages over the
  year, such as ID0710's "genomsnittet för helåret");
- ``last``: the latest month's value (a state at a point in time).

A region's value from its units is always ``ratio``; a roll-up over time follows the
indicator's ``time_aggregation`` (by default from its unit).

The value for a period asked is, in this order: the result stored for that span; else
the months of the span rolled up (``months`` says how many were found of how many: a gap
is shown, never filled); else, when a stored result covers the start of the span but not
all of it (Q1–Q3 of a year whose Q4 is not processed yet), that one, longest first
(``coverage`` names its span). A value compared with an earlier year is like with like:
the same covered span that year when it has one, else the whole span.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Literal, NamedTuple, Protocol, get_args

from services.indicators.result_rows import WITH_VALUE
from shared.periods import MIN_YEAR, Period

TimeAggregation = Literal["ratio", "sum", "mean", "last"]
TIME_AGGREGATIONS: tuple[str, ...] = get_args(TimeAggregation)
AGGREGATE_PLACES = Decimal("0.0001")
#: Σnumerator/Σdenominator is scaled to the indicator's unit.
UNIT_SCALE = {
    "percent": Decimal(100),
    "per_100_vardplatser": Decimal(100),
    "per_1000_inhabitants": Decimal(1000),
}
_RATES = frozenset(UNIT_SCALE)
#: A span of months within one year: (year, first month, last month).
Span = tuple[int, int, int]


def default_time_aggregation(unit: str) -> TimeAggregation:
    """Rates roll up as Σ/Σ, counts are summed, anything else (an index, days) averaged."""
    if unit in _RATES:
        return "ratio"
    if unit == "count":
        return "sum"
    return "mean"


def span_of(period: Period) -> Span:
    return (period.year, period.first_month, period.last_month)


@cache
def span_of_text(period: str) -> Span:
    """The span of a stored period's text: kept, as every pass reads the same texts."""
    return span_of(Period.parse(period))


@cache
def span_text(span: Span) -> str:
    """The canonical text of a span (``2024``, ``2024-08``, ``2024-01/2024-09``)."""
    year, first, last = span
    return str(Period.parse(f"{year}-{first:02d}/{year}-{last:02d}"))


def span_texts(span: Span) -> list[str]:
    """Every text a stored result of ``span`` may carry (``2024-Q1`` or its range form)."""
    year, first, last = span
    texts = [span_text(span)]
    if last - first == 2 and first % 3 == 1:
        texts.append(f"{year}-Q{last // 3}")
    if last - first == 3 and first % 4 == 1:
        texts.append(f"{year}-T{last // 4}")
    return texts


def candidate_spans(period: Period) -> list[Span]:
    """The spans an evaluation of ``period`` may read, in every year down to ``MIN_YEAR``:
    the span itself, its months (roll-ups) and the spans covering its start (year to date)."""
    spans: list[Span] = []
    for year in range(period.year, MIN_YEAR - 1, -1):
        spans.append((year, period.first_month, period.last_month))
        spans.extend((year, m, m) for m in range(period.first_month, period.last_month + 1))
        spans.extend(
            (year, period.first_month, last)
            for last in range(period.first_month + 1, period.last_month)
        )
    return list(dict.fromkeys(spans))


def candidate_periods(period: Period) -> list[str]:
    """The period texts to fetch for an evaluation of ``period`` (see ``candidate_spans``)."""
    return list(_candidate_periods(str(period)))


@cache
def _candidate_periods(period: str) -> tuple[str, ...]:
    spans = candidate_spans(Period.parse(period))
    return tuple(text for span in spans for text in span_texts(span))


# ``Figure`` and ``Observed`` are named tuples rather than frozen dataclasses: an
# evaluation pass makes one per result read and per value found, and a named tuple is
# made in half the time (a frozen dataclass sets each field through ``object.__setattr__``).
class Figure(NamedTuple):
    """A result as stored, or a region's sum over its units, for one span."""

    value: Decimal | None
    status: str
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    aggregated: bool = False

    @property
    def usable(self) -> bool:
        return self.status in WITH_VALUE and self.value is not None

    @property
    def has_ratio(self) -> bool:
        return (
            self.status in WITH_VALUE
            and self.numerator is not None
            and self.denominator is not None
            and self.denominator > 0
        )


@dataclass(frozen=True)
class MonthsFound:
    """A rolled-up value's months: how many had a figure, of how many in the span."""

    found: int
    of: int


class Observed(NamedTuple):
    """The value an evaluation shows for a period, and how it was found."""

    value: Decimal | None
    status: str
    aggregated: bool = False
    #: The stored span used when it covers less than the period asked (year to date).
    coverage: str | None = None
    #: For a value rolled up from months: how many months were found.
    months: MonthsFound | None = None

    @property
    def judgeable(self) -> bool:
        return self.status in WITH_VALUE and self.value is not None


def scaled_ratio(numerator: Decimal, denominator: Decimal, unit: str) -> Decimal:
    """Σnumerator/Σdenominator in the indicator's unit, to four decimals."""
    scale = UNIT_SCALE.get(unit, Decimal(1))
    return (numerator * scale / denominator).quantize(AGGREGATE_PLACES)


def _status(figures: Iterable[Figure]) -> str:
    return "preliminary" if any(f.status == "preliminary" for f in figures) else "final"


def counts_for(how: TimeAggregation, figure: Figure) -> bool:
    """Whether a figure can take part in combining by ``how`` (a ratio needs its terms)."""
    return figure.has_ratio if how == "ratio" else figure.usable


def combine(figures: Sequence[Figure], how: TimeAggregation, unit: str) -> Figure | None:
    """Several figures (in time order) as one, by ``how``; None when none can take part.

    Preliminary when any figure taking part is; a ratio keeps its summed terms, so that a
    region's months can be rolled up again."""
    if how == "ratio" and len(figures) == 1:
        # What the database summed already (a region's figure from its units): the same
        # arithmetic as below for one part, without its generators (thousands per pass).
        (only,) = figures
        if not only.has_ratio:
            return None
        assert only.numerator is not None and only.denominator is not None
        num, den = Decimal(0) + only.numerator, Decimal(0) + only.denominator
        return Figure(scaled_ratio(num, den, unit), _status(figures), num, den, only.aggregated)
    parts = [f for f in figures if counts_for(how, f)]
    if not parts:
        return None
    status = _status(parts)
    aggregated = any(f.aggregated for f in parts)
    if how == "ratio":
        num = sum((f.numerator for f in parts if f.numerator is not None), Decimal(0))
        den = sum((f.denominator for f in parts if f.denominator is not None), Decimal(0))
        return Figure(scaled_ratio(num, den, unit), status, num, den, aggregated)
    values = [f.value for f in parts if f.value is not None]
    if how == "sum":
        value = sum(values, Decimal(0))
    elif how == "mean":
        value = (sum(values, Decimal(0)) / len(values)).quantize(AGGREGATE_PLACES)
    else:
        value = values[-1]
    return Figure(value, status, aggregated=aggregated)


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


def region_figures(
    figures: Iterable[UnitFigures], units: Mapping[str, str]
) -> dict[tuple[str, str, str], Figure]:
    """The region's figure per (indicator, breakdown, period) from its units: ``ratio``
    (``units``: indicator code → its unit)."""
    grouped: dict[tuple[str, str, str], list[Figure]] = {}
    for row in figures:
        key = (row.indicator, row.breakdown, row.period)
        grouped.setdefault(key, []).append(
            Figure(None, row.status, row.numerator, row.denominator, aggregated=True)
        )
    out: dict[tuple[str, str, str], Figure] = {}
    for key, parts in grouped.items():
        combined = combine(parts, "ratio", units.get(key[0], ""))
        if combined is not None:
            out[key] = combined
    return out


def _observed(
    figure: Figure, *, coverage: str | None = None, months: MonthsFound | None = None
) -> Observed:
    return Observed(figure.value, figure.status, figure.aggregated, coverage, months)


def roll_up(
    series: Mapping[Span, Figure], span: Span, how: TimeAggregation, unit: str
) -> Observed | None:
    """The months of ``span`` combined by ``how``; None when none is found (or for a month)."""
    year, first, last = span
    if first == last:
        return None
    months = [series.get((year, m, m)) for m in range(first, last + 1)]
    found = [f for f in months if f is not None and counts_for(how, f)]
    combined = combine(found, how, unit)
    if combined is None:
        return None
    return _observed(combined, months=MonthsFound(len(found), last - first + 1))


def value_for(
    series: Mapping[Span, Figure], span: Span, how: TimeAggregation, unit: str
) -> Observed | None:
    """The value of exactly ``span``: stored, else rolled up from its months; a stored
    result without a value (missing, not available) when nothing else is found."""
    stored = series.get(span)
    if stored is not None and stored.usable:
        return _observed(stored)
    rolled = roll_up(series, span, how, unit)
    if rolled is not None:
        return rolled
    return None if stored is None else _observed(stored)


def year_to_date(series: Mapping[Span, Figure], span: Span) -> tuple[Span, Figure] | None:
    """The longest stored result with a value that starts with ``span`` and ends before it."""
    year, first, last = span
    for end in range(last - 1, first, -1):
        stored = series.get((year, first, end))
        if stored is not None and stored.usable:
            return (year, first, end), stored
    return None


def current_value(
    series: Mapping[Span, Figure], span: Span, how: TimeAggregation, unit: str
) -> Observed | None:
    """The value an evaluation of ``span`` shows: stored, rolled up, or year to date (the
    stored result covering more of the span wins over months found)."""
    if not series:  # an indicator without results here: most of a committee's
        return None
    found = value_for(series, span, how, unit)
    if found is not None and found.judgeable and found.months is None:
        return found
    ytd = year_to_date(series, span)
    if ytd is not None:
        covered, figure = ytd
        if found is None or not found.judgeable or _months(found) < covered[2] - covered[1] + 1:
            return _observed(figure, coverage=span_text(covered))
    return found


def _months(found: Observed) -> int:
    return found.months.found if found.months is not None else 0


def earlier_values(
    series: Mapping[Span, Figure],
    span: Span,
    current: Observed | None,
    how: TimeAggregation,
    unit: str,
) -> Iterator[tuple[str, Observed]]:
    """Earlier years' values of the span, newest first, to compare a change with: the span
    the current value covers that year when it has one (Jan–Sep 2023 for Jan–Sep 2024),
    else the whole span."""
    year, first, last = span
    covered = Period.parse(current.coverage) if current and current.coverage else None
    # Only the years holding a figure of this series can give a value (a span of any
    # other year finds nothing stored and no months): newest first, as every year would.
    years = sorted({y for y, _, _ in series if MIN_YEAR <= y < year}, reverse=True)
    for earlier in years:
        if covered is not None:
            like = (earlier, covered.first_month, covered.last_month)
            found = value_for(series, like, how, unit)
            if found is not None and found.judgeable:
                yield span_text(like), found
                continue
        whole = (earlier, first, last)
        found = value_for(series, whole, how, unit)
        if found is not None and found.judgeable:
            yield span_text(whole), found
