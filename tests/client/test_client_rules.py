"""The client's own rules, without a suite: what it imports, retries, errors, paging, the
feed's state file and load bodies (an in-process ``httpx.MockTransport`` answers)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from followup.client import (
    BadInput,
    Client,
    NotFound,
    Retry,
    StateFile,
    Unavailable,
    Unreachable,
)
from followup.loads import CSV, JSON, LoadBody
from tests.client.conftest import FOLLOWUP

Handler = Callable[[httpx.Request], httpx.Response]


def client_of(
    handler: Handler, sleeps: list[float] | None = None, retry: Retry | None = None
) -> Client:
    """A client whose requests ``handler`` answers; the backoff it waits is recorded."""
    waited = sleeps if sleeps is not None else []
    return Client(
        "http://suite.test",
        "fu_test",
        transport=httpx.MockTransport(handler),
        sleep=waited.append,
        retry=retry,
    )


def problem(status: int, **fields: object) -> httpx.Response:
    body = {"type": "about:blank", "title": "Problem", "status": status, "detail": "d", **fields}
    return httpx.Response(status, json=body, headers={"content-type": "application/problem+json"})


SERVER_CODE = ("shared", "services", "gateway", "fastapi", "sqlalchemy", "sqlmodel")


@pytest.mark.parametrize(
    ("module", "absent"),
    [("followup.client", (*SERVER_CODE, "typer")), ("followup.cli", SERVER_CODE)],
)
def test_the_client_imports_none_of_the_suites_server_code(
    module: str, absent: tuple[str, ...]
) -> None:
    """The client needs only httpx; the command adds typer and rich, and imports the suite
    only to run ``keys``."""
    code = (
        f"import sys, {module}\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {absent!r}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_help_lists_every_command() -> None:
    done = subprocess.run([str(FOLLOWUP), "--help"], capture_output=True, text=True, check=True)
    for command in (
        "load results",
        "outcomes",
        "forecasts",
        "reports",
        "export view",
        "export overview",
        "sync results",
        "followup due",
        "keys create",
        "keys list",
        "keys revoke",
    ):
        assert command in done.stdout, command
    loads = subprocess.run(
        [str(FOLLOWUP), "load", "--help"], capture_output=True, text=True, check=True
    )
    text = " ".join(loads.stdout.split())
    assert "Loads are idempotent" in text and "can simply be run again" in text


def test_idempotent_calls_are_retried_with_backoff_then_succeed() -> None:
    answers = [problem(503), problem(502), httpx.Response(200, json={"code": "ID0069"})]
    sleeps: list[float] = []
    with client_of(lambda _: answers.pop(0), sleeps) as client:
        assert client.indicator("ID0069")["code"] == "ID0069"
    assert sleeps == [0.5, 1.0]


def test_retries_are_bounded_and_honour_retry_after() -> None:
    calls: list[httpx.Request] = []

    def overloaded(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(429, headers={"Retry-After": "3"}, json={"title": "Too Many"})

    sleeps: list[float] = []
    with (
        client_of(overloaded, sleeps, retry=Retry(attempts=3)) as client,
        pytest.raises(Unavailable) as raised,
    ):
        client.summary("HSN", 2024)
    assert len(calls) == 3 and sleeps == [3.0, 3.0]
    assert raised.value.status == 429 and raised.value.refusing


def test_a_create_is_not_retried_but_a_load_is_with_its_whole_body_again(tmp_path: Path) -> None:
    bodies: list[bytes] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        bodies.append(request.read())
        if len(bodies) == 1:
            return problem(503)
        return httpx.Response(
            200, json={"inserted": 2, "updated": 0, "unchanged": 0, "rejected": []}
        )

    path = tmp_path / "r.csv"
    path.write_text(
        "indicator,org_unit,period,value\nID0069,SUS,2024-01,90\nID0069,SUS,2024-02,91\n"
    )
    with client_of(flaky) as client:
        assert client.load_results(path).inserted == 2
    assert bodies == [path.read_bytes(), path.read_bytes()]

    created: list[httpx.Request] = []

    def unavailable(request: httpx.Request) -> httpx.Response:
        created.append(request)
        return problem(503)

    with client_of(unavailable) as client, pytest.raises(Unavailable):
        client.create_assignment({"title": "x", "year_given": 2024})
    assert len(created) == 1


def test_no_connection_is_unreachable_after_the_retries() -> None:
    def refused(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    sleeps: list[float] = []
    retry = Retry(attempts=4, backoff=1, max_backoff=3)
    with client_of(refused, sleeps, retry) as client, pytest.raises(Unreachable):
        client.summary("HSN", 2024)
    assert sleeps == [1, 2, 3]


def test_errors_carry_the_problem_and_the_rows_and_fields_it_names() -> None:
    rejected = [{"row": 2, "errors": [{"loc": ["value"], "msg": "not a number"}]}]
    errors = [{"loc": ["body", 2, "value"], "msg": "not a number", "row": 2}]
    with (
        client_of(lambda _: problem(422, errors=errors, rejected=rejected)) as client,
        pytest.raises(BadInput) as raised,
    ):
        client.load_results(b"indicator,value\nID0069,x\n")
    error = raised.value
    assert (error.status, error.title, error.detail) == (422, "Problem", "d")
    assert error.errors[0].row == 2 and error.errors[0].field == "value"
    assert error.rejected[0].row == 2 and error.rejected[0].errors[0].msg == "not a number"
    assert not error.refusing
    with client_of(lambda _: problem(404)) as client, pytest.raises(NotFound):
        client.due("HSN", "2024-08-31")


def page(items: list[dict[str, object]], following: str | None) -> httpx.Response:
    return httpx.Response(200, json={"items": items, "next_cursor": None, "next": following})


def test_lists_follow_next_until_it_is_null() -> None:
    asked: list[str] = []

    def pages(request: httpx.Request) -> httpx.Response:
        asked.append(str(request.url))
        if "cursor" not in request.url.params:
            return page([{"id": 1}, {"id": 2}], "http://suite.test/v1/results?limit=2&cursor=Mg")
        return page([{"id": 3}], None)

    with client_of(pages) as client:
        assert [r["id"] for r in client.results(limit=2)] == [1, 2, 3]
    assert asked[1] == "http://suite.test/v1/results?limit=2&cursor=Mg"


def feed(after: int) -> httpx.Response:
    """A change feed of 5 changes (seq 11..15), two to a page."""
    seqs = [s for s in range(11, 16) if s > after][:2]
    items: list[dict[str, object]] = [{"id": s, "change_seq": s} for s in seqs]
    more = seqs and seqs[-1] < 15
    following = f"http://suite.test/v1/results?after_seq={seqs[-1]}&limit=2" if more else None
    return page(items, following)


def test_the_feed_saves_its_place_after_each_whole_page(tmp_path: Path) -> None:
    state_path = tmp_path / "state.json"

    def handler(request: httpx.Request) -> httpx.Response:
        return feed(int(request.url.params["after_seq"]))

    with client_of(handler) as client:
        state = StateFile(state_path)
        seen = []
        for row in client.changes("results", state, limit=2):
            seen.append(row["change_seq"])
            if row["change_seq"] == 13:  # the run stops half-way through the second page
                break
        assert StateFile(state_path).after_seq("results") == 12
        # The next run goes on after the last whole page: 13 comes again, nothing is lost.
        rest = [
            row["change_seq"] for row in client.changes("results", StateFile(state_path), limit=2)
        ]
    assert seen == [11, 12, 13] and rest == [13, 14, 15]
    saved = json.loads(state_path.read_text())
    assert saved["feeds"]["results"]["after_seq"] == 15
    assert [p.name for p in tmp_path.iterdir()] == ["state.json"]  # no temporary file left


def test_load_bodies_tell_json_from_csv_and_count_rows(tmp_path: Path) -> None:
    excel = tmp_path / "resultat.csv"
    excel.write_bytes("\ufeffa;b\r\n1,5;2\r\n3;4".encode())
    body = LoadBody.file(excel)
    assert (body.content_type, body.estimated_rows()) == (CSV, 2)
    as_json = tmp_path / "rows.json"
    as_json.write_text(' \n[{"a": 1}, {"a": 2}, {"a": 3}]')
    assert (LoadBody.file(as_json).content_type, LoadBody.file(as_json).estimated_rows()) == (
        JSON,
        3,
    )
    sent: list[int] = []
    assert b"".join(body.chunks(sent.append)) == excel.read_bytes()
    assert sent == [0, excel.stat().st_size]
    ansi = tmp_path / "ansi.csv"
    ansi.write_bytes("kommentar\nGöteborg\n".encode("cp1252"))
    assert b"".join(LoadBody.file(ansi, "cp1252").chunks()).decode() == "kommentar\nGöteborg\n"
