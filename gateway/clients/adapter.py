"""The one module through which every upstream HTTP call of the gateway goes.

Two layers:

* a ``Transport`` is the HTTP client itself (httpx today; see ``HttpxTransport``). It only
  sends and receives, and maps its own exceptions to the three this module knows
  (``ConnectFailed``, ``TimedOut``, ``TransportFailed``), so another client can be put
  behind the same interface by writing one class and naming it in ``make_transport``;
* an ``Upstream`` wraps a transport with what the gateway adds to every call: the circuit
  breaker, the deadline, at most one retry (idempotent GETs, connect errors only) and the
  metrics. The typed clients and the proxy call ``Upstream`` only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx

from gateway.breaker import CircuitBreaker
from gateway.config import GatewaySettings, UpstreamName
from gateway.metrics import (
    UPSTREAM_CALLS,
    UPSTREAM_FAILURES,
    UPSTREAM_LATENCY,
    UPSTREAM_RETRIES,
    breaker_changed,
)

log = logging.getLogger("gateway.upstream")

Headers = Sequence[tuple[str, str]]
QueryParams = Mapping[str, str | int] | str | None
Body = bytes | AsyncIterator[bytes] | None


# --- what a transport may raise -------------------------------------------------------


class TransportError(Exception):
    """Base of the failures a transport reports; ``reason`` labels the metric."""

    reason = "transport_error"


class ConnectFailed(TransportError):
    """No connection could be made (refused, unreachable, connect timed out)."""

    reason = "connect_error"


class TimedOut(TransportError):
    """Connected, but no (complete) answer in time."""

    reason = "timeout"


class TransportFailed(TransportError):
    """The connection broke or the answer was not HTTP."""

    reason = "transport_error"


# --- what the gateway raises to its callers -------------------------------------------


class UpstreamUnavailable(Exception):
    """The upstream could not give an answer: down, hung, failing, or its breaker is open."""

    def __init__(
        self, upstream: str, reason: str, detail: str, response: UpstreamResponse | None = None
    ) -> None:
        super().__init__(f"{upstream}: {detail}")
        self.upstream = upstream
        self.reason = reason
        self.detail = detail
        self.response = response


# --- answers --------------------------------------------------------------------------


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


class StreamedResponse(Protocol):
    """An answer whose body is read as it arrives; the caller must ``aclose`` it."""

    status: int
    headers: Headers

    def aiter_raw(self) -> AsyncIterator[bytes]: ...

    async def aclose(self) -> None: ...


class Transport(Protocol):
    async def request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams,
        headers: Headers,
        timeout: float,
    ) -> UpstreamResponse: ...

    async def stream(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams,
        headers: Headers,
        content: Body,
    ) -> StreamedResponse: ...

    async def aclose(self) -> None: ...


# --- httpx ----------------------------------------------------------------------------


class _HttpxStream:
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self.status = response.status_code
        self.headers: Headers = [
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw
        ]

    async def aiter_raw(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self._response.aiter_raw():
                yield chunk
        except httpx.TimeoutException as exc:
            raise TimedOut(str(exc) or type(exc).__name__) from exc
        except httpx.TransportError as exc:
            raise TransportFailed(str(exc) or type(exc).__name__) from exc

    async def aclose(self) -> None:
        await self._response.aclose()


class HttpxTransport:
    """One long-lived ``httpx.AsyncClient`` per upstream (made at startup, closed at stop)."""

    def __init__(self, base_url: str, settings: GatewaySettings) -> None:
        limits = httpx.Limits(
            max_connections=settings.max_connections,
            max_keepalive_connections=settings.max_keepalive_connections,
            keepalive_expiry=settings.keepalive_expiry,
        )
        self.timeout = httpx.Timeout(
            settings.proxy_read_timeout,
            connect=settings.connect_timeout,
            pool=settings.pool_timeout,
        )
        self._connect_timeout = settings.connect_timeout
        self.client = httpx.AsyncClient(
            base_url=base_url,
            timeout=self.timeout,
            limits=limits,
            # retries=0: the Upstream decides what is retried; http2 off: the services speak h11.
            transport=httpx.AsyncHTTPTransport(limits=limits, http2=False, retries=0),
            follow_redirects=False,
            trust_env=False,
        )

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams,
        headers: Headers,
        timeout: float,
    ) -> UpstreamResponse:
        try:
            response = await self.client.request(
                method,
                url,
                params=params,
                headers=list(headers),
                timeout=httpx.Timeout(timeout, connect=min(self._connect_timeout, timeout)),
            )
        except Exception as exc:
            raise _map_httpx(exc) from exc
        return UpstreamResponse(
            response.status_code,
            [(k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in response.headers.raw],
            response.content,
        )

    async def stream(
        self,
        method: str,
        url: str,
        *,
        params: QueryParams,
        headers: Headers,
        content: Body,
    ) -> StreamedResponse:
        request = self.client.build_request(
            method, url, params=params, headers=list(headers), content=content
        )
        try:
            response = await self.client.send(request, stream=True)
        except Exception as exc:
            raise _map_httpx(exc) from exc
        return _HttpxStream(response)

    async def aclose(self) -> None:
        await self.client.aclose()


def _map_httpx(exc: Exception) -> Exception:
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
        return ConnectFailed(str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TimeoutException):
        return TimedOut(str(exc) or type(exc).__name__)
    if isinstance(exc, httpx.TransportError):
        return TransportFailed(str(exc) or type(exc).__name__)
    return exc


def make_transport(name: UpstreamName, settings: GatewaySettings) -> Transport:
    """The HTTP client for one upstream, as ``settings.transport`` names it."""
    base_url = settings.upstream_url(name)
    if settings.transport == "aiohttp":
        from gateway.clients.aiohttp_transport import AiohttpTransport

        return AiohttpTransport(base_url, settings)
    return HttpxTransport(base_url, settings)


# --- the gateway's side of every call -------------------------------------------------


def _outcome(status: int) -> str:
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


class Upstream:
    """One upstream service: its transport, breaker, deadline and metrics."""

    def __init__(
        self,
        name: UpstreamName,
        transport: Transport,
        *,
        deadline: float,
        breaker: CircuitBreaker,
    ) -> None:
        self.name = name
        self.transport = transport
        self.deadline = deadline
        self.breaker = breaker

    @classmethod
    def from_settings(cls, name: UpstreamName, settings: GatewaySettings) -> Upstream:
        breaker = CircuitBreaker(
            name,
            failure_threshold=settings.breaker_failures,
            cooldown=settings.breaker_cooldown,
            on_change=breaker_changed,
        )
        return cls(
            name,
            make_transport(name, settings),
            deadline=settings.upstream_timeout(name),
            breaker=breaker,
        )

    def _refuse_if_open(self) -> None:
        if not self.breaker.allow():
            UPSTREAM_CALLS.labels(self.name, "breaker_open").inc()
            UPSTREAM_FAILURES.labels(self.name, "breaker_open").inc()
            raise UpstreamUnavailable(
                self.name,
                "breaker_open",
                f"The {self.name} service failed repeatedly; calls are paused for "
                f"{self.breaker.retry_after():.1f} s more (circuit breaker open).",
            )

    def _failed(self, reason: str, elapsed: float) -> None:
        self.breaker.record_failure()
        UPSTREAM_CALLS.labels(self.name, reason).inc()
        UPSTREAM_LATENCY.labels(self.name, reason).observe(elapsed)
        UPSTREAM_FAILURES.labels(self.name, reason).inc()

    def _answered(self, status: int, elapsed: float) -> None:
        outcome = _outcome(status)
        if status >= 500:
            self.breaker.record_failure()
            UPSTREAM_FAILURES.labels(self.name, outcome).inc()
        else:
            self.breaker.record_success()
        UPSTREAM_CALLS.labels(self.name, outcome).inc()
        UPSTREAM_LATENCY.labels(self.name, outcome).observe(elapsed)

    async def get(
        self,
        path: str,
        *,
        params: QueryParams = None,
        headers: Headers = (),
        deadline: float | None = None,
        use_breaker: bool = True,
    ) -> UpstreamResponse:
        """GET within the deadline; 5xx and every transport failure raise ``UpstreamUnavailable``.

        The deadline covers the retry too: the caller never waits longer than it.
        """
        deadline = deadline or self.deadline
        if use_breaker:
            self._refuse_if_open()
        start = time.perf_counter()
        try:
            async with asyncio.timeout(deadline):
                response = await self._get_with_retry(path, params, headers, deadline)
        except TimeoutError as exc:
            raise self._failure(
                use_breaker, TimedOut(f"no answer within {deadline} s"), start
            ) from exc
        except TransportError as exc:
            raise self._failure(use_breaker, exc, start) from exc
        except BaseException:
            if use_breaker:
                self.breaker.release()
            raise
        elapsed = time.perf_counter() - start
        if use_breaker:
            self._answered(response.status, elapsed)
        if response.status >= 500:
            raise UpstreamUnavailable(
                self.name,
                "server_error",
                f"The {self.name} service answered {response.status}.",
                response,
            )
        return response

    def _failure(self, use_breaker: bool, exc: TransportError, start: float) -> UpstreamUnavailable:
        if use_breaker:
            self._failed(exc.reason, time.perf_counter() - start)
        log.warning("upstream %s unavailable: %s (%s)", self.name, exc.reason, exc)
        what = {
            "connect_error": "refused the connection or could not be reached",
            "timeout": "did not answer in time",
        }.get(exc.reason, "broke off the connection")
        return UpstreamUnavailable(self.name, exc.reason, f"The {self.name} service {what}.")

    async def _get_with_retry(
        self, path: str, params: QueryParams, headers: Headers, deadline: float
    ) -> UpstreamResponse:
        try:
            return await self.transport.request(
                "GET", path, params=params, headers=headers, timeout=deadline
            )
        except ConnectFailed:
            UPSTREAM_RETRIES.labels(self.name).inc()
            return await self.transport.request(
                "GET", path, params=params, headers=headers, timeout=deadline
            )

    async def open_stream(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams = None,
        headers: Headers = (),
        content: Body = None,
    ) -> StreamedResponse:
        """Send a request and return as soon as the answer's headers arrived.

        Every HTTP status is returned as it came (5xx included, counted against the
        breaker); only a failure to get any answer raises ``UpstreamUnavailable``.
        """
        self._refuse_if_open()
        start = time.perf_counter()
        try:
            try:
                response = await self.transport.stream(
                    method, path, params=params, headers=headers, content=content
                )
            except ConnectFailed:
                if method not in ("GET", "HEAD"):
                    raise
                UPSTREAM_RETRIES.labels(self.name).inc()
                response = await self.transport.stream(
                    method, path, params=params, headers=headers, content=content
                )
        except TransportError as exc:
            raise self._failure(True, exc, start) from exc
        except BaseException:
            self.breaker.release()
            raise
        self._answered(response.status, time.perf_counter() - start)
        return response

    async def aclose(self) -> None:
        await self.transport.aclose()
