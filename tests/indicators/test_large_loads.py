"""Loads bigger than one batch (``load_body.BATCH_LINES``, 2 000 lines): checks, rejections
and writes span batches."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa

from services.indicators.models import result_table
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"
N = 25_000


def _lines(n: int = N, value: str = "90") -> list[str]:
    return [f"ID9001,SUS,2024,b{i},{value},,,final\n" for i in range(n)]


def _stored(h: ServiceHarness) -> int:
    with h.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(result_table)).scalar_one())


def _with_bad_rows_at_15000_and_22000() -> str:
    lines = _lines()
    lines[14_999] = "ID9001,SUS,2024\n"
    lines[21_999] = "ID9001,SUS,2024-13,x,1,,,final\n"
    return HEADER + "".join(lines)


def test_bad_rows_in_later_batches_reject_an_atomic_load_whole(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(indicators, _with_bad_rows_at_15000_and_22000())
    assert r.status_code == 422
    assert [x["row"] for x in r.json()["rejected"]] == [15_000, 22_000]
    assert _stored(indicators) == 0


def test_a_partial_load_writes_every_good_row_across_batches(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(indicators, _with_bad_rows_at_15000_and_22000(), mode="partial")
    assert r.json()["inserted"] == N - 2
    assert _stored(indicators) == N - 2


def test_reloading_a_large_file_changes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    body = HEADER + "".join(_lines())
    load(indicators, body)
    again = load(indicators, body).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, N)


def test_a_key_repeated_in_a_large_load_keeps_its_last_value(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, HEADER + "".join(_lines()))
    body = HEADER + "".join([*_lines(value="80"), "ID9001,SUS,2024,b5,70,,,final\n"])
    counts = load(indicators, body).json()
    assert (counts["inserted"], counts["updated"]) == (0, N)
    with indicators.engine.connect() as conn:
        value = conn.execute(
            sa.select(result_table.c.value).where(result_table.c.breakdown == "b5")
        ).scalar_one()
    assert Decimal(str(value)) == Decimal("70")


def test_every_written_row_gets_its_own_change_number(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, HEADER + "".join(_lines()))
    with indicators.engine.connect() as conn:
        seqs = conn.execute(sa.select(result_table.c.change_seq)).scalars().all()
    assert len(set(seqs)) == len(seqs) == N


def test_a_row_for_another_unit_late_in_the_load_writes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    lines = _lines()
    lines[20_999] = "ID9001,YSTAD,2024,zz,1,,,final\n"
    r = load(indicators, HEADER + "".join(lines), units=("SUS",))
    assert r.status_code == 403
    assert _stored(indicators) == 0


def test_blank_lines_are_not_counted_as_rows(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    lines = ["\n"] * 12_000 + _lines(3) + ["\n"] * 9_999 + ["ID9001,SUS,2024,q,x,,,final\n"]
    r = load(indicators, HEADER + "".join(lines))
    assert [x["row"] for x in r.json()["rejected"]] == [4]


def test_a_dry_run_of_a_large_load_writes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(indicators, HEADER + "".join(_lines()), dry_run="true")
    assert r.json()["inserted"] == N
    assert _stored(indicators) == 0
