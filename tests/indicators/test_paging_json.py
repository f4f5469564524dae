"""The JSON pages of results, byte for byte: each page is exactly the body a ``Page`` of
``ResultOut`` items writes (compact, the fields in order, the numbers and times as
pydantic writes them), whatever writes the items (Postgres itself or ``result_json``);
``next`` is there exactly when a matching result follows the page. On Postgres a page by
id is one statement outside a transaction, and the connection goes back to the pool as
transactional as it came."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from services.indicators import listing_repository
from services.indicators.models import result_table
from services.indicators.schemas import ResultOut
from shared.db import normalise_url
from shared.paging import one_statement
from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, result_row


def _rows() -> list[dict[str, Any]]:
    return [
        result_row(value="79.70"),
        result_row(breakdown="kvinnor", value="90.0", numerator=181, denominator="200.00"),
        result_row(org_unit="YSTAD", value="0.123456", numerator=0, denominator=1),
        result_row(org_unit="YSTAD", period="2024-08", value=None, status="missing"),
        result_row(org_unit="REGION", period="2023", value="12345678.25", status="preliminary"),
        result_row(org_unit="LANDSKRONA", period="2024-Q3", value=100),
        result_row(period="2024-01/2024-09", value="-0.5", status="preliminary"),
        result_row(org_unit="YSTAD", period="2022", value=None, status="not_available"),
    ]


@pytest.fixture
def stored(indicators: ServiceHarness) -> list[dict[str, Any]]:
    """The results loaded, as rows by id; their times in every shape a time is written
    (whole seconds, a fraction with trailing zeros, one microsecond)."""
    put_indicator(indicators)
    assert load(indicators, _rows()).status_code == 200
    moments = [
        datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 4, 5, 123400, tzinfo=UTC),
        datetime(2024, 1, 2, 3, 4, 5, 5, tzinfo=UTC),
    ]
    with indicators.engine.begin() as conn:
        ids = conn.execute(sa.select(result_table.c.id).order_by(result_table.c.id)).scalars()
        for ident, moment in zip(ids, moments, strict=False):
            conn.execute(
                sa.update(result_table).where(result_table.c.id == ident).values(updated_at=moment)
            )
    with indicators.engine.connect() as conn:
        rows = conn.execute(sa.select(result_table).order_by(result_table.c.id)).all()
    return [dict(r._mapping) for r in rows]


def _body(rows: list[dict[str, Any]], cursor: str | None, next_url: str | None) -> bytes:
    """The page as ``Page[ResultOut]`` writes it, compact."""
    items = b",".join(ResultOut.model_validate(r).model_dump_json().encode() for r in rows)
    tail = json.dumps({"next_cursor": cursor, "next": next_url}, separators=(",", ":"))
    return b'{"items":[' + items + b"]," + tail[1:].encode()


def _walk(
    h: ServiceHarness,
    expected: list[dict[str, Any]],
    limit: int,
    headers: dict[str, str] | None = None,
    between: Callable[[], None] = lambda: None,
    **params: Any,
) -> None:
    """Every page by ``next``, each checked byte for byte against ``expected`` cut into
    pages of ``limit``, and ``next`` on every page but the last; ``between`` after each."""
    url: str | None = "/v1/results"
    query: dict[str, Any] | None = {"limit": limit, **params}
    headers = headers or h.auth("read")
    pages = [expected[i : i + limit] for i in range(0, len(expected), limit)] or [[]]
    for number, rows in enumerate(pages, start=1):
        assert url is not None, f"no next after page {number - 1} of {len(pages)}"
        r = h.client.get(url, params=query, headers=headers)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "application/json"
        body = r.json()
        last = number == len(pages)
        assert (body["next"] is None) is last, (number, body["next_cursor"])
        assert r.content == _body(rows, body["next_cursor"], body["next"])
        url, query = body["next"], None
        between()


def test_every_page_is_the_body_result_out_writes_byte_for_byte(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    assert len(stored) == 8
    _walk(indicators, stored, 3)  # 3 + 3 + 2
    _walk(indicators, stored, 10_000)
    # A last page that is exactly full has no next: no empty page after it.
    _walk(indicators, stored, 4)
    _walk(indicators, stored, 8)


def test_a_filtered_page_has_a_next_only_when_a_matching_result_follows(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    sus = [r for r in stored if r["org_unit"] == "SUS"]
    assert len(sus) == 3 and stored[-1]["org_unit"] == "YSTAD"  # others come after
    _walk(indicators, sus, 3, org_unit="SUS")
    _walk(indicators, sus, 2, org_unit="SUS")
    _walk(indicators, sus, 1, org_unit="SUS")
    ystad_2024 = [r for r in stored if r["org_unit"] == "YSTAD" and r["period"] == "2024"]
    _walk(indicators, ystad_2024, 1, org_unit="YSTAD", period="2024")


def test_a_bound_key_pages_through_its_own_units_only(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    own = [r for r in stored if r["org_unit"] in ("YSTAD", "LANDSKRONA")]
    _walk(indicators, own, 2, headers=indicators.auth("read", "YSTAD", "LANDSKRONA"))


def test_each_page_but_the_last_names_the_next_in_a_link_header(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    """A loader that keeps the pages as they come follows the ``Link`` header (RFC 8288):
    the same URL as the body's ``next``, none on the last page."""
    url: str | None = "/v1/results?limit=3"
    pages = 0
    while url:
        r = indicators.client.get(url, headers=indicators.auth("read"))
        assert r.status_code == 200, r.text
        pages += 1
        url = r.json()["next"]
        if url is None:
            assert "link" not in r.headers
        else:
            assert r.headers["link"] == f'<{url}>; rel="next"'
    assert pages == 3


