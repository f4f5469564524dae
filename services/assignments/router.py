"""HTTP endpoints of the assignments service: parse, check the key, call the domain, answer.

Values from outside are parsed here with the boundary types (``shared.boundary``, and the
schemas built on them); the domain modules (``listing``, ``definitions``, ``reports``)
trust them. Pages come back as a ``Slice`` and get their ``next`` URL here.

Read scoping: assignments' definitions are region-wide (every key reads them; only an
unbound admin key, ``RegionAdmin``, defines them); status reports are org-unit data: a key
bound to org units reads only its own units' reports (and those naming them), 403 when it
asks for another unit by name.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from services.assignments import definitions, listing, reports
from services.assignments.schemas import (
    AssignmentCreate,
    AssignmentOut,
    AssignmentPatch,
    Kind,
    ReportFilters,
    ReportIn,
    ReportOut,
    Status,
)
from services.assignments.writes import Writes
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.boundary import OptionalOrgUnitQuery, OptionalYearQuery, Period, optional_period_query
from shared.bulk import LoadMode, LoadReport, read_rows
from shared.csvstream import CSV_RESPONSE, AcceptHeader, csv_response, wants_csv
from shared.etag import IfMatch, etag
from shared.keys import Reader, RegionAdmin, Writer
from shared.paging import Page, Paging, Tombstone, page_body
from shared.readcache import KeptReadsDep

router = APIRouter(prefix="/v1", tags=["assignments"])


def _with_etag(response: Response, out: AssignmentOut) -> AssignmentOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentOut,
    summary="Create an assignment (admin, not bound to org units)",
)
def create_assignment(
    body: AssignmentCreate,
    response: Response,
    request: Request,
    session: SessionDep,
    principal: RegionAdmin,
    feed: FeedDep,
    audit: AuditDep,
) -> AssignmentOut:
    """`lead_org_unit` and `org_units` may use `ALL_HOSPITAL_BOARDS` / `ALL_COMMITTEES`;
    they are stored expanded. A group as lead gives `lead_org_unit: null` and `lead_text`
    with the group's name. The id is generated (`A-<n>`)."""
    out = definitions.create_assignment(session, Writes(principal, feed, audit), body)
    response.headers["Location"] = str(request.url_for("get_assignment", assignment_id=out.id))
    return _with_etag(response, out)


