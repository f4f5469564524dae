"""Budget lines: a committee's budget for a year, line by line (revenue, cost, result)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.line_rules import check_deletable, check_line, line_id
from services.budget.money import difference
from services.budget.repository import budget_lines as line_repo
from services.budget.repository.store import CsvQuery
from shared.errors import NotFound
from shared.etag import check_if_match
from shared.keys import Principal
from shared.paging import ListParams, Slice
from shared.store import AuditTrail, ChangeFeed

RESOURCE = "budget_line"


def write_line(
    session: Session,
    feed: ChangeFeed,
    org_unit: str,
    year: int,
    line: str,
    body: s.BudgetLineIn,
    if_match: str | None = None,
) -> str:
    """Create or replace a budget line without committing; returns its id."""
    check_line(body)
    current = line_repo.line_change_seq(session, org_unit, year, line)
    check_if_match(if_match, current)
    seq = feed.allocate(session)
    line_repo.save_line(session, org_unit, year, line, body.model_dump(), seq, new=current is None)
    return line_id(org_unit, year, line)


def put_budget_line(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    org_unit: str,
    year: int,
    line: str,
    body: s.BudgetLineIn,
    if_match: str | None,
) -> s.BudgetLineOut:
    principal.check_org_unit(org_unit)
    lid = write_line(session, feed, org_unit, year, line, body, if_match)
    audit.record(session, principal.key_id, "put", RESOURCE, lid, body.model_dump())
    session.commit()
    return get_budget_line(session, org_unit, year, line)


def get_budget_line(session: Session, org_unit: str, year: int, line: str) -> s.BudgetLineOut:
    row = line_repo.line_row(session, org_unit, year, line)
    if row is None:
        raise NotFound(f"No budget line {line!r} for {org_unit} {year}.")
    return line_out(row)


def delete_budget_line(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    org_unit: str,
    year: int,
    line: str,
) -> None:
    """Delete a line, leaving a tombstone in the change feed; 409 while rows refer to it."""
    principal.check_org_unit(org_unit)
    get_budget_line(session, org_unit, year, line)
    uses = line_repo.line_uses(session, org_unit, year, line)
    check_deletable(
        org_unit,
        year,
        line,
        outcomes=uses.outcomes,
        forecasts=uses.forecasts,
        earmarked=uses.earmarked,
    )
    lid = line_id(org_unit, year, line)
    seq = feed.allocate(session)
    line_repo.delete_line(session, org_unit, year, line)
    feed.bury(session, RESOURCE, [lid], seq)
    audit.record(session, principal.key_id, "delete", RESOURCE, lid, None)
    session.commit()


def list_budget_lines(
    session: Session, feed: ChangeFeed, params: ListParams, org_unit: str | None, year: int | None
) -> Slice[s.BudgetLineOut | dict[str, Any]]:
    """A page of budget lines; in change order deletions come as tombstones."""
    return line_repo.budget_line_page(session, feed, params, org_unit, year, line_out)


def budget_lines_csv(org_unit: str | None, year: int | None) -> CsvQuery:
    return line_repo.budget_lines_csv(org_unit, year)


def line_out(row: Any) -> s.BudgetLineOut:
    return s.BudgetLineOut(
        id=row.id,
        org_unit=row.org_unit,
        year=row.year,
        line=row.line,
        label=row.label,
        revenue=row.revenue,
        cost=row.cost,
        result=difference(row.revenue, row.cost),
        counterparty=row.counterparty,
        basis=row.basis,
        derived=row.derivation is not None,
        derivation=row.derivation,
        updated_at=row.updated_at,
        change_seq=row.change_seq,
    )
