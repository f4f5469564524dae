"""What the indicators service expected and got for an org unit and periods: pure rules.

The follow-up plan (seed 004) has results followed up monthly and at every occasion; the
gateway's calendar asks each service what it expected for a unit and a period, and
whether it came. Here, for results (``GET /v1/expected``):

- **Whose results.** The units an evaluation of the org unit reads (``values_read``): its
  own, and for HSN and RS also the region's (``REGION``): HSN's quality annex is the
  region's results, so HSN's expected results are REGION's (or HSN's own, where stored).
- **Which indicators a unit reports.** The catalogue says only which levels may *not*
  report an indicator (``not_reportable_by``), never who does, nor how often. So the
  previous year's stored results are the record: an indicator is expected for a period P
  of year Y when, in Y-1, one of those units stored a result for the same span (Jan–Aug
  2023 for Jan–Aug 2024, the year for the year), or stored results for at least
  ``MONTHLY_MIN`` single months (a monthly indicator: then the months of P are looked
  for). An indicator new this year is not expected until it has a year behind it.
- **Received.** A stored result (any breakdown, any status: ``-`` and ``iu`` are answers
  too) of one of those units for exactly P, or, for a monthly indicator, for every month
  of P. The first unit in ``values_read`` order that has it is named.
- **When.** ``received_at`` is the latest ``updated_at`` of the results that make it
  received (the service keeps when a result was last written, not when it first came).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from services.indicators.series_rules import Span, span_of, span_texts
from shared.periods import Period

#: Single months stored in a year that make an indicator a monthly one (one month alone,
#: such as ID0710's December state, is a snapshot, not a series).
MONTHLY_MIN = 2

Cadence = Literal["period", "monthly"]
#: (indicator, org unit, span) → when the latest result of that span was written.
StoredAt = Mapping[tuple[str, str, Span], datetime]


def _month(year: int, month: int) -> Span:
    return (year, month, month)


def periods_to_read(periods: Iterable[Period]) -> list[str]:
    """The stored period texts the rules need for ``periods``: each period's span and its
    months, and in the year before the same span and every month (the history)."""
    texts: dict[str, None] = {}
    for period in periods:
        before = period.previous_comparable()
        for span in [span_of(period), span_of(before)]:
            texts.update(dict.fromkeys(span_texts(span)))
        for month in period.months():
            texts.update(dict.fromkeys(span_texts(span_of(month))))
        for m in range(1, 13):
            texts.update(dict.fromkeys(span_texts(_month(before.year, m))))
    return list(texts)


def expected_for(history: Iterable[tuple[str, Span]], period: Period) -> dict[str, Cadence]:
    """Indicator → how it is expected for ``period``, from the spans (``history``: pairs of
    indicator and span, any of the units read) stored the year before; an indicator left
    out is not expected."""
    year = period.year - 1
    same = span_of(period.previous_comparable())
    months: dict[str, set[int]] = defaultdict(set)
    spans: dict[str, set[Span]] = defaultdict(set)
    for code, span in history:
        if span[0] != year:
            continue
        spans[code].add(span)
        if span[1] == span[2]:
            months[code].add(span[1])
    expected: dict[str, Cadence] = {}
    for code in sorted(spans):
        if len(months[code]) >= MONTHLY_MIN:
            expected[code] = "monthly"
        elif same in spans[code]:
            expected[code] = "period"
    return expected


@dataclass(frozen=True)
class Got:
    """Whether an expected indicator's result came for a period, and from whom."""

    received: bool
    received_at: datetime | None
    reported_by: str | None
    months_found: int | None
    months: int | None
    detail: str


def got(code: str, cadence: Cadence, period: Period, units: Sequence[str], stored: StoredAt) -> Got:
    """What came for ``code`` and ``period`` from ``units`` (in order of preference)."""
    span = span_of(period)
    months = [span_of(m) for m in period.months()]
    for unit in units:
        at = stored.get((code, unit, span))
        if at is not None:
            return Got(True, at, unit, None, None, f"{unit} stored a result for {period}.")
    if cadence == "period":
        return Got(
            False, None, None, None, None, f"No result for {period} from {' or '.join(units)}."
        )
    best: tuple[int, str, list[datetime]] | None = None
    for unit in units:
        found = [at for m in months if (at := stored.get((code, unit, m))) is not None]
        if len(found) == len(months):
            return Got(
                True,
                max(found),
                unit,
                len(found),
                len(months),
                f"{unit} stored every month of {period} ({len(found)} of {len(months)}).",
            )
        if best is None or len(found) > best[0]:
            best = (len(found), unit, found)
    assert best is not None  # units is never empty
    count, unit, _ = best
    missing = [
        str(m)
        for m, s in zip(period.months(), months, strict=True)
        if (code, unit, s) not in stored
    ]
    return Got(
        False,
        None,
        unit if count else None,
        count,
        len(months),
        f"A monthly indicator: {count} of {len(months)} months of {period} stored"
        + (f" by {unit}" if count else "")
        + f"; missing {', '.join(missing)}.",
    )
