"""What can go wrong with an upstream call, and the one problem each kind of failure becomes.

Every upstream call ends in a parsed answer or in one of two errors:

* ``UpstreamFailure`` — the upstream could not give a usable answer. Its ``reason`` says
  how (the label of ``gateway_upstream_failures_total`` too) and decides, here and nowhere
  else, the problem the caller sees: the proxy raises it, the follow-up view and the
  overview put it in ``problems`` for the missing section, readiness shows its detail.
* ``UpstreamRefused`` — the upstream answered 401 or 403: the caller's key is at fault, not
  the upstream, so the answer is passed on as it came instead of becoming a problem.

One status per kind: 503 when no call could be made (refused connection, open breaker),
504 when the upstream did not answer in time, 502 when it answered something the gateway
cannot use (a broken connection, a 5xx, an unexpected status or body).
"""

from __future__ import annotations

from enum import StrEnum

from gateway.upstream.transport import UpstreamResponse
from shared.errors import ProblemError, ServiceUnavailable

RETRY_AFTER = "5"


class FailureReason(StrEnum):
    CONNECT_ERROR = "connect_error"
    BREAKER_OPEN = "breaker_open"
    TIMEOUT = "timeout"
    TRANSPORT_ERROR = "transport_error"
    SERVER_ERROR = "server_error"
    UNEXPECTED_STATUS = "unexpected_status"
    UNEXPECTED_BODY = "unexpected_body"


class UpstreamError(Exception):
    """Base of the errors an upstream call raises."""

    def __init__(self, upstream: str, detail: str) -> None:
        super().__init__(f"{upstream}: {detail}")
        self.upstream = upstream
        self.detail = detail


class UpstreamFailure(UpstreamError):
    """The upstream could not give a usable answer; ``status`` is its answer's, if it gave one."""

    def __init__(
        self, upstream: str, reason: FailureReason, detail: str, status: int | None = None
    ) -> None:
        super().__init__(upstream, detail)
        self.reason = reason
        self.status = status

    @property
    def answered(self) -> bool:
        """It answered (wrongly), as against not answering at all."""
        return self.status is not None


class UpstreamRefused(UpstreamError):
    """The upstream answered 401 or 403; ``response`` is that answer, to pass on as it came."""

    def __init__(self, upstream: str, response: UpstreamResponse) -> None:
        super().__init__(upstream, f"answered {response.status}")
        self.response = response


# --- the problems -----------------------------------------------------------------------


class UpstreamUnavailable(ServiceUnavailable):
    title, type_suffix = "Upstream unavailable", "upstream-unavailable"


class UpstreamTimeout(ProblemError):
    status, title, type_suffix = 504, "Gateway Timeout", "upstream-timeout"


class BadGateway(ProblemError):
    status, title, type_suffix = 502, "Bad Gateway", "upstream-error"


PROBLEM_OF: dict[FailureReason, type[ProblemError]] = {
    FailureReason.CONNECT_ERROR: UpstreamUnavailable,
    FailureReason.BREAKER_OPEN: UpstreamUnavailable,
    FailureReason.TIMEOUT: UpstreamTimeout,
    FailureReason.TRANSPORT_ERROR: BadGateway,
    FailureReason.SERVER_ERROR: BadGateway,
    FailureReason.UNEXPECTED_STATUS: BadGateway,
    FailureReason.UNEXPECTED_BODY: BadGateway,
}


def problem_for(failure: UpstreamFailure) -> ProblemError:
    """The problem a caller is told about for ``failure``: the one mapping of the gateway."""
    problem_type = PROBLEM_OF[failure.reason]
    extra: dict[str, str | int] = {"upstream": failure.upstream, "reason": failure.reason.value}
    if failure.status is not None:
        extra["upstream_status"] = failure.status
    headers = {"Retry-After": RETRY_AFTER} if problem_type.status == 503 else None
    return problem_type(failure.detail, extra=extra, headers=headers)
