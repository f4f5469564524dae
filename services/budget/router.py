"""HTTP endpoints of the budget service: parse at the edge, call the domain module, return.

Org units, years and months are the suite's boundary types (``shared.boundary``), checked
here once; no SQL, no rule and no ``Request`` goes further in. Reads are scoped: a key
bound to org units reads only its own units' grants, lines, outcomes, forecasts, earmarked
money and summaries (403 when it names another unit; listings that name none show its
own). Defining a grant needs an admin key bound to no org unit (``RegionAdmin``).
The bulk-loaded resources (outcomes, forecasts, totals, reported figures) have their
routes in ``router_loads``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response, status

from services.budget import budget_lines, earmarked, grants
from services.budget import schemas as s
from services.budget import summary_schemas as ss
from services.budget.router_loads import csv_export as _csv
from services.budget.summary import committee_summary
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.boundary import (
    MonthField,
    OptionalOrgUnitQuery,
    OptionalYearQuery,
    OrgUnitPath,
    OrgUnitQuery,
    YearPath,
    YearQuery,
)
from shared.csvstream import CSV_RESPONSE, AcceptHeader, wants_csv
from shared.etag import IfMatch, etag
from shared.keys import Admin, Reader, RegionAdmin, Writer
from shared.paging import Page, Paging, Tombstone, page_body
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1")

LinePath = Annotated[
    str, Path(pattern=r"^[a-z0-9_]{1,80}$", description="Line slug, e.g. tandvard.")
]
EarmarkedId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,80}$")]


# --- grants ---------------------------------------------------------------------------------


@router.put("/grants/{org_unit}/{year}", response_model=s.GrantOut, tags=["grants"])
def put_grant(
    org_unit: OrgUnitPath,
    year: YearPath,
    body: s.GrantIn,
    response: Response,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: RegionAdmin,
    if_match: IfMatch = None,
) -> s.GrantOut:
    """Replace a committee's regionbidrag for a year (an admin key bound to no org unit:
    the region defines the grants).

    The answer carries the computed `total` (every component, the whole tilläggsbudget
    included whether used or not) and `subtotals` (`total_excluding_supplementary` is the
    ingoing regionbidrag; `total_with_used_supplementary` counts only the used part).
    A transfer naming a `counterparty` is mirrored with the opposite sign on that
    committee's grant of the same year, in the same transaction; the grant that wrote it
    owns it, and a write on the other side that contradicts it is a 409.
    """
    grant = grants.put_grant(session, feed, audit, principal, org_unit, year, body, if_match)
    response.headers["ETag"] = etag(grant.change_seq)
    return grant


@router.get("/grants/{org_unit}/{year}", response_model=s.GrantOut, tags=["grants"])
def get_grant(
    org_unit: OrgUnitPath,
    year: YearPath,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> s.GrantOut:
    principal.check_read(org_unit)
    grant = grants.get_grant(session, org_unit, year)
    response.headers["ETag"] = etag(grant.change_seq)
    return grant


@router.get("/grants", response_model=Page[s.GrantOut], responses=CSV_RESPONSE, tags=["grants"])
def list_grants(
    request: Request,
    params: Paging,
    session: SessionDep,
    engine: EngineDep,
    principal: Reader,
    accept: AcceptHeader = None,
    year: OptionalYearQuery = None,
    org_unit: OptionalOrgUnitQuery = None,
) -> Any:
    """Grants with their components. CSV: one row per component with `grant_total`."""
    units = principal.readable(org_unit)
    if wants_csv(accept):
        return _csv(engine, grants.grants_csv(year, org_unit, units), "grants")
    return page_body(request, grants.list_grants(session, params, year, org_unit, units))


# --- budget lines ---------------------------------------------------------------------------


@router.put(
    "/budget-lines/{org_unit}/{year}/{line}",
    response_model=s.BudgetLineOut,
    tags=["budget lines"],
)
def put_budget_line(
    org_unit: OrgUnitPath,
    year: YearPath,
    line: LinePath,
    body: s.BudgetLineIn,
    response: Response,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: Writer,
    if_match: IfMatch = None,
) -> s.BudgetLineOut:
    """Create or replace a budget line (write scope, and the key may speak for the org unit).

    The line's result is revenue - cost; revenue and cost both null mean the line exists
    but its budget is not stated.
    """
    out = budget_lines.put_budget_line(
        session, feed, audit, principal, org_unit, year, line, body, if_match
    )
    response.headers["ETag"] = etag(out.change_seq)
    return out


@router.get(
    "/budget-lines/{org_unit}/{year}/{line}",
    response_model=s.BudgetLineOut,
    tags=["budget lines"],
)
def get_budget_line(
    org_unit: OrgUnitPath,
    year: YearPath,
    line: LinePath,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> s.BudgetLineOut:
    principal.check_read(org_unit)
    out = budget_lines.get_budget_line(session, org_unit, year, line)
    response.headers["ETag"] = etag(out.change_seq)
    return out


@router.delete(
    "/budget-lines/{org_unit}/{year}/{line}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["budget lines"],
)
def delete_budget_line(
    org_unit: OrgUnitPath,
    year: YearPath,
    line: LinePath,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: Writer,
) -> Response:
    """Delete a line (it becomes a tombstone in the change feed); 409 while outcomes,
    forecasts or earmarked money refer to it."""
    budget_lines.delete_budget_line(session, feed, audit, principal, org_unit, year, line)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/budget-lines",
    response_model=Page[s.BudgetLineOut | Tombstone],
    responses=CSV_RESPONSE,
    tags=["budget lines"],
)
def list_budget_lines(
    request: Request,
    params: Paging,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    accept: AcceptHeader = None,
    org_unit: OptionalOrgUnitQuery = None,
    year: OptionalYearQuery = None,
) -> Any:
    units = principal.readable(org_unit)
    if wants_csv(accept):
        return _csv(engine, budget_lines.budget_lines_csv(org_unit, year, units), "budget-lines")
    page = budget_lines.list_budget_lines(session, feed, params, org_unit, year, units)
    return page_body(request, page)


# --- earmarked money ------------------------------------------------------------------------


@router.put("/earmarked/{id}", response_model=s.EarmarkedOut, tags=["earmarked"])
def put_earmarked(
    id: EarmarkedId,
    body: s.EarmarkedIn,
    response: Response,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: Admin,
    if_match: IfMatch = None,
) -> s.EarmarkedOut:
    """Create or replace earmarked money (riktade medel; admin). It stays tied to its
    org unit, year, line and purpose: a write changing any of them is a 422
    ("earmarked money cannot be moved to other activity")."""
    out = earmarked.put_earmarked(session, feed, audit, principal, id, body, if_match)
    response.headers["ETag"] = etag(out.change_seq)
    return out


@router.post(
    "/earmarked",
    response_model=s.EarmarkedOut,
    status_code=status.HTTP_201_CREATED,
    tags=["earmarked"],
)
def post_earmarked(
    body: s.EarmarkedIn,
    request: Request,
    response: Response,
    session: SessionDep,
    feed: FeedDep,
    audit: AuditDep,
    principal: Admin,
) -> s.EarmarkedOut:
    """Create earmarked money with a new id (admin)."""
    out = earmarked.put_earmarked(session, feed, audit, principal, None, body, None)
    response.headers["ETag"] = etag(out.change_seq)
    response.headers["Location"] = str(request.url_for("get_earmarked", id=out.id))
    return out


@router.get("/earmarked/{id}", response_model=s.EarmarkedOut, tags=["earmarked"])
def get_earmarked(
    id: EarmarkedId, response: Response, session: SessionDep, principal: Reader
) -> s.EarmarkedOut:
    out = earmarked.get_earmarked(session, id, principal)
    response.headers["ETag"] = etag(out.change_seq)
    return out


@router.delete("/earmarked/{id}", status_code=status.HTTP_204_NO_CONTENT, tags=["earmarked"])
def delete_earmarked(
    id: EarmarkedId, session: SessionDep, feed: FeedDep, audit: AuditDep, principal: Admin
) -> Response:
    earmarked.delete_earmarked(session, feed, audit, principal, id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/earmarked",
    response_model=Page[s.EarmarkedOut | Tombstone],
    responses=CSV_RESPONSE,
    tags=["earmarked"],
)
def list_earmarked(
    request: Request,
    params: Paging,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    accept: AcceptHeader = None,
    org_unit: OptionalOrgUnitQuery = None,
    year: OptionalYearQuery = None,
) -> Any:
    units = principal.readable(org_unit)
    if wants_csv(accept):
        return _csv(engine, earmarked.earmarked_csv(org_unit, year, units), "earmarked")
    page = earmarked.list_earmarked(session, feed, params, org_unit, year, units)
    return page_body(request, page)


# --- summary --------------------------------------------------------------------------------


@router.get("/summary", response_model=ss.Summary, tags=["summary"])
def summary(
    reads: KeptReadsDep,
    org_unit: OrgUnitQuery,
    year: YearQuery,
    through: Annotated[
        MonthField | None, Query(description="Last month included, YYYY-MM; default December.")
    ] = None,
) -> Response:
    """A committee's economy for a year: its stated totals as the headline, beside them the
    grant, the lines and their sums, earmarked money and the figures its report states.

    Headline: `total` holds the committee's own totals (`/v1/totals`): the budget, the
    outcome year to date through the latest month <= `through` it is stated for, the
    forecast made in the latest month <= `through`. `budget_result`, `outcome_result` and
    `forecast_result` are their results; `budget_result_to_date` is the budget pro rata
    through the outcome's month (months/12, half away from zero); `deviation` =
    outcome_result - budget_result_to_date; `forecast_deviation` = forecast_result -
    budget_result. `meets_budget_rule` (the result must not be worse than the adopted
    budget) is judged on the totals: a whole-year outcome against the budget, else the
    latest forecast against it, else the outcome to date against the budget to date.
    What no total states is null and named in `total.missing` (with `total.explanation`);
    nothing is filled in from the lines.

    Per line: `budget_result` = revenue - cost (full year); `outcome_result` = the sum of
    the monthly outcomes from January through `through`; `deviation` = outcome_result -
    the budget pro rata through `through`; `forecast` the one made in the latest month <=
    through; the rule judged the same way per line. `line_sums` adds the lines up (each
    figure over the lines that have it, the deviation over the lines with both budget and
    outcome: see `coverage`): shown as lines, never as the total. The grant is not added
    to the results. `reported` holds the deviations and other figures as the report
    prints them. `mnkr` fields are display strings only.
    """
    reads.principal.check_read(org_unit)
    return reads.json(lambda: committee_summary(reads.session, org_unit, year, through))
