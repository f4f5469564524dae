"""Passing a request on to the service that owns its path, streaming both ways.

The caller's ``Authorization``, ``If-Match``, ``If-None-Match``, ``Accept``,
``Content-Type`` (and ``Content-Length``) go on as they came, ``X-Request-ID`` as the
gateway's id for the request (the caller's, when it sent one). ``Host`` and
``X-Forwarded-Proto`` go on too, so the absolute URLs a service writes (``next`` of a
list page, ``Location``) point at the gateway, the one host a client needs.
The answer comes back with its status and headers (ETag, Location, Content-Type,
Content-Disposition, WWW-Authenticate ...) and its body is streamed as it arrives.
An upstream that gives no answer at all becomes the problem ``problem_for`` makes of it.
A write, once answered, starts a new generation of the view fetches callers may share.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask

from gateway.dependencies import UpstreamsDep
from gateway.upstream.coalesce import SingleFlight
from gateway.upstream.errors import UpstreamFailure, problem_for
from gateway.upstream.transport import StreamedResponse
from gateway.upstream.upstream import Upstream
from shared.errors import NotFound
from shared.observability import request_id_var

log = logging.getLogger("gateway.proxy")

#: Path prefix → the service that owns it (API.md); ``tests/gateway/test_contract.py`` checks
#: that every ``/v1`` route of every service is routed to it.
ROUTE_TABLE: dict[str, str] = {
    "/v1/indicators": "indicators",
    "/v1/results": "indicators",
    "/v1/evaluations": "indicators",
    "/v1/area-evaluations": "indicators",
    "/v1/assignments": "assignments",
    "/v1/reports": "assignments",
    "/v1/grants": "budget",
    "/v1/budget-lines": "budget",
    "/v1/outcomes": "budget",
    "/v1/forecasts": "budget",
    "/v1/summary": "budget",
    "/v1/totals": "budget",
    "/v1/earmarked": "budget",
    "/v1/reported-figures": "budget",
    "/v1/reported-deviations": "budget",
}

FORWARDED_REQUEST_HEADERS = (
    "authorization",
    "if-match",
    "if-none-match",
    "accept",
    "content-type",
    "content-length",
    "host",
)
#: Hop-by-hop headers, and those the gateway's own server and middleware write.
DROPPED_RESPONSE_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "transfer-encoding",
        "te",
        "trailer",
        "upgrade",
        "proxy-authenticate",
        "proxy-authorization",
        "date",
        "server",
        "x-request-id",
    }
)


PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
SAFE_METHODS = frozenset({"GET", "HEAD"})

router = APIRouter()


def upstream_for(path: str) -> str | None:
    for prefix, name in ROUTE_TABLE.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def forward_headers(request: Request) -> list[tuple[str, str]]:
    headers = [(k, v) for k in FORWARDED_REQUEST_HEADERS if (v := request.headers.get(k))]
    headers.append(("x-request-id", request_id_var.get()))
    headers.append(("x-forwarded-proto", request.url.scheme))
    if request.client:
        headers.append(("x-forwarded-for", request.client.host))
    # The body is passed on as raw bytes: the caller's encoding or none, never httpx's choice.
    headers.append(("accept-encoding", request.headers.get("accept-encoding", "identity")))
    return headers


async def _relay(reply: StreamedResponse) -> AsyncIterator[bytes]:
    try:
        async for chunk in reply.aiter_raw():
            yield chunk
    except Exception:
        # Headers are gone already: abort the connection rather than end the body cleanly,
        # so the client sees a truncated answer, never a short but "complete" one.
        log.warning("upstream body broke off mid-stream", exc_info=True)
        raise
    finally:
        await reply.aclose()


async def forward(request: Request, upstream: Upstream, path: str) -> StreamingResponse:
    """Send ``request`` to ``upstream`` at ``path`` and stream the answer back."""
    query = request.url.query
    target = f"{path}?{query}" if query else path
    # Pass on whatever body the caller sent, whatever the method (a DELETE may carry one):
    # a body left unread would also spoil the caller's keep-alive connection.
    declared = request.headers.get("content-length")
    has_body = "transfer-encoding" in request.headers or (declared not in (None, "0"))
    content = request.stream() if has_body else None
    try:
        reply = await upstream.open_stream(
            request.method, target, headers=forward_headers(request), content=content
        )
    except UpstreamFailure as failure:
        raise problem_for(failure) from failure
    headers = [(k, v) for k, v in reply.headers if k not in DROPPED_RESPONSE_HEADERS]
    response = StreamingResponse(
        _relay(reply), status_code=reply.status, background=BackgroundTask(reply.aclose)
    )
    # The upstream's headers replace Starlette's defaults, as they came. ``aclose`` runs
    # at the end of the body, and again (harmlessly) as a background task for a body never read.
    response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    return response


@router.api_route(
    "/v1/audit/{service}",
    methods=["GET"],
    tags=["operations"],
    responses={404: {"description": "Unknown service."}},
)
async def audit(request: Request, service: str, upstreams: UpstreamsDep) -> Response:
    """A service's audit trail (its `GET /v1/audit`, admin keys): `service` is
    `indicators`, `assignments` or `budget`."""
    if service not in upstreams:
        raise NotFound(f"No service {service!r}; use one of {', '.join(upstreams)}.")
    return await forward(request, upstreams[service], "/v1/audit")


@router.api_route("/v1/{rest:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def proxied(request: Request, upstreams: UpstreamsDep) -> Response:
    path = request.url.path
    name = upstream_for(path)
    if name is None:
        raise NotFound(f"No route {request.method} {path}.")
    response = await forward(request, upstreams[name], path)
    if request.method not in SAFE_METHODS:
        # The write has been answered: views asked for from now on are fetched afresh.
        flights: SingleFlight[object] = request.app.state.flights
        flights.new_generation()
    return response


def proxied_routes_description() -> str:
    by_service: dict[str, list[str]] = {}
    for prefix, name in ROUTE_TABLE.items():
        by_service.setdefault(name, []).append(f"`{prefix}`")
    return "\n".join(f"- {name}: {', '.join(prefixes)}" for name, prefixes in by_service.items())
