"""What the templates show, shaped from the view, the overview and an indicator's history
(pure functions: read models in, plain values out; the templates only lay them out).

Footnotes: a value that covers less than its period (year to date, ``coverage``) gets a
numbered footnote with the report's ``coverage_note``, one number per distinct note on the
page, as the quality annex prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from gateway.followup.budget import Summary
from gateway.followup.indicators import Evaluation
from gateway.followup.overview import Overview, OverviewRow
from gateway.page.charts import Bar, BarGroup, Point, Series, TargetStep, bar_chart, line_chart
from gateway.page.history import History, StoredResult
from gateway.page.marks import Mark, areas_mark, assignments_mark, economy_mark
from gateway.page.swedish import NBSP, number, share

#: The section names of a view, as the page heads them.
SECTION_TITLES = {
    "indicators": "Indikatorer",
    "assignments": "Riktade uppdrag",
    "budget": "Ekonomi",
    "due": "Förfallet och sent",
}
UNIT_SUFFIX = {"percent": f"{NBSP}%", "per_100_vardplatser": f"{NBSP}/100 vpl"}
#: What an indicator's unit is called under its chart.
UNIT_NAMES = {
    "percent": "procent",
    "index_score": "indexvärde (NPE)",
    "count": "antal",
    "per_100_vardplatser": "per 100 vårdplatser",
    "per_1000_inhabitants": f"per 1{NBSP}000 invånare",
}


#: Units the annex prints with at least one decimal (``66,0``, not ``66``).
ONE_DECIMAL_AT_LEAST = frozenset({"percent", "index_score"})


def value_text(value: float | int | Decimal | None, unit: str | None) -> str:
    """An indicator's value as printed: ``69,2``; ``83,5 %`` for a percentage; a share or an
    index never with fewer than one decimal (``66,0``), a value never with fewer than its own."""
    if value is None:
        return "–"
    exact = Decimal(str(value))
    decimals = None
    if unit in ONE_DECIMAL_AT_LEAST:
        exponent = exact.as_tuple().exponent
        own = -exponent if isinstance(exponent, int) and exponent < 0 else 0
        decimals = max(own, 1)
    return number(exact, decimals) + UNIT_SUFFIX.get(unit or "", "")


def breakdown_label(code: str) -> str:
    """``bup_oppenvard`` → ``bup oppenvard``; ``total`` (the whole) → ``totalt``."""
    return "totalt" if code == "total" else code.replace("_", " ")


@dataclass
class Footnotes:
    """Coverage notes numbered in the order they first appear on the page."""

    notes: dict[tuple[str, str | None], int] = field(default_factory=dict)

    def of(self, evaluation: Evaluation) -> int | None:
        if not evaluation.coverage:
            return None
        key = (evaluation.coverage, evaluation.coverage_note)
        return self.notes.setdefault(key, len(self.notes) + 1)

    def listed(self) -> list[tuple[int, str, str | None]]:
        return [(n, coverage, note) for (coverage, note), n in self.notes.items()]


def unavailable(view_sources: Mapping[str, str]) -> list[str]:
    """The sections whose service could not answer."""
    return [name for name, state in view_sources.items() if state != "ok"]


# ---------------------------------------------------------------- overview


@dataclass(frozen=True)
class OverviewLine:
    row: OverviewRow
    indicators: Mark | None
    assignments: Mark | None
    economy: Mark | None
    missing: list[str]


def overview_lines(overview: Overview) -> list[OverviewLine]:
    lines = []
    for row in overview.committees:
        ind, asg, eco = row.indicators, row.assignments, row.economy
        lines.append(
            OverviewLine(
                row=row,
                indicators=areas_mark(ind.areas_met, ind.areas, ind.evaluated) if ind else None,
                assignments=assignments_mark(asg.avvikelse + asg.orange, asg.ingen_rapport)
                if asg
                else None,
                economy=economy_mark(eco.deviation, stated=eco.outcome_result is not None)
                if eco
                else None,
                missing=[SECTION_TITLES[n] for n in unavailable(row.sources)],
            )
        )
    return lines


def met_share(met: int, evaluated: int) -> str:
    return share(Decimal(met) / Decimal(evaluated)) if evaluated else "–"


# ---------------------------------------------------------------- economy


def _millions(kronor: int | None) -> Decimal | None:
    return None if kronor is None else Decimal(kronor) / Decimal(1_000_000)


def economy_chart(summary: Summary) -> str:
    """Budgeted against actual result per budget line, in mnkr (the lines' own figures;
    the committee's headline result is stated above the chart, never summed from it)."""
    groups = [
        BarGroup(
            line.label or line.line,
            [
                Bar("Budgeterat resultat", _millions(line.budget_result)),
                Bar("Utfall", _millions(line.outcome_result)),
            ],
        )
        for line in summary.lines
    ]
    return bar_chart(
        groups,
        ["Budgeterat resultat", "Utfall"],
        "Budget och utfall per budgetområde, mnkr",
        "mnkr",
        "Budgetområden",
    )


# ---------------------------------------------------------------- indicator history


@dataclass(frozen=True)
class HistoryChart:
    title: str
    periods: list[str]
    svg: str
    #: (period, [value text per breakdown]) rows of the table beside the chart.
    rows: list[tuple[str, list[str]]]
    breakdowns: list[str]


def _threshold(target_value: float | int | str | None) -> Decimal | None:
    try:
        return None if target_value is None else Decimal(str(target_value))
    except ArithmeticError:
        return None


def history_charts(history: History) -> list[HistoryChart]:
    """One chart of the years (and year-to-date spans), one of the months when there are
    monthly results; each with its table."""
    yearly = [r for r in history.results if len(r.period) != 7]
    monthly = [r for r in history.results if len(r.period) == 7]
    charts = []
    for title, results in (("År", yearly), ("Månader", monthly)):
        if results:
            charts.append(_chart(history, title, results))
    return charts


def _chart(history: History, title: str, results: Iterable[StoredResult]) -> HistoryChart:
    listed = list(results)
    periods = sorted({r.period for r in listed})
    breakdowns = sorted({r.breakdown for r in listed})
    at = {(r.breakdown, r.period): r.value for r in listed}
    unit = history.indicator.unit
    series = [
        Series(
            breakdown_label(b),
            [
                Point(p, None if at.get((b, p)) is None else Decimal(str(at[(b, p)])))
                for p in periods
            ],
        )
        for b in breakdowns
    ]
    steps = []
    for target in history.targets:
        level = _threshold(target.parsed.value) if target.parsed.kind == "threshold" else None
        if level is not None and str(target.year) in periods:
            steps.append(TargetStep(str(target.year), level, target.expression))
    name = f"{history.indicator.code} {history.indicator.name}: {title.lower()}"
    svg = line_chart(periods, series, steps, name, UNIT_NAMES.get(unit or "", ""), title)
    rows = [(p, [value_text(at.get((b, p)), unit) for b in breakdowns]) for p in periods]
    return HistoryChart(title, periods, svg, rows, [breakdown_label(b) for b in breakdowns])


def targets_by_year(history: History) -> list[tuple[int, str, str]]:
    """(year, expression, whose) for the targets table."""
    return [
        (t.year, t.expression, "regionens" if t.org_unit is None else f"{t.org_unit}s egna")
        for t in history.targets
    ]
