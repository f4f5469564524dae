"""HTTP endpoints of the budget service: parse at the edge, call the domain module, return.

Org units, years and months are the suite's boundary types (``shared.boundary``), checked
here once; no SQL, no rule and no ``Request`` goes further in.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from sqlalchemy.engine import Engine

from services.budget import budget_lines, earmarked, flows, grants
from services.budget import schemas as s
from services.budget.repository.store import CsvQuery
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
from shared.bulk import LoadMode, LoadReport, read_rows
from shared.csvstream import csv_response, wants_csv
from shared.etag import etag
from shared.keys import Admin, Reader, Writer
from shared.paging import ListParams, Page, Tombstone, list_params, page_body

router = APIRouter(prefix="/v1")

LinePath = Annotated[
    str, Path(pattern=r"^[a-z0-9_]{1,80}$", description="Line slug, e.g. tandvard.")
]
EarmarkedId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_.-]{1,80}$")]
Params = Annotated[ListParams, Depends(list_params)]
Accept = Annotated[str | None, Header(include_in_schema=False)]
IfMatch = Annotated[str | None, Header(description="ETag from a read; 412 when stale.")]
CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON page, or CSV with Accept: text/csv."}
}
LOAD_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        },
    }
}
LOAD_DOC = (
    "A JSON list of rows or CSV (API form: comma, header line; or the Swedish Excel form: "
    "semicolon, decimal comma). Money is whole kronor: 12.5, 12.0 or '12,5' is rejected naming "
    "the row and field, never rounded. `mode=atomic` (default): any bad row -> 422 and nothing "
    "is written; `mode=partial`: good rows are written and bad ones reported. `dry_run=true` "
    "validates and counts without writing. Upsert on the row's key: loading the same file twice "
    "changes nothing. A key bound to org units gets 403 for a row of any other unit. The line "
    "must exist as a budget line of that org unit for the row's year."
)


async def _rows(request: Request) -> list[dict[str, Any]]:
    return await read_rows(request, s.LOAD_MONEY_FIELDS)


Rows = Annotated[list[dict[str, Any]], Depends(_rows)]


def _csv(engine: Engine, export: CsvQuery, filename: str) -> Any:
    return csv_response(engine, export.statement, export.header, filename)


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
    principal: Admin,
    if_match: IfMatch = None,
) -> s.GrantOut:
    """Replace a committee's regionbidrag for a year (admin).

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
    org_unit: OrgUnitPath, year: YearPath, response: Response, session: SessionDep, _: Reader
) -> s.GrantOut:
    grant = grants.get_grant(session, org_unit, year)
    response.headers["ETag"] = etag(grant.change_seq)
    return grant


@router.get("/grants", response_model=Page[s.GrantOut], responses=CSV, tags=["grants"])
def list_grants(
    request: Request,
    params: Params,
    session: SessionDep,
    engine: EngineDep,
    _: Reader,
    accept: Accept = None,
    year: OptionalYearQuery = None,
    org_unit: OptionalOrgUnitQuery = None,
) -> Any:
    """Grants with their components. CSV: one row per component with `grant_total`."""
    if wants_csv(accept):
        return _csv(engine, grants.grants_csv(year, org_unit), "grants")
    return page_body(request, grants.list_grants(session, params, year, org_unit))


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
    _: Reader,
) -> s.BudgetLineOut:
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
    responses=CSV,
    tags=["budget lines"],
)
def list_budget_lines(
    request: Request,
    params: Params,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    _: Reader,
    accept: Accept = None,
    org_unit: OptionalOrgUnitQuery = None,
    year: OptionalYearQuery = None,
) -> Any:
    if wants_csv(accept):
        return _csv(engine, budget_lines.budget_lines_csv(org_unit, year), "budget-lines")
    page = budget_lines.list_budget_lines(session, feed, params, org_unit, year)
    return page_body(request, page)


# --- outcomes and forecasts -----------------------------------------------------------------


