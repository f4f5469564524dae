"""Forecast rounds (prognostillfällen): pure rules, no session, no I/O.

Seed 004: "Månadsuppföljning med analys och prognos görs efter mars, maj, augusti (i
delårsrapportering) och oktober." A forecast belongs to the round of the month it was made
in: ``mars`` (``YYYY-03``), ``maj`` (``-05``), ``augusti`` (``-08``), ``oktober``
(``-10``). A forecast made in another month is kept as loaded (the monthly follow-up may
carry one, and ``POST /v1/forecasts`` has always taken any month) but belongs to no round:
it is not refused, it is simply not a round's, and the rounds leave it out.

- **Latest round** by a month: the latest round month of the year up to it in which the
  committee made a forecast (of its total or of any line).
- **Previous round**: the latest round before that one in which it made a forecast; a
  round it skipped is passed over, so the movement is against its last earlier forecast.
- **Figures** per line and for the committee's total (its own stated totals, never the
  lines' sum): the full-year budget result, the latest round's forecast result, the
  deviation (forecast - budget) and the movement since the previous round (latest -
  previous). Integer kronor; null where a side is missing, never filled in.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from services.budget.money import difference
from shared.periods import Period

RoundName = Literal["mars", "maj", "augusti", "oktober"]
#: The round months, in order.
ROUNDS: tuple[tuple[int, RoundName], ...] = (
    (3, "mars"),
    (5, "maj"),
    (8, "augusti"),
    (10, "oktober"),
)
_BY_MONTH: dict[int, RoundName] = dict(ROUNDS)


def round_of(month: str | None) -> RoundName | None:
    """The round of a forecast made in ``month`` (``YYYY-MM``); None: no round."""
    if month is None:
        return None
    return _BY_MONTH.get(Period.parse(month).last_month)


def round_month(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def round_closed_by(period: Period) -> tuple[RoundName, str] | None:
    """The round a period closes (its last month is a round month: ``2024-03``, the
    delårsrapport ``2024-01/2024-08``), with the month it is made in; None otherwise."""
    name = _BY_MONTH.get(period.last_month)
    return None if name is None else (name, round_month(period.year, period.last_month))


@dataclass(frozen=True)
class Round:
    name: RoundName
    made_in: str


def rounds_through(through: Period) -> list[Round]:
    """The rounds of ``through``'s year whose month is not after it, in order."""
    return [
        Round(name, round_month(through.year, month))
        for month, name in ROUNDS
        if month <= through.last_month
    ]


def latest_two(rounds: list[Round], made: Collection[str]) -> tuple[Round | None, Round | None]:
    """The latest round made (its month in ``made``) and the one made before it."""
    done = [r for r in rounds if r.made_in in made]
    latest = done[-1] if done else None
    previous = done[-2] if len(done) > 1 else None
    return latest, previous


@dataclass(frozen=True)
class RoundFigures:
    """One line's, or the total's, figures in the rounds (kronor; None: not known)."""

    budget_result: int | None
    forecast_result: int | None
    deviation: int | None
    previous_forecast_result: int | None
    movement: int | None

    def kronor(self) -> dict[str, int | None]:
        return {
            "budget_result": self.budget_result,
            "forecast_result": self.forecast_result,
            "deviation": self.deviation,
            "previous_forecast_result": self.previous_forecast_result,
            "movement": self.movement,
        }


def round_figures(budget: int | None, latest: int | None, previous: int | None) -> RoundFigures:
    """The deviation of the latest forecast from the budget and its movement since the
    previous round's; each None when a side is missing."""
    return RoundFigures(
        budget_result=budget,
        forecast_result=latest,
        deviation=difference(latest, budget),
        previous_forecast_result=previous,
        movement=difference(latest, previous),
    )
