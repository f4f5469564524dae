"""Passing a request on to the service that owns its path, streaming both ways.

The path goes on as the caller wrote it, segment by segment (``proxy_paths``): a segment
that would lead elsewhere on the service (``..``, ``%2F``) is refused with a 400 first.
The caller's ``Authorization``, ``If-Match``, ``If-None-Match``, ``Accept``,
``Content-Type`` (and ``Content-Length``) go on as they came, ``X-Request-ID`` as the
gateway's id for the request (the caller's, when it sent one). Neither the caller's
``Host`` nor its scheme goes on: where links lead is the gateway's to say. The answer comes back with
its status and headers (ETag, Location, Content-Type, Content-Disposition,
WWW-Authenticate ...) and its body is streamed as it arrives; the links a service writes on
its own address (``Location``, ``Link``, ``next`` of a JSON list page) are rewritten to the
gateway's public URL (``proxy_links``). An upstream that gives no answer at all within
``proxy_timeout`` (``proxy_load_timeout`` for a request with a body) becomes the problem
``problem_for`` makes of it (504 when it hung). A write, once answered, starts a new
generation of the view fetches callers may share.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Security
from fastapi.responses import Response, StreamingResponse
from starlette.background import BackgroundTask
from starlette.routing import BaseRoute, Match

from gateway.dependencies import UpstreamsDep
from gateway.proxy_links import LINK_HEADERS, rewrite_header, rewrite_next
from gateway.proxy_paths import raw_path_of, upstream_path, upstream_query
from gateway.upstream.coalesce import SingleFlight
from gateway.upstream.errors import UpstreamFailure, problem_for
from gateway.upstream.transport import StreamedResponse
from gateway.upstream.upstream import Upstream, Upstreams
from shared.app import AuditPage
from shared.errors import MethodNotAllowed, NotFound
from shared.observability import ROUTE_HEADER, ROUTE_SCOPE_KEY, request_id_var
from shared.openapi_doc import BEARER

log = logging.getLogger("gateway.proxy")

#: Path prefix → the service that owns it (API.md); ``tests/gateway/test_contract.py`` checks
#: that every ``/v1`` route of every service is routed to it.
ROUTE_TABLE: dict[str, str] = {
    "/v1/indicators": "indicators",
    "/v1/results": "indicators",
    "/v1/evaluations": "indicators",
    "/v1/area-evaluations": "indicators",
    "/v1/evaluation-summary": "indicators",
    "/v1/production": "indicators",
    "/v1/goal-trees": "indicators",
    "/v1/assignments": "assignments",
    "/v1/reports": "assignments",
    "/v1/risk-analyses": "assignments",
    "/v1/risks": "assignments",
    "/v1/risk-actions": "assignments",
    "/v1/risk-followups": "assignments",
    "/v1/internal-control": "assignments",
    "/v1/grants": "budget",
    "/v1/budget-lines": "budget",
    "/v1/outcomes": "budget",
    "/v1/forecasts": "budget",
    "/v1/summary": "budget",
    "/v1/totals": "budget",
    "/v1/earmarked": "budget",
    "/v1/reported-figures": "budget",
    "/v1/reported-deviations": "budget",
    "/v1/financial-figures": "budget",
    "/v1/financial-goals": "budget",
    "/v1/forecast-rounds": "budget",
}

FORWARDED_REQUEST_HEADERS = (
    "authorization",
    "if-match",
    "if-none-match",
    "accept",
    "content-type",
    "content-length",
)
_FORWARDED = frozenset(name.encode("ascii") for name in FORWARDED_REQUEST_HEADERS)
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
        # The upstream's route template: the gateway's metrics label by it (below).
        ROUTE_HEADER,
    }
)
_DROPPED = frozenset(name.encode("ascii") for name in DROPPED_RESPONSE_HEADERS)
_LINKS = frozenset(name.encode("ascii") for name in LINK_HEADERS)
#: A JSON answer up to this size is read whole to rewrite its ``next`` (a list page is at
#: most 10 000 items); a larger one streams through as it came.
REWRITTEN_BODY_LIMIT = 64 * 1024 * 1024

PROXIED_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]
SAFE_METHODS = frozenset({"GET", "HEAD"})

router = APIRouter()


def upstream_for(path: str) -> str | None:
    for prefix, name in ROUTE_TABLE.items():
        if path == prefix or path.startswith(prefix + "/"):
            return name
    return None


def forward_headers(request: Request) -> list[tuple[str, str]]:
    """The headers the request goes on with, as the caller sent them (the first of a name
    sent twice), read in one pass over the ASGI scope's."""
    headers: list[tuple[str, str]] = []
    seen: set[bytes] = set()
    encoding = "identity"
    for name, value in request.scope["headers"]:
        if name in seen:
            continue
        if name in _FORWARDED:
            seen.add(name)
            if value:
                headers.append((name.decode("latin-1"), value.decode("latin-1")))
        elif name == b"accept-encoding":
            encoding = value.decode("latin-1")
            seen.add(name)
    headers.append(("x-request-id", request_id_var.get()))
    if client := request.scope.get("client"):
        headers.append(("x-forwarded-for", client[0]))
    # The body is passed on as raw bytes: the caller's encoding or none, never httpx's choice.
    headers.append(("accept-encoding", encoding))
    return headers


