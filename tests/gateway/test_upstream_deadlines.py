"""Deadlines and the breaker's count, on upstreams made up in this process.

- a proxied call has a deadline of its own for the answer's headers and between the chunks
  of its body: a real socket server that never answers, or stalls mid-body, is cut off;
  one that keeps sending streams on for as long as it takes;
- the breaker counts what says the upstream is unwell (5xx, timeouts, refused or broken
  connections), never a 4xx, nor a connection broken while the caller's body was still
  being sent (the upstream answered early and stopped reading);
- a view's calls end by deadlines counted from the view's arrival, and the view does not
  wait for a call that was cut off to finish cleaning up.

The times asserted are bounds with a wide margin, not measurements.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import httpx
import pytest

from gateway.config import GatewaySettings
from gateway.followup.sources import fetch_sources
from gateway.upstream.breaker import BreakerState, CircuitBreaker
from gateway.upstream.errors import FailureReason, UpstreamFailure
from gateway.upstream.failures import TimedOut, TransportError
from gateway.upstream.transport import HttpxTransport
from gateway.upstream.upstream import Upstream, Upstreams
from shared.periods import Period

Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
#: Generous: these bound a wait, they do not measure one.
MARGIN = 1.0


@asynccontextmanager
async def server(serve: Serve) -> AsyncIterator[str]:
    """A TCP server on a free loopback port running ``serve`` per connection; every
    connection is closed and every handler ended when the block ends."""
    handlers: list[asyncio.Task[None]] = []
    writers: list[asyncio.StreamWriter] = []

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        handlers.append(task)
        writers.append(writer)
        await serve(reader, writer)

    listening = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = listening.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        listening.close()
        for task in handlers:
            task.cancel()
        await asyncio.gather(*handlers, return_exceptions=True)
        for writer in writers:
            writer.close()
            with contextlib.suppress(ConnectionError):  # the client hung up first
                await writer.wait_closed()
        await listening.wait_closed()


async def read_request(reader: asyncio.StreamReader) -> None:
    while (await reader.readline()) not in (b"\r\n", b""):
        pass


def upstream_at(base_url: str, *, failures_to_open: int = 5, deadline: float = 1.0) -> Upstream:
    transport = HttpxTransport(base_url, GatewaySettings())
    breaker = CircuitBreaker("budget", failure_threshold=failures_to_open, cooldown=60.0)
    return Upstream("budget", transport, deadline=deadline, breaker=breaker)


# --- the proxy's deadline -----------------------------------------------------------------


def test_a_proxied_call_without_an_answer_times_out_at_its_deadline() -> None:
    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(30)

    async def once() -> tuple[UpstreamFailure, float]:
        async with server(never_answer) as url:
            target = upstream_at(url)
            start = time.perf_counter()
            try:
                with pytest.raises(UpstreamFailure) as caught:
                    await target.open_stream("GET", "/v1/grants", timeout=0.5)
                return caught.value, time.perf_counter() - start
            finally:
                await target.aclose()

    failure, elapsed = asyncio.run(once())
    assert failure.reason is FailureReason.TIMEOUT
    assert elapsed < 0.5 + MARGIN


def test_an_export_streams_on_past_the_deadline_while_bytes_keep_coming() -> None:
    chunks = 8

    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        for n in range(chunks):
            await writer.drain()
            await asyncio.sleep(0.15)
            line = f"row,{n}\n".encode()
            writer.write(b"%x\r\n%s\r\n" % (len(line), line))
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        writer.close()

    async def once() -> tuple[bytes, float]:
        async with server(trickle) as url:
            target = upstream_at(url)
            start = time.perf_counter()
            try:
                reply = await target.open_stream("GET", "/v1/results", timeout=0.6)
                body = b"".join([chunk async for chunk in reply.aiter_raw()])
                await reply.aclose()
                return body, time.perf_counter() - start
            finally:
                await target.aclose()

    body, elapsed = asyncio.run(once())
    assert body == b"".join(f"row,{n}\n".encode() for n in range(chunks))
    assert elapsed > 0.6  # longer than the deadline: it is a deadline between chunks


async def body_until_broken(chunks: AsyncIterable[bytes]) -> tuple[bytes, TransportError | None]:
    """What came of a streamed body, and the failure it broke off in, if it did."""
    got: list[bytes] = []
    try:
        async for chunk in chunks:
            got.append(chunk)
    except TransportError as exc:
        return b"".join(got), exc
    return b"".join(got), None


def test_a_body_that_stalls_is_cut_off_and_counted_against_the_breaker() -> None:
    async def stall(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nrow\n\r\n")
        await writer.drain()
        await asyncio.sleep(30)

    async def once() -> tuple[bytes, BaseException | None, int]:
        async with server(stall) as url:
            target = upstream_at(url)
            try:
                reply = await target.open_stream("GET", "/v1/results", timeout=0.4)
                got, broke = await body_until_broken(reply.aiter_raw())
                await reply.aclose()
                return got, broke, target.breaker.consecutive_failures
            finally:
                await target.aclose()

    body, broke, failures = asyncio.run(once())
    assert body == b"row\n"
    assert isinstance(broke, TimedOut)
    assert failures == 1


# --- what the breaker counts --------------------------------------------------------------


class Network(httpx.AsyncBaseTransport):
    """An upstream made up in this process: ``answer`` gets the request, after the body has
    been read when ``read_body``; it may raise what a transport raises."""

    def __init__(
        self, answer: Callable[[httpx.Request], httpx.Response], *, read_body: bool = True
    ) -> None:
        self.answer = answer
        self.read_body = read_body

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.read_body:
            await request.aread()
        return self.answer(request)


def made_up(network: Network, *, failures_to_open: int) -> Upstream:
    transport = HttpxTransport("http://budget", GatewaySettings(), network=network)
    breaker = CircuitBreaker("budget", failure_threshold=failures_to_open, cooldown=60.0)
    return Upstream("budget", transport, deadline=1.0, breaker=breaker)


async def body() -> AsyncIterator[bytes]:
    for _ in range(3):
        yield b"[" * 1000


def calls(network: Network, times: int, *, with_body: bool = True) -> Upstream:
    async def run() -> Upstream:
        target = made_up(network, failures_to_open=2)
        try:
            for _ in range(times):
                try:
                    reply = await target.open_stream(
                        "POST", "/v1/outcomes", content=body() if with_body else None, timeout=1
                    )
                    await reply.aclose()
                except UpstreamFailure:
                    pass
        finally:
            await target.aclose()
        return target

    return asyncio.run(run())


@pytest.mark.parametrize("status", [400, 401, 403, 404, 405, 413, 415, 422])
def test_answers_to_bad_requests_never_open_the_breaker(status: int) -> None:
    target = calls(Network(lambda _request: httpx.Response(status)), 5)
    assert target.breaker.state is BreakerState.CLOSED


def test_a_connection_broken_while_the_callers_body_was_sent_is_not_counted() -> None:
    """The upstream answered early (a refused key, a body too large) and stopped reading."""

    async def stop_reading(request: httpx.Request) -> httpx.Response:
        stream = request.stream
        assert isinstance(stream, httpx.AsyncByteStream)
        async for _chunk in stream:
            raise httpx.WriteError("connection reset by peer", request=request)
        raise AssertionError("unreachable")

    class StopsReading(Network):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            return await stop_reading(request)

    target = calls(StopsReading(lambda r: httpx.Response(200)), 5)
    assert target.breaker.state is BreakerState.CLOSED


@pytest.mark.parametrize(
    "fault",
    [
        lambda r: httpx.Response(500),
        lambda r: httpx.Response(503),
        lambda r: (_ for _ in ()).throw(httpx.ReadTimeout("hung", request=r)),
        lambda r: (_ for _ in ()).throw(httpx.RemoteProtocolError("reset", request=r)),
        lambda r: (_ for _ in ()).throw(httpx.ConnectError("refused", request=r)),
    ],
    ids=["500", "503", "timeout", "broken", "refused"],
)
def test_what_says_the_upstream_is_unwell_opens_the_breaker(
    fault: Callable[[httpx.Request], httpx.Response],
) -> None:
    target = calls(Network(fault), 2)
    assert target.breaker.state is BreakerState.OPEN


# --- a view's deadline --------------------------------------------------------------------


class Hangs(httpx.AsyncBaseTransport):
    """Never answers; once cut off, takes ``cleanup`` seconds to let go (a slow close)."""

    def __init__(self, cleanup: float = 0.0) -> None:
        self.cleanup = cleanup

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            await asyncio.sleep(self.cleanup)
            raise
        raise AssertionError("unreachable")


def hung_upstreams(deadline: float, cleanup: float) -> Upstreams:
    settings = GatewaySettings()
    made: dict[str, Upstream] = {}
    for name in settings.upstreams:
        transport = HttpxTransport(f"http://{name}", settings, network=Hangs(cleanup))
        breaker = CircuitBreaker(name, failure_threshold=1000, cooldown=60.0)
        made[name] = Upstream(name, transport, deadline=deadline, breaker=breaker)
    return Upstreams(made)


def fetch_hung(
    deadline: float, *, waited: float, cleanup: float
) -> tuple[float, list[str], list[int]]:
    """Seconds from the view's arrival to its sources, the request having ``waited`` before
    its calls went out; the reasons of the sections' problems; the failures each upstream's
    breaker counted once every call has ended."""

    async def once() -> tuple[float, list[str], list[int]]:
        upstreams = hung_upstreams(deadline, cleanup)
        arrived = asyncio.get_running_loop().time()
        await asyncio.sleep(waited)
        try:
            sources = await fetch_sources(
                upstreams,
                GatewaySettings(),
                "HSN",
                Period.parse("2024"),
                [("authorization", "Bearer x")],
                arrived=arrived,
            )
            took = asyncio.get_running_loop().time() - arrived
            await asyncio.sleep(cleanup + 0.2)  # every call cut off has ended
        finally:
            await upstreams.aclose()
        failures = [u.breaker.consecutive_failures for u in upstreams.values()]
        return took, [p["reason"] for p in sources.problems.values()], failures

    return asyncio.run(once())


def test_a_views_deadline_counts_from_its_arrival() -> None:
    took, reasons, failures = fetch_hung(1.5, waited=0.75, cleanup=0.0)
    assert reasons == ["timeout", "timeout", "timeout"]
    # Counted from when the calls went out, it would be 0.75 + 1.5 s.
    assert took < 1.5 + 0.5
    assert failures == [1, 1, 1]  # one call a section: indicators answers in one summary


def test_a_view_does_not_wait_for_a_cut_off_call_to_let_go() -> None:
    took, reasons, failures = fetch_hung(0.5, waited=0.0, cleanup=3.0)
    assert reasons == ["timeout", "timeout", "timeout"]
    assert took < 0.5 + MARGIN  # not 0.5 + 3 s of clean-up
    assert failures == [1, 1, 1]  # each call is counted as it ends, after the answer


def test_a_view_out_of_time_before_its_calls_go_out_blames_no_upstream() -> None:
    _, reasons, failures = fetch_hung(0.3, waited=0.5, cleanup=0.0)
    assert reasons == ["timeout", "timeout", "timeout"]
    assert failures == [0, 0, 0]
