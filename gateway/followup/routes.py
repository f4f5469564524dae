"""The follow-up routes: one committee's view and the overview across committees."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Security
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials

from gateway.dependencies import ArrivedDep, SettingsDep, UpstreamsDep
from gateway.followup.export import (
    XLSX_MEDIA_TYPE,
    view_csv,
    view_xlsx,
)
from gateway.followup.kept_overview import overview_for
from gateway.followup.kept_views import Asking, ViewOrder, kept_view
from gateway.followup.overview import Overview
from gateway.followup.rendering import Rendered, refused, respond, shared_flight, wants_json
from gateway.followup.view import FollowUpView, read_view
from gateway.upstream.errors import UpstreamRefused
from gateway.upstream.transport import Headers
from shared.boundary import OrgUnitPath, PeriodQuery
from shared.errors import Unauthorized
from shared.observability import request_id_var
from shared.openapi_doc import BEARER, NOT_MODIFIED
from shared.reference import DEFAULT_GOAL_TREE, check_goal_tree

router = APIRouter(tags=["follow-up"])

EXPORT_CONTENT = {
    "application/json": {},
    "text/csv": {"schema": {"type": "string"}},
    XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


async def view_headers(
    request: Request,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Security(BEARER)] = None,
) -> Headers:
    """What the view's upstream calls carry: the caller's key (required) and request id.
    The bearer scheme is declared for the OpenAPI document; the services check the key."""
    authorization = request.headers.get("authorization")
    if not authorization:
        raise Unauthorized()
    return [
        ("authorization", authorization),
        ("accept", "application/json"),
        ("x-request-id", request_id_var.get()),
    ]


# Declared before the other parameters: a missing key is a 401 before any 422.
ViewHeaders = Annotated[Headers, Depends(view_headers)]


def _filename(*parts: str) -> str:
    return "-".join(("uppfoljning", *parts)).replace("/", "_")


@router.get(
    "/v1/follow-up",
    response_model=Overview,
    responses={
        200: {"content": EXPORT_CONTENT},
        304: NOT_MODIFIED,
        503: {"description": "No service answered."},
    },
)
async def follow_up_overview(
    request: Request,
    headers: ViewHeaders,
    period: PeriodQuery,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
) -> Response:
    """One row per committee: indicators met / evaluated, assignments per status as of the
    period's last day (`ingen_rapport`: not reported), the committee's own result and what
    its report does not state (`missing`). What HSN and RS look at across all committees.
    `Accept: text/csv` or the xlsx media type give the same as one table.

    A key bound to org units gets the rows of its own units only. The committees are
    fetched in parallel, `overview_concurrency` at a time. A row whose source could not
    answer says so in `sources` / `problems`; `partial` is then true.
    """

    async def made() -> Rendered:
        return (await overview_for(request, upstreams, settings, headers, period)).rendered

    try:
        overview = await shared_flight(request, ("overview", str(period)), made)
    except UpstreamRefused as exc:
        return refused(exc)
    return await respond(request, overview, _filename(str(period)))


@router.get(
    "/v1/follow-up/{org_unit}",
    response_model=FollowUpView,
    responses={
        200: {
            "description": "The view; `Accept: text/csv` gives one flat table with a `section` "
            "column, the xlsx media type a workbook with one sheet per section.",
            "content": EXPORT_CONTENT,
        },
        304: NOT_MODIFIED,
        503: {"description": "None of the three services answered."},
    },
)
async def follow_up_view(
    request: Request,
    arrived: ArrivedDep,
    headers: ViewHeaders,
    org_unit: OrgUnitPath,
    period: PeriodQuery,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
    tree: Annotated[
        str,
        Query(
            max_length=20,
            description="The goal tree to group `goals` by: `2021` (the default) or `2026` "
            "(Strategi för Framtidens hälsosystem); GET /v1/goal-trees lists them.",
        ),
    ] = DEFAULT_GOAL_TREE,
) -> Response:
    """One committee's follow-up for a period, as its verksamhetsberättelse prints it:
    goal → area → delmål → indicators with their evaluations, the area verdicts, the
    assignments with their latest status and explanation, and the economy.

    The three services are asked at once, each within its own deadline counted from when
    the view was asked for. One that cannot answer leaves its section empty,
    `sources[<service>]: "unavailable"`, a problem object in `problems` and `partial: true`;
    with none answering the answer is a 503. A 401/403 from a service is passed on as it
    came: a key bound to org units gets only its own units' views (403 for another's).
    HSN's and RS's indicators are REGION's (their quality annex reports the region as a
    whole). Assignments carry their status as of the period's last day (`reported: false`:
    not reported). The economy's headline is the committee's own result (`total`), the
    line sums beside it. An unknown org unit is a 422.

    Beside them: `production` (volumes against the previous year), `internal_control`
    (risks by value, actions late) and, in the REGION and RS views, `financial_goals`; each
    `unavailable` with its `problem` when its service could not answer (`partial: true`).
    `?tree=2026` groups `goals` by the 2026 strategy tree (`goal_tree` says which); an
    unknown tree is a 422 naming `tree`.
    """
    check_goal_tree(tree, ["query", "tree"])
    as_json = wants_json(request)
    try:
        view = await shared_flight(
            request,
            ("view", org_unit, str(period), tree, as_json),
            lambda: kept_view(
                request,
                ViewOrder(
                    org_unit,
                    period,
                    tree,
                    Asking(upstreams, settings, headers, arrived),
                    lambda calls_out: read_view(
                        upstreams,
                        settings,
                        org_unit,
                        period,
                        headers,
                        arrived,
                        tree=tree,
                        calls_out=calls_out,
                    ),
                    view_csv,
                    view_xlsx,
                ),
                as_json=as_json,
            ),
        )
    except UpstreamRefused as exc:
        return refused(exc)
    return await respond(request, view, _filename(org_unit, str(period)))
