"""Answers kept while the data stands still (``shared.readcache``): never older than what
was committed before the question, 304 for a client that has the answer already, and no
answer kept for one key shown to a key that may not read it."""

from __future__ import annotations

import threading
from typing import Any

from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, put_target, result_row

SUMMARY = "/v1/evaluation-summary"
ASKED = {"org_unit": "SUS", "period": "2024"}


def _defined(h: ServiceHarness) -> None:
    assert put_indicator(h).status_code in (200, 201)
    assert put_target(h, "ID9001", 2024, "≥80%").status_code in (200, 201)


def _value(h: ServiceHarness, **headers: str) -> Any:
    r = h.client.get(SUMMARY, params=ASKED, headers={**h.auth("read"), **headers})
    assert r.status_code == 200, r.text
    (item,) = [e for e in r.json()["evaluations"] if e["indicator"] == "ID9001"]
    return item["value"]


def test_every_write_shows_in_the_next_answer(indicators: ServiceHarness) -> None:
    _defined(indicators)
    assert load(indicators, [result_row(value=90)]).status_code == 200
    assert _value(indicators) == 90
    assert _value(indicators) == 90
    assert load(indicators, [result_row(value=70)]).status_code == 200
    assert _value(indicators) == 70


def test_a_client_with_the_answer_gets_304_until_the_data_changes(
    indicators: ServiceHarness,
) -> None:
    _defined(indicators)
    load(indicators, [result_row(value=90)])
    first = indicators.client.get(SUMMARY, params=ASKED, headers=indicators.auth("read"))
    etag = first.headers["etag"]
    again = indicators.client.get(
        SUMMARY, params=ASKED, headers={**indicators.auth("read"), "If-None-Match": etag}
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag

    load(indicators, [result_row(value=70)])
    changed = indicators.client.get(
        SUMMARY, params=ASKED, headers={**indicators.auth("read"), "If-None-Match": etag}
    )
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    (item,) = [e for e in changed.json()["evaluations"] if e["indicator"] == "ID9001"]
    assert item["value"] == 70


def test_a_kept_answer_is_not_shown_to_a_key_that_may_not_read_it(
    indicators: ServiceHarness,
) -> None:
    _defined(indicators)
    load(indicators, [result_row(value=90)])
    assert _value(indicators) == 90
    refused = indicators.client.get(SUMMARY, params=ASKED, headers=indicators.auth("read", "MAS"))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")


def test_readers_beside_a_writer_never_see_an_older_value_than_was_committed(
    indicators: ServiceHarness,
) -> None:
    """One writer stores 1, 2, 3, … while readers ask for the summary: each answer shows
    at least the value whose load had returned before the question was asked."""
    _defined(indicators)
    load(indicators, [result_row(value=0)])
    committed = [0]
    stale: list[tuple[int, int]] = []
    errors: list[str] = []
    done = threading.Event()
    auth = indicators.auth("read")
    write_auth = indicators.auth("write")

    def writer() -> None:
        try:
            for value in range(1, 31):
                r = indicators.client.post(
                    "/v1/results", json=[result_row(value=value)], headers=write_auth
                )
                if r.status_code != 200:
                    errors.append(r.text)
                committed[0] = value
        finally:
            done.set()

    def reader() -> None:
        while not done.is_set():
            before = committed[0]
            r = indicators.client.get(SUMMARY, params=ASKED, headers=auth)
            if r.status_code != 200:
                errors.append(r.text)
                return
            (item,) = [e for e in r.json()["evaluations"] if e["indicator"] == "ID9001"]
            if item["value"] < before:
                stale.append((before, item["value"]))

    threads = [threading.Thread(target=writer)] + [
        threading.Thread(target=reader) for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors
    assert not stale, stale
    assert _value(indicators) == 30


def test_answers_name_their_data_version_and_the_service_says_where_it_stands(
    indicators: ServiceHarness,
) -> None:
    """A kept answer's ``Data-Version`` is where ``/v1/data-version`` stands while nothing
    is written (304 too); a write moves it on, and the next answer names the new one."""
    _defined(indicators)
    load(indicators, [result_row(value=90)])
    read = indicators.auth("read")
    first = indicators.client.get(SUMMARY, params=ASKED, headers=read)
    now = indicators.client.get("/v1/data-version", headers=read)
    assert now.status_code == 200, now.text
    assert now.json() == {"version": int(first.headers["data-version"])}
    assert now.headers["data-version"] == first.headers["data-version"]
    again = indicators.client.get(
        SUMMARY, params=ASKED, headers={**read, "If-None-Match": first.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["data-version"] == first.headers["data-version"]

    load(indicators, [result_row(value=70)])
    moved = indicators.client.get("/v1/data-version", headers=read).json()["version"]
    assert moved > now.json()["version"]
    after = indicators.client.get(SUMMARY, params=ASKED, headers=read)
    assert int(after.headers["data-version"]) == moved


def test_the_data_version_needs_a_key(indicators: ServiceHarness) -> None:
    refused = indicators.client.get("/v1/data-version")
    assert refused.status_code == 401
    assert refused.headers["content-type"].startswith("application/problem+json")
