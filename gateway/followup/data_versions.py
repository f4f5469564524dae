"""Where each service's data and the follow-up cycle stand now: what a kept view and the
kept overview are confirmed by (``kept_views``, way 1; ``kept_overview``).

Each service is asked ``GET /v1/data-version`` with the caller's credential (the service
judges it: a revoked key is refused as a read would be) and the cycle's store its counter,
all at once, after the ask began.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from fastapi import Request

from gateway.cycle.hooks import cycle_version
from gateway.upstream.errors import UpstreamFailure, UpstreamRefused
from gateway.upstream.transport import Headers
from gateway.upstream.upstream import Upstream, Upstreams


def _no_deadline(_upstream: Upstream) -> float | None:
    return None


async def versions_now(
    request: Request,
    upstreams: Upstreams,
    headers: Headers,
    names: Sequence[str],
    deadline_at: Callable[[Upstream], float | None] = _no_deadline,
) -> tuple[dict[str, int | UpstreamFailure], int | BaseException | None]:
    """Each named service's data version, or why it could not say (``UpstreamFailure``),
    each by ``deadline_at`` of it (``None``: its own deadline); and the cycle's version
    (``None``: its store did not answer). A refusal (401/403), or anything but an
    upstream's failure, is raised."""
    asks = [
        upstreams[name].data_version(headers, deadline_at=deadline_at(upstreams[name]))
        for name in names
    ]
    *versions, cycle = await asyncio.gather(*asks, cycle_version(request), return_exceptions=True)
    now: dict[str, int | UpstreamFailure] = {}
    for name, found in zip(names, versions, strict=True):
        if isinstance(found, UpstreamRefused):
            raise found
        if isinstance(found, (int, UpstreamFailure)):
            now[name] = found
        elif isinstance(found, BaseException):
            raise found
    return now, cycle
