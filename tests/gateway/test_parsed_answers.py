"""The services' answers the gateway keeps, compressed and parsed (gateway.upstream.answers):
an answer confirmed by a 304 gives back its model, however few models are kept parsed."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from gateway.upstream.answers import ParsedAnswers


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


def test_with_no_models_kept_only_the_compressed_body_stays() -> None:
    answers, key = kept_section(parsed=0)
    kept = answers.get(key)
    assert kept is not None

    answers.model(key, kept)

    assert kept.model is None
    assert answers.parsed_count == 0
