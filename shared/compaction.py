"""Compressing what is kept (``pack``), later: off the path of the answer it was made for.

The suite keeps what it made compressed: each service its read answers
(``shared.readcache``), the gateway the services' answers and the views it made
(``gateway.upstream.answers``, ``gateway.followup.kept_views``).

How: Zstandard at level 1. Against zlib at level 1 (what was used before), on HSN's answers
of 2024 (``timeit``; packed, unpacked, bytes kept):

=====================  ==========================  ==========================
                       zlib level 1                Zstandard level 1
=====================  ==========================  ==========================
indicators section     0.27 / 0.08 ms, 7 341 B     0.05 / 0.02 ms, 6 116 B
(89 kB)
the view (174 kB)      0.87 / 0.34 ms, 25 511 B    0.26 / 0.07 ms, 21 911 B
=====================  ==========================  ==========================

When: compressing is not part of the answer, and on its path it cost 0.2-0.4 ms per
committee section in a service (zlib), and in the gateway about 1.9 ms per view made
afresh (the three answers and the view itself). Done on the loop's next turn instead,
the answers' compression still ran before the view went on (the view's own steps queue
behind it): stamped on the gateway's event loop, 1 ms from the last answer parsed to the
view going on.

So what is kept is kept at once, as made, and packed ``COMPACT_AFTER`` later, when the
answer it was made for has gone out. Each cache lets go of older entries for a new one
only once it is packed: its bound holds what is packed, and for up to ``COMPACT_AFTER``
what waits to be packed comes on top (a few MB at most, at the rates the benchmarks reach).
Code with no event loop running in its thread (a service's worker thread) has no later: it
packs at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import zstandard

log = logging.getLogger(__name__)

#: How long after it was kept a thing is packed: past the 10-15 ms a view made afresh
#: takes at one client, so its steps do not queue behind the packing.
COMPACT_AFTER = 0.05


def pack(data: bytes) -> bytes:
    """``data`` compressed (Zstandard level 1; the frame names its size)."""
    return zstandard.compress(data, 1)


def unpack(packed: bytes) -> bytes:
    """What ``pack`` was given."""
    return zstandard.decompress(packed)


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
