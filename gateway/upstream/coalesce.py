"""Request coalescing ("single flight") for the gateway's assembled views.

When many callers ask for the same view with the same key at the same moment (a committee
meeting opening its dashboard, a BI refresh), the first one's request fans out to the
services and the others wait for its result instead of sending the same calls again.
Nothing is kept once that request is done: this is not a cache, no answer is older than
the fetch it came from, and a caller only joins a fetch that is already running.

Keys include the caller's ``Authorization``, so callers with different keys never share
an answer. A write through the gateway starts a new generation: a request that arrives
after a write was answered never joins a fetch that began before it (read-your-writes
for writes made through the gateway).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class SingleFlight(Generic[T]):
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._generation = 0
        self._running: dict[tuple[Hashable, int], asyncio.Task[T]] = {}

    def new_generation(self) -> None:
        """After a write: later callers start fetches of their own."""
        self._generation += 1

    @property
    def running(self) -> int:
        return len(self._running)

    async def run(self, key: Hashable, produce: Callable[[], Coroutine[Any, Any, T]]) -> T:
        if not self.enabled:
            return await produce()
        slot = (key, self._generation)
        task = self._running.get(slot)
        if task is None:
            task = asyncio.create_task(produce())
            self._running[slot] = task
            task.add_done_callback(lambda done: self._finished(slot, done))
        # A caller that goes away does not cancel the fetch the others wait for.
        return await asyncio.shield(task)

    def _finished(self, slot: tuple[Hashable, int], task: asyncio.Task[Any]) -> None:
        if self._running.get(slot) is task:
            del self._running[slot]
        if not task.cancelled():
            task.exception()  # retrieved: no "never retrieved" warning when all callers left
