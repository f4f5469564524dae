"""The client's connection to the suite: one ``httpx.Client`` per base URL, the key, retries.

Retries are for calls that may be repeated without harm, and only those:

- ``GET`` and ``PUT`` (a PUT replaces a resource with the same content again), and
- the loads (``POST /v1/results``, ``/v1/outcomes``, ``/v1/forecasts``, ``/v1/reports``,
  ``/v1/totals`` ...): rows are upserted on their key (reports on their natural key), so
  sending the same rows twice stores them once and changes nothing the second time.

They are retried on a connection error or a broken-off answer and on 429, 502, 503 and 504,
with exponential backoff (``Retry-After`` when the suite sends one), a bounded number of
times. A call that is not idempotent (creating an assignment, a PATCH, a DELETE, a single
status report) is retried only when the connection could not be made at all, since then
nothing was sent. A load body is re-read from its start for each attempt.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Literal

import httpx

from followup.errors import Unreachable, error_for
from followup.loads import LoadBody, LoadResult, OnBytes, as_body

ENV_URL = "FOLLOWUP_URL"
ENV_KEY = "FOLLOWUP_KEY"
#: The gateway of ``make run``: one host for every route.
DEFAULT_URL = "http://127.0.0.1:8000"
#: Most rows a list page may hold (the suite's ``limit`` maximum).
MAX_PAGE = 10_000

Params = Mapping[str, str | int | bool | None]
#: What a load sends: a ``LoadBody``, a file's path, bytes (JSON or CSV) or rows.
LoadSource = LoadBody | Path | str | bytes | Sequence[dict[str, Any]]
#: ``atomic`` (any bad row: nothing written) or ``partial`` (the good rows written).
LoadMode = Literal["atomic", "partial"]
#: What a load body is made of for one attempt: bytes, or chunks read afresh.
BodyFactory = Callable[[], bytes | Iterable[bytes]]


@dataclass(frozen=True)
class Retry:
    """How idempotent calls are retried: ``attempts`` tries in all, waiting
    ``backoff * 2**n`` seconds (at most ``max_backoff``) before try ``n + 2``."""

    attempts: int = 4
    backoff: float = 0.5
    max_backoff: float = 8.0
    statuses: frozenset[int] = field(default_factory=lambda: frozenset({429, 502, 503, 504}))

    def delay(self, failed_tries: int, retry_after: str | None = None) -> float:
        """Seconds to wait after ``failed_tries`` failed tries (``Retry-After`` if given)."""
        if retry_after and retry_after.strip().isdigit():
            return min(float(retry_after.strip()), self.max_backoff)
        return min(self.backoff * 2.0 ** (failed_tries - 1), self.max_backoff)


NO_RETRY = Retry(attempts=1)


class Item(dict[str, Any]):
    """A resource as the suite answered it, with its ``ETag`` (for ``If-Match``)."""

    etag: str | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> Item:
        item = cls(response.json())
        item.etag = response.headers.get("etag")
        return item


def _clean(params: Params | None) -> dict[str, str | int] | None:
    """Query parameters without the ones not given; booleans as ``true`` / ``false``. None
    when there are none: httpx would replace a URL's own query (a ``next``) with ``{}``."""
    out: dict[str, str | int] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out or None


class Api:
    """The HTTP core every resource's methods use."""

    def __init__(
        self,
        base_url: str | None = None,
        key: str | None = None,
        *,
        timeout: float = 300.0,
        retry: Retry | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = (base_url or os.environ.get(ENV_URL) or DEFAULT_URL).rstrip("/")
        self.key = key if key is not None else os.environ.get(ENV_KEY)
        self.retry = retry or Retry()
        self._sleep = sleep
        headers = {"User-Agent": "followup-client"}
        if self.key:
            headers["Authorization"] = f"Bearer {self.key}"
        self.http = httpx.Client(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=10.0),
            transport=transport,
        )

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ sending

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Params | None = None,
        json: Any = None,
        body: BodyFactory | None = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        stream: bool = False,
    ) -> httpx.Response:
        """Send a request (retried when idempotent, see the module) and return the answer;
        an error status raises the ``ApiError`` for it, no answer ``Unreachable``. With
        ``stream`` the body is left to read (and the answer to close) by the caller."""
        if idempotent is None:
            idempotent = method in ("GET", "HEAD", "PUT")
        tries = self.retry.attempts
        for attempt in range(1, tries + 1):
            request = self.http.build_request(
                method,
                url,
                params=_clean(params),
                json=json,
                content=body() if body is not None else None,
                headers=headers,
            )
            try:
                response = self.http.send(request, stream=stream)
            except httpx.TransportError as exc:
                nothing_sent = isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
                if attempt == tries or not (idempotent or nothing_sent):
                    raise Unreachable(self.base_url, exc) from exc
                self._sleep(self.retry.delay(attempt))
                continue
            if idempotent and attempt < tries and response.status_code in self.retry.statuses:
                response.close()
                self._sleep(self.retry.delay(attempt, response.headers.get("retry-after")))
                continue
            if response.is_error:
                try:
                    response.read()
                finally:
                    response.close()
                raise error_for(response)
            return response
        raise AssertionError("unreachable: the last try returns or raises")  # pragma: no cover

    def get_json(self, path: str, params: Params | None = None) -> Any:
        return self.send("GET", path, params=params).json()

    def get_item(self, path: str, params: Params | None = None) -> Item:
        return Item.of(self.send("GET", path, params=params))

    def get_bytes(self, path: str, accept: str, params: Params | None = None) -> bytes:
        return self.send("GET", path, params=params, headers={"Accept": accept}).content

    def download(self, path: str, out: BinaryIO, accept: str, params: Params | None = None) -> int:
        """Stream the answer's body into ``out`` (a CSV export of any size); the bytes
        written. Retried like any GET, before the body starts."""
        response = self.send("GET", path, params=params, headers={"Accept": accept}, stream=True)
        written = 0
        try:
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
        except httpx.TransportError as exc:
            raise Unreachable(self.base_url, exc) from exc
        finally:
            response.close()
        return written

    def put_item(self, path: str, body: Any, if_match: str | None = None) -> Item:
        headers = {"If-Match": if_match} if if_match else None
        return Item.of(self.send("PUT", path, json=body, headers=headers))

    def pages(
        self, path: str, params: Params | None = None, limit: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """The pages of a list, following ``next`` until it is null."""
        page: dict[str, Any] = self.get_json(path, {**(params or {}), "limit": limit})
        while True:
            yield page
            following = page.get("next")
            if not following:
                return
            page = self.get_json(str(following))

    def items(
        self, path: str, params: Params | None = None, limit: int = 1000
    ) -> Iterator[dict[str, Any]]:
        """Every item of a list, page after page."""
        for page in self.pages(path, params, limit):
            yield from page.get("items") or ()

    def load(
        self,
        path: str,
        source: LoadSource,
        *,
        mode: LoadMode = "atomic",
        dry_run: bool = False,
        on_bytes: OnBytes | None = None,
    ) -> LoadResult:
        """Send a load (retried: loads are idempotent). An atomic load with a bad row raises
        ``BadInput`` whose ``rejected`` names every bad row and field."""
        body = as_body(source)
        response = self.send(
            "POST",
            path,
            params={"mode": mode, "dry_run": dry_run},
            body=lambda: body.chunks(on_bytes) if on_bytes else body.chunks(),
            headers=body.headers(),
            idempotent=True,
        )
        return LoadResult.parse(response.json())