def _flow_routes(flow: flows.Flow, tag: str, page: type[Page[Any]], load_description: str) -> None:
    """POST (a bulk load) and GET (a list, or CSV) of ``/<flow>s``."""
    path = f"/{flow.resource}s"

    def load(
        rows: Rows,
        session: SessionDep,
        feed: FeedDep,
        audit: AuditDep,
        principal: Writer,
        mode: LoadMode = LoadMode.atomic,
        dry_run: bool = False,
    ) -> LoadReport:
        return flows.load(session, feed, audit, principal, flow, rows, mode, dry_run)

    def list_(
        request: Request,
        params: Params,
        session: SessionDep,
        engine: EngineDep,
        _: Reader,
        accept: Accept = None,
        org_unit: OptionalOrgUnitQuery = None,
        line: str | None = None,
        year: OptionalYearQuery = None,
    ) -> Any:
        if wants_csv(accept):
            return _csv(engine, flows.flow_csv(flow, org_unit, line, year), f"{flow.resource}s")
        return page_body(request, flows.list_flow(session, flow, params, org_unit, line, year))

    router.add_api_route(
        path,
        load,
        methods=["POST"],
        name=f"load_{flow.resource}s",
        response_model=LoadReport,
        openapi_extra=LOAD_BODY,
        tags=[tag],
        description=load_description + LOAD_DOC,
    )
    router.add_api_route(
        path, list_, name=f"list_{flow.resource}s", response_model=page, responses=CSV, tags=[tag]
    )


_flow_routes(
    flows.OUTCOMES,
    "outcomes",
    Page[s.OutcomeOut],
    "Monthly outcomes (utfall, one month's figure, not cumulative): rows "
    "`{org_unit, line, month, revenue, cost}`. ",
)
_flow_routes(
    flows.FORECASTS,
    "forecasts",
    Page[s.ForecastOut],
    "Full-year forecasts (prognos) for the year of `made_in`: rows "
    "`{org_unit, line, made_in, revenue, cost}`, `made_in` a month `YYYY-MM`. The region "
    "forecasts after March, May, August and October; any month is accepted. ",
)


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
    id: EarmarkedId, response: Response, session: SessionDep, _: Reader
) -> s.EarmarkedOut:
    out = earmarked.get_earmarked(session, id)
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
    responses=CSV,
    tags=["earmarked"],
)
def list_earmarked(
    request: Request,
    params: Params,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    _: Reader,
    accept: Accept = None,
    org_unit: OptionalOrgUnitQuery = None,
    year: OptionalYearQuery = None,
) -> Any:
    if wants_csv(accept):
        return _csv(engine, earmarked.earmarked_csv(org_unit, year), "earmarked")
    return page_body(request, earmarked.list_earmarked(session, feed, params, org_unit, year))


# --- summary --------------------------------------------------------------------------------


@router.get("/summary", response_model=s.Summary, tags=["summary"])
def summary(
    session: SessionDep,
    _: Reader,
    org_unit: OrgUnitQuery,
    year: YearQuery,
    through: Annotated[
        MonthField | None, Query(description="Last month included, YYYY-MM; default December.")
    ] = None,
) -> s.Summary:
    """A committee's economy for a year: grant, budget, outcome, forecast, deviation.

    Per line: `budget_result` = revenue - cost (full year); `outcome_result` = the sum of
    the monthly outcomes from January through `through`; `deviation` = outcome_result -
    `budget_result_to_date`, where the budget to date is the full-year budget x months/12,
    rounded half away from zero to whole kronor (no seasonal profile is known); for the
    full year it is the budget itself. `forecast` is the one made in the latest month
    <= through; `forecast_deviation` = forecast_result - budget_result (full year).
    `meets_budget_rule` (the result must not be worse than the budget): full year, outcome
    >= budget; part year, the latest forecast >= budget, or without a forecast the outcome
    to date >= the budget to date. Totals: sums over the lines that have the figure;
    `deviation` sums only the lines that have both budget and outcome (see `coverage`).
    The grant is not added to the lines' results. `reported` holds the figures as the source
    report prints them (e.g. HSN 2024's result +85,3 mnkr), which the lines may not
    reproduce. `mnkr` fields are display strings only.
    """
    return committee_summary(session, org_unit, year, through)
