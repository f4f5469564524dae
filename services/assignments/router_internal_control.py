"""HTTP endpoints of internal control (intern kontroll): parse, check the key, call the
domain (``internal_control``), answer.

Read scoping: risk analyses, risks, actions, follow-ups and the summary are org-unit data: a
key bound to org units reads only its own units' (403 when it asks for another unit by name,
left out of listings that name none). Writes need ``write`` and a key that speaks for the
row's unit (403 for a row of another unit).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool

from services.assignments import internal_control as ic
from services.assignments.internal_control_repository import Resource
from services.assignments.internal_control_schemas import (
    ControlFilters,
    InternalControlOut,
    InternalControlOverview,
    RiskActionOut,
    RiskAnalysisIn,
    RiskAnalysisOut,
    RiskFollowupOut,
    RiskOut,
)
from services.assignments.writes import Writes
from shared.app import AuditDep, EngineDep, FeedDep, SessionDep
from shared.boundary import (
    OptionalOrgUnitQuery,
    OptionalYearQuery,
    OrgUnitPath,
    Period,
    YearPath,
    YearQuery,
    optional_period_query,
)
from shared.bulk import LoadMode, LoadReport, read_rows
from shared.csvstream import CSV_RESPONSE, AcceptHeader, csv_response, wants_csv
from shared.etag import IfMatch, etag
from shared.keys import Principal, Reader, Writer
from shared.paging import ListParams, Page, Paging, Tombstone, page_body
from shared.readcache import KeptReadsDep
from shared.store import AuditTrail, ChangeFeed

router = APIRouter(prefix="/v1", tags=["internal control"])

LOAD_BODY = {
    "requestBody": {
        "content": {
            "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
            "text/csv": {"schema": {"type": "string"}},
        }
    }
}
LOAD_HELP = (
    " `mode=atomic` (any bad row → 422 naming each bad row and field, nothing written) or "
    "`partial` (good rows written, bad ones in `rejected`); `dry_run=true` checks and counts "
    "only. Rows are upserted on their id (built from the codes), so a load sent twice changes "
    "nothing. A key bound to org units gets 403 for a row of another unit."
)
LOAD_RISKS_DOC = (
    "Rows `{org_unit, year, code, description, process, probability, consequence, owner}`: "
    "probability (sannolikhet) and consequence (konsekvens) on 1–4; the risk value is their "
    "product (1–16), computed. The id is `<org_unit>-<year>-<code>`."
)
LOAD_RISK_ACTIONS_DOC = (
    "Rows `{org_unit, year, risk, code, what, who, deadline}`: `risk` is the risk's code (it "
    "must be loaded), `deadline` within or after the year. The id is `<risk id>-<code>`."
)
LOAD_RISK_FOLLOWUPS_DOC = (
    "Rows `{org_unit, period, risk, action, state, comment, probability, consequence, "
    "followed_up_on}`, one per item of an occasion (`period`, e.g. `2024-01/2024-08`): with "
    "`action`, its `state` (`not_started`, `in_progress`, `done`, `deviation`; a deviation "
    "needs a `comment`); without, the risk's reassessment (`probability` and `consequence`). "
    "The risk (of the period's year) and the action must be loaded."
)
ModeQuery = Annotated[LoadMode, Query()]
DryRunQuery = Annotated[bool, Query()]
OrgUnitFilter = Annotated[OptionalOrgUnitQuery, Query(description="Only this committee.")]
YearFilter = Annotated[OptionalYearQuery, Query(description="The risk analysis's year.")]
RiskFilter = Annotated[
    str | None, Query(max_length=80, description="Only this risk (its id, `HSN-2024-R1`).")
]


def _list(
    request: Request,
    session: Any,
    engine: Any,
    feed: ChangeFeed,
    params: ListParams,
    resource: Resource,
    filters: ControlFilters,
    accept: str | None,
) -> Any:
    if wants_csv(accept):
        export = ic.rows_csv(resource, filters)
        return csv_response(engine, export.statement, export.header, resource.replace("_", "-"))
    return page_body(request, ic.list_rows(session, resource, filters, params, feed))


async def _load(
    request: Request,
    session: Any,
    principal: Principal,
    feed: ChangeFeed,
    audit: AuditTrail,
    load: Any,
    mode: LoadMode,
    dry_run: bool,
) -> LoadReport:
    rows = await read_rows(request, numeric_fields={"probability", "consequence"})
    report: LoadReport = await run_in_threadpool(
        load, session, Writes(principal, feed, audit), rows, mode, dry_run
    )
    return report


# ----------------------------------------------------------------------------- analyses


@router.put(
    "/risk-analyses/{org_unit}/{year}",
    response_model=RiskAnalysisOut,
    responses={201: {"description": "Recorded."}, 412: {"description": "Stale If-Match."}},
    summary="Record a committee's risk analysis decision",
)
def put_risk_analysis(
    org_unit: OrgUnitPath,
    year: YearPath,
    body: RiskAnalysisIn,
    response: Response,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
    if_match: IfMatch = None,
) -> RiskAnalysisOut:
    """When the committee decided its risk analysis (with the plan for handling the risks)
    and the decision's reference. 201 when new, 200 when replaced or the same again; the
    `ETag` is its version and `If-Match` is honoured. A committee's own: not `REGION`."""
    out, created = ic.put_analysis(
        session, Writes(principal, feed, audit), org_unit, year, body, if_match
    )
    response.status_code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
    response.headers["ETag"] = etag(out.version)
    return out


