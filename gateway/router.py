"""The gateway's routes: its own (org units, the follow-up view, readiness) and the proxy."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from gateway.clients.adapter import Upstream, UpstreamUnavailable
from gateway.coalesce import SingleFlight
from gateway.config import UPSTREAMS, GatewaySettings, UpstreamName
from gateway.export import (
    CSV_MEDIA_TYPE,
    XLSX_MEDIA_TYPE,
    render_csv,
    render_overview_csv,
    render_overview_xlsx,
    render_xlsx,
)
from gateway.followup import UpstreamRefused, Upstreams, fetch_overview, fetch_view
from gateway.proxy import ROUTE_TABLE, forward, upstream_for
from gateway.schemas import FollowUpView, OrgUnitOut, OrgUnitPage, Overview, Readiness
from shared.csvstream import wants_csv
from shared.errors import PROBLEM_JSON, NotFound, Unauthorized
from shared.observability import request_id_var
from shared.periods import parse_period_param
from shared.reference import org_units

router = APIRouter()
operations = APIRouter(tags=["operations"])

PeriodQuery = Annotated[
    str,
    Query(
        description="2024, 2024-Q3, 2024-08 or 2024-01/2024-08 (the delårsrapport).",
        examples=["2024"],
    ),
]
EXPORT_CONTENT = {
    "application/json": {},
    "text/csv": {"schema": {"type": "string"}},
    XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


def get_upstreams(request: Request) -> Upstreams:
    upstreams: Upstreams = request.app.state.upstreams
    return upstreams


def get_settings(request: Request) -> GatewaySettings:
    settings: GatewaySettings = request.app.state.settings
    return settings


UpstreamsDep = Annotated[Upstreams, Depends(get_upstreams)]
SettingsDep = Annotated[GatewaySettings, Depends(get_settings)]


# --- operations -----------------------------------------------------------------------


@operations.get("/ready", response_model=Readiness)
async def ready(upstreams: UpstreamsDep, settings: SettingsDep) -> Readiness:
    """200 while the gateway runs; the body says how each upstream is doing right now."""

    async def probe(upstream: Upstream) -> dict[str, Any]:
        state, detail = "ready", None
        try:
            answer = await upstream.get(
                "/ready", deadline=settings.ready_probe_timeout, use_breaker=False
            )
            if answer.status != 200:
                state, detail = "not_ready", f"/ready answered {answer.status}"
        except UpstreamUnavailable as exc:
            state, detail = (
                ("not_ready" if exc.reason == "server_error" else "unavailable"),
                exc.detail,
            )
        return {"state": state, "breaker": upstream.breaker.state.value, "detail": detail}

    states = await asyncio.gather(*(probe(u) for u in upstreams.all()))
    return Readiness.model_validate(
        {"status": "ready", "upstreams": dict(zip(UPSTREAMS, states, strict=True))}
    )


# --- the gateway's own routes ----------------------------------------------------------


@router.get("/v1/org-units", response_model=OrgUnitPage, tags=["reference"])
def list_org_units() -> OrgUnitPage:
    """The region's org units (API.md "Codes").

    Open like `/health`: these are public reference codes, the same in every service, and
    answering them needs no upstream (so no key can be checked here).
    """
    return OrgUnitPage(
        items=[OrgUnitOut(code=u.code, name=u.name, kind=u.kind) for u in org_units().values()]
    )


def _view_headers(request: Request) -> list[tuple[str, str]]:
    authorization = request.headers.get("authorization")
    if not authorization:
        raise Unauthorized()
    return [
        ("authorization", authorization),
        ("accept", "application/json"),
        ("x-request-id", request_id_var.get()),
    ]


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = [c.strip().removeprefix("W/") for c in if_none_match.split(",")]
    return "*" in candidates or etag in candidates


@dataclass(frozen=True)
class Rendered:
    """A view as JSON, hashed once however many callers share it."""

    body: dict[str, Any]
    data: bytes
    digest: str

    @classmethod
    def of(cls, body: dict[str, Any]) -> Rendered:
        data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return cls(body, data, hashlib.sha256(data).hexdigest()[:32])


async def _rendered(
    request: Request, key: tuple[str, ...], fetch: Callable[[], Awaitable[dict[str, Any]]]
) -> Rendered | Response:
    """Fetch (or join the identical fetch already running) and serialise once."""
    flights: SingleFlight[Rendered] = request.app.state.flights

    async def produce() -> Rendered:
        return Rendered.of(await fetch())

    try:
        return await flights.run((*key, request.headers.get("authorization", "")), produce)
    except UpstreamRefused as exc:
        return _refused(exc)


async def _respond(
    request: Request,
    rendered: Rendered,
    filename: str,
    *,
    csv_renderer: Callable[[dict[str, Any]], bytes],
    xlsx_renderer: Callable[[dict[str, Any]], bytes],
) -> Response:
    """The view as JSON, CSV or a workbook, with an ETag; 304 when the caller has it."""
    accept = request.headers.get("accept", "")
    render: Callable[[dict[str, Any]], bytes] | None
    if XLSX_MEDIA_TYPE in accept:
        variant, media_type, render = "-xlsx", XLSX_MEDIA_TYPE, xlsx_renderer
    elif wants_csv(accept):
        variant, media_type, render = "-csv", CSV_MEDIA_TYPE, csv_renderer
    else:
        variant, media_type, render = "", "application/json", None
    etag = f'"{rendered.digest}{variant}"'
    headers = {"ETag": etag, "Cache-Control": "private, no-cache", "Vary": "Accept, Authorization"}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    data = rendered.data
    if render is not None:
        data = await run_in_threadpool(render, rendered.body)
        extension = "xlsx" if variant == "-xlsx" else "csv"
        headers["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return Response(data, media_type=media_type, headers=headers)


def _refused(exc: UpstreamRefused) -> Response:
    """An upstream's 401/403, passed on as it came."""
    answer = exc.response
    headers = {}
    if challenge := answer.header("www-authenticate"):
        headers["WWW-Authenticate"] = challenge
    return Response(
        answer.content,
        status_code=answer.status,
        media_type=answer.header("content-type") or PROBLEM_JSON,
        headers=headers,
    )


