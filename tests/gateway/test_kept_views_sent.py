"""Kept views as they go out (``KeptViews.sent``), on their own: the JSON sent is the view
that was kept, whichever way it comes (kept as sent lately, or decompressed); a view made
again with other content is never sent with the earlier bytes; and the views kept as sent
stay within a quarter of the bound."""

from __future__ import annotations

import zlib
from datetime import date

from gateway.followup.kept_views import KeptView, KeptViews

BOUND = 40_000


def kept(body: bytes, digest: str) -> KeptView:
    return KeptView((), None, zlib.compress(body, 1), digest, {}, 0, date(2026, 12, 3), "k")


def test_a_kept_view_goes_out_as_it_was_made() -> None:
    views = KeptViews(BOUND)
    body = b'{"org_unit":"SUS","x":"' + b"a" * 3_000 + b'"}'
    view = kept(body, "d1")
    views.put(("SUS", "2024", "2021"), view)
    first = views.sent(("SUS", "2024", "2021"), view)
    again = views.sent(("SUS", "2024", "2021"), view)
    assert first.data == again.data == body
    assert first.digest == again.digest == "d1"


def test_a_view_made_again_is_not_sent_with_the_earlier_bytes() -> None:
    views = KeptViews(BOUND)
    asked = ("SUS", "2024", "2021")
    old = kept(b'{"v":1}', "old")
    views.put(asked, old)
    views.sent(asked, old)
    new = kept(b'{"v":2}', "new")
    views.put(asked, new)
    assert views.sent(asked, new).data == b'{"v":2}'


def test_views_kept_as_sent_stay_within_a_quarter_of_the_bound() -> None:
    views = KeptViews(BOUND)
    big = bytes(range(256)) * 16  # 4 096 bytes, hardly compressible by level 1
    for n in range(20):
        asked = (f"U{n}", "2024", "2021")
        view = kept(big, f"d{n}")
        views.put(asked, view)
        assert views.sent(asked, view).data == big
    assert views._as_sent_bytes <= BOUND // 4
    assert 0 < len(views._as_sent) < 20
