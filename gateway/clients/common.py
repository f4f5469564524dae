"""What the typed clients share."""

from __future__ import annotations

from typing import Any

from gateway.clients.adapter import Headers, Upstream, UpstreamResponse

#: The largest page a service gives (API.md): the view wants the whole list in one call.
WHOLE_LIST = 10_000


async def list_all(
    upstream: Upstream, path: str, params: dict[str, str | int], headers: Headers
) -> tuple[UpstreamResponse, list[Any]]:
    """GET a list route with the largest page; its ``items`` (empty for any non-2xx status)."""
    response = await upstream.get(path, params={**params, "limit": WHOLE_LIST}, headers=headers)
    if not 200 <= response.status < 300:
        return response, []
    body = response.json()
    items: list[Any] = body.get("items", []) if isinstance(body, dict) else []
    return response, items
