"""The proxy keeps its routes: the path goes on as the caller wrote it, segment by segment,
and no crafted path reaches another route of a service (point 9 of issue 11); links in
proxied answers are rewritten to the gateway (pure functions here, end to end in
``test_proxy``)."""

from __future__ import annotations

import http.client
import json
from urllib.parse import unquote_to_bytes, urlsplit

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.proxy import ROUTE_TABLE
from gateway.proxy_links import rewrite_header, rewrite_next, rewrite_url
from gateway.proxy_paths import upstream_path, upstream_query
from shared.errors import BadRequest
from shared.suite import Stack

UPSTREAM = "http://127.0.0.1:8003"
PUBLIC = "https://uppfoljning.example.se"


# --- the path, pure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        (b"/v1/grants/HSN/2024", "/v1/grants/HSN/2024"),
        (b"/v1/indicators/ID%30288", "/v1/indicators/ID0288"),  # needlessly encoded
        (b"/v1/results/a%20b", "/v1/results/a%20b"),
        (b"/v1/results/%C3%A5r", "/v1/results/%C3%A5r"),
        (b"/v1/results/x;y=1", "/v1/results/x;y=1"),
        (b"/v1/results/%3F%23%25", "/v1/results/%3F%23%25"),  # ? # % stay in the segment
        (b"/v1/grants/", "/v1/grants/"),
    ],
)
def test_each_segment_goes_on_as_written(raw: bytes, sent: str) -> None:
    assert upstream_path(raw) == sent


@pytest.mark.parametrize(
    "raw",
    [
        b"/v1/grants/..%2F..%2Fv1%2Faudit",
        b"/v1/grants/../../v1/audit",
        b"/v1/grants/%2e%2e/%2E%2E/v1/audit",
        b"/v1/grants/./x",
        b"/v1/grants/%2e",
        b"/v1/grants/HSN%2F2024",
        b"/v1/grants/HSN%5C2024",
        b"/v1/grants/HSN\\2024",
        b"/v1/grants/%00",
        b"/v1/grants/%0d%0aX-Injected:%201",
        b"/v1/grants/%FF",
        b"/v1/grants/\xc3\xa5",
    ],
)
def test_a_segment_that_could_lead_elsewhere_is_refused_naming_the_path(raw: bytes) -> None:
    with pytest.raises(BadRequest) as refused:
        upstream_path(raw)
    problem = refused.value.to_problem()
    assert problem["status"] == 400
    assert problem["errors"][0]["loc"] == ["path"]


def test_the_query_goes_on_whole_with_what_a_url_cannot_carry_encoded() -> None:
    assert upstream_query(b"") is None
    assert upstream_query(b"org_unit=HSN&year=2024") == "org_unit=HSN&year=2024"
    assert upstream_query(b"a=%2F&b=1#2&c=\xc3\xa5 d") == "a=%2F&b=1%232&c=%C3%A5%20d"


# --- no crafted path reaches another route, end to end -----------------------------------------


def raw_get(stack: Stack, target: str, key: str = "admin") -> tuple[int, dict[str, str], bytes]:
    """GET ``target`` exactly as written (no client normalises it)."""
    netloc = urlsplit(stack.gateways[0].base_url).netloc
    connection = http.client.HTTPConnection(netloc, timeout=30)
    try:
        connection.putrequest("GET", target, skip_accept_encoding=True)
        connection.putheader("Authorization", stack.auth(key)["Authorization"])
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        connection.close()


CRAFTED = [
    "/v1/grants/..%2F..%2Fv1%2Faudit",
    "/v1/grants/../../v1/audit",
    "/v1/grants/%2e%2e/%2e%2e/v1/audit",
    "/v1/assignments/..%5C..%5Cv1%5Caudit",
    "/v1/results/..%2Fevaluations",
    "/v1/indicators/ID0288/..%2F..%2F..%2Fv1%2Faudit",
]


@pytest.mark.slow
@pytest.mark.parametrize("target", CRAFTED)
def test_a_crafted_path_is_refused_and_reaches_no_other_route(stack: Stack, target: str) -> None:
    status, headers, body = raw_get(stack, target)
    assert status == 400, body
    assert headers["content-type"] == "application/problem+json"
    problem = json.loads(body)
    assert problem["errors"][0]["loc"] == ["path"]


@pytest.mark.slow
def test_a_control_character_in_a_path_is_refused_naming_the_path(stack: Stack) -> None:
    for target in ("/v1/grants/%00", "/v1/grants/a%0Ab", "/v1/indicators/%7F"):
        status, headers, body = raw_get(stack, target)
        assert status in (400, 422), body  # 422 when the shared edge check finds it first
        assert headers["content-type"] == "application/problem+json"
        assert json.loads(body)["errors"][0]["loc"][0] == "path"


