"""Compressing what is kept, later: off the path of the answer it was made for.

The suite keeps what it made compressed (zlib level 1): each service its read answers
(``shared.readcache``), the gateway the services' answers and the views it made
(``gateway.upstream.answers``, ``gateway.followup.kept_views``). Compressing is not part of
the answer, and on its path it cost: 0.2-0.4 ms per committee section in a service, and in
the gateway about 1.9 ms per view made afresh (the three answers and the view itself, 174
kB for HSN's of 2024; ``timeit`` on the real answers). Done on the loop's next turn
instead, the answers' compression still ran before the view went on (the view's own
steps queue behind it): stamped on the gateway's event loop, 1 ms from the last answer
parsed to the view going on.

So what is kept is kept at once, as made, and packed ``COMPACT_AFTER`` later, when the
answer it was made for has gone out. Until then it counts against its cache's bound at
its full size. Code with no event loop running in its thread (a service's worker thread)
has no later: it packs at once (the read cache before keeping, so that its bound counts
packed answers only).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

log = logging.getLogger(__name__)

#: How long after it was kept a thing is packed: past the 10-15 ms a view made afresh
#: takes at one client, so its steps do not queue behind the packing.
COMPACT_AFTER = 0.05


def on_loop() -> bool:
    """Whether an event loop runs in this thread (``compact_later`` may be called)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def compact_later(pack: Callable[[], None]) -> None:
    """``pack`` on the running event loop, ``COMPACT_AFTER`` seconds from now; at once
    when no loop runs in this thread."""
    if not on_loop():
        pack()
        return
    asyncio.get_running_loop().call_later(COMPACT_AFTER, _logged, pack)


def _logged(pack: Callable[[], None]) -> None:
    # Not packed is bigger, never wrong: a failure must not reach the loop's exception
    # handler with no request to blame.
    try:
        pack()
    except Exception:
        log.exception("packing a kept answer failed; it stays kept unpacked")
