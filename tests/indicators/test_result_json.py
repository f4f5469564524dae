"""Results as JSON without a model per row: the JSON pages and the JSON-lines export give
exactly the objects ``ResultOut`` describes (Postgres writes them itself, elsewhere
``result_json`` does), page by page and line by line, scoped and filtered like the CSV."""

from __future__ import annotations

import contextlib
import json
import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa

from services.indicators.models import indicator_table, result_table
from services.indicators.result_json import number_json, time_json
from services.indicators.result_rows import STATUSES, check_breakdown
from services.indicators.schemas import CODE_PATTERN, ResultOut
from shared.boundary import check_org_unit_code
from shared.periods import Period, PeriodError
from shared.reference import org_units
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, result_row

NDJSON = {"Accept": "application/x-ndjson"}


def _rows() -> list[dict[str, Any]]:
    return [
        result_row(value="79.70"),
        result_row(breakdown="kvinnor", value="90.0", numerator=181, denominator="200.00"),
        result_row(org_unit="YSTAD", value="0.123456", numerator=0, denominator=1),
        result_row(org_unit="YSTAD", period="2024-08", value=None, status="missing"),
        result_row(org_unit="REGION", period="2023", value="12345678.25", status="preliminary"),
        result_row(org_unit="LANDSKRONA", period="2024-Q3", value=100),
    ]


def _stored(h: ServiceHarness) -> list[dict[str, Any]]:
    """Every stored result as ``ResultOut`` writes it, by id."""
    with h.engine.connect() as conn:
        rows = conn.execute(sa.select(result_table).order_by(result_table.c.id)).all()
    return [json.loads(ResultOut.model_validate(r._mapping).model_dump_json()) for r in rows]


@pytest.fixture
def stored(indicators: ServiceHarness) -> list[dict[str, Any]]:
    put_indicator(indicators)
    assert load(indicators, _rows()).status_code == 200
    return _stored(indicators)


