"""Turns to make a view afresh (``ViewTurns.turn``), on their own: no more views are made
at once than the bound, the others wait their turn, and one that has waited its share of
the time it has left goes beside the others instead of being late; each turn is counted
by how it went (``gateway_follow_up_view_turns_total``)."""

from __future__ import annotations

import asyncio

from gateway.followup.kept_views import ViewTurns
from shared.observability import REGISTRY


def turns(how: str) -> float:
    return REGISTRY.get_sample_value("gateway_follow_up_view_turns_total", {"how": how}) or 0.0


def test_views_beyond_the_bound_wait_for_a_turn() -> None:
    async def scenario() -> None:
        bound = ViewTurns(2)
        making, most = 0, 0
        release = asyncio.Event()

        async def make() -> None:
            nonlocal making, most
            async with bound.turn(10.0):
                making += 1
                most = max(most, making)
                await release.wait()
                making -= 1

        free, waited = turns("free"), turns("waited")
        tasks = [asyncio.ensure_future(make()) for _ in range(6)]
        await asyncio.sleep(0.05)
        assert making == 2
        release.set()
        await asyncio.gather(*tasks)
        assert most == 2
        assert (turns("free") - free, turns("waited") - waited) == (2, 4)

    asyncio.run(scenario())


def test_a_view_that_waited_its_share_goes_beside_the_others() -> None:
    async def scenario() -> None:
        bound = ViewTurns(1)
        hung = asyncio.Event()

        async def held() -> None:
            async with bound.turn(10.0):
                await hung.wait()  # a view whose service hangs keeps its turn

        holder = asyncio.ensure_future(held())
        await asyncio.sleep(0)
        loop = asyncio.get_running_loop()
        started = loop.time()
        beside = turns("beside")
        async with bound.turn(0.1):
            waited = loop.time() - started
        assert 0.1 <= waited < 1.0
        assert turns("beside") == beside + 1
        hung.set()
        await holder
        # The turn taken without waiting was not given back: the bound still holds.
        async with bound.turn(10.0):
            pass

    asyncio.run(scenario())
