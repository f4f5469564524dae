"""Links in proxied answers point at the gateway (pure functions).

A service writes absolute URLs (``next`` of a list page, ``Location`` of a created
resource, a ``Link`` header) on its own public URL: behind the gateway, the address the
gateway calls it on (``GATEWAY_<NAME>_URL``). The gateway rewrites every such URL that
starts with that base to its own public URL (``GATEWAY_PUBLIC_URL``, else the address it
is bound to; never a client's ``Host``), keeping the path and query: in the ``Location``,
``Content-Location`` and ``Link`` headers, and in the ``next`` of a JSON list page. Other
bytes of the body are left exactly as they came.
"""

from __future__ import annotations

import json
import re

LINK_HEADERS = frozenset({"location", "content-location", "link"})
_NEXT_KEY = re.compile(r'"next"\s*:\s*')


def rewrite_url(url: str, upstream: str, public: str) -> str:
    """``url`` on ``public`` when it is on ``upstream`` (a base URL without a trailing slash;
    its host and port decide, whatever scheme the service wrote)."""
    _, _, rest = upstream.partition("://")
    scheme, found, tail = url.partition("://")
    if not found or scheme.lower() not in ("http", "https"):
        return url
    if tail == rest or tail.startswith((rest + "/", rest + "?")):
        return public + tail[len(rest) :]
    return url


def rewrite_header(name: str, value: str, upstream: str, public: str) -> str:
    """A response header with the URLs it holds on ``public``: ``Location`` and
    ``Content-Location`` are one URL, ``Link`` holds them in ``<...>``."""
    if name == "link":
        return re.sub(r"<([^>]*)>", lambda m: f"<{rewrite_url(m[1], upstream, public)}>", value)
    if name in LINK_HEADERS:
        return rewrite_url(value, upstream, public)
    return value


def rewrite_next(body: bytes, upstream: str, public: str) -> bytes:
    """A JSON list page with its top-level ``next`` on ``public``; any other body as it came.

    Only the ``next`` value is replaced, every other byte stays as the service wrote it.
    """
    try:
        text = body.decode("utf-8")
        page = json.loads(text)
    except ValueError:
        return body
    if not isinstance(page, dict) or not isinstance(page.get("next"), str):
        return body
    old: str = page["next"]
    new = rewrite_url(old, upstream, public)
    if new == old:
        return body
    decoder = json.JSONDecoder()
    # A key can only match outside string values; the page's own "next" is its last key
    # as the services write it, so it is looked for from the end (nested ones come first).
    for match in reversed(list(_NEXT_KEY.finditer(text))):
        start = match.end()
        try:
            value, end = decoder.raw_decode(text, start)
        except ValueError:
            continue
        if value == old:
            return (text[:start] + json.dumps(new, ensure_ascii=False) + text[end:]).encode()
    return body
