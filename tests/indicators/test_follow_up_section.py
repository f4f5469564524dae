"""The follow-up view's section (``GET /v1/follow-up-section``): the items of the three
calls it stands for, read from the store in one read each of the indicators, the targets
and the results (and, where the region's values are shown, the units' figures they sum)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from services.indicators.follow_up_section import follow_up_section
from services.indicators.production import _periods_read
from services.indicators.series_rules import candidate_periods
from shared.periods import MIN_YEAR, Period
from tests.harness import ServiceHarness

CASES = [
    ("HSN", "2024", 4),
    ("HSN", "2024-08", 4),
    ("RS", "2024-Q3", 4),
    ("REGION", "2024", 4),
    ("REGION", "2023-08", 4),
    ("SUS", "2023", 3),
    ("PVN", "2024-01/2024-09", 3),
]


def _items(h: ServiceHarness, path: str, unit: str, period: str) -> Any:
    r = h.client.get(path, params={"org_unit": unit, "period": period}, headers=h.auth("read"))
    assert r.status_code == 200, r.text
    return r.json()


def _statements(h: ServiceHarness, unit: str, period: str) -> int:
    seen: list[str] = []

    def count(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith("SELECT"):  # not SQLite's BEGIN
            seen.append(str(args[2]))

    sa.event.listen(h.engine, "before_cursor_execute", count)
    try:
        with Session(h.engine) as session:
            follow_up_section(session, unit, Period.parse(period))
    finally:
        sa.event.remove(h.engine, "before_cursor_execute", count)
    return len(seen)


@pytest.mark.parametrize(("unit", "period", "reads"), CASES)
def test_the_section_is_the_three_lists_from_one_read_of_each(
    seeded: ServiceHarness, unit: str, period: str, reads: int
) -> None:
    section = _items(seeded, "/v1/follow-up-section", unit, period)
    three = {
        "evaluations": _items(seeded, "/v1/evaluations", unit, period)["items"],
        "areas": _items(seeded, "/v1/area-evaluations", unit, period)["items"],
        "production": _items(seeded, "/v1/production", unit, period)["items"],
    }
    # As text: the same keys in the same order, the same numbers (85 is not 85.0).
    assert json.dumps(section) == json.dumps(three)
    assert section["evaluations"] and section["areas"] and section["production"]
    # Indicators, targets, results (the production volumes' among them); REGION, HSN and
    # RS also the units' figures the region's values are summed from.
    assert _statements(seeded, unit, period) == reads


def test_a_section_finds_its_volumes_among_the_results_its_evaluations_read() -> None:
    # What the section relies on: every period a production comparison reads is a
    # candidate period of the evaluation of the same period.
    for year in range(MIN_YEAR, 2031):
        for first in range(1, 13):
            for last in range(first, 13):
                span = Period.parse(f"{year}-{first:02d}/{year}-{last:02d}")
                for period in {span, Period.parse(str(span))}:
                    assert set(_periods_read(period)) <= set(candidate_periods(period)), period
