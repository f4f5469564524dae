"""What the budget service expected and got for a committee and periods: pure rules.

Seed 004: "Löpande månadsuppföljning ... sker enligt gällande rutin. Månadsuppföljning med
analys och prognos görs efter mars, maj, augusti (i delårsrapportering) och oktober."
For ``GET /v1/expected``:

- **Outcome** (``outcome``): every month of the period is expected booked. It is received
  when each month has outcomes on its lines, or when the committee states its outcome
  year to date through the period's last month (``/v1/totals``, kind ``outcome``: a total
  January–August covers each month of it).
- **Forecast** (``forecast``): a period that closes a forecast round (its last month is
  March, May, August or October: ``2024-03``, the delårsrapport ``2024-01/2024-08``;
  ``round_rules``) expects the committee's forecast made in that month: of its total
  (``/v1/totals``, kind ``forecast``) or of its lines (``/v1/forecasts``).
- **Whose.** Committees' and boards': the region's economy as a whole is its yearly
  financial figures, not a monthly follow-up, so ``REGION`` is expected nothing here.
- **When.** ``received_at`` is when it became received, from the rows' ``updated_at``:
  for the months, when the last month's first line was written; for a total, when it was
  written; the earlier of the ways it came. The service keeps when a row was last
  written, not when it first came, so a correction later moves it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.budget.round_rules import RoundName
from shared.periods import Period


@dataclass(frozen=True)
class Booked:
    """A month's rows of one flow: how many lines and when the first was written."""

    lines: int
    written_at: datetime


@dataclass(frozen=True)
class OutcomeAnswer:
    received: bool
    received_at: datetime | None
    months_booked: int
    months: int
    missing_months: list[str]
    total_through: str | None
    detail: str


def outcome_answer(
    period: Period, booked: Mapping[str, Booked], totals: Mapping[str, datetime]
) -> OutcomeAnswer:
    """Whether ``period``'s outcome came: every month booked (``booked``: month → rows), or
    a stated outcome total year to date through its last month (``totals``: month → when
    written)."""
    months = [str(m) for m in period.months()]
    missing = [m for m in months if m not in booked]
    through = months[-1]
    total_at = totals.get(through)
    times: list[datetime] = []
    if not missing:
        times.append(max(booked[m].written_at for m in months))
    if total_at is not None:
        times.append(total_at)
    parts = [f"{len(months) - len(missing)} of {len(months)} months booked on lines"]
    if missing:
        parts[0] += f" (missing {', '.join(missing)})"
    parts.append(
        f"outcome total stated year to date through {through}"
        if total_at is not None
        else f"no outcome total stated through {through}"
    )
    return OutcomeAnswer(
        received=bool(times),
        received_at=min(times) if times else None,
        months_booked=len(months) - len(missing),
        months=len(months),
        missing_months=missing,
        total_through=through if total_at is not None else None,
        detail="; ".join(parts) + ".",
    )


@dataclass(frozen=True)
class ForecastAnswer:
    received: bool
    received_at: datetime | None
    lines: int
    total: bool
    detail: str


def forecast_answer(
    name: RoundName, made_in: str, lines: Booked | None, total_at: datetime | None
) -> ForecastAnswer:
    """Whether the committee's forecast of round ``name`` came: its total or its lines,
    made in ``made_in``."""
    times = [t for t in (lines.written_at if lines else None, total_at) if t is not None]
    if not times:
        return ForecastAnswer(
            False, None, 0, False, f"No forecast made in {made_in} (the {name} round)."
        )
    what = []
    if total_at is not None:
        what.append("the total")
    if lines is not None:
        what.append(f"{lines.lines} line{'s' if lines.lines != 1 else ''}")
    return ForecastAnswer(
        True,
        min(times),
        lines.lines if lines else 0,
        total_at is not None,
        f"Forecast of {' and '.join(what)} made in {made_in} (the {name} round).",
    )
