"""The proxy's upstream calls go to the connection pool directly (``HttpxTransport.stream``):
what reaches the upstream is what ``httpx.AsyncClient`` sent for the same call.

A plain asyncio server on loopback records each request's line and headers and answers;
the same streamed call is made once on the direct path and once through httpx (which a
call to an absolute URL takes), and the two requests must be the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest

from gateway.config import GatewaySettings
from gateway.upstream.transport import HttpxTransport
from tests.gateway.test_upstream_deadlines import server

Head = tuple[bytes, list[tuple[bytes, bytes]], bytes]


async def _record(
    heads: list[Head], reader: asyncio.StreamReader, writer: asyncio.StreamWriter
) -> None:
    while line := await reader.readline():
        headers: list[tuple[bytes, bytes]] = []
        while (header := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = header.partition(b":")
            headers.append((name.strip().lower(), value.strip()))
        fields = dict(headers)
        body = b""
        if b"content-length" in fields:
            body = await reader.readexactly(int(fields[b"content-length"]))
        elif fields.get(b"transfer-encoding") == b"chunked":
            while size := int((await reader.readline()).strip(), 16):
                body += await reader.readexactly(size)
                await reader.readline()
            await reader.readline()
        heads.append((line.strip(), headers, body))
        writer.write(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\nLink: <http://x/v1/a>\r\n"
            b"content-length: 2\r\n\r\nok"
        )
        await writer.drain()
    writer.close()


async def _both_ways(
    method: str, target: str, headers: list[tuple[str, str]], body: bytes | None
) -> tuple[list[Head], list[list[tuple[bytes, bytes]]], list[bytes]]:
    heads: list[Head] = []
    answers: list[list[tuple[bytes, bytes]]] = []
    bodies: list[bytes] = []

    async def chunks() -> AsyncIterator[bytes]:
        assert body is not None
        yield body[:3]
        yield body[3:]

    async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await _record(heads, reader, writer)

    async with server(record) as base:
        transport = HttpxTransport(base, GatewaySettings())
        try:
            # A path goes to the pool directly; an absolute URL is sent through httpx.
            for url in (target, httpx.URL(base + target)):
                reply = await transport.stream(
                    method,
                    url,
                    params=None,
                    headers=headers,
                    content=chunks() if body is not None else None,
                    timeout=5,
                )
                answers.append(reply.raw_headers)
                bodies.append(await reply.aread())
                await reply.aclose()
        finally:
            await transport.aclose()
    return heads, answers, bodies


@pytest.mark.parametrize(
    ("method", "target", "headers", "body"),
    [
        (
            "GET",
            "/v1/results?org_unit=REGION&limit=500&q=a%2Fb%20c&x=%",
            [("authorization", "Bearer k"), ("accept", "text/csv"), ("x-request-id", "r1")],
            None,
        ),
        ("GET", "/v1/indicators/ID0291", [("accept-encoding", "identity")], None),
        (
            "POST",
            "/v1/results",
            [("content-type", "text/csv"), ("content-length", "11")],
            b"a,b\n1,2\n3,4",
        ),
        ("PUT", "/v1/indicators/ID9001", [("content-type", "application/json")], b'{"a": 1}'),
    ],
)
def test_the_direct_call_sends_what_httpx_sent(
    method: str, target: str, headers: list[tuple[str, str]], body: bytes | None
) -> None:
    heads, answers, bodies = asyncio.run(_both_ways(method, target, headers, body))
    (direct_line, direct_headers, direct_body), (httpx_line, httpx_headers, httpx_body) = heads
    assert direct_line == httpx_line == f"{method} {target} HTTP/1.1".encode()
    assert sorted(direct_headers) == sorted(httpx_headers)
    assert direct_body == httpx_body == (body or b"")
    # The answers come back alike: names lower-cased, values as they came.
    assert answers[0] == answers[1] and (b"link", b"<http://x/v1/a>") in answers[0]
    assert bodies == [b"ok", b"ok"]


def test_a_read_sends_what_httpx_sent_but_asks_for_the_body_as_it_is() -> None:
    """``HttpxTransport.request`` (the view's reads) goes over its own connections
    (``gateway.upstream.reads``): the same parameters reach the upstream as httpx would
    send, the same headers but for ``Accept-Encoding: identity``, and the answer comes
    back whole, its headers as httpx gives them."""
    params = {"org_unit": "REGION", "period": "2024-01", "q": "å b/c&d=e"}
    sent = [("authorization", "Bearer k"), ("x-request-id", "r2")]

    async def both() -> tuple[list[Head], list[tuple[int, bytes, str | None]]]:
        heads: list[Head] = []
        answers: list[tuple[int, bytes, str | None]] = []

        async def record(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await _record(heads, reader, writer)

        async with server(record) as base:
            transport = HttpxTransport(base, GatewaySettings())
            try:
                direct = await transport.request(
                    "GET", "/v1/evaluations", params=params, headers=sent, timeout=5
                )
                answers.append((direct.status, direct.content, direct.header("link")))
                through = await transport.client.request(
                    "GET", "/v1/evaluations", params=params, headers=sent
                )
                answers.append((through.status_code, through.content, through.headers["link"]))
            finally:
                await transport.aclose()
        return heads, answers

    heads, answers = asyncio.run(both())
    (direct_line, direct_headers, _), (httpx_line, httpx_headers, _) = heads
    queries = [parse_qsl(urlsplit(line.split(b" ")[1].decode()).query) for line, _, _ in heads]
    assert queries[0] == queries[1] == list(params.items())
    assert direct_line.startswith(b"GET /v1/evaluations?") and httpx_line.startswith(b"GET ")
    as_sent = dict(direct_headers)
    assert as_sent.pop(b"accept-encoding") == b"identity"
    assert as_sent == {k: v for k, v in httpx_headers if k != b"accept-encoding"}
    assert answers[0] == answers[1] == (200, b"ok", "<http://x/v1/a>")
