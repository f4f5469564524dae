"""The economy section of the view as a flat table (the Ekonomi sheet; ``ekonomi`` in CSV).

One row per figure, in this order, ``kind`` saying which:

- ``grant``: the regionbidrag;
- ``total``: the committee's own result as its report states it (the headline: HSN 2024
  +85,3 mnkr), with what is not stated in ``missing`` and the ``explanation``;
- ``line``: each budget line;
- ``line_sums``: the lines added up, with their coverage (``lines``, ``compared``): shown
  as a sum of lines, never as the committee's total;
- ``reported_deviation`` / ``reported_figure``: deviations and other figures as the report
  prints them (a share as a percentage, from basis points).

Money is integer kronor here; the workbook shows it in mnkr (``gateway.followup.tables``).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from gateway.followup.budget import Amounts, StatedAmounts, Summary
from gateway.followup.tables import Column, Row, Table
from gateway.followup.view import FollowUpView

LINE_SUMS_NOTE = (
    "Summan av budgetposterna, varje belopp över de poster som har det; avvikelsen över de "
    "poster som har både budget och utfall. Inte nämndens resultat."
)


def percent(share_bp: int | None) -> Decimal | None:
    """Basis points as an exact percentage (6300 → 63, 250 → 2.5)."""
    return None if share_bp is None else Decimal(share_bp) / Decimal(100)


def _amounts(prefix: str, amounts: Amounts | StatedAmounts | None) -> Row:
    return {
        f"{prefix}_revenue": amounts.revenue if amounts else None,
        f"{prefix}_cost": amounts.cost if amounts else None,
    }


def _total(summary: Summary) -> Row:
    total = summary.total
    return {
        "code": "total",
        "kind": "total",
        "name": "Nämndens resultat",
        **_amounts("budget", total.budget),
        "budget_result": summary.budget_result,
        "budget_result_to_date": summary.budget_result_to_date,
        **_amounts("outcome", total.outcome),
        "outcome_result": summary.outcome_result,
        "deviation": summary.deviation,
        "forecast_result": summary.forecast_result,
        "forecast_deviation": summary.forecast_deviation,
        "meets_budget_rule": summary.meets_budget_rule,
        "months": total.outcome_months,
        "missing": ", ".join(total.missing) or None,
        "explanation": total.explanation,
    }


def _lines(summary: Summary) -> Iterator[Row]:
    for line in summary.lines:
        yield {
            "code": line.line,
            "kind": "line",
            "name": line.label,
            "counterparty": line.counterparty,
            **_amounts("budget", line.budget),
            "budget_result": line.budget_result,
            "budget_result_to_date": line.budget_result_to_date,
            **_amounts("outcome", line.outcome),
            "outcome_result": line.outcome_result,
            "deviation": line.deviation,
            "forecast_result": line.forecast_result,
            "forecast_deviation": line.forecast_deviation,
            "meets_budget_rule": line.meets_budget_rule,
        }
    sums = summary.line_sums
    if sums.lines:
        yield {
            "code": "line_sums",
            "kind": "line_sums",
            "name": "Summa av budgetposterna",
            "budget_result": sums.budget_result,
            "budget_result_to_date": sums.budget_result_to_date,
            "outcome_result": sums.outcome_result,
            "deviation": sums.deviation,
            "forecast_result": sums.forecast_result,
            "forecast_deviation": sums.forecast_deviation,
            "lines": sums.lines,
            "compared": sums.compared,
            "explanation": LINE_SUMS_NOTE,
        }


def _reported(summary: Summary) -> Iterator[Row]:
    for deviation in summary.reported.deviations:
        yield {
            "code": deviation.line,
            "kind": "reported_deviation",
            "name": deviation.label,
            "deviation": deviation.deviation,
            "percent": percent(deviation.share_bp),
        }
    for figure in summary.reported.figures:
        yield {
            "code": figure.figure + (f":{figure.item}" if figure.item else ""),
            "kind": "reported_figure",
            "name": figure.label,
            "amount": figure.amount,
            "percent": percent(figure.share_bp),
            "measure": figure.measure,
        }


def economy_rows(view: FollowUpView) -> Iterator[Row]:
    economy = view.economy
    if economy is None:
        return
    yield {"code": "grant", "kind": "grant", "name": "Regionbidrag", "amount": economy.grant}
    yield _total(economy)
    yield from _lines(economy)
    yield from _reported(economy)


ECONOMY: Table[FollowUpView] = Table(
    "ekonomi",
    "Ekonomi",
    (
        Column("code", "Post"),
        Column("name", "Benämning"),
        Column("counterparty", "Motpart"),
        Column("amount", "Belopp (mnkr)", money=True),
        Column("budget_revenue", "Budget intäkter (mnkr)", money=True),
        Column("budget_cost", "Budget kostnader (mnkr)", money=True),
        Column("budget_result", "Budgeterat resultat (mnkr)", money=True),
        Column("budget_result_to_date", "Budget t.o.m. perioden (mnkr)", money=True),
        Column("outcome_revenue", "Utfall intäkter (mnkr)", money=True),
        Column("outcome_cost", "Utfall kostnader (mnkr)", money=True),
        Column("outcome_result", "Utfall resultat (mnkr)", money=True),
        Column("deviation", "Avvikelse (mnkr)", money=True),
        Column("forecast_result", "Prognos resultat (mnkr)", money=True),
        Column("forecast_deviation", "Prognos mot budget (mnkr)", money=True),
        Column("meets_budget_rule", "Budgetregeln uppfylld"),
        Column("months", "Månader med utfall"),
        Column("lines", "Budgetposter"),
        Column("compared", "Poster med budget och utfall"),
        Column("percent", "Andel (%)"),
        Column("measure", "Mått"),
        Column("missing", "Ej redovisat"),
        Column("explanation", "Förklaring"),
        Column("kind", "Typ"),
    ),
    economy_rows,
)
