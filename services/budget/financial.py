"""The region's financial figures and its financial goals (finansiella mål).

The figures are loaded like a report's stated figures: every row checked
(``financial_schemas``, ``financial_rules``), a bad row named with its field, atomic or
partial, upserted set-based on its year; listed with paging, the change feed and CSV.
The goals are judged on them by ``financial_rules`` for a year: nothing is filled in.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.budget import financial_rules as rules
from services.budget import financial_schemas as fs
from services.budget.loads import finished
from services.budget.repository import financial as repo
from services.budget.repository.store import CsvQuery
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, validate_rows
from shared.keys import Principal
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed

RESOURCE = "region_financial_figures"


def load_rows(
    session: Session,
    feed: ChangeFeed,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
) -> LoadReport:
    """Validate and upsert rows of the region's figures, without committing."""
    good, rejected = validate_rows(rows, fs.FinancialFiguresRow)
    accepted: list[dict[str, Any]] = []
    for number, row in good:
        if errors := rules.row_errors(row):
            rejected.append(RowError(row=number, errors=errors))
        else:
            accepted.append(rules.row_record(row))
    rejected.sort(key=lambda r: r.row)
    reject_if_atomic(mode, rejected, len(rows))
    counts = repo.upsert_figures(session, accepted, feed)
    return LoadReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
    )


def load(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadReport:
    """A bulk load of the region's figures (the caller may write for REGION); ``dry_run``
    counts and writes nothing."""
    principal.check_org_unit(rules.REGION)
    report = load_rows(session, feed, rows, mode)
    return finished(session, audit, principal, RESOURCE, report, mode, dry_run)


def _out(row: Any) -> fs.FinancialFiguresOut:
    return fs.FinancialFiguresOut.model_validate({**row._mapping, "org_unit": rules.REGION})


def list_figures(session: Session, params: ListParams, year: int | None) -> Slice[Any]:
    return repo.figures_page(session, params, year, _out)


def figures_csv(year: int | None) -> CsvQuery:
    return repo.figures_csv(year)


def _goal_out(g: rules.GoalResult) -> fs.FinancialGoalOut:
    r = g.ratio
    return fs.FinancialGoalOut(
        goal=g.goal,
        name=g.name,
        goal_area=g.goal_area,
        rule=g.rule,
        comparison=g.comparison,
        status=g.status,
        window=fs.GoalWindow(first=g.window[0], last=g.window[1]) if g.window else None,
        years=list(g.years),
        figures=list(g.figures),
        value=g.value,
        limit=None if g.limit is None else format(g.limit.normalize(), "f"),
        ratio_numerator=r.numerator if r else None,
        ratio_denominator=r.denominator if r else None,
        ratio_bp=r.bp if r else None,
        ratio_exact=r.exact if r else None,
        threshold_bp=g.threshold_bp,
        missing_years=list(g.missing_years),
        missing_figures=[fs.MissingFigure(year=m.year, figure=m.figure) for m in g.missing_figures],
        debt_goal_status=g.debt_goal_status,
        explanation=g.explanation,
    )


def goals(session: Session, year: int) -> fs.FinancialGoals:
    """Every financial goal judged for ``year`` on the stored figures of year-4 … year."""
    years = rules.window(year)
    stored = {
        r.year: rules.YearFigures(r.year, *(getattr(r, name) for name in rules.FIGURES))
        for r in repo.figures_between(session, years[0], years[-1])
    }
    return fs.FinancialGoals(year=year, goals=[_goal_out(g) for g in rules.evaluate(year, stored)])