@router.get("/risk-analyses/{org_unit}/{year}", response_model=RiskAnalysisOut)
def get_risk_analysis(
    org_unit: OrgUnitPath,
    year: YearPath,
    response: Response,
    session: SessionDep,
    principal: Reader,
) -> RiskAnalysisOut:
    """A committee's risk analysis decision for a year (404 when none is recorded)."""
    principal.check_read(org_unit)
    out = ic.get_analysis(session, org_unit, year)
    response.headers["ETag"] = etag(out.version)
    return out


@router.get(
    "/risk-analyses",
    response_model=Page[RiskAnalysisOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List risk analyses",
)
def list_risk_analyses(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    params: Paging,
    org_unit: OrgUnitFilter = None,
    year: YearFilter = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged, as a change feed (`after_seq` / `updated_since`), or CSV."""
    filters = ControlFilters(org_unit, year, readable=principal.readable(org_unit))
    return _list(request, session, engine, feed, params, "risk_analysis", filters, accept)


# ----------------------------------------------------------------------------- risks


@router.post(
    "/risks",
    response_model=LoadReport,
    summary="Load risks of committees' risk analyses (JSON list or CSV)",
    description=LOAD_RISKS_DOC + LOAD_HELP,
    openapi_extra=LOAD_BODY,
)
async def load_risks(
    request: Request,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
    mode: ModeQuery = LoadMode.atomic,
    dry_run: DryRunQuery = False,
) -> LoadReport:
    return await _load(request, session, principal, feed, audit, ic.load_risks, mode, dry_run)


@router.get(
    "/risks",
    response_model=Page[RiskOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List risks",
)
def list_risks(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    params: Paging,
    org_unit: OrgUnitFilter = None,
    year: YearFilter = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged (by id), as a change feed with deleted risks as tombstones, or CSV."""
    filters = ControlFilters(org_unit, year, readable=principal.readable(org_unit))
    return _list(request, session, engine, feed, params, "risk", filters, accept)


@router.delete(
    "/risks/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a risk with its actions and follow-ups",
)
def delete_risk(
    id: str, session: SessionDep, principal: Writer, feed: FeedDep, audit: AuditDep
) -> Response:
    """The risk, its control actions and its follow-ups go; each leaves a tombstone."""
    ic.delete(session, Writes(principal, feed, audit), "risk", id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ----------------------------------------------------------------------------- actions


@router.post(
    "/risk-actions",
    response_model=LoadReport,
    summary="Load control actions of risks (JSON list or CSV)",
    description=LOAD_RISK_ACTIONS_DOC + LOAD_HELP,
    openapi_extra=LOAD_BODY,
)
async def load_risk_actions(
    request: Request,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
    mode: ModeQuery = LoadMode.atomic,
    dry_run: DryRunQuery = False,
) -> LoadReport:
    return await _load(request, session, principal, feed, audit, ic.load_actions, mode, dry_run)


@router.get(
    "/risk-actions",
    response_model=Page[RiskActionOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List control actions",
)
def list_risk_actions(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    params: Paging,
    org_unit: OrgUnitFilter = None,
    year: YearFilter = None,
    risk_id: RiskFilter = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged, as a change feed with deleted actions as tombstones, or CSV."""
    filters = ControlFilters(org_unit, year, risk=risk_id, readable=principal.readable(org_unit))
    return _list(request, session, engine, feed, params, "risk_action", filters, accept)


@router.delete(
    "/risk-actions/{id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    summary="Delete a control action with its follow-ups",
)
def delete_risk_action(
    id: str, session: SessionDep, principal: Writer, feed: FeedDep, audit: AuditDep
) -> Response:
    """The action and its follow-ups go; each leaves a tombstone."""
    ic.delete(session, Writes(principal, feed, audit), "risk_action", id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# ----------------------------------------------------------------------------- follow-ups


@router.post(
    "/risk-followups",
    response_model=LoadReport,
    summary="Load follow-ups of internal control (JSON list or CSV)",
    description=LOAD_RISK_FOLLOWUPS_DOC + LOAD_HELP,
    openapi_extra=LOAD_BODY,
)
async def load_risk_followups(
    request: Request,
    session: SessionDep,
    principal: Writer,
    feed: FeedDep,
    audit: AuditDep,
    mode: ModeQuery = LoadMode.atomic,
    dry_run: DryRunQuery = False,
) -> LoadReport:
    return await _load(request, session, principal, feed, audit, ic.load_followups, mode, dry_run)


@router.get(
    "/risk-followups",
    response_model=Page[RiskFollowupOut | Tombstone],
    responses=CSV_RESPONSE,
    summary="List follow-ups of internal control",
)
def list_risk_followups(
    request: Request,
    session: SessionDep,
    engine: EngineDep,
    feed: FeedDep,
    principal: Reader,
    params: Paging,
    org_unit: OrgUnitFilter = None,
    year: YearFilter = None,
    period: Annotated[
        Period | None,
        optional_period_query("period", "Exact occasion: `2024-01/2024-08`, `2024`, …."),
    ] = None,
    risk_id: RiskFilter = None,
    accept: AcceptHeader = None,
) -> Any:
    """Paged, as a change feed (items of a deleted risk or action as tombstones), or CSV."""
    filters = ControlFilters(
        org_unit,
        year,
        period=None if period is None else str(period),
        risk=risk_id,
        readable=principal.readable(org_unit),
    )
    return _list(request, session, engine, feed, params, "risk_followup", filters, accept)


# ----------------------------------------------------------------------------- summary


@router.get(
    "/internal-control",
    response_model=InternalControlOut | InternalControlOverview,
    summary="Internal control of a committee, or of every committee, for a year",
)
def internal_control(
    reads: KeptReadsDep,
    year: YearQuery,
    org_unit: Annotated[
        OptionalOrgUnitQuery,
        Query(description="A committee: its summary. None: one line per committee."),
    ] = None,
    as_of: Annotated[
        date | None,
        Query(description="YYYY-MM-DD in `year` (default: today within the year)."),
    ] = None,
) -> Response:
    """With `org_unit`: its risk analysis, its risks by current value (highest first) with
    their actions, the actions late as of `as_of` (deadline passed, not done), the latest
    follow-up of each half (periods ending January–August: due with the verksamhetsberättelse
    per August; September–December: per December) and `followed_up_this_half`. Without:
    each committee the key may read, and `without_follow_up_this_half`."""
    return reads.json(lambda: ic.summary(reads.session, reads.principal, org_unit, year, as_of))