def public_base(request: Request) -> str:
    """The gateway's public base URL: ``GATEWAY_PUBLIC_URL``, else the address it is bound
    to. Never the caller's ``Host``."""
    configured: str = request.app.state.settings.public_url
    return _public_base(
        configured, request.scope.get("scheme", "http"), request.scope.get("server")
    )


@functools.lru_cache(maxsize=64)
def _public_base(configured: str, scheme: str, server: tuple[str, int | None] | None) -> str:
    # Cached: the same few (setting, scheme, bound address) for the life of the process.
    if configured:
        return configured.rstrip("/")
    if not server:
        return f"{scheme}://localhost"
    host, port = server[0], server[1]
    host = f"[{host}]" if ":" in host else host
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" if port in (None, default) else f"{scheme}://{host}:{port}"


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


def label_by_upstream_route(request: Request, reply: StreamedResponse) -> None:
    """Count the request under the upstream's route template (``/v1/results/{id}``), not
    the proxy's catch-all ``/v1/{rest:path}``; a template that is not one is ignored."""
    template = reply.header(ROUTE_HEADER)
    if template and template.startswith("/v1/") and len(template) <= 200:
        request.scope[ROUTE_SCOPE_KEY] = template


def _rewritable(request: Request, reply: StreamedResponse) -> bool:
    """A JSON answer small enough to read whole, which may hold a ``next`` to rewrite."""
    media = (reply.header("content-type") or "").split(";", 1)[0].strip().lower()
    length = reply.header("content-length")
    return (
        request.method == "GET"
        and reply.status == 200
        and media == "application/json"
        and length is not None
        and length.isdigit()
        and int(length) <= REWRITTEN_BODY_LIMIT
    )


