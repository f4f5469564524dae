"""A plain path (nothing escaped, nothing to escape) goes on as it came, checked at once
(``gateway.proxy_paths.upstream_path``): the answer must be what checking it segment by
segment gives, the refusals of ``.``, ``..`` and the rest included."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.proxy_paths import segment, upstream_path
from shared.errors import BadRequest

#: Plain characters, and a few that are not (escapes, blanks, a backslash, non-ASCII).
PIECES = [*"aZ09-._~!$&'()*+,;=:@", ".", "..", "%2F", "%41", "%", " ", "\\", "\n", "é", "\x7f"]
segments = st.lists(st.sampled_from(PIECES), max_size=4).map("".join)
raw_paths = st.lists(segments, min_size=1, max_size=5).map(lambda s: "/" + "/".join(s))


def by_segment(raw: bytes) -> str | BadRequest:
    try:
        return "/".join(segment(part) for part in raw.decode("ascii").split("/"))
    except BadRequest as refused:
        return refused


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None, max_examples=500)
@given(raw_paths)
def test_a_path_checked_at_once_is_what_checking_each_segment_gives(path: str) -> None:
    raw = path.encode("utf-8")
    try:
        expected = by_segment(raw)
    except UnicodeDecodeError:
        expected = None  # not ASCII: refused before any segment is looked at
    try:
        got: str | None = upstream_path(raw)
    except BadRequest:
        got = None
    if isinstance(expected, BadRequest):
        expected = None
    assert got == expected


@pytest.mark.parametrize(
    "raw", [b"/v1/indicators/..", b"/v1/./indicators", b"/v1/indicators/../results/"]
)
def test_dot_segments_are_refused_however_the_path_ends(raw: bytes) -> None:
    with pytest.raises(BadRequest):
        upstream_path(raw)


def test_a_plain_path_goes_on_as_it_came() -> None:
    assert upstream_path(b"/v1/indicators/...") == "/v1/indicators/..."
    assert upstream_path(b"/v1/indicators/ID0291") == "/v1/indicators/ID0291"