@router.get(
    "/v1/follow-up",
    tags=["follow-up"],
    response_model=Overview,
    responses={200: {"content": EXPORT_CONTENT}, 503: {"description": "No service answered."}},
)
async def follow_up_overview(
    request: Request, period: PeriodQuery, upstreams: UpstreamsDep, settings: SettingsDep
) -> Response:
    """One row per committee: indicators met / evaluated, assignments per status, the
    budget deviation. What HSN and RS look at across all committees. `Accept: text/csv`
    or the xlsx media type give the same as one table.

    The committees are fetched in parallel, `overview_concurrency` at a time. A row whose
    source could not answer says so in `sources` / `problems`; `partial` is then true.
    """
    headers = _view_headers(request)
    parsed = parse_period_param(period)
    rendered = await _rendered(
        request,
        ("overview", str(parsed)),
        lambda: fetch_overview(upstreams, settings, parsed, headers),
    )
    if isinstance(rendered, Response):
        return rendered
    return await _respond(
        request,
        rendered,
        f"uppfoljning-{str(parsed).replace('/', '_')}",
        csv_renderer=render_overview_csv,
        xlsx_renderer=render_overview_xlsx,
    )


@router.get(
    "/v1/follow-up/{org_unit}",
    tags=["follow-up"],
    response_model=FollowUpView,
    responses={
        200: {
            "description": "The view; `Accept: text/csv` gives one flat table with a `section` "
            "column, the xlsx media type a workbook with one sheet per section.",
            "content": EXPORT_CONTENT,
        },
        304: {"description": "Not modified (If-None-Match matched the ETag)."},
        404: {"description": "Unknown org unit."},
        503: {"description": "None of the three services answered."},
    },
)
async def follow_up_view(
    request: Request,
    org_unit: Annotated[str, Path(description="An org unit code, e.g. HSN.")],
    period: PeriodQuery,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
) -> Response:
    """One committee's follow-up for a period, as its verksamhetsberättelse prints it:
    goal → area → delmål → indicators with their evaluations, the area verdicts, the
    assignments with their latest status and explanation, and the economy.

    The three services are asked at once, each within its own deadline. One that cannot
    answer leaves its section empty, `sources[<service>]: "unavailable"`, a problem object
    in `problems` and `partial: true`; with none answering the answer is a 503. A 401/403
    from a service is passed on as it came. HSN's and RS's indicators are REGION's
    (their quality annex reports the region as a whole).
    """
    headers = _view_headers(request)
    if org_unit not in org_units():
        raise NotFound(f"Unknown org unit {org_unit!r}; GET /v1/org-units lists them.")
    parsed = parse_period_param(period)
    rendered = await _rendered(
        request,
        ("view", org_unit, str(parsed)),
        lambda: fetch_view(upstreams, settings, org_unit, parsed, headers),
    )
    if isinstance(rendered, Response):
        return rendered
    filename = f"uppfoljning-{org_unit}-{str(parsed).replace('/', '_')}"
    return await _respond(
        request, rendered, filename, csv_renderer=render_csv, xlsx_renderer=render_xlsx
    )


# --- the proxy ---------------------------------------------------------------------------

PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
SAFE_METHODS = frozenset({"GET", "HEAD"})


@router.api_route(
    "/v1/audit/{service}",
    methods=["GET"],
    tags=["operations"],
    responses={404: {"description": "Unknown service."}},
)
async def audit(request: Request, service: str, upstreams: UpstreamsDep) -> Response:
    """A service's audit trail (its `GET /v1/audit`, admin keys): `service` is
    `indicators`, `assignments` or `budget`."""
    if service not in UPSTREAMS:
        raise NotFound(f"No service {service!r}; use one of {', '.join(UPSTREAMS)}.")
    name: UpstreamName = service
    return await forward(request, upstreams.by_name(name), "/v1/audit")


@router.api_route("/v1/{rest:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def proxied(request: Request, upstreams: UpstreamsDep) -> Response:
    path = request.url.path
    name = upstream_for(path)
    if name is None:
        raise NotFound(f"No route {request.method} {path}.")
    response = await forward(request, upstreams.by_name(name), path)
    if request.method not in SAFE_METHODS:
        # The write has been answered: views asked for from now on are fetched afresh.
        flights: SingleFlight[Rendered] = request.app.state.flights
        flights.new_generation()
    return response


def proxied_routes_description() -> str:
    by_service: dict[str, list[str]] = {}
    for prefix, name in ROUTE_TABLE.items():
        by_service.setdefault(name, []).append(f"`{prefix}`")
    lines = [f"- {name}: {', '.join(prefixes)}" for name, prefixes in by_service.items()]
    return "\n".join(lines)
