"""The three pages: fetch (in-process, with the signed-in key), shape, render.

The view and the overview are the JSON routes' own assembly (``read_view``; the
overview as kept or made by ``kept_overview.overview_for``): the page shows the same
figures the API gives, never a second reading of the services. What can go wrong is shown, not raised:
- a section whose service could not answer is marked unavailable on the page, which
  still renders (the view's ``sources`` / ``problems``);
- no service answering is a page saying so (503), not a problem document;
- the key refused (401: revoked since sign-in) ends the session: back to sign-in;
- the key may not read the unit (403) is a page saying so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from gateway.config import GatewaySettings
from gateway.cycle.store import CycleStore
from gateway.followup.overview import Overview
from gateway.followup.reading import WHOLE_LIST, ReadModel
from gateway.followup.view import read_view
from gateway.page import shaping
from gateway.page.due import fetch_due
from gateway.page.history import fetch_history
from gateway.page.rendering import page
from gateway.page.swedish import period_label
from gateway.upstream.errors import UpstreamFailure, UpstreamRefused, problem_for
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstreams
from shared.errors import ServiceUnavailable
from shared.periods import Period
from shared.reference import org_units


class _StatedTotal(ReadModel):
    year: int
    kind: str
    month: str | None


class _StatedTotals(BaseModel):
    items: list[_StatedTotal]


async def latest_complete_year(upstreams: Upstreams, headers: Headers) -> Period:
    """The latest year a committee's outcome is stated through December (a closed year's
    verksamhetsberättelse); last calendar year when the budget service cannot say."""
    try:
        totals = await upstreams["budget"].read(
            "/v1/totals", _StatedTotals, params={"limit": WHOLE_LIST}, headers=headers
        )
    except (UpstreamFailure, UpstreamRefused):
        totals = _StatedTotals(items=[])
    closed = [t.year for t in totals.items if t.kind == "outcome" and t.month == f"{t.year}-12"]
    return Period.parse(str(max(closed) if closed else date.today().year - 1))


class KeyNoLongerValid(Exception):
    """The services answer 401 to the signed-in key (revoked since): the session ends."""


def refusal(exc: UpstreamRefused, what: str) -> Response:
    """A 401 ends the session (the key is no longer one); a 403 says what is not readable."""
    if exc.response.status == 401:
        raise KeyNoLongerValid() from exc
    return page(
        "message.html",
        403,
        heading="Inte tillåtet",
        message=f"Din nyckel får inte läsa {what}.",
    )


def all_down(exc: ServiceUnavailable, period: Period) -> HTMLResponse:
    del exc
    return page(
        "message.html",
        503,
        period=str(period),
        heading="Tjänsterna svarar inte",
        message="Varken indikator-, uppdrags- eller budgettjänsten kunde svara. "
        "Försök igen om en stund.",
    )


async def overview_page(
    overview_of: Callable[[], Awaitable[Overview]], period: Period, due_available: bool
) -> Response:
    """The overview ``overview_of`` gives (the API's: ``kept_overview.overview_for``);
    ``due_available``: the gateway has the follow-up cycle, whose late counts it shows."""
    try:
        overview = await overview_of()
    except UpstreamRefused as exc:
        return refusal(exc, "nämndernas uppföljning")
    except ServiceUnavailable as exc:
        return all_down(exc, period)
    return page(
        "overview.html",
        period=str(period),
        period_label=period_label(str(period)),
        overview=overview,
        lines=shaping.overview_lines(overview),
        due_available=due_available,
    )


async def view_page(
    upstreams: Upstreams,
    settings: GatewaySettings,
    cycle: CycleStore | None,
    org_unit: str,
    period: Period,
    headers: Headers,
    arrived: float,
) -> Response:
    """The view and what is due (the cycle's, when the gateway has it), asked at once."""
    try:
        reads, due = await asyncio.gather(
            read_view(upstreams, settings, org_unit, period, headers, arrived),
            fetch_due(cycle, upstreams, org_unit, period, headers),
        )
    except UpstreamRefused as exc:
        return refusal(exc, f"{org_units()[org_unit].name}s uppföljning")
    except ServiceUnavailable as exc:
        return all_down(exc, period)
    view = reads.assembled()
    missing = [shaping.SECTION_TITLES[n] for n in shaping.unavailable(view.sources)]
    return page(
        "view.html",
        period=str(period),
        period_label=period_label(str(period)),
        view=view,
        footnotes=shaping.Footnotes(),
        missing_titles=missing,
        economy_svg=shaping.economy_chart(view.economy) if view.economy else "",
        due=due,
    )


async def indicator_page(
    upstreams: Upstreams,
    settings: GatewaySettings,
    org_unit: str,
    code: str,
    period: Period,
    headers: Headers,
) -> Response:
    name = org_units()[org_unit].name
    try:
        history = await fetch_history(upstreams["indicators"], settings, org_unit, code, headers)
    except UpstreamRefused as exc:
        return refusal(exc, f"{name}s indikatorer")
    except UpstreamFailure as failure:
        problem = problem_for(failure).to_problem()
        return page(
            "message.html",
            problem["status"],
            period=str(period),
            heading="Indikatorerna kunde inte hämtas",
            message=f"{problem['title']}: {problem.get('detail') or ''}",
        )
    if history is None:
        return page(
            "message.html",
            404,
            period=str(period),
            heading="Okänd indikator",
            message=f"Det finns ingen indikator {code}.",
        )
    return page(
        "indicator.html",
        period=str(period),
        period_label=period_label(str(period)),
        org_unit=org_unit,
        org_unit_name=name,
        info=history.indicator,
        history=history,
        targets=shaping.targets_by_year(history),
        charts=shaping.history_charts(history),
    )
