"""Shared asks on their own (``gateway.upstream.probes.SharedProbe``), against a counter
the test moves: a caller never takes the answer of an ask that went out before it
arrived, callers waiting at the same moment share one ask, a failure reaches every caller
that waited for it and no later one, and a caller that leaves does not take the ask
from the others."""

from __future__ import annotations

import asyncio

import pytest

from gateway.upstream.probes import SharedProbe


class Counter:
    """A service's change counter behind an ask the test holds open: each ask reads the
    counter when it goes out and answers when the test lets it."""

    def __init__(self) -> None:
        self.value = 0
        self.asks = 0
        self.release = asyncio.Event()
        self.fail_next = False

    async def ask(self) -> int:
        self.asks += 1
        read, fail = self.value, self.fail_next
        self.fail_next = False
        await self.release.wait()
        if fail:
            raise ConnectionError("the service went away")
        return read


async def settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


def test_a_caller_takes_only_an_ask_sent_after_it_arrived() -> None:
    async def scenario() -> None:
        counter, probe = Counter(), SharedProbe[int]()
        first = asyncio.ensure_future(probe.ask("key", counter.ask))
        await settle()
        # A write commits while the first ask is out; then a second caller arrives.
        counter.value = 1
        second = asyncio.ensure_future(probe.ask("key", counter.ask))
        await settle()
        counter.release.set()
        assert await first == 0
        assert await second == 1, "the second caller took an answer older than its question"
        assert counter.asks == 2

    asyncio.run(scenario())


def test_callers_waiting_at_the_same_moment_share_one_ask() -> None:
    async def scenario() -> None:
        counter, probe = Counter(), SharedProbe[int]()
        first = asyncio.ensure_future(probe.ask("key", counter.ask))
        await settle()
        waiting = [asyncio.ensure_future(probe.ask("key", counter.ask)) for _ in range(20)]
        await settle()
        counter.release.set()
        assert await first == 0
        assert await asyncio.gather(*waiting) == [0] * 20
        # One ask out, one for all twenty that arrived while it was out.
        assert counter.asks == 2
        assert len(probe) == 0

    asyncio.run(scenario())


def test_each_key_asks_on_its_own() -> None:
    async def scenario() -> None:
        counter, probe = Counter(), SharedProbe[int]()
        asks = [asyncio.ensure_future(probe.ask(key, counter.ask)) for key in ("a", "b")]
        await settle()
        assert counter.asks == 2
        counter.release.set()
        assert await asyncio.gather(*asks) == [0, 0]

    asyncio.run(scenario())


def test_a_failure_reaches_the_callers_of_that_ask_only() -> None:
    async def scenario() -> None:
        counter, probe = Counter(), SharedProbe[int]()
        counter.fail_next = True
        failing = asyncio.ensure_future(probe.ask("key", counter.ask))
        await settle()
        counter.release.set()
        with pytest.raises(ConnectionError):
            await failing
        assert await probe.ask("key", counter.ask) == 0

    asyncio.run(scenario())


def test_a_caller_that_leaves_does_not_take_the_ask_from_the_others() -> None:
    async def scenario() -> None:
        counter, probe = Counter(), SharedProbe[int]()
        leaving = asyncio.ensure_future(probe.ask("key", counter.ask))
        await settle()
        staying = asyncio.ensure_future(probe.ask("key", counter.ask))
        await settle()
        leaving.cancel()
        counter.value = 3
        counter.release.set()
        # It arrived while the first ask was out: the second, sent after the write, answers.
        assert await staying == 3
        assert leaving.cancelled()
        assert counter.asks == 2

    asyncio.run(scenario())
