"""A service of an earlier release, without ``GET /v1/data-version`` (it answers 404, as
during a rolling deploy), behind the gateway: a committee's view of it is still answered
whole, the same view while nothing changed, and a write to that service shows in the next
view. The kept view is then confirmed by the answers themselves (``If-None-Match``, 304:
``gateway.followup.kept_views``), not refused for want of a data version, nor sent stale.

The service is the real one, behind a reverse proxy of this module's own that answers the
data-version route as a service without it does and forwards everything else; a gateway of
this module's own is pointed at the proxy.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.types import Message, Receive, Scope, Send

from shared.errors import PROBLEM_JSON, NotFound
from shared.processes import LOOPBACK
from shared.suite import Stack
from tests.gateway.stack import metric
from tests.gateway.views import shown_value

pytestmark = pytest.mark.slow

#: A month of SUS's that no other test of the suite reads or writes: the write here shows
#: in SUS's view of it (ID0285, vårdcentraler, has no SUS result in the seed).
PERIOD = "2023-05"
ASKED = {"indicator": "ID0285", "org_unit": "SUS", "period": PERIOD}
DATA_VERSION_PATH = "/v1/data-version"
#: Headers of one connection (and the host it was asked on), not of the request or answer:
#: never forwarded.
HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"transfer-encoding", b"te", b"upgrade", b"host"}
)


class WithoutDataVersion:
    """A service of an earlier release, as an ASGI app in front of the real one: ``GET
    /v1/data-version`` answers 404 as a service without the route answers it (problem
    JSON); every other request goes to ``target`` as it came, and its answer comes back as
    it came (status, headers, bytes: ETags, 304s and compressed bodies included)."""

    def __init__(self, target: str) -> None:
        self.target = target
        #: How many data-version asks were answered 404.
        self.missing = 0
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["path"] == DATA_VERSION_PATH:
            self.missing += 1
            await self._not_found(scope, send)
        else:
            await self._forwarded(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._client = httpx.AsyncClient(base_url=self.target, timeout=30)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self._client is not None:
                    await self._client.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _not_found(self, scope: Scope, send: Send) -> None:
        problem = NotFound(f"No route {scope['method']} {scope['path']}.")
        body = json.dumps(problem.to_problem(scope["path"])).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 404,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def _forwarded(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self._client is not None, "started without its lifespan"
        body = b""
        more = True
        while more:
            message: Message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        query = scope["query_string"].decode("latin-1")
        asked = self._client.build_request(
            scope["method"],
            scope["raw_path"].decode("latin-1") + (f"?{query}" if query else ""),
            headers=[(k, v) for k, v in scope["headers"] if k.lower() not in HOP_BY_HOP],
            content=body,
        )
        answer = await self._client.send(asked, stream=True)
        try:
            headers = [(k, v) for k, v in answer.headers.raw if k.lower() not in HOP_BY_HOP]
            await send(
                {"type": "http.response.start", "status": answer.status_code, "headers": headers}
            )
            async for chunk in answer.aiter_raw():
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
            await send({"type": "http.response.body", "body": b""})
        finally:
            await answer.aclose()


@contextmanager
def served(app: WithoutDataVersion) -> Iterator[str]:
    """``app`` under uvicorn on a loopback port of its own, in a thread of this process
    (stopped, its lifespan ended, when the block ends); yields its base URL."""
    listening = socket.socket()
    listening.bind((LOOPBACK, 0))
    port = listening.getsockname()[1]
    # The answers forwarded carry the service's own Date and Server headers.
    config = uvicorn.Config(
        app, log_level="warning", lifespan="on", server_header=False, date_header=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the proxy did not start"
            time.sleep(0.05)
        yield f"http://{LOOPBACK}:{port}"
    finally:
        server.should_exit = True
        thread.join()
        listening.close()


class Fronted:
    """The gateway in front of a service without the data-version route."""

    def __init__(self, stack: Stack, proxy: WithoutDataVersion, gw: httpx.Client) -> None:
        self.stack = stack
        self.proxy = proxy
        self.gw = gw

    def view(self) -> httpx.Response:
        answer = self.gw.get(
            "/v1/follow-up/SUS", params={"period": PERIOD}, headers=self.stack.auth()
        )
        assert answer.status_code == 200, answer.text
        return answer

    def kept(self, made: str) -> float:
        """The views this gateway answered ``made`` so far (its metric)."""
        return metric(self.gw, "gateway_follow_up_views_total", made=made)

    def write(self, value: float) -> None:
        """``value`` as SUS's ID0285 of the month, written to the indicators service."""
        answer = httpx.post(
            self.stack.services["indicators"].base_url + "/v1/results",
            json=[{**ASKED, "breakdown": "total", "value": value, "status": "final"}],
            headers=self.stack.auth("write_sus"),
            timeout=30,
        )
        assert answer.status_code == 200, answer.text


@pytest.fixture(scope="module")
def earlier(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fronted]:
    """The indicators service as a service of an earlier release, and a gateway in front
    of it and of the other services (the shared stack's, undisturbed)."""
    proxy = WithoutDataVersion(stack.services["indicators"].base_url)
    with served(proxy) as proxy_url:
        ours = Stack(
            tmp_path_factory.mktemp("earlier-logs"),
            stack.urls,
            stack.tokens,
            services=dict(stack.services),
        )
        gateway = ours.start_gateway(indicators_url=proxy_url)
        try:
            with httpx.Client(base_url=gateway.base_url, timeout=30) as client:
                yield Fronted(ours, proxy, client)
        finally:
            gateway.stop()


@pytest.fixture
def sus_may(earlier: Fronted) -> Iterator[Fronted]:
    """``earlier``, with what the test wrote of SUS's May deleted after it."""
    yield earlier
    gone = httpx.request(
        "DELETE",
        earlier.stack.services["indicators"].base_url + "/v1/results",
        params=ASKED,
        headers=earlier.stack.auth("write_sus"),
        timeout=30,
    )
    assert gone.status_code == 200, gone.text


def whole(answer: httpx.Response) -> dict[str, Any]:
    """The view's body, asserted whole: every service answered."""
    body: dict[str, Any] = answer.json()
    assert body["partial"] is False, body.get("problems")
    assert set(body["sources"].values()) == {"ok"}, body["sources"]
    return body


def test_a_view_of_a_service_without_the_data_version_route_is_answered_and_kept_fresh(
    sus_may: Fronted,
) -> None:
    first = sus_may.view()
    assert shown_value(whole(first)) is None
    missing, confirmed = sus_may.proxy.missing, sus_may.kept("confirmed")
    again = sus_may.view()
    whole(again)
    assert again.content == first.content
    assert sus_may.proxy.missing > missing  # the kept view's data version was asked: 404
    assert sus_may.kept("confirmed") == confirmed + 1  # by the answers' 304s

    sus_may.write(58.5)
    after = sus_may.view()
    assert shown_value(whole(after)) == 58.5
    assert after.headers["etag"] != first.headers["etag"]
