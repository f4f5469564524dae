"""The connections the gateway's GETs go over: HTTP/1.1 keep-alive on asyncio, parsed by httptools.

Why not httpx here, as everywhere else: a view of a committee makes three reads (or three
data-version asks) and nothing else, and through httpcore each cost the gateway about as
much CPU as the rest of the view (anyio's cancel scopes and sniffio's look-ups on every
step, h11 in pure Python): ``bench/gateway_followup.py`` measured half of the gateway's CPU
per kept view in httpcore, and ``bench/gateway_passthrough.py`` two thirds of its CPU per
proxied GET of a 90 kB page. A GET is the simplest exchange HTTP has (no body to send, an
answer with a length or in chunks, the connection kept), so it goes over a plain asyncio
protocol, and the answer is parsed by httptools (the C parser uvicorn serves with). Calls
that send a body (the proxy's loads and writes) and HEADs stay on httpcore.

Two ways to take an answer: ``get`` gathers it whole (the view's reads); ``stream`` returns
once its head came and hands the body on as it arrives (the proxy's GETs, exports
included), reading from the socket only as fast as the caller takes it.

What goes on the wire is what httpcore sent: the same request line and headers
(``tests/gateway/test_read_connections.py``, ``tests/gateway/test_proxy_transport.py``
compare them). Failures come out as the transport's three kinds: ``ConnectFailed``,
``TimedOut``, ``TransportFailed``.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator
from typing import cast

import httptools

from gateway.upstream.failures import ConnectFailed, TimedOut, TransportFailed

RawHeaders = list[tuple[bytes, bytes]]
#: Body bytes a streamed answer holds before the socket stops being read, until the caller
#: takes them: an export's pace is the caller's, and the gateway's memory stays flat.
STREAM_HIGH_WATER = 256 * 1024


class _Exchange(asyncio.Protocol):
    """One connection: a request written, its answer gathered by the parser's callbacks.

    The caller waits (``wait``) until what it needs has come: the whole answer, or (streamed)
    its head, then each piece of its body. A failure is kept and raised at the next wait.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.parser = httptools.HttpResponseParser(self)
        self.waiter: asyncio.Future[None] | None = None
        #: A request was sent and its answer has not all come.
        self.busy = False
        #: Wake the caller at the head and each piece of the body, not only at the end.
        self.streaming = False
        self.error: Exception | None = None
        self.lost = False
        self.received = False
        self.status = 0
        self.headers: RawHeaders = []
        self.head_complete = False
        self.complete = False
        self.chunks: list[bytes] = []
        self.buffered = 0
        self.paused = False
        self.keep_alive = False
        self.idle_since = 0.0

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports are not asyncio.Transport subclasses, but have its methods.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        if not self.busy:
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
        if self.busy and self.head_complete and not self._length_stated():
            # A body without a length or chunks ends where the connection does.
            self._completed()
        elif self.busy:
            self._fail(TransportFailed("the connection closed before the whole answer came"))

    # httptools callbacks

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.status = self.parser.get_status_code()
        self.head_complete = True
        if self.streaming:
            self._wake()

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        if self.streaming:
            self.buffered += len(body)
            if self.buffered >= STREAM_HIGH_WATER and self.transport is not None:
                self.transport.pause_reading()
                self.paused = True
            self._wake()

    def on_message_complete(self) -> None:
        self.keep_alive = self.parser.should_keep_alive()
        self._completed()

    # one exchange

    def send(self, request: bytes, *, streaming: bool) -> None:
        assert self.transport is not None
        self.busy, self.streaming, self.received = True, streaming, False
        self.status, self.headers, self.chunks, self.buffered = 0, [], [], 0
        self.head_complete = self.complete = False
        self.transport.write(request)

    async def wait(self) -> None:
        """Until the parser says more (or the connection failed: raised here)."""
        if self.error is None:
            self.waiter = asyncio.get_running_loop().create_future()
            try:
                await self.waiter
            finally:
                self.waiter = None
        if self.error is not None:
            raise self.error

    async def whole(self) -> tuple[int, RawHeaders, bytes]:
        while not self.complete:
            await self.wait()
        return self.status, self.headers, b"".join(self.chunks)

    def take(self) -> bytes:
        """The body bytes come since the last take; reading resumes if it had paused."""
        data = b"".join(self.chunks)
        self.chunks, self.buffered = [], 0
        if self.paused and self.transport is not None:
            self.paused = False
            self.transport.resume_reading()
        return data

    def _length_stated(self) -> bool:
        names = {name for name, _ in self.headers}
        return b"content-length" in names or b"transfer-encoding" in names

    def _completed(self) -> None:
        self.complete = True
        self.busy = False
        self._wake()

    def _wake(self) -> None:
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    def _fail(self, error: Exception) -> None:
        if self.error is None:
            self.error = error
        self.busy = False
        self._wake()
        if self.transport is not None:
            self.transport.close()


