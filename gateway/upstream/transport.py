"""The HTTP client under every upstream call: one long-lived ``httpx.AsyncClient`` per upstream.

It only sends and receives. Its failures come out as three kinds, which ``Upstream`` counts,
retries and turns into an ``UpstreamFailure``: ``ConnectFailed``, ``TimedOut`` and
``TransportFailed``. Headers come back lower-cased; bodies as raw bytes, never decoded, so
the proxy passes them on exactly as they came.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterable, AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from gateway.config import GatewaySettings

Headers = Sequence[tuple[str, str]]
QueryParams = Mapping[str, str | int] | str | None
Body = bytes | AsyncIterable[bytes] | None


class TransportError(Exception):
    """The HTTP exchange failed before a whole answer arrived."""


class ConnectFailed(TransportError):
    """No connection could be made (refused, unreachable, connect timed out)."""


class TimedOut(TransportError):
    """Connected, but no (complete) answer in time."""


class TransportFailed(TransportError):
    """The connection broke or the answer was not HTTP."""


def _sorted_out(exc: Exception) -> Exception:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return ConnectFailed(str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TimeoutException):
        return TimedOut(str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TransportError):
        return TransportFailed(str(exc) or type(exc).__name__)
    return exc


def _headers(response: httpx.Response) -> Headers:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw]


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

    ``on_broken`` is told when the body breaks off (no chunk in time, a broken connection).
    """

    def __init__(
        self,
        response: httpx.Response,
        on_broken: Callable[[TransportError], None] | None = None,
    ) -> None:
        self._response = response
        self.status = response.status_code
        self.headers = _headers(response)
        self.on_broken = on_broken

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k == name), None)

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except httpx.TransportError as exc:
            broken = _sorted_out(exc)
            if self.on_broken is not None and isinstance(broken, TransportError):
                self.on_broken(broken)
            raise broken from exc

    async def aread(self) -> bytes:
        """The whole body (for the small answers the proxy rewrites)."""
        return b"".join([chunk async for chunk in self.aiter_raw()])

    async def aclose(self) -> None:
        await self._response.aclose()


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
        limits = httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_keepalive_connections,
            keepalive_expiry=settings.keepalive_expiry,
        )
        self._connect_timeout = settings.connect_timeout
        self._pool_timeout = settings.pool_timeout
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(
                settings.proxy_timeout,
                connect=settings.connect_timeout,
                pool=settings.pool_timeout,
            ),
            limits=limits,
            # retries=0: the Upstream decides what is retried; http2 off: the services speak h11.
            transport=network or httpx.AsyncHTTPTransport(limits=limits, http2=False, retries=0),
            follow_redirects=False,
            trust_env=False,
        )

    async def request(
        self, method: str, url: str, *, params: QueryParams, headers: Headers, timeout: float
    ) -> UpstreamResponse:
        """Send and read the whole answer within ``timeout`` seconds."""
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

    async def stream(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: QueryParams,
        headers: Headers,
        content: Body,
        timeout: float,
    ) -> StreamedResponse:
        """Send and return once the answer's headers arrived: no byte of it for ``timeout``
        seconds is a ``TimedOut``, and so, later, is a pause that long in its body."""
        request = self.client.build_request(
            method,
            url,
            params=params,
            headers=list(headers),
            content=content,
            timeout=httpx.Timeout(
                timeout, connect=min(self._connect_timeout, timeout), pool=self._pool_timeout
            ),
        )
        try:
            response = await self.client.send(request, stream=True)
        except Exception as exc:
            raise _sorted_out(exc) from exc
        return StreamedResponse(response)

    async def aclose(self) -> None:
        await self.client.aclose()
