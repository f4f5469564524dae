"""The calls the follow-up cycle makes to the services, through ``gateway.upstream``:
``GET /v1/expected`` (what a service expected of a unit and got) and the period locks
(``PUT`` / ``DELETE /v1/locks/{decision_id}``).

Reads go through ``Upstream.read`` (its one judgement of an answer's status); the lock
writes through the proxy's streamed call, whose every status comes back as it came: here a
2xx is the lock taken or released, 401/403 the caller's key refused (``UpstreamRefused``),
anything else an ``UpstreamFailure``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from gateway.followup.reading import ReadModel
from gateway.upstream.errors import FailureReason, UpstreamFailure, UpstreamRefused
from gateway.upstream.transport import Headers, UpstreamResponse
from gateway.upstream.upstream import Upstream

#: Seconds a lock call may take (a lock is one small write under the service's writer lock).
LOCK_TIMEOUT = 10.0


class ExpectedItem(ReadModel):
    kind: str
    org_unit: str
    period: str
    subject: dict[str, Any] | None = None
    received: bool
    received_at: datetime | None
    detail: str


class ExpectedAnswer(ReadModel):
    """``GET /v1/expected`` of any service: the same shape on all three."""

    org_unit: str
    periods: list[str]
    items: list[ExpectedItem]


async def expected_of(
    upstream: Upstream, org_unit: str, periods: list[str], headers: Headers
) -> ExpectedAnswer:
    # ``period`` repeats: the query is written whole (the params mapping holds one of each).
    query = urlencode([("org_unit", org_unit), *(("period", p) for p in periods)])
    return await upstream.read("/v1/expected", ExpectedAnswer, params=query, headers=headers)


async def _one(body: bytes) -> AsyncIterator[bytes]:
    yield body


async def _send(
    upstream: Upstream, method: str, path: str, headers: Headers, body: dict[str, Any]
) -> UpstreamResponse:
    data = json.dumps(body, default=str).encode()
    sent = [*headers, ("content-type", "application/json")]
    reply = await upstream.open_stream(
        method, path, headers=sent, content=_one(data), timeout=LOCK_TIMEOUT
    )
    content = await upstream.read_whole(reply)
    return UpstreamResponse(reply.status, list(reply.headers), content)


def _judged(upstream: Upstream, answer: UpstreamResponse, *ok: int) -> UpstreamResponse:
    if answer.status in (401, 403):
        raise UpstreamRefused(upstream.name, answer)
    if answer.status not in ok:
        detail = ""
        try:
            body = answer.json()
            detail = str(body.get("detail", "")) if isinstance(body, dict) else ""
        except ValueError:
            pass
        raise UpstreamFailure(
            upstream.name,
            FailureReason.SERVER_ERROR if answer.status >= 500 else FailureReason.UNEXPECTED_STATUS,
            f"The {upstream.name} service answered {answer.status}"
            + (f": {detail}" if detail else "."),
            answer.status,
        )
    return answer


async def lock(
    upstream: Upstream, decision_id: str, body: dict[str, Any], headers: Headers
) -> None:
    """Lock the decided period in the service (201 new, 200 the same lock again)."""
    answer = await _send(upstream, "PUT", f"/v1/locks/{decision_id}", headers, body)
    _judged(upstream, answer, 200, 201)


async def unlock(upstream: Upstream, decision_id: str, reason: str, headers: Headers) -> None:
    """Reopen the decision's lock in the service; one it never took (404) is no lock."""
    answer = await _send(
        upstream, "DELETE", f"/v1/locks/{decision_id}", headers, {"reason": reason}
    )
    _judged(upstream, answer, 200, 404)
