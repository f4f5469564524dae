"""Kept views as they go out (``KeptViews.sent``), on their own: the JSON sent is the view
that was kept, whichever way it comes (kept as sent lately, as made before it is packed,
or decompressed); a view made
again with other content is never sent with the earlier bytes; and the views kept as sent
stay within a quarter of the bound."""

from __future__ import annotations

import asyncio
from datetime import date

from gateway.followup.kept_views import KeptView, KeptViews
from shared.compaction import COMPACT_AFTER, unpack

BOUND = 40_000


def kept(body: bytes, digest: str) -> KeptView:
    """A view as made: its JSON unpacked (``KeptViews.put`` packs it)."""
    return KeptView((), None, body, digest, {}, 0, date(2026, 12, 3), "k")


def test_a_kept_view_goes_out_as_it_was_made() -> None:
    views = KeptViews(BOUND)
    body = b'{"org_unit":"SUS","x":"' + b"a" * 3_000 + b'"}'
    views.put(("SUS", "2024", "2021"), kept(body, "d1"))
    view = views.get(("SUS", "2024", "2021"))
    assert view is not None
    first = views.sent(("SUS", "2024", "2021"), view)
    again = views.sent(("SUS", "2024", "2021"), view)
    assert first.data == again.data == body
    assert first.digest == again.digest == "d1"


def test_on_the_event_loop_a_view_is_kept_as_made_and_packed_once_it_went_out() -> None:
    body = b'{"org_unit":"SUS","x":"' + b"a" * 3_000 + b'"}'
    asked = ("SUS", "2024", "2021")

    async def made_and_asked_again() -> None:
        views = KeptViews(BOUND)
        views.put(asked, kept(body, "d1"))
        # Kept at once, as made: packing it is not the cost of the answer it was made for.
        now = views.get(asked)
        assert now is not None and not now.packed and views._bytes == len(body)
        await asyncio.sleep(COMPACT_AFTER * 2)
        later = views.get(asked)
        assert later is not None and later.packed
        assert unpack(later.body) == body and views._bytes == len(later.body) < 200
        assert views.sent(asked, later).data == body

    asyncio.run(made_and_asked_again())


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
        views.put(asked, kept(big, f"d{n}"))
        view = views.get(asked)
        assert view is not None
        assert views.sent(asked, view).data == big
    assert views._as_sent_bytes <= BOUND // 4
    assert 0 < len(views._as_sent) < 20
