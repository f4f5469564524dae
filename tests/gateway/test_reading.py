"""A view's one call per service (``gateway.followup.reading.ViewSections``), on the real
indicators service: every part of the view reads the same answer, and once the view is
done its sections are let go at once. The gateway runs the cyclic collector seldom
(``shared.collector``), so a reference cycle around a view's sections would keep every view's
parsed answers alive until the next full collection, and each collection would walk them."""

from __future__ import annotations

import asyncio
import gc
import weakref
from collections.abc import Iterator

import pytest

from gateway.config import GatewaySettings
from gateway.followup.indicators import FollowUpSection
from gateway.followup.reading import ViewSections
from gateway.upstream.upstream import Upstream
from shared.periods import Period
from shared.suite import Stack

pytestmark = pytest.mark.slow

YEAR = Period.parse("2024")


@pytest.fixture
def collector_off() -> Iterator[None]:
    """Only reference counting frees objects while the test looks."""
    gc.collect()
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_the_parts_of_a_view_read_one_call_and_let_it_go_when_done(
    stack: Stack, collector_off: None
) -> None:
    settings = GatewaySettings(indicators_url=stack.services["indicators"].base_url)
    upstream = Upstream.from_settings("indicators", settings)
    headers = [(k.lower(), v) for k, v in stack.auth("read").items()]

    async def a_view() -> weakref.ref[ViewSections[FollowUpSection]]:
        sections = ViewSections(upstream, FollowUpSection, headers, deadline_at=None)
        first, second = await asyncio.gather(sections.of("HSN", YEAR), sections.of("HSN", YEAR))
        assert first is second, "both parts read the one answer"
        assert first.evaluations, "the seed has HSN's (the region's) 2024"
        await asyncio.sleep(0)  # the call's done-callbacks have run
        return weakref.ref(sections)

    async def then_close() -> weakref.ref[ViewSections[FollowUpSection]]:
        try:
            return await a_view()
        finally:
            await upstream.aclose()

    view_done = asyncio.run(then_close())

    assert view_done() is None, "a reference cycle holds the view's sections"
