"""The path a proxied request goes on with: the raw path the gateway matched, checked and
re-encoded segment by segment (pure functions).

The gateway routes on the decoded path, but passes on the path exactly as the caller wrote
it, segment by segment: a segment that decodes to ``.`` or ``..``, or to something holding a
slash (``%2F``), a backslash, a control character or bytes that are not UTF-8 could name
another route of the service than the one the gateway matched, so it is refused (400,
naming the path) before any upstream is asked.
"""

from __future__ import annotations

import re
from urllib.parse import quote, quote_from_bytes, unquote_to_bytes

from shared.errors import BadRequest, field_error

#: What a path segment may carry unencoded besides letters, digits and ``-._~`` (RFC 3986
#: pchar): sub-delims, ``:`` and ``@``.
SEGMENT_SAFE = "!$&'()*+,;=:@"
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: A path whose segments hold only what ``segment`` passes on unencoded (no ``%``): most
#: paths, checked at once instead of segment by segment.
_PLAIN_PATH = re.compile(rb"(?:/[A-Za-z0-9\-._~!$&'()*+,;=:@]*)+")
_DOT_SEGMENT = re.compile(rb"/\.\.?(?=/|\Z)")


def _refused(why: str) -> BadRequest:
    return BadRequest(
        f"The path cannot be passed on: {why}.",
        errors=[field_error(["path"], why)],
    )


def segment(raw: str) -> str:
    """One raw (percent-encoded) path segment, checked and re-encoded."""
    try:
        text = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise _refused("a segment holds bytes that are not UTF-8") from None
    if text in (".", ".."):
        raise _refused("a segment is '.' or '..'")
    if "/" in text or "\\" in text:
        raise _refused("a segment holds an encoded slash or a backslash")
    if _CONTROL.search(text):
        raise _refused("a segment holds a control character")
    return quote(text, safe=SEGMENT_SAFE)


def raw_path_of(path: str) -> bytes:
    """A raw path for a decoded one, when the server gave none."""
    return quote(path, safe="/" + SEGMENT_SAFE).encode("ascii")


def upstream_path(raw_path: bytes) -> str:
    """The path to ask the upstream for, from the raw path of the request (``raw_path`` of
    the ASGI scope: percent-encoded, without the query)."""
    if _PLAIN_PATH.fullmatch(raw_path) and not _DOT_SEGMENT.search(raw_path):
        # Nothing escaped and nothing to escape: each segment would come out as it went in.
        return raw_path.decode("ascii")
    try:
        text = raw_path.decode("ascii")
    except UnicodeDecodeError:
        raise _refused("it holds bytes that are not percent-encoded") from None
    if not text.startswith("/"):
        raise _refused("it does not begin with '/'")
    return "/".join(segment(raw) for raw in text.split("/"))


#: What a query may carry as it is: unreserved, sub-delims, ``:@/?`` and ``%`` (its escapes
#: are kept); anything else (``#``, blanks, control characters, raw non-ASCII bytes) is
#: percent-encoded, so the service is asked exactly what the caller sent.
QUERY_SAFE = "!$&'()*+,;=:@/?%-._~"


def upstream_query(query_string: bytes) -> str | None:
    """The query to ask the upstream with, from the raw query of the request."""
    if not query_string:
        return None
    return quote_from_bytes(query_string, safe=QUERY_SAFE)
