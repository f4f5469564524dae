"""One upstream service as the gateway calls it, and the container of all of them.

``Upstream`` wraps the service's transport with what the gateway adds to every call: the
circuit breaker, the deadline, at most one retry (idempotent requests, connect errors only)
and the metrics. Three kinds of call go through it:

* ``read`` / ``read_unless_missing`` — a GET whose answer is parsed into a read model. This
  is the one place an answer's status is judged: 2xx is parsed, 401/403 raise
  ``UpstreamRefused``, anything else (and a body that does not parse) ``UpstreamFailure``.
  An answer that came with an ETag is kept parsed (``ParsedAnswers``) and asked for again
  with ``If-None-Match``: a 304 gives back the model kept, neither sent nor parsed again.
  The services keep their answers while their data stands still (``shared.readcache``), so
  a view asked again costs each service one check of its change counter;
* ``data_version`` — where the service's change counter stands (``GET /v1/data-version``),
  one ask at a time shared by every caller waiting (``SharedProbe``): what a kept view is
  confirmed with;
* ``open_stream`` — the proxy's call: every status comes back as it came, streamed.

``Upstreams`` holds one ``Upstream`` per service of the registry (``deploy/apps.toml``).

One module (past 400 lines) because the kinds of call share the breaker, the deadline,
the retry and the metrics, and how a failure is judged must read the same for all.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Hashable, Iterator, Mapping
from typing import Any, TypeVar, cast

import httpx
from pydantic import BaseModel, ValidationError

from gateway.config import GatewaySettings
from gateway.upstream.answers import (
    Checked,
    ParsedAnswers,
    checked_before,
    note_checked,
    note_failed_read,
    note_read,
)
from gateway.upstream.breaker import CircuitBreaker
from gateway.upstream.errors import FailureReason, UpstreamFailure, UpstreamRefused
from gateway.upstream.failures import ConnectFailed, TimedOut, TransportError
from gateway.upstream.metrics import (
    UPSTREAM_CALLS,
    UPSTREAM_FAILURES,
    UPSTREAM_LATENCY,
    UPSTREAM_RETRIES,
    breaker_changed,
)
from gateway.upstream.probes import SharedProbe
from gateway.upstream.transport import (
    Headers,
    HttpxTransport,
    QueryParams,
    SentBody,
    StreamedResponse,
    UpstreamResponse,
    credential_of,
)

log = logging.getLogger("gateway.upstream")

Model = TypeVar("Model", bound=BaseModel)

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD"})
#: Where a service says where its change counter stands, and the header that names it.
DATA_VERSION_PATH = "/v1/data-version"
DATA_VERSION = "data-version"
_WHAT_WENT_WRONG = {
    FailureReason.CONNECT_ERROR: "refused the connection or could not be reached",
    FailureReason.TIMEOUT: "did not answer in time",
    FailureReason.TRANSPORT_ERROR: "broke off the connection",
}


def _reason(exc: TransportError) -> FailureReason:
    if isinstance(exc, ConnectFailed):
        return FailureReason.CONNECT_ERROR
    if isinstance(exc, TimedOut):
        return FailureReason.TIMEOUT
    return FailureReason.TRANSPORT_ERROR


def _outcome(status: int) -> str:
    """The ``outcome`` label of an answered call."""
    if status >= 500:
        return "server_error"
    if status >= 400:
        return "client_error"
    return "ok"


def _version(response: UpstreamResponse) -> int | None:
    """The data version an answer names (``Data-Version``, ``shared.readcache``), if any."""
    named = response.header(DATA_VERSION)
    return int(named) if named is not None and named.isdigit() else None


def _problem_detail(response: UpstreamResponse) -> str | None:
    """The ``detail`` of a problem document the upstream answered with, if it is one."""
    try:
        body = response.json()
    except ValueError:
        return None
    detail = body.get("detail") if isinstance(body, dict) else None
    return str(detail) if detail else None


class Upstream:
    """One upstream service: its transport, breaker, deadline and metrics."""

    def __init__(
        self,
        name: str,
        transport: HttpxTransport,
        *,
        deadline: float,
        breaker: CircuitBreaker,
        base_url: str | None = None,
        answers: ParsedAnswers | None = None,
    ) -> None:
        self.name = name
        self.transport = transport
        self.deadline = deadline
        self.breaker = breaker
        #: Where the gateway calls it: the links it writes start with this.
        self.base_url = (base_url or str(transport.client.base_url)).rstrip("/")
        self.answers = answers or ParsedAnswers()
        self._versions: SharedProbe[int] = SharedProbe()

    @classmethod
    def from_settings(
        cls, name: str, settings: GatewaySettings, transport: HttpxTransport | None = None
    ) -> Upstream:
        breaker = CircuitBreaker(
            name,
            failure_threshold=settings.breaker_failures,
            cooldown=settings.breaker_cooldown,
            on_change=breaker_changed,
        )
        url = settings.upstream_url(name)
        return cls(
            name,
            transport or HttpxTransport(url, settings),
            deadline=settings.upstream_timeout(name),
            breaker=breaker,
            base_url=url,
            answers=ParsedAnswers(settings.kept_parsed_answers, settings.kept_answer_bytes),
        )

    # --- reading a model --------------------------------------------------------------

    async def read(
        self,
        path: str,
        into: type[Model],
        *,
        params: QueryParams = None,
        headers: Headers = (),
        deadline: float | None = None,
        deadline_at: float | None = None,
        use_breaker: bool = True,
    ) -> Model:
        """GET ``path`` and parse its answer into ``into``, or raise why not.

        The call ends by ``deadline_at`` (event-loop time) when given, else ``deadline``
        seconds (default: the upstream's) from now.
        """
        model = await self._read(path, params, into, headers, deadline, deadline_at, use_breaker)
        if model is None:  # only read_unless_missing makes a 404 None
            raise AssertionError("a read gave no model")
        return model

    async def read_unless_missing(
        self,
        path: str,
        into: type[Model],
        *,
        params: QueryParams = None,
        headers: Headers = (),
        deadline_at: float | None = None,
    ) -> Model | None:
        """As ``read``, with ``None`` for a 404 (the upstream has nothing there)."""
        return await self._read(
            path, params, into, headers, None, deadline_at, True, missing_is_none=True
        )

    async def _read(
        self,
        path: str,
        params: QueryParams,
        into: type[Model],
        headers: Headers,
        deadline: float | None,
        deadline_at: float | None,
        use_breaker: bool,
        *,
        missing_is_none: bool = False,
    ) -> Model | None:
        key = ParsedAnswers.key(path, params, into)
        if (found := checked_before(self.name, key)) is not None:
            return cast(Model, self._as_checked(key, found))
        kept = self.answers.get(key)
        if kept is not None:
            headers = [*headers, ("if-none-match", kept.etag)]
        try:
            response = await self._get(path, params, headers, deadline, deadline_at, use_breaker)
            if response.status == 304 and kept is not None:
                model = cast(Model, self.answers.model(key, kept))
                note_read(self.name, key, kept.etag, _version(response))
                return model
            if missing_is_none and response.status == 404:
                note_read(self.name, key, None, None)
                return None
            model = self._parsed(response, into)
        except BaseException:
            note_failed_read()
            raise
        etag = response.header("etag")
        if etag:
            self.answers.put(key, etag, response.content, model)
        note_read(self.name, key, etag, _version(response))
        return model

    # --- where the service's data stands ----------------------------------------------

    async def data_version(self, headers: Headers, *, deadline_at: float | None = None) -> int:
        """Where the service's change counter stands (``GET /v1/data-version``), asked
        after this call began; callers with the same credential share one ask out at a
        time (``SharedProbe``). A refused key raises ``UpstreamRefused``, anything else
        that is not a version by ``deadline_at`` (event-loop time) ``UpstreamFailure``."""
        credential = credential_of(headers)
        try:
            async with asyncio.timeout_at(deadline_at):
                return await self._versions.ask(credential, lambda: self._data_version(headers))
        except TimeoutError as exc:
            reason = FailureReason.TIMEOUT
            raise UpstreamFailure(
                self.name, reason, f"The {self.name} service {_WHAT_WENT_WRONG[reason]}."
            ) from exc

    def note_standing(self, key: Hashable, etag: str, version: int) -> None:
        """Note, for the reads of this view that follow (``answers.checking``), that the
        answer to ``key`` named ``etag`` still stands: the service's data stood still at
        ``version`` since it was made. Nothing is noted for an answer no longer kept."""
        kept = self.answers.get(key)
        if kept is not None and kept.etag == etag:
            note_checked(self.name, key, Checked(etag, kept=kept, version=version))

    async def _data_version(self, headers: Headers) -> int:
        response = await self._get(DATA_VERSION_PATH, None, headers, None, None, True)
        if response.status in (401, 403):
            raise UpstreamRefused(self.name, response)
        version = _version(response)
        if response.status != 200 or version is None:
            raise UpstreamFailure(
                self.name,
                FailureReason.UNEXPECTED_STATUS,
                f"The {self.name} service answered {response.status} without a data version.",
                response.status,
            )
        return version

    async def unchanged(
        self, key: Hashable, etag: str, *, headers: Headers, deadline_at: float | None
    ) -> bool:
        """Whether the answer to ``key`` (``ParsedAnswers.key``) is still the one named
        ``etag``: a 304 to ``If-None-Match``. A refusal (401/403) is raised, as a read
        raises it; whatever else comes (a newer answer, a failure) is kept for the read of
        the same view that follows (``answers.checking``), which then does not ask again."""
        if (found := checked_before(self.name, key)) is not None:
            # Found already for this view: its service's data stood still, or it failed.
            return found.failure is None and found.kept is not None and found.etag == etag
        path, params, into = cast(tuple[str, Any, type[BaseModel]], key)
        query = dict(params) if isinstance(params, tuple) else params
        kept = self.answers.get(key)
        try:
            response = await self._get(
                path, query, [*headers, ("if-none-match", etag)], None, deadline_at, True
            )
            if response.status == 304 and kept is not None and kept.etag == etag:
                note_checked(self.name, key, Checked(etag, kept=kept, version=_version(response)))
                return True
            if response.status == 404:
                return False  # the read asks again: it may take a 404 for "none"
            model = self._parsed(response, into)
        except UpstreamRefused:
            raise
        except UpstreamFailure as failure:
            note_checked(self.name, key, Checked(failure=failure))
            return False
        newer = response.header("etag")
        if newer:
            self.answers.put(key, newer, response.content, model)
        note_checked(self.name, key, Checked(newer, model=model, version=_version(response)))
        return False

    def _as_checked(self, key: Hashable, found: Checked) -> Any:
        """A read answered by the check made of it just before (``unchanged``)."""
        if found.failure is not None:
            note_failed_read()
            raise found.failure
        model = found.model if found.kept is None else self.answers.model(key, found.kept)
        note_read(self.name, key, found.etag, found.version)
        return model

    def _parsed(self, response: UpstreamResponse, into: type[Model]) -> Model:
        status = response.status
        if status in (401, 403):
            raise UpstreamRefused(self.name, response)
        if not 200 <= status < 300:
            detail = _problem_detail(response)
            raise UpstreamFailure(
                self.name,
                FailureReason.SERVER_ERROR if status >= 500 else FailureReason.UNEXPECTED_STATUS,
                f"The {self.name} service answered {status}" + (f": {detail}" if detail else "."),
                status,
            )
        try:
            return into.model_validate_json(response.content)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"]) or "the body"
            log.warning("upstream %s answered an unreadable body: %s", self.name, exc)
            raise UpstreamFailure(
                self.name,
                FailureReason.UNEXPECTED_BODY,
                f"The {self.name} service answered a body the gateway cannot read "
                f"({where}: {first['msg']}).",
                status,
            ) from exc

    async def _get(
        self,
        path: str,
        params: QueryParams,
        headers: Headers,
        deadline: float | None,
        deadline_at: float | None,
        use_breaker: bool,
    ) -> UpstreamResponse:
        """GET by the deadline, the retry included: the caller never waits longer."""
        loop = asyncio.get_running_loop()
        if deadline_at is None:
            deadline_at = loop.time() + (deadline or self.deadline)
        elif deadline_at <= loop.time():
            # The view's time ran out before this call could go out: nothing is said about
            # the upstream, so the breaker is neither asked nor told.
            reason = FailureReason.TIMEOUT
            raise UpstreamFailure(
                self.name, reason, f"The {self.name} service {_WHAT_WENT_WRONG[reason]}."
            )
        if use_breaker:
            self._refuse_if_open()
        start = time.perf_counter()
        try:
            async with asyncio.timeout_at(deadline_at):
                response = await self._get_with_retry(path, params, headers, deadline_at)
        except TimeoutError as exc:
            failure = TimedOut("no answer by the deadline")
            raise self._failure(use_breaker, failure, start) from exc
        except TransportError as exc:
            raise self._failure(use_breaker, exc, start) from exc
        except BaseException:
            if use_breaker:
                self.breaker.release()
            raise
        if use_breaker:
            self._answered(response.status, time.perf_counter() - start)
        return response

    async def _get_with_retry(
        self, path: str, params: QueryParams, headers: Headers, deadline_at: float
    ) -> UpstreamResponse:
        loop = asyncio.get_running_loop()

        async def once() -> UpstreamResponse:
            left = deadline_at - loop.time()
            if left <= 0:
                raise TimedOut("no time left before the deadline")
            return await self.transport.request(
                "GET", path, params=params, headers=headers, timeout=left
            )

        try:
            return await once()
        except ConnectFailed:
            UPSTREAM_RETRIES.labels(self.name).inc()
            return await once()

    # --- streaming (the proxy) --------------------------------------------------------

    async def open_stream(
        self,
        method: str,
        path: str | httpx.URL,
        *,
        params: QueryParams = None,
        headers: Headers = (),
        content: AsyncIterator[bytes] | None = None,
        timeout: float,
    ) -> StreamedResponse:
        """Send a request and return as soon as the answer's headers arrived.

        Every HTTP status is returned as it came (5xx included, counted against the
        breaker); only a failure to get any answer raises ``UpstreamFailure``. No answer
        within ``timeout`` seconds, or a pause that long in its body, is a timeout.

        What the breaker counts is what says the upstream is unwell: a 5xx, a timeout, a
        refused or broken connection. Never an answer to the caller's bad request (a 4xx),
        nor what the caller's own request caused: its body refused at the gateway, the
        caller gone, or the connection broken off while the upstream was still being sent
        the body (it answered early, e.g. 401 or 413, and stopped reading).
        """
        self._refuse_if_open()
        body = SentBody(content) if content is not None else None
        start = time.perf_counter()
        try:
            try:
                response = await self.transport.stream(
                    method, path, params=params, headers=headers, content=body, timeout=timeout
                )
            except ConnectFailed:
                if method not in IDEMPOTENT_METHODS:
                    raise
                UPSTREAM_RETRIES.labels(self.name).inc()
                response = await self.transport.stream(
                    method, path, params=params, headers=headers, content=body, timeout=timeout
                )
        except TransportError as exc:
            body_cut_short = (
                body is not None and not body.complete and not isinstance(exc, TimedOut)
            )
            if body_cut_short:
                self.breaker.release()
            raise self._failure(not body_cut_short, exc, start) from exc
        except BaseException:
            self.breaker.release()
            raise
        self._answered(response.status, time.perf_counter() - start)
        response.on_broken = self._broke_off
        return response

    async def read_whole(self, reply: StreamedResponse) -> bytes:
        """The whole body of a streamed answer (then closed), or the failure it broke off in."""
        try:
            return await reply.aread()
        except TransportError as exc:
            reason = _reason(exc)
            raise UpstreamFailure(
                self.name, reason, f"The {self.name} service {_WHAT_WENT_WRONG[reason]}."
            ) from exc
        finally:
            await reply.aclose()

    def _broke_off(self, exc: TransportError) -> None:
        """A streamed body stopped coming (no chunk in time, a broken connection)."""
        reason = _reason(exc)
        self.breaker.record_failure()
        UPSTREAM_FAILURES.labels(self.name, reason.value).inc()
        log.warning("upstream %s broke off a body: %s (%s)", self.name, reason.value, exc)

    # --- breaker and metrics ----------------------------------------------------------

    def _refuse_if_open(self) -> None:
        if not self.breaker.allow():
            reason = FailureReason.BREAKER_OPEN
            UPSTREAM_CALLS.labels(self.name, reason.value).inc()
            UPSTREAM_FAILURES.labels(self.name, reason.value).inc()
            raise UpstreamFailure(
                self.name,
                reason,
                f"The {self.name} service failed repeatedly; calls are paused for "
                f"{self.breaker.retry_after():.1f} s more (circuit breaker open).",
            )

    def _failure(self, counted: bool, exc: TransportError, start: float) -> UpstreamFailure:
        """The failure ``exc`` becomes; ``counted``: it says the upstream is unwell (the
        breaker and the metrics count it)."""
        reason = _reason(exc)
        if counted:
            self.breaker.record_failure()
            UPSTREAM_CALLS.labels(self.name, reason.value).inc()
            UPSTREAM_LATENCY.labels(self.name, reason.value).observe(time.perf_counter() - start)
            UPSTREAM_FAILURES.labels(self.name, reason.value).inc()
        log.warning("upstream %s unavailable: %s (%s)", self.name, reason.value, exc)
        return UpstreamFailure(
            self.name, reason, f"The {self.name} service {_WHAT_WENT_WRONG[reason]}."
        )

    def _answered(self, status: int, elapsed: float) -> None:
        outcome = _outcome(status)
        if status >= 500:
            self.breaker.record_failure()
            UPSTREAM_FAILURES.labels(self.name, outcome).inc()
        else:
            self.breaker.record_success()
        UPSTREAM_CALLS.labels(self.name, outcome).inc()
        UPSTREAM_LATENCY.labels(self.name, outcome).observe(elapsed)

    async def aclose(self) -> None:
        await self.transport.aclose()


class Upstreams(Mapping[str, Upstream]):
    """The upstreams by service name, in registry order, as the app holds them."""

    def __init__(self, upstreams: Mapping[str, Upstream]) -> None:
        self._by_name = dict(upstreams)

    @classmethod
    def from_settings(cls, settings: GatewaySettings) -> Upstreams:
        return cls({name: Upstream.from_settings(name, settings) for name in settings.upstreams})

    def __getitem__(self, name: str) -> Upstream:
        return self._by_name[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    async def aclose(self) -> None:
        await asyncio.gather(*(u.aclose() for u in self._by_name.values()))
