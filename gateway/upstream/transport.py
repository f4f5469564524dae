"""The HTTP client under every upstream call: one long-lived ``httpx.AsyncClient`` per upstream.

It only sends and receives. Its failures come out as three kinds, which ``Upstream`` counts,
retries and turns into an ``UpstreamFailure``: ``ConnectFailed``, ``TimedOut`` and
``TransportFailed``. Headers come back lower-cased; bodies as raw bytes, never decoded, so
the proxy passes them on exactly as they came.

A GET, the view's reads and the proxy's streamed GETs alike, goes over connections of its
own (``reads``, which says why); a streamed call with a body (the proxy's loads and writes)
or a HEAD to the client's connection pool (httpcore) directly; the request target and
headers as bytes either way: ``httpx.AsyncClient``
would parse and merge its URL, normalise every header, run its auth, redirect and cookie
machinery and wrap the answer, a large share of the gateway's CPU per proxied request
(``bench/gateway_passthrough.py``, ``bench/gateway_followup.py``). What goes on the wire is
what the client sent before: the same request line, the same default headers (a read asks
for its body as it is, ``Accept-Encoding: identity``).
A transport given as ``network`` (an app in the same process) is still called through httpx.

One module (just past 400 lines) because the proxy's streams and the view's reads build
their request target and headers the same way (``_with_defaults``), and the httpx fallback
beside them must send what they send.
"""

from __future__ import annotations

import json
import re
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Mapping,
    Sequence,
)
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import httpcore
import httpx

from gateway.config import GatewaySettings
from gateway.upstream.failures import ConnectFailed, TimedOut, TransportError, TransportFailed
from gateway.upstream.reads import ReadConnections

Headers = Sequence[tuple[str, str]]


def credential_of(headers: Headers) -> str:
    """The ``Authorization`` a call carries (empty without): who the services judge."""
    return next((value for name, value in headers if name == "authorization"), "")


QueryParams = Mapping[str, str | int] | str | None
Body = bytes | AsyncIterable[bytes] | None


#: A path and query already percent-encoded, as the proxy makes them (``proxy_paths``).
_ENCODED_TARGET = re.compile(r"/[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*")


#: httpcore's failures of an exchange (it has no common base class for them).
_HTTPCORE_FAILURES = (
    httpcore.TimeoutException,
    httpcore.NetworkError,
    httpcore.ProtocolError,
    httpcore.UnsupportedProtocol,
)
#: An httpx or httpcore failure: what ``_sorted_out`` sorts.
_EXCHANGE_FAILURES = (httpx.TransportError, *_HTTPCORE_FAILURES)


def _sorted_out(exc: Exception) -> Exception:
    what = str(exc) or type(exc).__name__
    connect = (httpx.ConnectError, httpx.ConnectTimeout, httpcore.ConnectError)
    if isinstance(exc, (*connect, httpcore.ConnectTimeout)):
        return ConnectFailed(what)
    if isinstance(exc, httpx.TimeoutException | httpcore.TimeoutException):
        return TimedOut(what)
    if isinstance(exc, _EXCHANGE_FAILURES):
        return TransportFailed(what)
    return exc


def _headers(response: httpx.Response) -> Headers:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw]


RawHeaders = list[tuple[bytes, bytes]]


@dataclass(frozen=True)
class UpstreamResponse:
    """A buffered answer (headers lower-cased)."""

    status: int
    headers: Headers
    content: bytes

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    def json(self) -> Any:
        return json.loads(self.content)


class StreamedResponse:
    """An answer whose body is read as it arrives; the caller must ``aclose`` it.

    ``raw_headers`` are as they came but for their names, lower-cased; ``headers`` is the
    same as text. ``on_broken`` is told when the body breaks off (no chunk in time, a broken
    connection).
    """

    def __init__(
        self,
        status: int,
        raw_headers: RawHeaders,
        chunks: AsyncIterable[bytes],
        close: Callable[[], Awaitable[None]],
        on_broken: Callable[[TransportError], None] | None = None,
    ) -> None:
        self.status = status
        self.raw_headers = raw_headers
        self._chunks = chunks
        self._close = close
        self.on_broken = on_broken
        self._headers: Headers | None = None

    @classmethod
    def of_httpx(cls, response: httpx.Response) -> StreamedResponse:
        raw = [(k.lower(), v) for k, v in response.headers.raw]
        return cls(response.status_code, raw, response.aiter_raw(), response.aclose)

    @classmethod
    def of_httpcore(cls, response: httpcore.Response) -> StreamedResponse:
        raw = [(k.lower(), v) for k, v in response.headers]
        return cls(response.status, raw, response.aiter_stream(), response.aclose)

    @property
    def headers(self) -> Headers:
        if self._headers is None:
            self._headers = [
                (k.decode("latin-1"), v.decode("latin-1")) for k, v in self.raw_headers
            ]
        return self._headers

    def header(self, name: str) -> str | None:
        wanted = name.lower().encode("latin-1")
        return next((v.decode("latin-1") for k, v in self.raw_headers if k == wanted), None)

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._chunks:
                yield chunk
        except TransportError as exc:  # a streamed GET's own connection broke off
            if self.on_broken is not None:
                self.on_broken(exc)
            raise
        except _EXCHANGE_FAILURES as exc:
            broken = _sorted_out(exc)
            if self.on_broken is not None and isinstance(broken, TransportError):
                self.on_broken(broken)
            raise broken from exc

    async def aread(self) -> bytes:
        """The whole body (for the small answers the proxy rewrites)."""
        return b"".join([chunk async for chunk in self.aiter_raw()])

    async def aclose(self) -> None:
        await self._close()


