"""The view's reads go over their own keep-alive connections (``gateway.upstream.reads``):
each answer is the one to its own request, whole, or one of the transport's three failures.

A plain asyncio server on loopback plays the upstream: it answers as told, counts the
connections it was given, and can close one, answer late, in pieces or not at all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from gateway.upstream.failures import ConnectFailed, TimedOut, TransportFailed
from gateway.upstream.reads import ReadConnections
from tests.gateway.test_upstream_deadlines import body_until_broken, server

Answer = tuple[int, list[tuple[str, str]], bytes]


async def _request_target(reader: asyncio.StreamReader) -> bytes | None:
    """The target of the next request on the connection (None when it closed)."""
    line = await reader.readline()
    if not line:
        return None
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    return line.split(b" ")[1]


def _answer(body: bytes, *extra: bytes) -> bytes:
    head = b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n" % len(body)
    return head + b"".join(h + b"\r\n" for h in extra) + b"\r\n" + body


def _reads(base: str, **settings: float) -> ReadConnections:
    port = int(base.rsplit(":", 1)[1])
    values = {"max_connections": 10, "max_idle": 10, "keepalive_expiry": 30.0}
    values |= {"connect_timeout": 1.0, "pool_timeout": 1.0, **settings}
    return ReadConnections(
        "127.0.0.1",
        port,
        max_connections=int(values["max_connections"]),
        max_idle=int(values["max_idle"]),
        keepalive_expiry=values["keepalive_expiry"],
        connect_timeout=values["connect_timeout"],
        pool_timeout=values["pool_timeout"],
    )


Serve = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _run(
    serve: Serve, reads: Callable[[ReadConnections], Awaitable[None]], **settings: float
) -> None:
    async def go() -> None:
        async with server(serve) as base:
            pool = _reads(base, **settings)
            try:
                await reads(pool)
            finally:
                pool.close()

    asyncio.run(go())


def test_reads_share_one_kept_connection_and_each_gets_its_own_answer() -> None:
    connections: list[int] = []

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        while (target := await _request_target(reader)) is not None:
            writer.write(_answer(target, b"Data-Version: 7"))
            await writer.drain()

    async def three_reads(pool: ReadConnections) -> None:
        for n in range(3):
            status, headers, body = await pool.get(b"/v1/x?n=%d" % n, [(b"host", b"h")], 5)
            assert (status, body) == (200, b"/v1/x?n=%d" % n)
            assert ("data-version", "7") in headers  # names lower-cased

    _run(echo, three_reads)
    assert len(connections) == 1


def test_a_connection_the_upstream_closed_while_idle_is_replaced_without_failing_the_read() -> None:
    connections: list[int] = []

    async def one_answer_per_connection(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        connections.append(1)
        if (target := await _request_target(reader)) is not None:
            writer.write(_answer(target))  # says keep-alive, then closes: a keep-alive timeout
            await writer.drain()
        writer.close()

    async def reads(pool: ReadConnections) -> None:
        assert (await pool.get(b"/a", [], 5))[2] == b"/a"
        await asyncio.sleep(0.05)
        assert (await pool.get(b"/b", [], 5))[2] == b"/b"

    _run(one_answer_per_connection, reads)
    assert len(connections) == 2


def test_an_answer_in_chunks_and_in_pieces_arrives_whole() -> None:
    async def chunked(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_target(reader)
        whole = (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n"
            b"5\r\nhello\r\n7\r\n, world\r\n0\r\n\r\n"
        )
        for n in range(0, len(whole), 7):
            writer.write(whole[n : n + 7])
            await writer.drain()
            await asyncio.sleep(0.001)

    async def read(pool: ReadConnections) -> None:
        assert (await pool.get(b"/c", [], 5))[2] == b"hello, world"

    _run(chunked, read)


def test_a_late_answer_is_a_timeout_and_never_taken_for_the_next_reads_answer() -> None:
    async def late_then_prompt(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (target := await _request_target(reader)) is not None:
            if target == b"/slow":
                await asyncio.sleep(0.3)
            writer.write(_answer(target))
            await writer.drain()

    async def reads(pool: ReadConnections) -> None:
        with pytest.raises(TimedOut):
            await pool.get(b"/slow", [], 0.1)
        await asyncio.sleep(0.4)  # the late answer has come by now, on the old connection
        assert (await pool.get(b"/next", [], 5))[2] == b"/next"

    _run(late_then_prompt, reads)


def test_a_read_given_up_by_its_caller_leaves_no_answer_behind() -> None:
    async def late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (target := await _request_target(reader)) is not None:
            await asyncio.sleep(0.2 if target == b"/left" else 0)
            writer.write(_answer(target))
            await writer.drain()

    async def reads(pool: ReadConnections) -> None:
        left = asyncio.create_task(pool.get(b"/left", [], 5))
        await asyncio.sleep(0.05)
        left.cancel()
        with pytest.raises(asyncio.CancelledError):
            await left
        await asyncio.sleep(0.3)
        assert (await pool.get(b"/mine", [], 5))[2] == b"/mine"

    _run(late, reads)


def test_nothing_listening_is_a_failed_connect() -> None:
    async def go() -> None:
        async with server(lambda r, w: asyncio.sleep(0)) as base:
            pass  # the port is free again once the server is gone
        pool = _reads(base)
        with pytest.raises(ConnectFailed):
            await pool.get(b"/", [], 5)

    asyncio.run(go())


def test_an_answer_that_is_not_http_is_a_transport_failure() -> None:
    async def garbage(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_target(reader)
        writer.write(b"SSH-2.0-OpenSSH\r\n\r\n")
        await writer.drain()

    async def read(pool: ReadConnections) -> None:
        with pytest.raises(TransportFailed):
            await pool.get(b"/", [], 5)

    _run(garbage, read)


def test_a_read_waits_for_a_free_connection_at_most_the_pool_timeout() -> None:
    async def hangs(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_target(reader)
        await asyncio.sleep(5)

    async def reads(pool: ReadConnections) -> None:
        first = asyncio.create_task(pool.get(b"/a", [], 1.0))
        await asyncio.sleep(0.05)
        with pytest.raises(TimedOut, match="no free connection"):
            await pool.get(b"/b", [], 1.0)
        first.cancel()
        await asyncio.gather(first, return_exceptions=True)

    _run(hangs, reads, max_connections=1, pool_timeout=0.1)


def test_a_header_with_a_line_break_is_never_sent() -> None:
    async def go() -> None:
        pool = _reads("http://127.0.0.1:9")
        with pytest.raises(ValueError, match="line break"):
            await pool.get(b"/", [(b"x-request-id", b"a\r\nX-Injected: 1")], 5)

    asyncio.run(go())


# --- streamed answers (the proxy's GETs) ------------------------------------------------


def test_a_streamed_answer_is_handed_on_before_its_body_has_all_come() -> None:
    """An export through the gateway: its first rows reach the caller while the service is
    still writing the rest."""
    rest_may_come = asyncio.Event()

    async def in_two_parts(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_target(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nfirst\r\n")
        await writer.drain()
        await rest_may_come.wait()
        writer.write(b"4\r\nrest\r\n0\r\n\r\n")
        await writer.drain()

    async def stream(pool: ReadConnections) -> None:
        answer = await pool.stream(b"/v1/results", [], 5)
        chunks = answer.chunks()
        assert answer.status == 200
        assert await anext(chunks) == b"first"
        rest_may_come.set()
        assert [chunk async for chunk in chunks] == [b"rest"]
        await answer.aclose()

    _run(in_two_parts, stream)


def test_a_caller_that_does_not_read_stops_the_upstream_sending() -> None:
    """The gateway holds at most its high-water mark of an answer nobody is taking: a slow
    caller slows the service's writes, and the gateway's memory stays flat."""
    size, piece = 64 * 1024 * 1024, b"x" * 65536
    written: list[int] = [0]

    async def large(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_target(reader)
        writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % size)
        while written[0] < size:
            writer.write(piece)
            await writer.drain()
            written[0] += len(piece)

    async def slow_caller(pool: ReadConnections) -> None:
        answer = await pool.stream(b"/v1/results", [], 5)
        await asyncio.sleep(0.5)  # time enough to send it all, were nothing holding it
        held = written[0]
        received = sum([len(chunk) async for chunk in answer.chunks()])
        await answer.aclose()
        assert held < size // 4, f"{held} of {size} bytes sent to a caller not reading"
        assert received == size

    _run(large, slow_caller)


def test_an_answer_read_whole_keeps_its_connection_and_one_left_midway_does_not() -> None:
    connections: list[int] = []
    body = b"row\n" * 500_000  # past the high-water mark: never all read ahead

    async def export(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connections.append(1)
        while await _request_target(reader) is not None:
            writer.write(_answer(body))
            await writer.drain()

    async def calls(pool: ReadConnections) -> None:
        whole = await pool.stream(b"/a", [], 5)
        assert b"".join([chunk async for chunk in whole.chunks()]) == body
        await whole.aclose()
        left = await pool.stream(b"/b", [], 5)
        await anext(left.chunks())
        await left.aclose()  # the caller went away: its rest must never reach a later call
        again = await pool.stream(b"/c", [], 5)
        assert b"".join([chunk async for chunk in again.chunks()]) == body
        await again.aclose()

    _run(export, calls)
    assert len(connections) == 2  # /a and /b on one, /c on a new one


@pytest.mark.parametrize(
    ("head", "broken"),
    [
        (b"content-length: 100", True),  # 94 bytes short: broken off after what came
        (b"connection: close", False),  # no length: the body ends with the connection
    ],
)
def test_a_connection_closed_mid_body_breaks_the_answer_only_if_it_said_its_length(
    head: bytes, broken: bool
) -> None:
    async def close_after_a_row(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _request_target(reader)
        writer.write(b"HTTP/1.1 200 OK\r\n" + head + b"\r\n\r\nrow 1\n")
        await writer.drain()
        writer.close()

    async def stream(pool: ReadConnections) -> None:
        answer = await pool.stream(b"/v1/results", [], 5)
        got, failed = await body_until_broken(answer.chunks())
        await answer.aclose()
        assert got == b"row 1\n"
        assert isinstance(failed, TransportFailed) if broken else failed is None

    _run(close_after_a_row, stream)


def test_no_head_in_time_is_a_timeout_and_frees_the_connection_slot() -> None:
    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await _request_target(reader) is not None:
            await asyncio.sleep(5)

    async def stream(pool: ReadConnections) -> None:
        for _ in range(2):  # one connection allowed: the second finds it given back
            with pytest.raises(TimedOut, match="no answer in time"):
                await pool.stream(b"/v1/results", [], 0.1)

    _run(silent, stream, max_connections=1, pool_timeout=0.5)
