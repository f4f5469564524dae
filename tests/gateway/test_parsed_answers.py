"""The services' answers the gateway keeps, compressed and parsed (gateway.upstream.answers):
an answer confirmed by a 304 gives back its model, however few models are kept parsed."""

from __future__ import annotations

import asyncio

import pytest
from pydantic import BaseModel

from gateway.upstream.answers import ParsedAnswers
from shared.compaction import COMPACT_AFTER


class Section(BaseModel):
    org_unit: str
    goals: list[str]


SECTION = Section(org_unit="HSN", goals=["Hälsa", "Kvalitet"])


def kept_section(parsed: int) -> tuple[ParsedAnswers, object]:
    answers = ParsedAnswers(parsed=parsed)
    key = ParsedAnswers.key("/v1/follow-up-section", {"org_unit": "HSN"}, Section)
    answers.put(key, '"v1"', SECTION.model_dump_json().encode(), SECTION)
    return answers, key


@pytest.mark.parametrize("parsed", [0, 1, 256])
def test_a_confirmed_answer_gives_its_model_back(parsed: int) -> None:
    answers, key = kept_section(parsed)
    kept = answers.get(key)
    assert kept is not None

    assert answers.model(key, kept) == SECTION
    # Asked again: the same model, parsed again from the kept body when it was let go.
    assert answers.model(key, kept) == SECTION
    assert answers.parsed_count == min(parsed, 1)


def test_on_the_event_loop_an_answer_is_packed_after_the_view_it_came_for() -> None:
    async def kept_on_the_loop() -> None:
        answers, key = kept_section(parsed=0)
        kept = answers.get(key)
        # Kept at once, as it came: compressing it is not on the view's path.
        assert kept is not None and not kept.packed
        assert kept.body == SECTION.model_dump_json().encode()
        await asyncio.sleep(COMPACT_AFTER * 2)
        assert kept.packed and kept.body != kept.json
        assert answers.model(key, kept) == SECTION

    asyncio.run(kept_on_the_loop())


def test_with_no_models_kept_only_the_compressed_body_stays() -> None:
    answers, key = kept_section(parsed=0)
    kept = answers.get(key)
    assert kept is not None

    answers.model(key, kept)

    assert kept.model is None
    assert answers.parsed_count == 0