@pytest.mark.slow
def test_a_needlessly_encoded_segment_still_reaches_its_route(stack: Stack) -> None:
    status, _, body = raw_get(stack, "/v1/indicators/ID%30288", key="read")
    assert status == 200, body
    assert json.loads(body)["code"] == "ID0288"


TOKENS = [
    "..",
    ".",
    "%2e%2e",
    "%2E",
    "%2F",
    "%2f",
    "%5C",
    "v1",
    "audit",
    "%00",
    "%1F",
    "%7F",
    "%FF",
    "%C3%A5",
    "a%20b",
    "x;y=1",
    "%3F",
    "%23",
    "%25",
    "",
    "ID0288",
    "HSN",
    "2024",
]
PREFIXES = sorted(ROUTE_TABLE)


def leads_elsewhere(segment: str) -> bool:
    raw = unquote_to_bytes(segment)
    return raw in (b".", b"..") or b"/" in raw or b"\\" in raw


@pytest.mark.slow
def test_fuzzed_proxied_paths_never_fail_and_never_leave_their_route(stack: Stack) -> None:
    @given(
        prefix=st.sampled_from(PREFIXES),
        segments=st.lists(
            st.lists(st.sampled_from(TOKENS), min_size=1, max_size=3).map("".join),
            min_size=1,
            max_size=4,
        ),
    )
    @settings(
        max_examples=80,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(prefix: str, segments: list[str]) -> None:
        target = "/".join([prefix, *segments])
        status, headers, body = raw_get(stack, target)
        assert status < 500, (target, body[:300])
        if status >= 400:
            assert headers["content-type"] == "application/problem+json", target
        if any(leads_elsewhere(s) for s in segments):
            assert status in (400, 422), (target, status)

    run()


# --- links, pure ------------------------------------------------------------------------------


def test_a_link_on_the_upstream_is_moved_to_the_public_url() -> None:
    assert rewrite_url(UPSTREAM + "/v1/x?cursor=a", UPSTREAM, PUBLIC) == PUBLIC + "/v1/x?cursor=a"
    assert rewrite_url(UPSTREAM, UPSTREAM, PUBLIC) == PUBLIC
    # The service's host and port decide, whatever scheme it wrote.
    assert rewrite_url("https://127.0.0.1:8003/v1/x", UPSTREAM, PUBLIC) == PUBLIC + "/v1/x"
    # Another origin, or one that only begins like the upstream's, is left alone.
    assert rewrite_url("http://127.0.0.1:80031/v1/x", UPSTREAM, PUBLIC).startswith("http://127")
    assert rewrite_url("https://elsewhere/v1/x", UPSTREAM, PUBLIC) == "https://elsewhere/v1/x"


def test_location_and_link_headers_are_rewritten() -> None:
    assert rewrite_header("location", UPSTREAM + "/v1/a/1", UPSTREAM, PUBLIC) == PUBLIC + "/v1/a/1"
    link = f'<{UPSTREAM}/v1/a?cursor=x>; rel="next", <https://docs.example/>; rel="help"'
    assert rewrite_header("link", link, UPSTREAM, PUBLIC) == (
        f'<{PUBLIC}/v1/a?cursor=x>; rel="next", <https://docs.example/>; rel="help"'
    )
    assert rewrite_header("etag", '"7"', UPSTREAM, PUBLIC) == '"7"'


def test_only_the_pages_next_changes_every_other_byte_stays() -> None:
    items = [{"id": "a", "note": '"next":"' + UPSTREAM + '/v1/x"', "next": UPSTREAM + "/v1/y"}]
    page = {"items": items, "next_cursor": "Mg", "next": UPSTREAM + "/v1/x?limit=2&cursor=Mg"}
    body = json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()
    rewritten = rewrite_next(body, UPSTREAM, PUBLIC)
    assert json.loads(rewritten) == {**page, "next": PUBLIC + "/v1/x?limit=2&cursor=Mg"}
    assert rewritten.replace(PUBLIC.encode(), UPSTREAM.encode()) == body


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[1,2]", b'{"items":[],"next":null}', b'{"next":"https://else/v1"}'],
)
def test_a_body_without_a_next_on_the_upstream_is_left_as_it_came(body: bytes) -> None:
    assert rewrite_next(body, UPSTREAM, PUBLIC) is body


def test_rewriting_a_real_page_keeps_its_json(gw: httpx.Client, stack: Stack) -> None:
    direct = httpx.get(
        stack.services["budget"].base_url + "/v1/outcomes?limit=3", headers=stack.auth()
    )
    written_on = urlsplit(direct.json()["next"])
    upstream = f"{written_on.scheme}://{written_on.netloc}"
    rewritten = rewrite_next(direct.content, upstream, PUBLIC)
    assert json.loads(rewritten)["items"] == direct.json()["items"]
    assert json.loads(rewritten)["next"].startswith(PUBLIC + "/v1/outcomes?")
