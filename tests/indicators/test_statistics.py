"""A large write reads the result table's statistics again before it answers, so the next
evaluation is planned on them (``statistics_rules``); small writes leave it to autovacuum."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from services.indicators.statistics_rules import (
    ANALYZE_MIN_ROWS,
    ANALYZE_ROWS,
    analyze_due,
)
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"


def test_the_rule() -> None:
    assert not analyze_due(10_000_000, None)  # a store without planner statistics
    assert not analyze_due(ANALYZE_MIN_ROWS - 1, -1)  # small: autovacuum's business
    assert analyze_due(ANALYZE_MIN_ROWS, -1)  # a table never analysed counts as empty
    assert analyze_due(ANALYZE_MIN_ROWS, 0)
    assert analyze_due(5_000, 40_000)  # an eighth of the table
    assert not analyze_due(5_000, 60_000)  # a twelfth
    assert analyze_due(ANALYZE_ROWS, 50_000_000)  # many rows, whatever the size


def _manually_analysed(h: ServiceHarness) -> datetime | None:
    """When the result table was last analysed by a statement (not by autovacuum)."""
    with h.engine.connect() as conn:  # a fresh transaction: a fresh statistics snapshot
        found: datetime | None = conn.execute(
            sa.text(
                "SELECT last_analyze FROM pg_stat_user_tables "
                "WHERE schemaname = 'indicators' AND relname = 'result'"
            )
        ).scalar()
        return found


def _planned_rows(h: ServiceHarness) -> float:
    with h.engine.connect() as conn:
        return float(
            conn.execute(
                sa.text("SELECT reltuples FROM pg_class WHERE oid = 'indicators.result'::regclass")
            ).scalar_one()
        )


def _csv(n: int, *, start: int = 0) -> str:
    return HEADER + "".join(f"ID9001,SUS,2024,b{i},90,,,final\n" for i in range(start, start + n))


def test_a_large_load_and_a_large_delete_analyse_the_table(indicators: ServiceHarness) -> None:
    if indicators.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are Postgres's (SQLite keeps none unless asked)")
    put_indicator(indicators)
    with indicators.engine.connect() as conn:
        before = conn.execute(sa.text("SELECT now()")).scalar_one()
    small = load(indicators, _csv(20))
    assert small.json()["inserted"] == 20
    analysed = _manually_analysed(indicators)
    assert analysed is None or analysed < before  # 20 rows: left to autovacuum

    big = load(indicators, _csv(3_000, start=20))
    assert big.json()["inserted"] == 3_000
    analysed = _manually_analysed(indicators)
    assert analysed is not None and analysed >= before
    assert _planned_rows(indicators) == 3_020  # what the planner now believes is there

    r = indicators.client.delete(
        "/v1/results", params={"indicator": "ID9001"}, headers=indicators.auth()
    )
    assert r.json() == {"deleted": 3_020}
    assert _planned_rows(indicators) == 0


def test_an_unchanged_reload_does_not_analyse(indicators: ServiceHarness) -> None:
    if indicators.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are Postgres's")
    put_indicator(indicators)
    assert load(indicators, _csv(3_000)).json()["inserted"] == 3_000
    first = _manually_analysed(indicators)
    assert first is not None
    again = load(indicators, _csv(3_000)).json()
    assert (again["unchanged"], again["inserted"], again["updated"]) == (3_000, 0, 0)
    assert _manually_analysed(indicators) == first
