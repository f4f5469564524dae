"""Identical view requests at the same moment share one fetch (gateway.upstream.coalesce)."""

from __future__ import annotations

import asyncio

import pytest

from gateway.upstream.coalesce import SingleFlight


class Fetcher:
    def __init__(self) -> None:
        self.calls = 0
        self.release = asyncio.Event()

    async def __call__(self) -> int:
        self.calls += 1
        await self.release.wait()
        return self.calls


async def started(*tasks: asyncio.Task[int]) -> None:
    for _ in range(3):
        await asyncio.sleep(0)


def test_callers_arriving_during_a_fetch_share_it() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()
        fetch = Fetcher()
        callers = [asyncio.create_task(flight.run("HSN", fetch)) for _ in range(10)]
        await started(*callers)
        fetch.release.set()
        assert await asyncio.gather(*callers) == [1] * 10
        assert fetch.calls == 1
        assert flight.running == 0

    asyncio.run(scenario())


def test_a_caller_after_the_fetch_ended_fetches_again() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()
        fetch = Fetcher()
        fetch.release.set()
        assert await flight.run("HSN", fetch) == 1
        assert await flight.run("HSN", fetch) == 2

    asyncio.run(scenario())


def test_different_keys_never_share() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()
        fetch = Fetcher()
        a = asyncio.create_task(flight.run(("HSN", "key-a"), fetch))
        b = asyncio.create_task(flight.run(("HSN", "key-b"), fetch))
        await started(a, b)
        fetch.release.set()
        await asyncio.gather(a, b)
        assert fetch.calls == 2

    asyncio.run(scenario())


def test_after_a_write_new_callers_do_not_join_an_older_fetch() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()
        fetch = Fetcher()
        before = asyncio.create_task(flight.run("HSN", fetch))
        await started(before)
        flight.new_generation()
        after = asyncio.create_task(flight.run("HSN", fetch))
        await started(after)
        fetch.release.set()
        assert sorted(await asyncio.gather(before, after)) == [2, 2]
        assert fetch.calls == 2

    asyncio.run(scenario())


def test_a_caller_that_leaves_does_not_cancel_the_others_fetch() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()
        fetch = Fetcher()
        leaving = asyncio.create_task(flight.run("HSN", fetch))
        staying = asyncio.create_task(flight.run("HSN", fetch))
        await started(leaving, staying)
        leaving.cancel()
        fetch.release.set()
        assert await staying == 1
        with pytest.raises(asyncio.CancelledError):
            await leaving

    asyncio.run(scenario())


def test_a_failure_reaches_every_caller() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight()

        async def broken() -> int:
            await asyncio.sleep(0)
            raise RuntimeError("upstream refused")

        results = await asyncio.gather(
            *(flight.run("HSN", broken) for _ in range(3)), return_exceptions=True
        )
        assert all(isinstance(r, RuntimeError) for r in results)

    asyncio.run(scenario())


def test_switched_off_every_caller_fetches() -> None:
    async def scenario() -> None:
        flight: SingleFlight[int] = SingleFlight(enabled=False)
        fetch = Fetcher()
        fetch.release.set()
        await asyncio.gather(*(flight.run("HSN", fetch) for _ in range(3)))
        assert fetch.calls == 3

    asyncio.run(scenario())
