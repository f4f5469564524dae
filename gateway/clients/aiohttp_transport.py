"""An aiohttp-based ``Transport``, behind the same interface as the httpx one.

Chosen with ``GATEWAY_TRANSPORT=aiohttp``; needs the ``aiohttp`` package, which the
default (httpx) set-up does not. It exists to measure httpx's connection pool against
another client on this workload (see ``bench/gateway_followup.py``).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
from yarl import URL

from gateway.clients.adapter import (
    Body,
    ConnectFailed,
    Headers,
    QueryParams,
    TimedOut,
    TransportFailed,
    UpstreamResponse,
)
from gateway.config import GatewaySettings


def _map(exc: BaseException) -> BaseException:
    if isinstance(exc, aiohttp.ClientConnectorError | aiohttp.ConnectionTimeoutError):
        return ConnectFailed(str(exc) or type(exc).__name__)
    if isinstance(exc, asyncio.TimeoutError | aiohttp.ServerTimeoutError):
        return TimedOut(str(exc) or type(exc).__name__)
    if isinstance(exc, aiohttp.ClientError):
        return TransportFailed(str(exc) or type(exc).__name__)
    return exc


def _headers(response: aiohttp.ClientResponse) -> Headers:
    return [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.raw_headers]


class _AiohttpStream:
    def __init__(self, response: aiohttp.ClientResponse) -> None:
        self._response = response
        self.status = response.status
        self.headers = _headers(response)

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.content.iter_any():
                yield chunk
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _map(exc) from exc

    async def aclose(self) -> None:
        self._response.release()


class AiohttpTransport:
    def __init__(self, base_url: str, settings: GatewaySettings) -> None:
        self.base_url = base_url
        self._connect_timeout = settings.connect_timeout
        self._proxy_timeout = aiohttp.ClientTimeout(
            total=None, connect=settings.connect_timeout, sock_read=settings.proxy_read_timeout
        )
        self._session: aiohttp.ClientSession | None = None
        self._limit = settings.max_connections
        self._keepalive = settings.keepalive_expiry

    @property
    def session(self) -> aiohttp.ClientSession:
        # Made on first use, inside the running loop (the lifespan's).
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(
                    limit=self._limit, keepalive_timeout=self._keepalive or None
                ),
                timeout=self._proxy_timeout,
                auto_decompress=False,
                skip_auto_headers=("User-Agent",),
            )
        return self._session

    def _url(self, path: str) -> URL:
        return URL(self.base_url + path, encoded=True)

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams,
        headers: Headers,
        timeout: float,
    ) -> UpstreamResponse:
        query = {k: str(v) for k, v in params.items()} if isinstance(params, dict) else params
        try:
            async with self.session.request(
                method,
                self._url(url),
                params=query,
                headers=list(headers),
                timeout=aiohttp.ClientTimeout(
                    total=timeout, connect=min(self._connect_timeout, timeout)
                ),
            ) as response:
                body = await response.read()
                return UpstreamResponse(response.status, _headers(response), body)
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _map(exc) from exc

    async def stream(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams,
        headers: Headers,
        content: Body,
    ) -> _AiohttpStream:
        try:
            response = await self.session.request(
                method, self._url(url), params=params, headers=list(headers), data=content
            )
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise _map(exc) from exc
        return _AiohttpStream(response)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
