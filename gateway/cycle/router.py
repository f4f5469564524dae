"""HTTP endpoints of the follow-up cycle: the calendar, what is due, decisions and their
archived reports. Keys are checked against the cycle's own store before any body is read
(``gateway.cycle.store.CycleAuthentication``); the services' calls carry the caller's key."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from gateway.cycle import calendar, decisions, repository
from gateway.cycle.due import due_as_of
from gateway.cycle.schemas import (
    Calendar,
    Decision,
    DecisionIn,
    DecisionList,
    DueAnswer,
    DueDatesIn,
    Occasion,
    ReopenIn,
)
from gateway.cycle.store import CycleDep, SessionDep
from gateway.dependencies import SettingsDep, UpstreamsDep
from gateway.followup.export import XLSX_MEDIA_TYPE
from gateway.followup.rendering import refused
from gateway.upstream.errors import UpstreamRefused
from gateway.upstream.transport import Headers
from shared.app import AuditEntry, AuditPage
from shared.boundary import (
    OptionalPeriodQuery,
    OptionalTimestampQuery,
    OrgUnitPath,
    OrgUnitQuery,
    YearQuery,
)
from shared.errors import InvalidInput, field_error
from shared.etag import IfMatch, etag
from shared.keys import Reader, RegionAdmin
from shared.locks import DECISION_ID_PATTERN
from shared.observability import request_id_var
from shared.readcache import region_today
from shared.reference import committees

router = APIRouter(tags=["follow-up cycle"])

DecisionPath = Annotated[str, Path(pattern=DECISION_ID_PATTERN, description="The decision id.")]
OccasionPath = Annotated[str, Path(max_length=40, description="The occasion's id (`2024-delar`).")]
AsOfQuery = Annotated[
    date | None, Query(description="The date to judge by, YYYY-MM-DD (default today).")
]


def _headers(request: Request) -> Headers:
    """What the services' calls carry: the caller's key and the request id."""
    return [
        ("authorization", request.headers.get("authorization", "")),
        ("accept", "application/json"),
        ("x-request-id", request_id_var.get()),
    ]


def _committee(org_unit: str) -> str:
    if org_unit not in committees():
        raise InvalidInput(
            f"{org_unit} is not a committee; the follow-up cycle is the committees'.",
            errors=[field_error(["org_unit"], f"{org_unit} reports no follow-up of its own")],
        )
    return org_unit


@router.get("/v1/calendar", response_model=Calendar)
def get_calendar(_reader: Reader, session: SessionDep, year: YearQuery) -> Calendar:
    """The reporting occasions of `year` (monthly follow-up, forecast rounds, delårsrapport,
    bokslut, internal control), each with its period, every committee's due date and the
    regional body's meeting it feeds. `*_stated_in_plan: false`: the date is the calendar
    file's default, not the follow-up plan's."""
    return calendar.calendar_of(session, year)


@router.get("/v1/calendar/occasions/{occasion_id}", response_model=Occasion)
def get_occasion(
    response: Response, _reader: Reader, session: SessionDep, occasion_id: OccasionPath
) -> Occasion:
    """One occasion, with its ETag."""
    found = calendar.occasion_of(session, occasion_id)
    response.headers["ETag"] = etag(found.version)
    return found


@router.put("/v1/calendar/occasions/{occasion_id}", response_model=Occasion)
def put_due_dates(
    response: Response,
    principal: RegionAdmin,
    store: CycleDep,
    session: SessionDep,
    occasion_id: OccasionPath,
    body: DueDatesIn,
    if_match: IfMatch = None,
) -> Occasion:
    """Change an occasion's due dates (`due_date` for every committee, `due_by_org_unit` for
    units of their own); `If-Match` with the occasion's ETag (412 when stale). Audited. An
    admin key bound to no org unit."""
    changed = calendar.change_due_dates(
        session, store.feed, store.audit, principal, occasion_id, body, if_match
    )
    response.headers["ETag"] = etag(changed.version)
    return changed


@router.get("/v1/due", response_model=DueAnswer)
async def get_due(
    request: Request,
    principal: Reader,
    store: CycleDep,
    upstreams: UpstreamsDep,
    org_unit: OrgUnitQuery,
    as_of: AsOfQuery = None,
) -> Any:
    """Every item `org_unit` had due by `as_of`, with its state `done`, `due` or `late`
    (`days_late`): results, status reports, internal control, outcomes and forecasts as
    each service expected them, and the committee's decision on its report. A service that
    cannot be asked marks its items `unavailable` (`partial`, `problems`). The occasions
    are those whose period has ended by `as_of`, of its year or due in it."""
    _committee(org_unit)
    principal.check_read(org_unit)
    when = as_of or region_today()
    try:
        return await due_as_of(store, upstreams, org_unit, when, _headers(request))
    except UpstreamRefused as exc:
        return refused(exc)


@router.post(
    "/v1/follow-up/{org_unit}/decisions",
    response_model=Decision,
    status_code=201,
    responses={200: {"model": Decision, "description": "The same decision again."}},
)
async def post_decision(
    request: Request,
    principal: RegionAdmin,
    store: CycleDep,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
    org_unit: OrgUnitPath,
    body: DecisionIn,
) -> Any:
    """Decide the committee's report for `period`: archive the view as it stands (JSON and
    XLSX, SHA-256) and lock the period's data in every service. Idempotent by
    `decision_id`; a service failing half-way leaves no lock and no decision. An admin key
    bound to no org unit (the services' locks need one)."""
    _committee(org_unit)
    try:
        decided, created = await decisions.decide(
            store, upstreams, settings, principal, org_unit, body, _headers(request)
        )
    except UpstreamRefused as exc:
        return refused(exc)
    location = f"/v1/follow-up/{org_unit}/decisions/{decided.decision_id}"
    return JSONResponse(
        decided.model_dump(mode="json"),
        status_code=201 if created else 200,
        headers={"Location": location},
    )


@router.get("/v1/follow-up/{org_unit}/decisions", response_model=DecisionList)
def list_decisions(
    principal: Reader,
    session: SessionDep,
    org_unit: OrgUnitPath,
    period: OptionalPeriodQuery = None,
) -> DecisionList:
    """The committee's decisions (of `period`), decided, reopened and being recorded."""
    principal.check_read(org_unit)
    rows = repository.decisions_of(session, org_unit, str(period) if period else None)
    return DecisionList(items=[decisions.decision_out(r) for r in rows])


@router.get("/v1/follow-up/{org_unit}/decisions/{decision_id}", response_model=Decision)
def get_decision(
    principal: Reader, session: SessionDep, org_unit: OrgUnitPath, decision_id: DecisionPath
) -> Decision:
    principal.check_read(org_unit)
    return decisions.decision_out(decisions.find(session, org_unit, decision_id))


@router.get(
    "/v1/follow-up/{org_unit}/decisions/{decision_id}/report",
    responses={
        200: {
            "description": "The view as decided, byte for byte as archived.",
            "content": {"application/json": {}, XLSX_MEDIA_TYPE: {}},
        }
    },
)
def get_report(
    request: Request,
    principal: Reader,
    session: SessionDep,
    org_unit: OrgUnitPath,
    decision_id: DecisionPath,
) -> Response:
    """The archived report: JSON (default) or XLSX (`Accept`), the bytes as archived when
    the decision was made, with their SHA-256 in `X-Content-SHA256` (and the ETag)."""
    principal.check_read(org_unit)
    row = decisions.find(session, org_unit, decision_id)
    if row.report_json is None:
        raise InvalidInput(f"Decision {decision_id!r} is not complete; it has no report yet.")
    xlsx = XLSX_MEDIA_TYPE in request.headers.get("accept", "")
    data: bytes = row.report_xlsx if xlsx else row.report_json
    digest: str = row.report_xlsx_sha256 if xlsx else row.report_json_sha256
    headers = {"X-Content-SHA256": digest, "ETag": f'"{digest}"'}
    if xlsx:
        headers["Content-Disposition"] = (
            f'attachment; filename="beslut-{org_unit}-{decision_id}.xlsx"'
        )
    return Response(
        data, media_type=XLSX_MEDIA_TYPE if xlsx else "application/json", headers=headers
    )


@router.delete("/v1/follow-up/{org_unit}/decisions/{decision_id}", response_model=Decision)
async def reopen_decision(
    request: Request,
    principal: RegionAdmin,
    store: CycleDep,
    upstreams: UpstreamsDep,
    org_unit: OrgUnitPath,
    decision_id: DecisionPath,
    payload: Annotated[ReopenIn | None, Body()] = None,
    reason: Annotated[str | None, Query(max_length=2000, description="Why.")] = None,
) -> Any:
    """Reopen a decision (`reason` required, in the body or the query): the services unlock
    the period; the decision and its archived report are kept, `state: reopened`. Audited.
    An admin key bound to no org unit."""
    why = payload.reason if payload is not None else (reason or "").strip()
    if not why:
        raise InvalidInput(
            "Reopening a decision needs a reason.",
            errors=[field_error(["query", "reason"], "required, in the body or the query")],
        )
    try:
        return await decisions.reopen(
            store, upstreams, principal, org_unit, decision_id, why, _headers(request)
        )
    except UpstreamRefused as exc:
        return refused(exc)


@router.get("/v1/audit/followup", response_model=AuditPage, tags=["operations"])
def cycle_audit(
    store: CycleDep,
    _admin: RegionAdmin,
    session: SessionDep,
    since: OptionalTimestampQuery = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
) -> AuditPage:
    """The follow-up cycle's audit trail: due-date changes, decisions recorded, abandoned and
    reopened, and refused writes (read-only; an admin key bound to no org unit)."""
    return AuditPage(items=[AuditEntry(**e) for e in store.audit.since(session, since, limit)])
