"""The region's financial goals (finansiella mål) as rules: pure functions on figures.

Seed 004 (*Uppföljningsplan 2023*, "Långsiktigt stark ekonomi") gives the rules; the
region's figures are data (``POST /v1/financial-figures``), never made up here:

- **Resultatmål**: the result over a rolling five-year period (year-4 … year) at least 2 %
  of the revenue from taxes, kommunalekonomisk utjämning and generella statsbidrag. Read
  as Σresult ≥ 2 % × Σrevenue over the five years (the period's result against the
  period's revenue, never a mean of yearly percentages).
- **Balanskravet**: every year the result after the balance-requirement adjustments
  (balanskravsjusteringar) must not be negative: result + balance_adjustments ≥ 0, the
  adjustments signed as they are added to the result (a realisationsvinst is negative).
- **Finansieringsmål**: investments financed with own means as far as possible. The
  självfinansieringsgrad is (result + depreciation) / investments. Judged ``met`` at
  100 % or more: the seed says "så långt möjligt" and names no lower level, and only at
  100 % are the year's investments financed wholly with own means; below it part of them
  is borrowed (allowed for larger projects, but the goal is then not reached in full), so
  ``not_met``, with the degree shown so the reader sees how far it fell short. The plan for
  2023–2025 (a degree that does not endanger the debt goal) is named beside it with that
  year's debt verdict. No investments: nothing to finance, ``met``, no ratio.
- **Skuldsättningsmål**: external interest-bearing net debt at most 25 % of the same
  revenue, for the year.

Exactness: every verdict compares integers (value × 10 000 against base × threshold in
basis points); the ratio is given as its numerator and denominator and in whole basis
points rounded *toward not meeting the goal* (down for "at least", up for "at most"), so
a ratio shown at the threshold is a goal met. A year without figures, or a figure not
stated, makes the goal ``not_evaluable`` naming what is missing: nothing is guessed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from services.budget.financial_schemas import FinancialFiguresRow
from services.budget.money import BP, Comparison, Ratio, meets, percent, ratio, share_of
from shared.errors import field_error

REGION = "REGION"
WINDOW_YEARS = 5

Status = Literal["met", "not_met", "not_evaluable"]
GoalCode = Literal["result", "balance_requirement", "self_financing", "net_debt"]

#: The figures a region's year holds, in the order they are listed and exported.
FIGURES = (
    "tax_and_grant_revenue",
    "result",
    "balance_adjustments",
    "depreciation",
    "investments",
    "net_debt",
)


@dataclass(frozen=True)
class YearFigures:
    """The region's figures for one year; ``None``: not stated."""

    year: int
    tax_and_grant_revenue: int | None = None
    result: int | None = None
    balance_adjustments: int | None = None
    depreciation: int | None = None
    investments: int | None = None
    net_debt: int | None = None

    def get(self, name: str) -> int | None:
        value: int | None = getattr(self, name)
        return value


@dataclass(frozen=True)
class Missing:
    year: int
    figure: str


@dataclass(frozen=True)
class GoalResult:
    """One goal judged for a year, with everything it was judged on."""

    goal: GoalCode
    name: str
    #: The goal's area in the goal hierarchy (``shared/reference/goals.yaml``).
    goal_area: str
    rule: str
    comparison: Comparison
    status: Status
    years: tuple[int, ...]
    #: The rolling goal's window (first, last year); None for the yearly goals.
    window: tuple[int, int] | None
    #: Per year used: the figures the goal reads (None: not stated).
    figures: tuple[dict[str, int | None], ...]
    #: The amount judged (kronor) and the amount it is compared with (exact, kronor).
    value: int | None
    limit: Decimal | None
    ratio: Ratio | None
    threshold_bp: int | None
    missing_years: tuple[int, ...] = ()
    missing_figures: tuple[Missing, ...] = ()
    explanation: str = ""
    #: Finansieringsmål only: the year's Skuldsättningsmål verdict, named beside it.
    debt_goal_status: Status | None = None


def window(year: int) -> tuple[int, ...]:
    """The rolling five-year window ending with ``year``."""
    return tuple(range(year - WINDOW_YEARS + 1, year + 1))


# --- gathering what a goal reads ----------------------------------------------------------


@dataclass(frozen=True)
class _Read:
    figures: tuple[dict[str, int | None], ...]
    missing_years: tuple[int, ...]
    missing_figures: tuple[Missing, ...]

    @property
    def complete(self) -> bool:
        return not self.missing_years and not self.missing_figures

    def gaps(self) -> str:
        parts = []
        if self.missing_years:
            parts.append("no figures for " + ", ".join(map(str, self.missing_years)))
        if self.missing_figures:
            parts.append(
                "not stated: " + ", ".join(f"{m.figure} {m.year}" for m in self.missing_figures)
            )
        return "; ".join(parts)