async def forward(request: Request, upstream: Upstream, path: str) -> Response:
    """Send ``request`` to ``upstream`` at ``path`` (already encoded) and stream the answer."""
    query = upstream_query(request.scope.get("query_string", b""))
    # Path and query are percent-encoded already: the transport sends them as they are.
    target = path if query is None else f"{path}?{query}"
    settings = request.app.state.settings
    # Pass on whatever body the caller sent, whatever the method (a DELETE may carry one):
    # a body left unread would also spoil the caller's keep-alive connection.
    declared = request.headers.get("content-length")
    has_body = "transfer-encoding" in request.headers or (declared not in (None, "0"))
    content = request.stream() if has_body else None
    timeout = settings.proxy_load_timeout if has_body else settings.proxy_timeout
    try:
        reply = await upstream.open_stream(
            request.method,
            target,
            headers=forward_headers(request),
            content=content,
            timeout=timeout,
        )
    except UpstreamFailure as failure:
        raise problem_for(failure) from failure
    label_by_upstream_route(request, reply)
    public = public_base(request)
    # The upstream's headers as the bytes they came in; only a link is decoded, to rewrite it.
    headers = [
        (k, _rewritten(k, v, upstream.base_url, public) if k in _LINKS else v)
        for k, v in reply.raw_headers
        if k not in _DROPPED
    ]
    response: Response
    if _rewritable(request, reply):
        try:
            body = await upstream.read_whole(reply)
        except UpstreamFailure as failure:
            raise problem_for(failure) from failure
        rewritten = rewrite_next(body, upstream.base_url, public)
        if rewritten is not body:
            length = str(len(rewritten)).encode("ascii")
            headers = [(k, length if k == b"content-length" else v) for k, v in headers]
        response = Response(rewritten, status_code=reply.status)
    else:
        response = StreamingResponse(
            _relay(reply), status_code=reply.status, background=BackgroundTask(reply.aclose)
        )
    # The upstream's headers replace Starlette's defaults, as they came. ``aclose`` runs
    # at the end of the body, and again (harmlessly) as a background task for a body never read.
    response.raw_headers = headers
    return response


def _rewritten(name: bytes, value: bytes, upstream: str, public: str) -> bytes:
    text = name.decode("latin-1")
    return rewrite_header(text, value.decode("latin-1"), upstream, public).encode("latin-1")


@router.api_route(
    "/v1/audit/{service}",
    methods=["GET"],
    tags=["operations"],
    responses={200: {"model": AuditPage}, 404: {"description": "Unknown service."}},
    # The service checks the key; declared here for the OpenAPI document.
    dependencies=[Security(BEARER)],
)
async def audit(request: Request, service: str, upstreams: UpstreamsDep) -> Response:
    """A service's audit trail (its `GET /v1/audit`, admin keys): `service` is
    `indicators`, `assignments` or `budget`."""
    if service not in upstreams:
        raise NotFound(f"No service {service!r}; use one of {', '.join(upstreams)}.")
    return await forward(request, upstreams[service], "/v1/audit")


def own_routes(*routers: APIRouter) -> list[BaseRoute]:
    """The gateway's own routes in ``routers``, the proxy's catch-all aside (``build_app``
    keeps them in ``app.state.own_routes`` to tell a 405 from a 404)."""
    return [
        r
        for router in routers
        for r in router.routes
        if getattr(r, "endpoint", None) is not proxied
    ]


def own_methods(request: Request) -> list[str]:
    """The methods the gateway's own routes answer on this path (for ``Allow``)."""
    routes: list[BaseRoute] = getattr(request.app.state, "own_routes", [])
    methods: list[str] = []
    for method in PROXIED_METHODS:
        probe = {**request.scope, "method": method}
        if any(route.matches(probe)[0] is Match.FULL for route in routes):
            methods.append(method)
    return methods


@router.api_route("/v1/{rest:path}", methods=PROXIED_METHODS, include_in_schema=False)
async def proxied(request: Request) -> Response:
    scope = request.scope
    # The decoded path as ``request.url.path`` has it (Starlette escapes these three in its
    # URL), without building the whole URL.
    path: str = scope["path"].replace("?", "%3F").replace("#", "%23").replace("\\", "%5C")
    name = upstream_for(path)
    if name is None:
        if allowed := own_methods(request):
            raise MethodNotAllowed(
                f"{request.method} is not allowed on {path}; use {', '.join(allowed)}.",
                headers={"Allow": ", ".join(allowed)},
            )
        raise NotFound(f"No route {request.method} {path}.")
    raw_path: bytes | None = scope.get("raw_path")
    target = upstream_path(raw_path if raw_path is not None else raw_path_of(path))
    # Read from the app's state, not through a dependency: FastAPI's solving of one is a
    # measurable share of a proxied request's CPU.
    upstreams: Upstreams = request.app.state.upstreams
    response = await forward(request, upstreams[name], target)
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
