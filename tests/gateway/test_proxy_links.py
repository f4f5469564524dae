"""Rewriting a list page's ``next`` from its tail (``gateway.proxy_links``), pure.

A page whose ``next`` is its last member (as the services write every page) is rewritten
without parsing its items; any other page is parsed whole. Either way only the top-level
``next`` changes, whatever the items hold (quotes, backslashes, keys named ``next``).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.proxy_links import rewrite_next

UPSTREAM = "http://127.0.0.1:8001"
PUBLIC = "https://uppfoljning.example.se"

#: Text that looks like the tail of a page, inside the items' strings.
TRICKY = ['"next":"', '\\"next\\"', "\\", '\\\\"', '"}', "next", UPSTREAM + "/v1/x", "å\u2028"]
texts = st.lists(st.sampled_from(TRICKY) | st.text(max_size=5), max_size=4).map("".join)
items = st.lists(
    st.dictionaries(st.sampled_from(["id", "note", "next", 'a"next']), texts, max_size=3),
    max_size=4,
)
nexts = st.none() | st.sampled_from(
    [UPSTREAM + "/v1/results?cursor=Mg", "https://elsewhere/v1/x", UPSTREAM, 'x\\y"z']
)
layouts = st.sampled_from(
    [{"separators": (",", ":")}, {"indent": 2}, {"separators": (" , ", " : ")}]
)


def page_bytes(page: dict[str, Any], layout: dict[str, Any], ascii_only: bool) -> bytes:
    return (json.dumps(page, ensure_ascii=ascii_only, **layout) + "\n").encode()


def expected(page: dict[str, Any]) -> dict[str, Any]:
    link = page["next"]
    if isinstance(link, str) and (link == UPSTREAM or link.startswith(UPSTREAM + "/")):
        return {**page, "next": PUBLIC + link[len(UPSTREAM) :]}
    return page


# Generation is slow on a busy shared machine; the examples, not their speed, are the test.
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(items=items, link=nexts, layout=layouts, ascii_only=st.booleans(), last=st.booleans())
def test_only_the_top_level_next_changes(
    items: list[dict[str, str]],
    link: str | None,
    layout: dict[str, Any],
    ascii_only: bool,
    last: bool,
) -> None:
    page = (
        {"items": items, "next_cursor": "Mg", "next": link}
        if last
        else {"next": link, "items": items, "next_cursor": "Mg"}
    )
    body = page_bytes(page, layout, ascii_only)
    rewritten = rewrite_next(body, UPSTREAM, PUBLIC)
    assert json.loads(rewritten) == expected(page)
    if rewritten is not body:
        # Every byte but the link's origin is as the service wrote it.
        assert rewritten.replace(PUBLIC.encode(), UPSTREAM.encode()) == body
    else:
        assert expected(page) == page


@pytest.mark.parametrize(
    "body",
    [
        # Not a page's tail: a key that only ends in "next", a nested object, no object.
        b'{"items":[],"a\\"next": "' + UPSTREAM.encode() + b'/v1/x"}',
        b'{"items":[],"page":{"next":"' + UPSTREAM.encode() + b'/v1/x"}}',
        b'["next", "' + UPSTREAM.encode() + b'/v1/x"]',
        b"   ",
        b'{"next": "\xff' + UPSTREAM.encode() + b'"}',
    ],
)
def test_a_tail_that_is_no_pages_next_is_left_as_it_came(body: bytes) -> None:
    assert rewrite_next(body, UPSTREAM, PUBLIC) is body
