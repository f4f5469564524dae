"""The cyclic garbage collector paused while a large load is read and checked.

A load builds a list per CSV line and a tuple per record: containers the collector
tracks. A collection runs every few hundred of them and, every so often, walks every
tracked object of the process; on a load of 100 000 lines that was most of the time spent
reading it (5–8× the parse itself, measured). The load makes no reference cycles (lists of
text, tuples of text; freed by reference counting as each batch is done), so pausing the
collector for its span loses nothing. Loads may overlap: the collector is paused from the
first to begin until the last to end, and only if it was running.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
_paused = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()
