"""Re-loading stored rows: identical ones are counted unchanged and neither written nor
given a new change number; changed ones are updated, new keys inserted, the last of a
repeated key wins; overlapping loads at once (Postgres) end in the same state as one
after the other."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import sqlalchemy as sa

from services.indicators.load_repository import copy_text
from services.indicators.models import result_table
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"


def _csv(rows: range, value: str = "90", units: tuple[str, ...] = ("SUS",)) -> str:
    return HEADER + "".join(
        f"ID9001,{unit},2024-{1 + i % 12:02d},b{i},{value},,,final\n"
        for i in rows
        for unit in units
    )


def _stored(h: ServiceHarness) -> dict[tuple[str, str, str], tuple[str, int]]:
    r = result_table
    with h.engine.connect() as conn:
        rows = conn.execute(
            sa.select(r.c.org_unit, r.c.period, r.c.breakdown, r.c.value, r.c.change_seq)
        )
        return {(u, p, b): (format(v.normalize(), "f"), int(s)) for u, p, b, v, s in rows}


def test_an_unchanged_reload_writes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    first = load(indicators, _csv(range(6_000))).json()
    assert first["inserted"] == 6_000
    before = _stored(indicators)
    again = load(indicators, _csv(range(6_000))).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 6_000)
    assert _stored(indicators) == before  # not one change number moved


def test_a_reload_with_changed_new_and_repeated_rows(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, _csv(range(6_000)))
    before = _stored(indicators)
    body = _csv(range(3_000)) + _csv(range(3_000, 6_000), "91")[len(HEADER) :]
    body += _csv(range(6_000, 6_500))[len(HEADER) :]
    body += _csv(range(10), "12.5")[len(HEADER) :]  # repeats rows 0–9: the last wins
    answer = load(indicators, body).json()
    assert (answer["inserted"], answer["updated"], answer["unchanged"]) == (500, 3_010, 2_990)
    after = _stored(indicators)
    assert after[("SUS", "2024-01", "b0")][0] == "12.5"
    assert after[("SUS", "2024-01", "b12")] == before[("SUS", "2024-01", "b12")]
    assert after[("SUS", "2024-01", "b3000")][0] == "91"
    assert after[("SUS", "2024-01", "b3000")][1] > max(s for _, s in before.values())
    assert len(after) == 6_500


def test_an_atomic_reload_with_a_bad_last_row_writes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, _csv(range(6_000)))
    before = _stored(indicators)
    body = _csv(range(6_000), "91") + "ID9001,SUS,2024-13,x,1,,,final\n"
    r = load(indicators, body)
    assert r.status_code == 422, r.text
    assert [x["row"] for x in r.json()["rejected"]] == [6_001]
    assert _stored(indicators) == before


def test_overlapping_reloads_at_once_end_as_one_after_the_other(
    indicators: ServiceHarness,
) -> None:
    if indicators.engine.dialect.name != "postgresql":
        pytest.skip("a real race needs Postgres (SQLite serialises writers up front)")
    put_indicator(indicators)
    load(indicators, _csv(range(4_000), units=("SUS", "YSTAD")))
    bodies = [
        _csv(range(2_000, 6_000), "91", units=("SUS", "YSTAD")),
        _csv(range(3_000, 7_000), "91", units=("SUS", "YSTAD")),
        _csv(range(0, 4_000), units=("SUS", "YSTAD")),
    ]
    barrier = threading.Barrier(len(bodies))
    answers: list[Any] = []

    def one(body: str) -> None:
        barrier.wait()
        answers.append(load(indicators, body))

    threads = [threading.Thread(target=one, args=(b,)) for b in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [200, 200, 200]
    counts = [a.json() for a in answers]
    assert sum(c["inserted"] for c in counts) == 2 * 3_000  # keys 4000–6999, once each
    stored = _stored(indicators)
    assert len(stored) == 2 * 7_000
    seqs = [s for _, s in stored.values()]
    assert len(set(seqs)) == len(seqs)  # every written row has its own change number
    for (unit, _, breakdown), (value, _) in stored.items():
        n = int(breakdown[1:])
        assert unit in ("SUS", "YSTAD")
        if n >= 4_000:
            assert value == "91"
        elif n < 2_000:
            assert value == "90"
        else:
            assert value in ("90", "91")  # whichever load came last


def test_copy_text_escapes_a_cell_only_where_one_needs_it() -> None:
    plain = copy_text([("ID9001", "SUS", None, "90.5")], 7, "2024-01-02T00:00:00+00:00")
    assert plain == "ID9001\tSUS\t\\N\t90.5\t7\t2024-01-02T00:00:00+00:00\n"
    odd = copy_text([("a\tb", None, "c\\d"), ("e\nf", "g", "h")], 1, "s")
    assert odd == "a\\tb\t\\N\tc\\\\d\t1\ts\ne\\nf\tg\th\t2\ts\n"
