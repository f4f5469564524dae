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
_QUOTE = ord('"')
_BACKSLASH = ord("\\")
_BLANKS = b" \t\r\n"
#: The bytes a JSON number, ``null``, ``true`` or ``false`` is made of.
_SCALAR = frozenset(b"0123456789+-.eEnulltruefals")


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
    tail = _last_member(body)
    if tail is None:
        if b'"next"' not in body:
            # No key written "next" (one spelled with escapes is never rewritten either):
            # a single resource, say, passes without being parsed.
            return body
        return _rewrite_next_parsed(body, upstream, public)
    start, end = tail
    if body[start] != _QUOTE:
        return body  # the page's next is null: nothing to rewrite
    try:
        old = json.loads(body[start:end])
    except ValueError:
        return body
    new = rewrite_url(old, upstream, public)
    if new == old:
        return body
    return body[:start] + json.dumps(new, ensure_ascii=False).encode() + body[end:]


def _skip_blanks_back(body: bytes, i: int) -> int:
    while i >= 0 and body[i] in _BLANKS:
        i -= 1
    return i


def _string_start(body: bytes, close: int) -> int:
    """Where the JSON string whose closing quote is at ``close`` opens (-1: nowhere).

    A quote inside a string is escaped, i.e. preceded by an odd number of backslashes.
    """
    i = close
    while (i := body.rfind(b'"', 0, i)) >= 0:
        j = i - 1
        while j >= 0 and body[j] == _BACKSLASH:
            j -= 1
        if (i - 1 - j) % 2 == 0:
            return i
    return -1


def _last_member(body: bytes) -> tuple[int, int] | None:
    """Where the value of ``next`` lies when it is the last member of the top-level object,
    read backwards from the closing brace; ``None`` when it is not (or the body is no object).

    The services write ``next`` last on every list page, so a page is rewritten without
    parsing the items before it: a list page is up to 10 000 items, and parsing it whole
    was a fifth of the gateway's CPU on such an answer. The service's body is trusted to
    be the JSON its ``Content-Type`` says; only its tail is read.
    """
    close = _skip_blanks_back(body, len(body) - 1)
    if close < 0 or body[close] != ord("}"):
        return None
    first = 0
    while body[first] in _BLANKS:
        first += 1
    if body[first] != ord("{"):
        return None
    last = _skip_blanks_back(body, close - 1)
    if last < 0:
        return None
    if body[last] == _QUOTE:
        start = _string_start(body, last)
    elif body[last] in _SCALAR:
        start = last
        while start > 0 and body[start - 1] in _SCALAR:
            start -= 1
    else:
        return None  # an object or array: never a page's next
    if start < 0:
        return None
    colon = _skip_blanks_back(body, start - 1)
    if colon < 0 or body[colon] != ord(":"):
        return None
    key_end = _skip_blanks_back(body, colon - 1)
    if key_end < 5 or body[key_end - 5 : key_end + 1] != b'"next"':
        return None
    if _string_start(body, key_end) != key_end - 5:
        return None  # the key only ends in "next" (an escaped quote before it)
    return start, last + 1


def _rewrite_next_parsed(body: bytes, upstream: str, public: str) -> bytes:
    """``rewrite_next`` for a body whose ``next`` is not its last member: parsed whole."""
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