class StreamedAnswer:
    """An answer whose head has come, its body read as the caller takes it
    (``ReadConnections.stream``); ``aclose`` gives the connection back, kept when the answer
    came whole."""

    def __init__(self, pool: ReadConnections, connection: _Exchange, timeout: float) -> None:
        self._pool = pool
        self._connection = connection
        self._timeout = timeout
        self._closed = False
        self.status = connection.status
        self.headers = connection.headers

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body, piece by piece; no byte of it for ``timeout`` seconds is ``TimedOut``."""
        connection = self._connection
        while True:
            if connection.chunks:
                yield connection.take()
            elif connection.complete:
                return
            else:
                try:
                    async with asyncio.timeout(self._timeout):
                        await connection.wait()
                except TimeoutError:
                    raise TimedOut("no more of the answer in time") from None

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            connection = self._connection
            kept = connection.complete and connection.keep_alive and not connection.lost
            if kept:
                connection.take()  # what the caller left unread, and reading resumed
            self._pool.release(connection, kept)


class ReadConnections:
    """Keep-alive connections to one upstream for GETs.

    At most ``max_connections`` are open (a streamed answer holds one until closed); a GET
    that finds none free waits up to ``pool_timeout`` (then ``TimedOut``). An idle
    connection is kept for ``keepalive_expiry`` seconds, at most ``max_idle`` of them. A
    connection the upstream closed while it was idle is found out when it is used: the GET,
    if nothing of its answer had come, is sent once more on a new connection.
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
        await self._acquire(timeout)
        connection: _Exchange | None = None
        kept = False
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                connection = await self._sent(request, deadline, streaming=False)
                status, raw, body = await connection.whole()
            kept = connection.keep_alive and not connection.lost
            return status, [(k.decode("latin-1"), v.decode("latin-1")) for k, v in raw], body
        except TimeoutError:
            raise TimedOut("no (whole) answer in time") from None
        finally:
            self.release(connection, kept)

    async def stream(self, target: bytes, headers: RawHeaders, timeout: float) -> StreamedAnswer:
        """``GET target``, returned once the answer's head came (within ``timeout``
        seconds); the caller must ``aclose`` what it gets."""
        request = _request_bytes(target, headers)
        deadline = time.monotonic() + timeout
        await self._acquire(timeout)
        connection: _Exchange | None = None
        try:
            async with asyncio.timeout_at(_loop_time(deadline)):
                connection = await self._sent(request, deadline, streaming=True)
                while not connection.head_complete:
                    await connection.wait()
        except BaseException as exc:
            self.release(connection, False)
            if isinstance(exc, TimeoutError):
                raise TimedOut("no answer in time") from None
            raise
        return StreamedAnswer(self, connection, timeout)

    async def _acquire(self, timeout: float) -> None:
        try:
            async with asyncio.timeout(min(self._pool_timeout, timeout)):
                await self._free.acquire()
        except TimeoutError:
            raise TimedOut("no free connection to the upstream in time") from None

    async def _sent(self, request: bytes, deadline: float, *, streaming: bool) -> _Exchange:
        """A connection ``request`` has been sent on: an idle one, once it has said
        something back (so that one the upstream had closed is found out), else a new one."""
        connection = self._idle_connection()
        if connection is not None:
            connection.send(request, streaming=streaming)
            try:
                await connection.wait()
                return connection
            except TransportFailed:
                _close(connection)
                if connection.received:
                    raise
                # The upstream had closed it while it was idle: once more, on a new one.
            except BaseException:
                _close(connection)  # a request in flight on it: never to be used again
                raise
        connection = await self._new_connection(deadline)
        connection.send(request, streaming=streaming)
        return connection

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

    def release(self, connection: _Exchange | None, kept: bool) -> None:
        """Give back the slot ``connection`` held; keep it for the next GET if ``kept``."""
        self._free.release()
        if connection is None:
            return
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