class SentBody:
    """A request body passed on chunk by chunk, remembering whether it was sent whole.

    A connection that breaks while the body is still being sent most often means the
    upstream answered early and stopped reading (a refused key, a body too large): the
    caller's request, not the upstream's health, is at fault.
    """

    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks
        self.complete = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk
        self.complete = True


class HttpxTransport:
    """One upstream's connection pool (made at startup, closed at stop).

    ``network`` replaces the sockets, e.g. with ``httpx.ASGITransport`` to call an app in
    the same process (the contract tests do).
    """

    def __init__(
        self,
        base_url: str,
        settings: GatewaySettings,
        *,
        network: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._connect_timeout = settings.connect_timeout
        self._pool_timeout = settings.pool_timeout
        limits = httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_keepalive_connections,
            keepalive_expiry=settings.keepalive_expiry,
        )
        sockets = network or httpx.AsyncHTTPTransport(limits=limits, http2=False, retries=0)
        #: The connection pool streamed calls go to directly (shared with ``client``); none
        #: when ``network`` replaces the sockets.
        self._pool: httpcore.AsyncConnectionPool | None = (
            sockets._pool if isinstance(sockets, httpx.AsyncHTTPTransport) else None
        )
        base = httpx.URL(base_url)
        self._scheme = base.raw_scheme
        self._host = base.raw_host
        self._port = base.port
        self._prefix = base.raw_path.rstrip(b"/")
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(
                settings.proxy_timeout,
                connect=settings.connect_timeout,
                pool=settings.pool_timeout,
            ),
            limits=limits,
            # retries=0: the Upstream decides what is retried; http2 off: the services speak h11.
            transport=sockets,
            follow_redirects=False,
            trust_env=False,
        )
        #: The GETs' own keep-alive connections (``reads``' docstring says why): the view's
        #: reads on one set, the proxy's streamed GETs on another (so that long exports
        #: never take the view's connections), beside the pool the calls with a body take;
        #: none when ``network`` replaces the sockets.
        self._reads: ReadConnections | None = None
        self._gets: ReadConnections | None = None
        if self._pool is not None and self._scheme == b"http":
            self._reads, self._gets = (
                ReadConnections(
                    base.host,
                    base.port or 80,
                    max_connections=settings.max_connections,
                    max_idle=settings.max_keepalive_connections,
                    keepalive_expiry=settings.keepalive_expiry,
                    connect_timeout=settings.connect_timeout,
                    pool_timeout=settings.pool_timeout,
                )
                for _ in range(2)
            )
        #: What the client adds to every request unless the caller's headers say otherwise.
        self._defaults: RawHeaders = [
            (b"host", base.netloc),
            *((k.lower(), v) for k, v in self.client.headers.raw),
        ]

    async def request(
        self, method: str, url: str, *, params: QueryParams, headers: Headers, timeout: float
    ) -> UpstreamResponse:
        """Send and read the whole answer within ``timeout`` seconds."""
        target = self._read_target(url, params) if self._pool is not None else None
        if target is not None:
            return await self._request_direct(method, target, headers, timeout)
        try:
            response = await self.client.request(
                method,
                url,
                params=params,
                headers=list(headers),
                timeout=httpx.Timeout(timeout, connect=min(self._connect_timeout, timeout)),
            )
        except Exception as exc:
            raise _sorted_out(exc) from exc
        return UpstreamResponse(response.status_code, _headers(response), response.content)

    def _read_target(self, url: str, params: QueryParams) -> bytes | None:
        """The request target of a read (path and its parameters), or ``None`` for a path
        that is not already percent-encoded (httpx encodes it)."""
        if not _ENCODED_TARGET.fullmatch(url) or "?" in url:
            return None
        query = params if isinstance(params, str) else urlencode(params or {}, quote_via=quote)
        return self._prefix + url.encode("ascii") + (b"?" + query.encode("ascii") if query else b"")

    async def _request_direct(
        self, method: str, target: bytes, headers: Headers, timeout: float
    ) -> UpstreamResponse:
        """A read straight on the connection pool, as a streamed call goes (the module's
        docstring says why). It asks for the body as it is (no ``Accept-Encoding``): over
        the suite's own network, compressing it would only cost both ends CPU."""
        assert self._pool is not None  # for mypy: only called with a pool
        sent = self._with_defaults([*headers, ("accept-encoding", "identity")], False)
        if self._reads is not None and method == "GET":
            status, headers_out, content = await self._reads.get(target, sent, timeout)
            return UpstreamResponse(status, headers_out, content)
        request = httpcore.Request(
            method.encode("ascii"),
            httpcore.URL(scheme=self._scheme, host=self._host, port=self._port, target=target),
            headers=sent,
            extensions={"timeout": self._timeouts(timeout)},
        )
        try:
            response = await self._pool.handle_async_request(request)
            try:
                content = await response.aread()
            finally:
                await response.aclose()
        except _HTTPCORE_FAILURES as exc:
            raise _sorted_out(exc) from exc
        headers_out = [
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers
        ]
        return UpstreamResponse(response.status, headers_out, content)

    async def stream(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: QueryParams,
        headers: Headers | RawHeaders,
        content: Body,
        timeout: float,
    ) -> StreamedResponse:
        """Send and return once the answer's headers arrived: no byte of it for ``timeout``
        seconds is a ``TimedOut``, and so, later, is a pause that long in its body.

        ``url`` is a path (with its query) on the upstream, or an ``httpx.URL`` of one."""
        target = self._target(url) if params is None and self._pool is not None else None
        if target is None:
            return await self._stream_through_httpx(
                method, url, params=params, headers=headers, content=content, timeout=timeout
            )
        assert self._pool is not None  # for mypy: a target is only made with a pool
        if self._gets is not None and method == "GET" and content is None:
            answer = await self._gets.stream(target, self._with_defaults(headers, False), timeout)
            return StreamedResponse(answer.status, answer.headers, answer.chunks(), answer.aclose)
        request = httpcore.Request(
            method.encode("ascii"),
            httpcore.URL(scheme=self._scheme, host=self._host, port=self._port, target=target),
            headers=self._with_defaults(headers, content is not None),
            content=content,
            extensions={"timeout": self._timeouts(timeout)},
        )
        try:
            response = await self._pool.handle_async_request(request)
        except _HTTPCORE_FAILURES as exc:
            raise _sorted_out(exc) from exc
        return StreamedResponse.of_httpcore(response)

    def _timeouts(self, timeout: float) -> dict[str, float]:
        """httpcore's timeouts of a call that must end within ``timeout`` seconds."""
        return {
            "connect": min(self._connect_timeout, timeout),
            "read": timeout,
            "write": timeout,
            "pool": self._pool_timeout,
        }

    def _target(self, url: str | httpx.URL) -> bytes | None:
        """The request target of ``url`` as it goes on the wire; ``None`` for a path that is
        not already percent-encoded (httpx encodes it)."""
        if isinstance(url, httpx.URL):
            if url.is_absolute_url:
                return None
            return self._prefix + url.raw_path
        if not _ENCODED_TARGET.fullmatch(url):
            return None
        return self._prefix + url.encode("ascii")

    def _with_defaults(
        self, headers: Iterable[tuple[str | bytes, str | bytes]], body: bool
    ) -> RawHeaders:
        """``headers`` as bytes, after the client's defaults they do not replace, as httpx
        sends them; a body of unstated length goes chunked."""
        given: RawHeaders = [
            (
                (k if isinstance(k, bytes) else k.encode("latin-1")).lower(),
                v if isinstance(v, bytes) else v.encode("latin-1"),
            )
            for k, v in headers
        ]
        names = {k for k, _ in given}
        sent = [(k, v) for k, v in self._defaults if k not in names]
        sent.extend(given)
        if body and b"content-length" not in names and b"transfer-encoding" not in names:
            sent.append((b"transfer-encoding", b"chunked"))
        return sent

    async def _stream_through_httpx(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: QueryParams,
        headers: Headers | RawHeaders,
        content: Body,
        timeout: float,
    ) -> StreamedResponse:
        as_text = [
            (
                k if isinstance(k, str) else k.decode("latin-1"),
                v if isinstance(v, str) else v.decode("latin-1"),
            )
            for k, v in headers
        ]
        request = self.client.build_request(
            method,
            url,
            params=params,
            headers=as_text,
            content=content,
            timeout=httpx.Timeout(
                timeout, connect=min(self._connect_timeout, timeout), pool=self._pool_timeout
            ),
        )
        try:
            response = await self.client.send(request, stream=True)
        except Exception as exc:
            raise _sorted_out(exc) from exc
        return StreamedResponse.of_httpx(response)

    async def aclose(self) -> None:
        for connections in (self._reads, self._gets):
            if connections is not None:
                connections.close()
        await self.client.aclose()
