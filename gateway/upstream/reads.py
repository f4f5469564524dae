"""The connections the view's reads go over: HTTP/1.1 keep-alive on asyncio, parsed by httptools.

Why not httpx here, as everywhere else: a view of a committee makes three reads (or three
data-version asks) and nothing else, and through httpcore each cost the gateway about as
much CPU as the rest of the view (anyio's cancel scopes and sniffio's look-ups on every
step, h11 in pure Python): ``bench/gateway_followup.py`` measured half of the gateway's CPU
per kept view in httpcore. A read is the simplest exchange HTTP has (a GET, a whole answer
with a length or in chunks, the connection kept), so it goes over a plain asyncio protocol,
and the answer is parsed by httptools (the C parser uvicorn serves with). The proxy's
streamed calls, with bodies both ways, stay on httpcore.

What goes on the wire is what httpcore sent: the same request line and headers
(``tests/gateway/test_read_connections.py`` compares them). Failures come out as the
transport's three kinds: ``ConnectFailed``, ``TimedOut``, ``TransportFailed``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from typing import cast

import httptools

from gateway.upstream.failures import ConnectFailed, TimedOut, TransportFailed

RawHeaders = list[tuple[bytes, bytes]]


class _Exchange(asyncio.Protocol):
    """One connection: a request written, its answer gathered by the parser's callbacks."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.answered: asyncio.Future[None] | None = None
        self.lost = False
        self.received = False
        self.status = 0
        self.headers: list[tuple[str, str]] = []
        self.chunks: list[bytes] = []
        self.keep_alive = False
        self.idle_since = 0.0

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if self.answered is None or self.answered.done():
            # Bytes nobody asked for: the connection can no longer be trusted.
            self.lost = True
            if self.transport is not None:
                self.transport.close()
            return
        self.received = True
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self._fail(TransportFailed(f"not an HTTP answer: {exc}"))

    def connection_lost(self, exc: Exception | None) -> None:
        self.lost = True
        self._fail(TransportFailed("the connection closed before the whole answer came"))

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.decode("latin-1").lower(), value.decode("latin-1")))

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        if self.answered is not None and not self.answered.done():
            self.answered.set_result(None)

    # one exchange

    async def exchange(self, request: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        assert self.transport is not None
        self.answered = asyncio.get_running_loop().create_future()
        self.received = False
        self.status, self.headers, self.chunks = 0, [], []
        self.transport.write(request)
        await self.answered
        self.answered = None
        return self.status, self.headers, b"".join(self.chunks)

    def _fail(self, error: Exception) -> None:
        if self.answered is not None and not self.answered.done():
            self.answered.set_exception(error)
        if self.transport is not None:
            self.transport.close()


class ReadConnections:
    """Keep-alive connections to one upstream for whole-answer GETs.

    At most ``max_connections`` are open; a read that finds none free waits up to
    ``pool_timeout`` (then ``TimedOut``). An idle connection is kept for
    ``keepalive_expiry`` seconds, at most ``max_idle`` of them. A connection the upstream
    closed while it was idle is found out when it is used: the read, if nothing of its
    answer had come, is sent once more on a new connection (it is a GET).
    """

    def __init__(
        self,
        host: str,
        port: int,
        *,
        max_connections: int,
        max_idle: int,
        keepalive_expiry: float,
        connect_timeout: float,
        pool_timeout: float,
    ) -> None:
        self._host = host
        self._port = port
        self._free = asyncio.Semaphore(max_connections)
        self._max_idle = max_idle
        self._expiry = keepalive_expiry
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._idle: deque[_Exchange] = deque()

    async def get(
        self, target: bytes, headers: RawHeaders, timeout: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """``GET target`` with ``headers`` (as they go on the wire); the whole answer
        within ``timeout`` seconds: status, headers (names lower-cased), body."""
        request = _request_bytes(target, headers)
        deadline = time.monotonic() + timeout
        try:
            async with asyncio.timeout(min(self._pool_timeout, timeout)):
                await self._free.acquire()
        except TimeoutError:
            raise TimedOut("no free connection to the upstream in time") from None
        try:
            connection = self._idle_connection()
            if connection is not None:
                try:
                    return await self._exchange(connection, request, deadline)
                except TransportFailed:
                    if connection.received:
                        raise
                    # The upstream had closed it while it was idle: once more, on a new one.
            connection = await self._new_connection(deadline)
            return await self._exchange(connection, request, deadline)
        finally:
            self._free.release()

    async def _exchange(
        self, connection: _Exchange, request: bytes, deadline: float
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """``request`` and its answer on ``connection``, kept for the next read only when
        the answer came whole and the upstream keeps it open."""
        kept = False
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                answer = await connection.exchange(request)
            kept = connection.keep_alive and not connection.lost
            return answer
        except TimeoutError:
            raise TimedOut("no (whole) answer in time") from None
        finally:
            self._release(connection, kept)

    def _idle_connection(self) -> _Exchange | None:
        """The connection idle the shortest time, if one is still open and not expired."""
        now = time.monotonic()
        while self._idle:
            connection = self._idle.pop()
            if not connection.lost and now - connection.idle_since < self._expiry:
                return connection
            _close(connection)
        return None

    async def _new_connection(self, deadline: float) -> _Exchange:
        now = time.monotonic()
        loop = asyncio.get_running_loop()
        limit = min(self._connect_timeout, max(deadline - now, 0.0))
        try:
            async with asyncio.timeout(limit):
                _, connection = await loop.create_connection(_Exchange, self._host, self._port)
        except TimeoutError:
            raise ConnectFailed("connecting to the upstream timed out") from None
        except OSError as exc:
            raise ConnectFailed(str(exc) or type(exc).__name__) from exc
        return connection

    def _release(self, connection: _Exchange, kept: bool) -> None:
        if kept and len(self._idle) < self._max_idle:
            connection.idle_since = time.monotonic()
            self._idle.append(connection)
        else:
            _close(connection)

    def close(self) -> None:
        while self._idle:
            _close(self._idle.pop())


def _close(connection: _Exchange) -> None:
    if connection.transport is not None:
        connection.transport.close()


def _loop_time(deadline: float) -> float:
    """``deadline`` (``time.monotonic``) on the event loop's clock."""
    return asyncio.get_running_loop().time() + (deadline - time.monotonic())


def _request_bytes(target: bytes, headers: RawHeaders) -> bytes:
    for name, value in headers:
        if b"\r" in value or b"\n" in value or b"\r" in name or b"\n" in name:
            raise ValueError(f"a header may not hold a line break: {name!r}")
    lines = [b"GET " + target + b" HTTP/1.1"]
    lines.extend(name + b": " + value for name, value in headers)
    return b"\r\n".join(lines) + b"\r\n\r\n"