@router.get(
    "/assignments",
    response_model=Page[AssignmentOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List assignments",
)
def list_assignments(
    reads: KeptReadsDep,
    engine: EngineDep,
    feed: FeedDep,
    params: Paging,
    org_unit: Annotated[
        OptionalOrgUnitQuery,
        Query(
            description=(
                "Assignments this unit is responsible for (lead or not); `latest_status` is then "
                "this unit's own latest report, or one naming it, never another unit's."
            )
        ),
    ] = None,
    year: Annotated[
        OptionalYearQuery,
        Query(
            description=(
                "The follow-up year: assignments given this year plus earlier ones not finished "
                "at the end of the previous year (`carried_over: true`). `latest_status` is then "
                "from the reports for dates in this year up to `as_of` (default: the year's last "
                "day); none: `reported: false`."
            ),
        ),
    ] = None,
    as_of: Annotated[
        date | None,
        Query(
            description=(
                "YYYY-MM-DD: `latest_status` is the latest report for a date on or before it "
                "(within `year` when given; e.g. 2024-08-31 for the Jan–Aug 2024 follow-up)."
            )
        ),
    ] = None,
    period: Annotated[
        Period | None,
        optional_period_query(
            "period",
            "The follow-up period, instead of `year` and `as_of`: its year, as of its last day "
            "(`2024-01/2024-08` is year 2024 as of 2024-08-31).",
        ),
    ] = None,
    status_: Annotated[
        Status | None, Query(alias="status", description="The latest status.")
    ] = None,
    area: Annotated[str | None, Query()] = None,
    kind: Annotated[Kind | None, Query()] = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged (`limit`, `cursor`); the change feed with `after_seq` / `updated_since` (deleted
    assignments as tombstones); the whole filtered set as CSV with `Accept: text/csv`."""
    filters = listing.assignment_filters(
        reads.principal,
        org_unit=org_unit,
        year=year,
        period=period,
        as_of=as_of,
        status=status_,
        area=area,
        kind=kind,
    )
    if wants_csv(accept):
        export = listing.assignments_csv(filters, engine.dialect.name)
        return csv_response(engine, export.statement, export.header, "assignments")
    return reads.json(
        lambda: page_body(
            reads.request, listing.list_assignments(reads.session, filters, params, feed)
        )
    )


@router.get("/assignments/{assignment_id}", response_model=AssignmentOut)
def get_assignment(
    assignment_id: str, response: Response, session: SessionDep, principal: Reader
) -> AssignmentOut:
    """One assignment with its latest status (for a key bound to org units: from its own
    units' reports); the `ETag` is its version."""
    out = listing.get_assignment(session, assignment_id, principal.readable(None))
    return _with_etag(response, out)


@router.patch(
    "/assignments/{assignment_id}",
    response_model=AssignmentOut,
    responses={412: {"description": "Stale If-Match."}, 428: {"description": "No If-Match."}},
    summary="Change an assignment (admin, not bound to org units; If-Match required)",
)
def patch_assignment(
    assignment_id: str,
    body: AssignmentPatch,
    response: Response,
    session: SessionDep,
    principal: RegionAdmin,
    feed: FeedDep,
    audit: AuditDep,
    if_match: IfMatch = None,
) -> AssignmentOut:
    """Send `If-Match` with the ETag you read: without it 428, stale 412. Absent fields stay;
    `org_units` replaces the responsible units (the lead is always kept among them)."""
    out = definitions.patch_assignment(
        session, Writes(principal, feed, audit), assignment_id, if_match, body
    )
    return _with_etag(response, out)


@router.delete(
    "/assignments/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete an assignment (admin, not bound to org units)",
)
def delete_assignment(
    assignment_id: str,
    session: SessionDep,
    principal: RegionAdmin,
    feed: FeedDep,
    audit: AuditDep,
    if_match: IfMatch = None,
) -> Response:
    """Deletes the assignment and its reports; both leave tombstones in the change feed."""
    definitions.delete_assignment(session, Writes(principal, feed, audit), assignment_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/assignments/{assignment_id}/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportOut,
    summary="Report a status",
    responses={200: {"description": "The same report was stored already: nothing new."}},
)
def add_report(
    assignment_id: str,
    body: ReportIn,
    response: Response,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
) -> ReportOut:
    """Only a responsible org unit reports (403 otherwise, also for a key bound to another
    unit). Assignments use `ej_startat` / `pagar_enligt_plan` / `avvikelse` / `klart`,
    milestones `green` / `yellow` / `orange`; `avvikelse` needs an explanation. `as_of` is the
    date the status speaks for (default: today, or the period's last day once it has ended);
    `on_behalf_of` names other responsible units the report speaks for (the key must speak for
    them too). Nothing is overwritten: a second report for the same unit and period is a new
    entry; the same report again (same date and words) is stored once (200, not 201)."""
    out, created = reports.add_report(session, Writes(principal, feed, audit), assignment_id, body)
    if not created:
        response.status_code = status.HTTP_200_OK
    return out


@router.get(
    "/assignments/{assignment_id}/reports",
    response_model=Page[ReportOut],
    summary="Report history of an assignment",
)
def report_history(assignment_id: str, session: SessionDep, principal: Reader) -> Page[ReportOut]:
    """Every report, newest first (latest date, then latest period, then latest report); not
    paged. A key bound to org units sees its own units' reports and those naming them."""
    items = reports.report_history(session, assignment_id, principal.readable(None))
    return Page[ReportOut](items=items, next_cursor=None, next=None)


@router.get(
    "/reports",
    response_model=Page[ReportOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List status reports",
)
def list_reports(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    params: Paging,
    org_unit: Annotated[OptionalOrgUnitQuery, Query(description="Reports by this unit.")] = None,
    period: Annotated[
        Period | None,
        optional_period_query(
            "period", "Exact period: `2024`, `2024-Q3`, `2024-05`, `2024-01/2024-08`."
        ),
    ] = None,
    assignment_id: Annotated[str | None, Query()] = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged, as a change feed (`after_seq` / `updated_since`), or CSV. A key bound to org
    units lists its own units' reports and those naming them (403 for another unit)."""
    filters = ReportFilters(
        org_unit=org_unit,
        period=period,
        assignment_id=assignment_id,
        status=status_,
        readable=principal.readable(org_unit),
    )
    if wants_csv(accept):
        export = reports.reports_csv(filters)
        return csv_response(engine, export.statement, export.header, "reports")
    return page_body(request, reports.list_reports(session, filters, params, feed))


@router.post(
    "/reports",
    response_model=LoadReport,
    summary="Load many status reports (JSON list or CSV)",
    openapi_extra={
        "requestBody": {
            "content": {
                "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                "text/csv": {"schema": {"type": "string"}},
            }
        }
    },
)
async def load_reports(
    request: Request,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
    mode: Annotated[LoadMode, Query()] = LoadMode.atomic,
    dry_run: Annotated[bool, Query()] = False,
) -> LoadReport:
    """Rows `{assignment_id, org_unit, period, status, explanation, as_of, on_behalf_of}`
    (the last two optional), checked like single reports. `mode=atomic` (any bad row → 422,
    nothing written) or `partial`; `dry_run=true` validates only. Each report is stored once
    (natural key: assignment, unit, period, as_of and what it says): a row that is already
    the last word of its unit, period and date is `unchanged`, one stored before but since
    contradicted is said again (`updated`), so loading a file twice, even two loads at the
    same moment, changes nothing."""
    rows = await read_rows(request, numeric_fields=set())
    return await run_in_threadpool(
        reports.load_reports, session, Writes(principal, feed, audit), rows, mode, dry_run
    )
