"""How an upstream's answer is judged (``Upstream.read``) and the one problem each kind of
failure becomes (``problem_for``), on answers made up by ``httpx.MockTransport``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from pydantic import BaseModel

from gateway.config import GatewaySettings
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.errors import (
    FailureReason,
    UpstreamFailure,
    UpstreamRefused,
    problem_for,
)
from gateway.upstream.transport import HttpxTransport
from gateway.upstream.upstream import Upstream

Handler = Callable[[httpx.Request], httpx.Response]


class Figures(BaseModel):
    grant: int


def upstream(handler: Handler, *, failures_to_open: int = 5) -> Upstream:
    network = httpx.MockTransport(handler)
    transport = HttpxTransport("http://budget", GatewaySettings(), network=network)
    breaker = CircuitBreaker("budget", failure_threshold=failures_to_open, cooldown=60.0)
    return Upstream("budget", transport, deadline=1.0, breaker=breaker)


def read(handler: Handler) -> Figures:
    async def once() -> Figures:
        target = upstream(handler)
        try:
            return await target.read("/v1/summary", Figures)
        finally:
            await target.aclose()

    return asyncio.run(once())


def failure_of(handler: Handler) -> UpstreamFailure:
    with pytest.raises(UpstreamFailure) as caught:
        read(handler)
    return caught.value


def test_a_2xx_answer_is_parsed_into_the_read_model() -> None:
    assert read(lambda _: httpx.Response(200, json={"grant": 7, "other": 1})).grant == 7


@pytest.mark.parametrize("status", [401, 403])
def test_a_refusal_carries_the_answer_to_pass_on(status: int) -> None:
    answer = httpx.Response(status, json={"detail": "no"}, headers={"WWW-Authenticate": "Bearer"})
    with pytest.raises(UpstreamRefused) as caught:
        read(lambda _: answer)
    assert caught.value.response.status == status
    assert caught.value.response.header("www-authenticate") == "Bearer"


@pytest.mark.parametrize(
    ("answer", "reason", "status"),
    [
        (httpx.Response(500), FailureReason.SERVER_ERROR, 502),
        (httpx.Response(503), FailureReason.SERVER_ERROR, 502),
        (httpx.Response(404), FailureReason.UNEXPECTED_STATUS, 502),
        (httpx.Response(200, json={"grant": "many"}), FailureReason.UNEXPECTED_BODY, 502),
        (httpx.Response(200, content=b"<html>"), FailureReason.UNEXPECTED_BODY, 502),
    ],
)
def test_an_answer_the_gateway_cannot_use_is_a_bad_gateway(
    answer: httpx.Response, reason: FailureReason, status: int
) -> None:
    failure = failure_of(lambda _: answer)
    assert failure.reason is reason
    assert failure.answered and failure.status == answer.status_code
    problem = problem_for(failure).to_problem()
    assert problem["status"] == status
    assert problem["type"].endswith("/upstream-error")
    assert (problem["upstream"], problem["reason"]) == ("budget", reason.value)
    assert problem["upstream_status"] == answer.status_code


def test_an_unexpected_status_says_what_the_upstream_said() -> None:
    failure = failure_of(lambda _: httpx.Response(422, json={"detail": "year: out of range"}))
    assert failure.detail == "The budget service answered 422: year: out of range"


def test_a_404_is_nothing_there_where_the_caller_allows_it() -> None:
    async def once() -> Figures | None:
        target = upstream(lambda _: httpx.Response(404))
        try:
            return await target.read_unless_missing("/v1/summary", Figures)
        finally:
            await target.aclose()

    assert asyncio.run(once()) is None


def test_a_refused_connection_is_retried_once_then_unavailable() -> None:
    calls: list[httpx.Request] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ConnectError("refused", request=request)

    failure = failure_of(refuse)
    assert len(calls) == 2
    assert (failure.reason, failure.answered) == (FailureReason.CONNECT_ERROR, False)
    problem = problem_for(failure)
    assert problem.status == 503
    assert problem.headers == {"Retry-After": "5"}
    assert problem.to_problem()["type"].endswith("/upstream-unavailable")


def test_no_answer_in_time_is_a_gateway_timeout_and_never_retried() -> None:
    calls: list[httpx.Request] = []

    def hang(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        raise httpx.ReadTimeout("slow", request=request)

    failure = failure_of(hang)
    assert len(calls) == 1
    assert failure.reason is FailureReason.TIMEOUT
    assert problem_for(failure).status == 504


def test_a_broken_connection_is_a_bad_gateway() -> None:
    def break_off(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("broken", request=request)

    failure = failure_of(break_off)
    assert (failure.reason, problem_for(failure).status) == (FailureReason.TRANSPORT_ERROR, 502)


def test_an_open_breaker_refuses_at_once_as_unavailable() -> None:
    calls: list[httpx.Request] = []

    def failing(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500)

    async def twice() -> UpstreamFailure:
        target = upstream(failing, failures_to_open=1)
        try:
            with pytest.raises(UpstreamFailure):
                await target.read("/v1/summary", Figures)
            with pytest.raises(UpstreamFailure) as caught:
                await target.read("/v1/summary", Figures)
            return caught.value
        finally:
            await target.aclose()

    failure = asyncio.run(twice())
    assert len(calls) == 1
    assert failure.reason is FailureReason.BREAKER_OPEN
    assert problem_for(failure).status == 503


def test_every_kind_of_failure_has_one_status() -> None:
    statuses = {
        reason: problem_for(UpstreamFailure("budget", reason, "x")).status
        for reason in FailureReason
    }
    assert statuses == {
        FailureReason.CONNECT_ERROR: 503,
        FailureReason.BREAKER_OPEN: 503,
        FailureReason.TIMEOUT: 504,
        FailureReason.TRANSPORT_ERROR: 502,
        FailureReason.SERVER_ERROR: 502,
        FailureReason.UNEXPECTED_STATUS: 502,
        FailureReason.UNEXPECTED_BODY: 502,
    }