def _read(
    by_year: Mapping[int, YearFigures], years: tuple[int, ...], names: tuple[str, ...]
) -> _Read:
    figures: list[dict[str, int | None]] = []
    missing_years: list[int] = []
    missing: list[Missing] = []
    for y in years:
        row = by_year.get(y)
        if row is None:
            missing_years.append(y)
            continue
        figures.append({"year": y, **{n: row.get(n) for n in names}})
        missing.extend(Missing(y, n) for n in names if row.get(n) is None)
    return _Read(tuple(figures), tuple(missing_years), tuple(missing))


def _not_evaluable(read: _Read) -> dict[str, Any]:
    return {
        "status": "not_evaluable",
        "value": None,
        "limit": None,
        "ratio": None,
        "missing_years": read.missing_years,
        "missing_figures": read.missing_figures,
        "explanation": f"Not evaluable: {read.gaps()}. Nothing is guessed.",
    }


def _judged(met: bool) -> Status:
    return "met" if met else "not_met"


# --- the goals ----------------------------------------------------------------------------

RESULT_BP = 200  # 2 %
NET_DEBT_BP = 2500  # 25 %
SELF_FINANCING_BP = BP  # 100 %
#: "Under 2023 - 2025 planeras för en självfinansieringsgrad … som inte äventyrar
#: skuldsättningsmålet" (seed 004).
PLAN_YEARS = (2023, 2025)


def result_goal(year: int, by_year: Mapping[int, YearFigures]) -> GoalResult:
    """Resultatmål: Σresult over year-4 … year at least 2 % of Σtax_and_grant_revenue."""
    years = window(year)
    read = _read(by_year, years, ("result", "tax_and_grant_revenue"))
    span = f"{years[0]}–{years[-1]}"
    common: dict[str, Any] = {
        "goal": "result",
        "name": "Resultatmål",
        "goal_area": "G5.A1",
        "rule": f"Σ result {span} ≥ 2 % of Σ tax_and_grant_revenue {span}",
        "comparison": "at_least",
        "years": years,
        "window": (years[0], years[-1]),
        "figures": read.figures,
        "threshold_bp": RESULT_BP,
    }
    if not read.complete:
        return GoalResult(**common, **_not_evaluable(read))
    value = sum(f["result"] or 0 for f in read.figures)
    base = sum(f["tax_and_grant_revenue"] or 0 for f in read.figures)
    r = ratio(value, base, "at_least")
    met = meets(value, base, RESULT_BP, "at_least")
    return GoalResult(
        **common,
        status=_judged(met),
        value=value,
        limit=share_of(base, RESULT_BP),
        ratio=r,
        explanation=(
            f"The result {span} is {percent(r.bp)}{'' if r.exact else ' (rounded down)'} of "
            f"the revenue from taxes, utjämning and general state grants: "
            f"{'at least' if met else 'below'} 2 %."
        ),
    )


def balance_goal(year: int, by_year: Mapping[int, YearFigures]) -> GoalResult:
    """Balanskravet: result + balance_adjustments ≥ 0 for the year."""
    read = _read(by_year, (year,), ("result", "balance_adjustments"))
    common: dict[str, Any] = {
        "goal": "balance_requirement",
        "name": "Balanskravet",
        "goal_area": "G5.A1",
        "rule": f"result + balance_adjustments {year} ≥ 0",
        "comparison": "at_least",
        "years": (year,),
        "window": None,
        "figures": read.figures,
        "threshold_bp": None,
    }
    if not read.complete:
        return GoalResult(**common, **_not_evaluable(read))
    (f,) = read.figures
    value = (f["result"] or 0) + (f["balance_adjustments"] or 0)
    return GoalResult(
        **common,
        status=_judged(value >= 0),
        value=value,
        limit=Decimal(0),
        ratio=None,
        explanation=(
            f"The result after balance-requirement adjustments is {value} kronor: "
            + ("not negative." if value >= 0 else "negative, the balance requirement is not met.")
        ),
    )


