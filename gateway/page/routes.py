"""The page's routes (HTTP only): sign-in and -out, the overview, a committee's follow-up
and an indicator's history, and the stylesheet. Not in the OpenAPI document (they answer
HTML to people, not JSON to programs); listed in docs/API.md with the gateway's routes.

Every page but sign-in needs a session: without one it is a redirect to ``/sign-in``,
which brings the person back afterwards. Pages only read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Path, Request
from fastapi.responses import RedirectResponse, Response

from gateway.cycle.hooks import late_counter
from gateway.cycle.store import CycleStore
from gateway.dependencies import ArrivedDep, SettingsDep, UpstreamsDep
from gateway.followup.kept_overview import overview_for
from gateway.followup.overview import Overview
from gateway.page import access, pages
from gateway.page.rendering import css_response, page
from gateway.page.session import Session
from shared.boundary import OptionalPeriodQuery, OrgUnitPath
from shared.errors import PayloadTooLarge

router = APIRouter(include_in_schema=False)

#: An indicator's code as the indicators service takes it (e.g. ID0288).
IndicatorCode = Annotated[str, Path(pattern=r"^[A-Z0-9][A-Z0-9_-]{1,39}$")]


#: What the sign-in page may say when sent there (``?message=``): fixed texts by name, so
#: no link can make the page say something else.
MESSAGES = {
    "expired": "Nyckeln gäller inte längre. Logga in igen.",
    "signed-out": "Du är utloggad.",
}


def _to_sign_in(request: Request, message: str | None = None) -> RedirectResponse:
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    query = {"next": here, **({"message": message} if message else {})}
    return RedirectResponse(f"/sign-in?{urlencode(query)}", status_code=303)


async def _signed_in(
    request: Request,
    settings: SettingsDep,
    show: Callable[[Session], Awaitable[Response]],
) -> Response:
    """``show`` the page for the session, or send the person to sign in first."""
    session = access.current_session(request, settings)
    if session is None:
        return _to_sign_in(request)
    try:
        return await show(session)
    except pages.KeyNoLongerValid:
        answer = _to_sign_in(request, "expired")
        access.end_session(answer, request)
        return answer


@router.get("/static/page.css")
async def stylesheet() -> Response:
    return css_response()


@router.get("/sign-in")
async def sign_in_form(request: Request, settings: SettingsDep) -> Response:
    return page(
        "sign_in.html",
        next=access.safe_next(request.query_params.get("next")),
        message=MESSAGES.get(request.query_params.get("message") or ""),
        hours=settings.session_max_age // 3600,
        signed_in=False,
    )


@router.post("/sign-in")
async def sign_in(request: Request, upstreams: UpstreamsDep, settings: SettingsDep) -> Response:
    """Check the key with the services; a good one starts a session and goes on to ``next``."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > access.MAX_FORM_BYTES:
            raise PayloadTooLarge("The sign-in form is larger than a key and a path.")
    form = access.parse_form(body)

    def again(message: str, status: int) -> Response:
        return page(
            "sign_in.html",
            status,
            next=form.next,
            message=message,
            hours=settings.session_max_age // 3600,
            signed_in=False,
        )

    if not form.key:
        return again("Skriv in din nyckel.", 422)
    verdict = (
        await access.check_key(upstreams, form.key)
        if access.looks_like_a_key(form.key)
        else "refused"
    )
    if verdict == "refused":
        return again("Nyckeln gäller inte. Kontrollera att du klistrat in hela nyckeln.", 401)
    if verdict == "unavailable":
        return again(
            "Tjänsterna svarar inte just nu, så nyckeln kan inte prövas. Försök igen.", 503
        )
    answer = RedirectResponse(form.next, status_code=303)
    access.start_session(answer, request, form.key, settings)
    return answer


@router.post("/sign-out")
async def sign_out(request: Request) -> Response:
    answer = RedirectResponse("/sign-in?message=signed-out", 303)
    access.end_session(answer, request)
    return answer


@router.get("/")
async def overview(
    request: Request,
    period: OptionalPeriodQuery,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
) -> Response:
    async def show(session: Session) -> Response:
        headers = access.page_headers(session)
        if period is None:
            latest = await pages.latest_complete_year(upstreams, headers)
            return RedirectResponse(f"/?period={quote(str(latest))}", status_code=303)

        async def overview_of() -> Overview:
            made = await overview_for(request, upstreams, settings, headers, period)
            return made.overview

        due_available = late_counter(request, upstreams, period, headers) is not None
        return await pages.overview_page(overview_of, period, due_available)

    return await _signed_in(request, settings, show)


@router.get("/follow-up/{org_unit}")
async def follow_up(
    request: Request,
    arrived: ArrivedDep,
    org_unit: OrgUnitPath,
    period: OptionalPeriodQuery,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
) -> Response:
    async def show(session: Session) -> Response:
        headers = access.page_headers(session)
        if period is None:
            latest = await pages.latest_complete_year(upstreams, headers)
            return RedirectResponse(f"{request.url.path}?period={quote(str(latest))}", 303)
        cycle: CycleStore | None = getattr(request.app.state, "cycle", None)
        return await pages.view_page(upstreams, settings, cycle, org_unit, period, headers, arrived)

    return await _signed_in(request, settings, show)


@router.get("/follow-up/{org_unit}/indicators/{code}")
async def indicator(
    request: Request,
    org_unit: OrgUnitPath,
    code: IndicatorCode,
    period: OptionalPeriodQuery,
    upstreams: UpstreamsDep,
    settings: SettingsDep,
) -> Response:
    async def show(session: Session) -> Response:
        headers = access.page_headers(session)
        shown = period or await pages.latest_complete_year(upstreams, headers)
        return await pages.indicator_page(upstreams, settings, org_unit, code, shown, headers)

    return await _signed_in(request, settings, show)
