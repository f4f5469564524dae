"""How every app of the suite runs Python's cyclic garbage collector once it has started.

Two settings, made when an app's start-up is done (``settle_collector``):

- **What start-up made is frozen** (``gc.freeze``): modules, routes, schemas and settings
  (about 135 000 objects in the gateway, 140 000 in a service) live as long as the
  process. Out of the collector's sight, a full collection pauses the event loop for a few
  milliseconds instead of 70-200 ms, which every request waiting on a deadline would feel.
- **The youngest generation is looked at after 20 000 allocations, not 700**
  (``YOUNG_GENERATION_THRESHOLD``): a request's objects are freed by reference counting
  when it is answered (no reference cycles: ``tests/gateway/test_reading.py`` checks the
  view's), so at 700 the collector ran several times within each request, walking objects
  about to be freed anyway and passing them on to older generations to be walked again.
  Measured with ``gc.callbacks`` while eight clients asked every committee and period three
  times (1 482 views): the gateway spent about 0.7 ms of its 4.5 ms of CPU per view made
  afresh in the collector, and none at 20 000 (3.8 ms per view); each service about
  0.13 ms per section computed afresh, plus one full collection of 70-85 ms per service.
"""

from __future__ import annotations

import gc

#: Net allocations (of objects the collector tracks) before the youngest generation is
#: collected; Python's default is 700.
YOUNG_GENERATION_THRESHOLD = 20_000


def settle_collector() -> None:
    """Freeze what exists now and collect the youngest generation seldom (module docstring)."""
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)