def net_debt_goal(year: int, by_year: Mapping[int, YearFigures]) -> GoalResult:
    """Skuldsättningsmål: net_debt at most 25 % of tax_and_grant_revenue, for the year."""
    read = _read(by_year, (year,), ("net_debt", "tax_and_grant_revenue"))
    common: dict[str, Any] = {
        "goal": "net_debt",
        "name": "Skuldsättningsmål",
        "goal_area": "G5.A3",
        "rule": f"net_debt {year} ≤ 25 % of tax_and_grant_revenue {year}",
        "comparison": "at_most",
        "years": (year,),
        "window": None,
        "figures": read.figures,
        "threshold_bp": NET_DEBT_BP,
    }
    if not read.complete:
        return GoalResult(**common, **_not_evaluable(read))
    (f,) = read.figures
    value, base = f["net_debt"] or 0, f["tax_and_grant_revenue"] or 0
    r = ratio(value, base, "at_most")
    met = meets(value, base, NET_DEBT_BP, "at_most")
    return GoalResult(
        **common,
        status=_judged(met),
        value=value,
        limit=share_of(base, NET_DEBT_BP),
        ratio=r,
        explanation=(
            f"The external interest-bearing net debt is {percent(r.bp)}"
            f"{'' if r.exact else ' (rounded up)'} of the revenue from taxes, utjämning and "
            f"general state grants: {'at most' if met else 'above'} 25 %."
        ),
    )


def self_financing_goal(
    year: int, by_year: Mapping[int, YearFigures], debt: GoalResult | None = None
) -> GoalResult:
    """Finansieringsmål: (result + depreciation) / investments, met at 100 % or more.
    ``debt``: the year's debt verdict, named beside it (the 2023–2025 plan)."""
    read = _read(by_year, (year,), ("result", "depreciation", "investments"))
    common: dict[str, Any] = {
        "goal": "self_financing",
        "name": "Finansieringsmål",
        "goal_area": "G5.A2",
        "rule": f"(result + depreciation) / investments {year} ≥ 100 % (självfinansieringsgrad)",
        "comparison": "at_least",
        "years": (year,),
        "window": None,
        "figures": read.figures,
        "threshold_bp": SELF_FINANCING_BP,
        "debt_goal_status": debt.status if debt else None,
    }
    if not read.complete:
        return GoalResult(**common, **_not_evaluable(read))
    (f,) = read.figures
    value = (f["result"] or 0) + (f["depreciation"] or 0)
    base = f["investments"] or 0
    plan = ""
    if debt is not None:
        plan = f" The debt goal {year}: {debt.status}."
        if PLAN_YEARS[0] <= year <= PLAN_YEARS[1]:
            plan = (
                f" The plan for {PLAN_YEARS[0]}–{PLAN_YEARS[1]} accepts a degree that does "
                f"not endanger the debt goal; the debt goal {year}: {debt.status}."
            )
    if base == 0:
        return GoalResult(
            **common,
            status="met",
            value=value,
            limit=Decimal(0),
            ratio=None,
            explanation=f"No investments in {year}: nothing to finance, no degree to give.",
        )
    r = ratio(value, base, "at_least")
    met = meets(value, base, SELF_FINANCING_BP, "at_least")
    return GoalResult(
        **common,
        status=_judged(met),
        value=value,
        limit=Decimal(base),
        ratio=r,
        explanation=(
            f"Självfinansieringsgrad {percent(r.bp)}{'' if r.exact else ' (rounded down)'}: "
            + (
                "the investments are financed wholly with own means."
                if met
                else "part of the investments is financed by borrowing."
            )
            + plan
        ),
    )


def evaluate(year: int, figures: Mapping[int, YearFigures]) -> list[GoalResult]:
    """Every financial goal for ``year`` on the figures of the years given (by year)."""
    debt = net_debt_goal(year, figures)
    return [
        result_goal(year, figures),
        balance_goal(year, figures),
        self_financing_goal(year, figures, debt),
        debt,
    ]


# --- load rows ----------------------------------------------------------------------------


def figures_id(year: int) -> str:
    """A year's row id, its natural key written out: ``REGION/2024``."""
    return f"{REGION}/{year}"


def row_errors(row: FinancialFiguresRow) -> list[dict[str, Any]]:
    """What is wrong with a validated figures row beyond its fields' types, by field."""
    errors: list[dict[str, Any]] = []
    if row.org_unit != REGION:
        errors.append(
            field_error(["org_unit"], "the financial goals are the region's: org_unit is REGION")
        )
    if row.tax_and_grant_revenue is not None and row.tax_and_grant_revenue <= 0:
        errors.append(
            field_error(["tax_and_grant_revenue"], "must be positive: the goals are shares of it")
        )
    for name in ("depreciation", "investments"):
        value = getattr(row, name)
        if value is not None and value < 0:
            errors.append(field_error([name], "must not be negative"))
    return errors


def row_record(row: FinancialFiguresRow) -> dict[str, Any]:
    """The stored form of a good row."""
    return {
        "id": figures_id(row.year),
        "year": row.year,
        **{name: getattr(row, name) for name in FIGURES},
        "source_text": row.source_text,
    }