def _pages(h: ServiceHarness, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    r = h.client.get("/v1/results", params=params, headers=headers)
    while True:
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        body = r.json()
        assert set(body) == {"items", "next_cursor", "next"}
        items.extend(body["items"])
        if body["next"] is None:
            assert body["next_cursor"] is None
            return items
        r = h.client.get(body["next"], headers=headers)


def _lines(h: ServiceHarness, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
    r = h.client.get("/v1/results", params=params, headers={**headers, **NDJSON})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/x-ndjson")
    assert r.text.endswith("\n") or r.text == ""
    return [json.loads(line) for line in r.text.splitlines()]


def test_a_json_page_holds_the_results_as_result_out_writes_them(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    read = indicators.auth("read")
    assert _pages(indicators, read) == stored
    assert _pages(indicators, read, limit=4) == stored  # across pages, by next
    assert _pages(indicators, read, limit=1, org_unit="YSTAD") == [
        s for s in stored if s["org_unit"] == "YSTAD"
    ]
    first = stored[0]
    assert (first["value"], first["numerator"]) == (79.7, None)
    assert [s["value"] for s in stored[1:3]] == [90, 0.123456]
    assert stored[1]["denominator"] == 200


def test_json_lines_hold_every_result_as_a_page_does(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    read = indicators.auth("read")
    assert _lines(indicators, read) == stored
    assert _lines(indicators, read, period="2024", breakdown="total") == [
        s for s in stored if s["period"] == "2024" and s["breakdown"] == "total"
    ]
    sus = indicators.auth("read", "SUS")
    assert {s["org_unit"] for s in _lines(indicators, sus)} == {"SUS"}
    other = indicators.client.get(
        "/v1/results", params={"org_unit": "YSTAD"}, headers={**sus, **NDJSON}
    )
    assert other.status_code == 403
    assert _lines(indicators, read, org_unit="KN") == []


def test_changes_come_in_change_order_with_tombstones_on_pages(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    read = indicators.auth("read")
    last = max(s["change_seq"] for s in stored)
    gone = stored[2]["id"]
    r = indicators.client.delete(f"/v1/results/{gone}", headers=indicators.auth())
    assert r.status_code == 200
    assert load(indicators, [result_row(value="81.5")]).json()["updated"] == 1
    now = {s["id"]: s for s in _stored(indicators)}
    changes = _pages(indicators, read, after_seq=last, limit=1)
    assert [c.get("deleted", False) for c in changes] == [True, False]
    assert changes[0]["id"] == str(gone)
    assert changes[1] == now[stored[0]["id"]] and changes[1]["value"] == 81.5
    # An export has no tombstones: only the changed row.
    assert _lines(indicators, read, after_seq=last) == [changes[1]]


@pytest.mark.parametrize(
    "number",
    ["0", "90", "90.0", "79.70", "-0.5", "0.123456789012345678", "12345678901234567890.5"],
)
def test_numbers_are_written_as_result_out_writes_them(number: str) -> None:
    out = ResultOut(
        id=1,
        indicator="X",
        org_unit="SUS",
        period="2024",
        breakdown="total",
        value=Decimal(number),
        numerator=None,
        denominator=None,
        status="final",
        updated_at=datetime(2024, 1, 2, tzinfo=UTC),
        change_seq=1,
    )
    assert number_json(Decimal(number)) == json.dumps(json.loads(out.model_dump_json())["value"])


@pytest.mark.parametrize("microsecond", [0, 5, 123400])
def test_times_are_written_as_pydantic_writes_them(microsecond: int) -> None:
    moment = datetime(2024, 3, 4, 5, 6, 7, microsecond, tzinfo=UTC)
    out = ResultOut(
        id=1,
        indicator="X",
        org_unit="SUS",
        period="2024",
        breakdown="total",
        value=None,
        numerator=None,
        denominator=None,
        status="missing",
        updated_at=moment,
        change_seq=1,
    )
    assert time_json(moment) == json.dumps(json.loads(out.model_dump_json())["updated_at"])


def test_times_and_numbers_stored_in_every_shape_read_as_result_out_writes_them(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    """Whole seconds, a fraction with trailing zeros, one microsecond: on every store the
    page and the lines write them as ``ResultOut`` does."""
    moments = [
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 4, 5, 123400, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 4, 5, 5, tzinfo=UTC),
    ]
    with indicators.engine.begin() as conn:
        for row, moment in zip(stored, moments, strict=False):
            conn.execute(
                sa.update(result_table)
                .where(result_table.c.id == row["id"])
                .values(updated_at=moment)
            )
    now = _stored(indicators)
    assert [n["updated_at"] for n in now[:3]] == [
        "2024-01-02T03:04:05Z",
        "2024-01-02T03:04:05.123400Z",
        "2024-01-02T03:04:05.000005Z",
    ]
    read = indicators.auth("read")
    assert _pages(indicators, read) == now
    assert _lines(indicators, read) == now


@pytest.mark.parametrize(
    "cursor", ["!!!", "InQwMDEi", "dHJ1ZQ", "OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk"], ids=str
)
def test_a_cursor_this_listing_did_not_hand_out_is_422(
    indicators: ServiceHarness, stored: list[dict[str, Any]], cursor: str
) -> None:
    r = indicators.client.get(
        "/v1/results", params={"cursor": cursor}, headers=indicators.auth("read")
    )
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "cursor" in r.text


@pytest.mark.parametrize("special", ['"', "\\", "\n", "\t", "\x01", "\x1f"], ids=repr)
def test_no_text_value_a_result_holds_can_need_escaping_in_json(special: str) -> None:
    """Postgres writes a result's text values into its JSON as they are (no escaping): it
    may, because no check a result passes lets a quote, a backslash or a control
    character through."""
    plain = re.compile(r"^[A-Za-z0-9_./-]+$")
    assert all(plain.match(code) for code in org_units())
    assert all(plain.match(status) for status in STATUSES)
    with pytest.raises(ValueError):
        check_breakdown(f"vard{special}centraler")
    assert not re.match(CODE_PATTERN, f"ID{special}0069")
    for text in (f"2024{special}", f"{special}2024-08"):
        # A period is stored in its canonical form: refused, or plain once parsed.
        with contextlib.suppress(PeriodError):
            assert plain.match(str(Period.parse(text)))
    with pytest.raises(ValueError):
        check_org_unit_code(f"SUS{special}")
    for text in ("2024", "2024-08", "2024-Q3", "2024-T2", "2024-01/2024-09"):
        assert plain.match(str(Period.parse(text)))


def test_the_seeded_indicator_codes_are_codes(seeded: ServiceHarness) -> None:
    with seeded.engine.connect() as conn:
        codes = conn.execute(sa.select(indicator_table.c.code)).all()
    assert codes and all(re.match(CODE_PATTERN, code) for (code,) in codes)