def test_an_empty_listing_is_one_empty_page(indicators: ServiceHarness) -> None:
    r = indicators.client.get("/v1/results", headers=indicators.auth("read"))
    assert r.status_code == 200
    assert r.content == b'{"items":[],"next_cursor":null,"next":null}'


def test_a_cursor_past_the_last_result_is_an_empty_last_page(
    indicators: ServiceHarness, stored: list[dict[str, Any]]
) -> None:
    first = indicators.client.get(
        "/v1/results", params={"limit": 7}, headers=indicators.auth("read")
    ).json()
    assert first["next_cursor"] is not None
    indicators.client.delete(f"/v1/results/{stored[-1]['id']}", headers=indicators.auth())
    r = indicators.client.get(first["next"], headers=indicators.auth("read"))
    assert r.status_code == 200
    assert r.content == b'{"items":[],"next_cursor":null,"next":null}'


@pytest.fixture
def page_reads(indicators: ServiceHarness, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """On Postgres, with any limit a loader's: the thread each page statement
    (``string_agg``) runs on, in order, as the test goes."""
    _postgres(indicators)
    monkeypatch.setattr(listing_repository, "AHEAD_MIN_LIMIT", 1)
    threads: list[str] = []

    def note(_conn: object, _cursor: object, sql: str, *_: object) -> None:
        if "string_agg" in sql:
            threads.append(threading.current_thread().name)

    sa.event.listen(sa.Engine, "before_cursor_execute", note)
    try:
        yield threads
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", note)
        _settle()


def _ahead(threads: list[str]) -> list[bool]:
    return [t.startswith("results-page-ahead") for t in threads]


def _settle() -> None:
    """Wait for the pages being read ahead (the test writes only after they are read)."""
    for pending in list(listing_repository._AHEAD._pending.values()):
        pending.result()


@pytest.fixture(autouse=True)
def _no_page_read_ahead_before() -> None:
    """Pages an earlier test left read ahead (a store made afresh gives the same ids, so
    the same cursors) are let go: each test sees only the reads its own walk starts."""
    _settle()
    listing_repository._AHEAD._pending.clear()


def test_a_loader_s_next_page_is_read_ahead_and_never_older_than_a_write(
    indicators: ServiceHarness, stored: list[dict[str, Any]], page_reads: list[str]
) -> None:
    """Walking by ``next``, each page after the second was read ahead while the one
    before was sent; a page read ahead before a write is read again, not handed out."""
    _walk(indicators, stored, 2, between=_settle)  # 4 pages: the 3rd and 4th read ahead
    assert _ahead(page_reads) == [False, False, True, True]
    reader = indicators.auth("read")
    first = indicators.client.get("/v1/results?limit=2", headers=reader).json()
    second = indicators.client.get(first["next"], headers=reader).json()
    _settle()  # the third page is read: now a write changes a row of it
    row = stored[4]
    changed = result_row(**{k: row[k] for k in ("org_unit", "period", "breakdown")}, value="12.5")
    assert load(indicators, [changed]).json()["updated"] == 1
    third = indicators.client.get(second["next"], headers=reader).json()
    assert third["items"][0]["id"] == row["id"]
    assert third["items"][0]["value"] == 12.5


def test_a_loader_s_next_two_pages_are_read_ahead_at_once(
    indicators: ServiceHarness, stored: list[dict[str, Any]], page_reads: list[str]
) -> None:
    """Once a loader walks on (its second page), the two pages after the one being sent
    are both read ahead; they are then handed out as they are, and none is read past the
    last page."""
    reader = indicators.auth("read")
    first = indicators.client.get("/v1/results?limit=2", headers=reader)
    second = indicators.client.get(first.json()["next"], headers=reader)
    _settle()
    assert _ahead(page_reads) == [False, False, True, True]

    third = indicators.client.get(second.json()["next"], headers=reader)
    fourth = indicators.client.get(third.json()["next"], headers=reader)
    _settle()

    assert len(page_reads) == 4  # the third and fourth as read ahead, no fifth
    for page, rows in ((third, stored[4:6]), (fourth, stored[6:8])):
        body = page.json()
        assert page.content == _body(rows, body["next_cursor"], body["next"])
    assert fourth.json()["next"] is None


def _postgres(h: ServiceHarness) -> None:
    if h.engine.dialect.name != "postgresql":
        pytest.skip("a Postgres transaction's behaviour")


_OWN_STATEMENT_BEGAN_THE_TRANSACTION = sa.text(
    "SELECT xact_start = query_start FROM pg_stat_activity WHERE pid = pg_backend_pid()"
)


def test_one_statement_runs_outside_a_transaction_and_leaves_none_behind(
    indicators: ServiceHarness,
) -> None:
    """Inside ``one_statement`` the statement is its own transaction (no ``BEGIN`` was
    sent before it); afterwards the session and the pool's connection are transactional
    again: what they write is undone by a rollback."""
    _postgres(indicators)
    engine = sa.create_engine(normalise_url(indicators.url), pool_size=1, max_overflow=0)
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("CREATE TEMPORARY TABLE paging_probe (x int)")
            conn.commit()
        with Session(engine) as session:
            with one_statement(session) as reader:
                assert reader.execute(_OWN_STATEMENT_BEGAN_THE_TRANSACTION).scalar() is True
            assert session.execute(_OWN_STATEMENT_BEGAN_THE_TRANSACTION).scalar() is False
            session.execute(sa.text("INSERT INTO paging_probe VALUES (1)"))
            session.rollback()
            with one_statement(session) as reader:
                reader.execute(sa.text("SELECT 1"))
        with engine.connect() as conn:  # the pool's one connection again
            conn.exec_driver_sql("INSERT INTO paging_probe VALUES (2)")
            conn.rollback()
            assert conn.exec_driver_sql("SELECT count(*) FROM paging_probe").scalar() == 0
    finally:
        engine.dispose()


def test_one_statement_inside_a_begun_transaction_stays_in_it(
    indicators: ServiceHarness,
) -> None:
    _postgres(indicators)
    with Session(indicators.engine) as session:
        session.execute(sa.text("SELECT 1"))
        with one_statement(session) as reader:
            assert reader.execute(_OWN_STATEMENT_BEGAN_THE_TRANSACTION).scalar() is False
        assert session.in_transaction()
