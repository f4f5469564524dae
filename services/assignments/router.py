"""HTTP endpoints of the assignments service: parse, call ``service``, return."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from services.assignments import service
from services.assignments.schemas import (
    AssignmentCreate,
    AssignmentOut,
    AssignmentPatch,
    Kind,
    ReportIn,
    ReportOut,
    Status,
)
from services.assignments.service import AssignmentFilters, ReportFilters, Writes
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.bulk import LoadMode, LoadReport, read_rows
from shared.csvstream import csv_response, wants_csv
from shared.etag import etag
from shared.keys import Admin, Reader, Writer
from shared.paging import ListParams, Page, Tombstone, list_params
from shared.periods import parse_period_param

router = APIRouter(prefix="/v1", tags=["assignments"])

Paging = Annotated[ListParams, Depends(list_params)]
AcceptHeader = Annotated[str | None, Header(include_in_schema=False)]
IfMatch = Annotated[
    str | None,
    Header(
        alias="If-Match",
        description="The ETag you read; `*` matches any. 412 when stale.",
    ),
]
CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "JSON, or CSV with `Accept: text/csv`."}
}


def _with_etag(response: Response, out: AssignmentOut) -> AssignmentOut:
    response.headers["ETag"] = etag(out.version)
    return out


@router.post(
    "/assignments",
    status_code=status.HTTP_201_CREATED,
    response_model=AssignmentOut,
    summary="Create an assignment (admin)",
)
def create_assignment(
    body: AssignmentCreate,
    response: Response,
    request: Request,
    session: SessionDep,
    principal: Admin,
    feed: FeedDep,
    audit: AuditDep,
) -> AssignmentOut:
    """`lead_org_unit` and `org_units` may use `ALL_HOSPITAL_BOARDS` / `ALL_COMMITTEES`;
    they are stored expanded. A group as lead gives `lead_org_unit: null` and `lead_text`
    with the group's name. The id is generated (`A-<n>`)."""
    out = service.create_assignment(session, Writes(principal, feed, audit), body)
    response.headers["Location"] = str(request.url_for("get_assignment", assignment_id=out.id))
    return _with_etag(response, out)


@router.get(
    "/assignments",
    response_model=Page[AssignmentOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List assignments",
)
def list_assignments(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    _reader: Reader,
    params: Paging,
    org_unit: Annotated[
        str | None, Query(description="Assignments this unit is responsible for (lead or not).")
    ] = None,
    year: Annotated[
        int | None,
        Query(
            ge=2000,
            le=2100,
            description=(
                "The follow-up year: assignments given this year plus earlier ones not finished "
                "at the end of the previous year (`carried_over: true`). `latest_status` is then "
                "as of the end of this year."
            ),
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
    filters = AssignmentFilters(org_unit=org_unit, year=year, status=status_, area=area, kind=kind)
    if wants_csv(accept):
        stmt = service.assignments_csv(filters, engine.dialect.name)
        return csv_response(engine, stmt, service.ASSIGNMENT_CSV_HEADER, "assignments")
    return service.list_assignments(session, filters, params, request, feed)


@router.get("/assignments/{assignment_id}", response_model=AssignmentOut)
def get_assignment(
    assignment_id: str, response: Response, session: SessionDep, _reader: Reader
) -> AssignmentOut:
    """One assignment with its latest status; the `ETag` is its version."""
    return _with_etag(response, service.get_assignment(session, assignment_id))


@router.patch(
    "/assignments/{assignment_id}",
    response_model=AssignmentOut,
    responses={412: {"description": "Stale If-Match."}, 428: {"description": "No If-Match."}},
    summary="Change an assignment (admin; If-Match required)",
)
def patch_assignment(
    assignment_id: str,
    body: AssignmentPatch,
    response: Response,
    session: SessionDep,
    principal: Admin,
    feed: FeedDep,
    audit: AuditDep,
    if_match: IfMatch = None,
) -> AssignmentOut:
    """Send `If-Match` with the ETag you read: without it 428, stale 412. Absent fields stay;
    `org_units` replaces the responsible units (the lead is always kept among them)."""
    out = service.patch_assignment(
        session, Writes(principal, feed, audit), assignment_id, if_match, body
    )
    return _with_etag(response, out)


@router.delete(
    "/assignments/{assignment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete an assignment (admin)",
)
def delete_assignment(
    assignment_id: str,
    session: SessionDep,
    principal: Admin,
    feed: FeedDep,
    audit: AuditDep,
    if_match: IfMatch = None,
) -> Response:
    """Deletes the assignment and its reports; both leave tombstones in the change feed."""
    service.delete_assignment(session, Writes(principal, feed, audit), assignment_id, if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/assignments/{assignment_id}/reports",
    status_code=status.HTTP_201_CREATED,
    response_model=ReportOut,
    summary="Report a status",
)
def add_report(
    assignment_id: str,
    body: ReportIn,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
) -> ReportOut:
    """Only a responsible org unit reports (403 otherwise, also for a key bound to another
    unit). Assignments use `ej_startat` / `pagar_enligt_plan` / `avvikelse` / `klart`,
    milestones `green` / `yellow` / `orange`; `avvikelse` needs an explanation. Nothing is
    overwritten: a second report for the same unit and period is a new entry."""
    return service.add_report(session, Writes(principal, feed, audit), assignment_id, body)


@router.get(
    "/assignments/{assignment_id}/reports",
    response_model=Page[ReportOut],
    summary="Report history of an assignment",
)
def report_history(assignment_id: str, session: SessionDep, _reader: Reader) -> Page[ReportOut]:
    """Every report, newest first (latest period, then latest report); not paged."""
    items = service.report_history(session, assignment_id)
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
    _reader: Reader,
    params: Paging,
    org_unit: Annotated[str | None, Query()] = None,
    period: Annotated[
        str | None, Query(description="Exact period: `2024`, `2024-05`, `2024-01/2024-08`.")
    ] = None,
    assignment_id: Annotated[str | None, Query()] = None,
    status_: Annotated[Status | None, Query(alias="status")] = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged, as a change feed (`after_seq` / `updated_since`), or CSV."""
    filters = ReportFilters(
        org_unit=org_unit,
        period=parse_period_param(period) if period is not None else None,
        assignment_id=assignment_id,
        status=status_,
    )
    if wants_csv(accept):
        return csv_response(
            engine, service.reports_csv(filters), service.REPORT_CSV_HEADER, "reports"
        )
    return service.list_reports(session, filters, params, request, feed)


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
    """Rows `{assignment_id, org_unit, period, status, explanation}`, checked like single
    reports. `mode=atomic` (any bad row → 422, nothing written) or `partial`; `dry_run=true`
    validates only. A row identical to the latest report of its unit and period is
    `unchanged`, so loading a file twice changes nothing."""
    rows = await read_rows(request, numeric_fields=set())
    return await run_in_threadpool(
        service.load_reports, session, Writes(principal, feed, audit), rows, mode, dry_run
    )
