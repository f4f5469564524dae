"""How Postgres runs an evaluation's statements on the result table: the list of periods an
evaluation asks (a year's: every span of every year back to 1990, about 900) is parsed
once per statement, never once per row checked against it.

A text parameter cast to an array is a cast the server does not fold (``array_in`` is not
immutable): it shows in the plan as ``'{…}'::cstring`` and is done again for every row,
which cost REGION's 2024 results read 15 ms for 402 rows (``evaluation_repository``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from services.indicators import evaluation
from shared.periods import Period
from tests.harness import ServiceHarness

#: The parts of a plan node that hold conditions.
CONDITIONS = ("Filter", "Index Cond", "Recheck Cond", "Join Filter", "Hash Cond")


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", ()):
        yield from _nodes(child)


def _statements_on_results(h: ServiceHarness, org_unit: str, period: str) -> list[Any]:
    """Every statement on the result table a follow-up evaluation of ``org_unit`` for
    ``period`` sends, with its parameters."""
    caught: list[Any] = []

    def catch(_c: Any, _cur: Any, statement: str, parameters: Any, _x: Any, _m: bool) -> None:
        if "indicators.result" in statement:
            caught.append((statement, parameters))

    sa.event.listen(h.engine, "before_cursor_execute", catch)
    try:
        with Session(h.engine) as session:
            evaluation.summary(session, org_unit, Period.parse(period))
    finally:
        sa.event.remove(h.engine, "before_cursor_execute", catch)
    return caught


@pytest.mark.parametrize(("org_unit", "period"), [("REGION", "2024"), ("SUS", "2024-08")])
def test_the_periods_asked_are_parsed_once_not_per_row(
    seeded: ServiceHarness, org_unit: str, period: str
) -> None:
    if seeded.engine.dialect.name != "postgresql":
        pytest.skip("plans are Postgres's (TEST_DATABASE_URL); SQLite binds each period")
    statements = _statements_on_results(seeded, org_unit, period)
    # The region's own results and the units' Σ/Σ it is summed from.
    assert len(statements) >= (2 if org_unit == "REGION" else 1)
    with seeded.engine.connect() as conn:
        for statement, parameters in statements:
            explained = conn.exec_driver_sql(
                "EXPLAIN (VERBOSE, FORMAT JSON) " + statement, parameters
            ).scalar_one()
            plan = (explained if isinstance(explained, list) else json.loads(explained))[0]
            conditions = [
                str(node[part])
                for node in _nodes(plan["Plan"])
                for part in CONDITIONS
                if part in node
            ]
            assert any("ANY (" in c for c in conditions), conditions
            assert not any("::cstring" in c for c in conditions), conditions
