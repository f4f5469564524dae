"""Budget lines: a committee's budget for a year, line by line (revenue, cost, result)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.line_rules import (
    check_deletable,
    check_line,
    line_id,
    tombstone_matches,
)
from services.budget.money import difference
from services.budget.repository import budget_lines as line_repo
from services.budget.repository.store import LOCKS, CsvQuery
from shared.errors import NotFound
from shared.etag import check_if_match
from shared.keys import Principal
from shared.locks import Touch
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
    # Compare and write under one lock: the service's writers queue on the change feed
    # (a line not there yet cannot be created meanwhile), then the line's row is held.
    feed.lock(session)
    LOCKS.check(session, feed, [Touch(org_unit, year)])  # a decided report's year: 409
    current = line_repo.lock_line(session, org_unit, year, line)
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
    written = get_budget_line(session, org_unit, year, line)  # as this write left it
    session.commit()
    return written


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
    feed.lock(session)  # no load books on the line between the check and the delete
    LOCKS.check(session, feed, [Touch(org_unit, year)])  # a decided report's year: 409
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
    session: Session,
    feed: ChangeFeed,
    params: ListParams,
    org_unit: str | None,
    year: int | None,
    org_units: Collection[str] | None = None,
) -> Slice[s.BudgetLineOut | dict[str, Any]]:
    """A page of budget lines (only ``org_units``' when given); in change order deletions
    come as tombstones, those of the units and year asked for (a line's id names both)."""
    page = line_repo.budget_line_page(session, feed, params, org_unit, year, org_units, line_out)
    units = {org_unit} if org_unit is not None else org_units
    if units is None and year is None:
        return page
    kept = [
        item
        for item in page.items
        if not isinstance(item, dict) or tombstone_matches(item["id"], units, year)
    ]
    return Slice(kept, page.next_cursor)


def budget_lines_csv(
    org_unit: str | None, year: int | None, org_units: Collection[str] | None = None
) -> CsvQuery:
    return line_repo.budget_lines_csv(org_unit, year, org_units)


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
