"""Passing a request on to the service that owns its path, streaming both ways.

The caller's ``Authorization``, ``If-Match``, ``If-None-Match``, ``Accept``,
``Content-Type`` (and ``Content-Length``) go on as they came, ``X-Request-ID`` as the
gateway's id for the request (the caller's, when it sent one). ``Host`` and
``X-Forwarded-Proto`` go on too, so the absolute URLs a service writes (``next`` of a
list page, ``Location``) point at the gateway, the one host a client needs.
The answer comes back with its status and headers (ETag, Location, Content-Type,
Content-Disposition, WWW-Authenticate ...) and its body is streamed as it arrives.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

from fastapi import Request
from fastapi.responses import StreamingResponse
from starlette.background import BackgroundTask

from gateway.clients.adapter import StreamedResponse, Upstream, UpstreamUnavailable
from gateway.config import UpstreamName
from shared.errors import ProblemError, ServiceUnavailable
from shared.observability import request_id_var

log = logging.getLogger("gateway.proxy")

#: Path prefix → the service that owns it (API.md).
ROUTE_TABLE: dict[str, UpstreamName] = {
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
    "/v1/earmarked": "budget",
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


class GatewayTimeout(ProblemError):
    status, title, type_suffix = 504, "Gateway Timeout", "upstream-timeout"


class BadGateway(ProblemError):
    status, title, type_suffix = 502, "Bad Gateway", "upstream-error"


def upstream_for(path: str) -> UpstreamName | None:
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


def problem_for(exc: UpstreamUnavailable) -> ProblemError:
    extra = {"upstream": exc.upstream, "reason": exc.reason}
    if exc.reason == "timeout":
        return GatewayTimeout(exc.detail, extra=extra)
    if exc.reason == "transport_error":
        return BadGateway(exc.detail, extra=extra)
    return ServiceUnavailable(exc.detail, extra=extra, headers={"Retry-After": "5"})


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
    except UpstreamUnavailable as exc:
        raise problem_for(exc) from exc
    headers = [(k, v) for k, v in reply.headers if k not in DROPPED_RESPONSE_HEADERS]
    response = StreamingResponse(
        _relay(reply), status_code=reply.status, background=BackgroundTask(reply.aclose)
    )
    # The upstream's headers replace Starlette's defaults, as they came. ``aclose`` runs
    # at the end of the body, and again (harmlessly) as a background task for a body never read.
    response.raw_headers = [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
    return response
