"""Every load endpoint answers bad input with a problem+json 4xx and writes nothing.

One table of endpoints, one valid row each (against the seeded data), and the ways a
reporting script or a hand-edited Excel file gets it wrong.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from shared.bulk_csv import MAX_CELL
from shared.json_depth import MAX_DEPTH
from tests.harness import ServiceHarness


@dataclass(frozen=True)
class LoadEndpoint:
    service: str
    path: str
    listing: str
    row: dict[str, Any]
    period_field: str
    number_field: str


ENDPOINTS = [
    LoadEndpoint(
        "indicators",
        "/v1/results",
        "/v1/results?after_seq=0&limit=10000",
        {
            "indicator": "ID0288",
            "org_unit": "REGION",
            "period": "2025",
            "breakdown": "total",
            "value": "70.1",
            "numerator": None,
            "denominator": None,
            "status": "final",
        },
        "period",
        "value",
    ),
    LoadEndpoint(
        "budget",
        "/v1/outcomes",
        "/v1/outcomes?after_seq=0&limit=10000",
        {
            "org_unit": "HSN",
            "line": "lakemedelsformanen",
            "month": "2024-11",
            "revenue": 0,
            "cost": 1000,
        },
        "month",
        "cost",
    ),
    LoadEndpoint(
        "budget",
        "/v1/forecasts",
        "/v1/forecasts?after_seq=0&limit=10000",
        {
            "org_unit": "HSN",
            "line": "lakemedelsformanen",
            "made_in": "2024-10",
            "revenue": 0,
            "cost": 1000,
        },
        "made_in",
        "cost",
    ),
    LoadEndpoint(
        "assignments",
        "/v1/reports",
        "/v1/reports?after_seq=0&limit=10000",
        {
            "assignment_id": "HSN2024-007",
            "org_unit": "HSN",
            "period": "2024-11",
            "status": "pagar_enligt_plan",
            "explanation": "Planeringen pågår.",
        },
        "period",
        "",
    ),
]
IDS = [e.path for e in ENDPOINTS]


@pytest.fixture
def services(
    indicators: ServiceHarness, assignments: ServiceHarness, budget: ServiceHarness
) -> dict[str, ServiceHarness]:
    for harness in (indicators, assignments, budget):
        harness.seed()
    return {"indicators": indicators, "assignments": assignments, "budget": budget}


def _csv(rows: list[dict[str, Any]], sep: str = ",") -> bytes:
    header = list(rows[0])
    lines = [sep.join(header)]
    lines += [sep.join("" if r.get(h) is None else str(r.get(h)) for h in header) for r in rows]
    return ("\n".join(lines) + "\n").encode()


def _post(h: ServiceHarness, e: LoadEndpoint, body: bytes, content_type: str) -> Any:
    return h.client.post(
        e.path, content=body, headers={**h.auth("admin"), "Content-Type": content_type}
    )


def _assert_rejected_and_nothing_written(
    h: ServiceHarness, e: LoadEndpoint, send: Callable[[], Any], status: int
) -> dict[str, Any]:
    before = h.client.get(e.listing, headers=h.auth("read")).json()["items"]
    r = send()
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    after = h.client.get(e.listing, headers=h.auth("read")).json()["items"]
    assert after == before
    body: dict[str, Any] = r.json()
    return body


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_the_valid_row_is_accepted(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    r = h.client.post(e.path, json=[e.row], headers=h.auth("admin"))
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_malformed_json_is_400(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    _assert_rejected_and_nothing_written(
        h, e, lambda: _post(h, e, b'[{"org_unit": ', "application/json"), 400
    )


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_a_wrong_content_type_is_415(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    _assert_rejected_and_nothing_written(h, e, lambda: _post(h, e, b"hello", "text/plain"), 415)


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_an_empty_body_is_400(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    _assert_rejected_and_nothing_written(h, e, lambda: _post(h, e, b"", "application/json"), 400)


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_an_unknown_field_is_named(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    body = _assert_rejected_and_nothing_written(
        h,
        e,
        lambda: h.client.post(
            e.path, json=[e.row, {**e.row, "colour": "green"}], headers=h.auth("admin")
        ),
        422,
    )
    assert body["rejected"][0]["row"] == 2
    assert "colour" in str(body["rejected"][0]["errors"])


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_an_impossible_period_is_named(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    bad = {**e.row, e.period_field: "2024-13"}
    body = _assert_rejected_and_nothing_written(
        h, e, lambda: h.client.post(e.path, json=[e.row, bad], headers=h.auth("admin")), 422
    )
    assert body["rejected"][0]["row"] == 2
    assert e.period_field in str(body["rejected"][0]["errors"])


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_an_unknown_org_unit_is_named(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    bad = {**e.row, "org_unit": "ATLANTIS"}
    body = _assert_rejected_and_nothing_written(
        h, e, lambda: h.client.post(e.path, json=[bad], headers=h.auth("admin")), 422
    )
    assert body["rejected"][0]["row"] == 1
    (error,) = [err for err in body["rejected"][0]["errors"] if err["loc"] == ["org_unit"]]
    # The validator's own words, as a reporting script shows them to whoever fixes the file.
    assert error["msg"].startswith("unknown org unit 'ATLANTIS'")


@pytest.mark.parametrize("e", [e for e in ENDPOINTS if e.number_field], ids=lambda e: e.path)
def test_text_where_a_number_is_expected_is_named(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    bad = {**e.row, e.number_field: "mycket"}
    body = _assert_rejected_and_nothing_written(
        h, e, lambda: _post(h, e, _csv([e.row, bad]), "text/csv"), 422
    )
    assert body["rejected"][0]["row"] == 2
    assert e.number_field in str(body["rejected"][0]["errors"])


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_non_utf8_csv_is_422(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    body = _csv([{**e.row, "org_unit": "HÄSSLEHOLM"}]).decode().encode("latin-1")
    _assert_rejected_and_nothing_written(h, e, lambda: _post(h, e, body, "text/csv"), 422)


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_csv_with_a_missing_column_is_422(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    row = {k: v for k, v in e.row.items() if k != "org_unit"}
    _assert_rejected_and_nothing_written(h, e, lambda: _post(h, e, _csv([row]), "text/csv"), 422)


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_csv_with_an_extra_column_is_422(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    row = {**e.row, "kommentar": "x"}
    _assert_rejected_and_nothing_written(h, e, lambda: _post(h, e, _csv([row]), "text/csv"), 422)


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_swedish_excel_csv_is_accepted(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    row = {k: (str(v).replace(".", ",") if k == e.number_field else v) for k, v in e.row.items()}
    body = b"\xef\xbb\xbf" + _csv([row], sep=";")
    r = _post(h, e, body, "text/csv")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_deep_json_without_a_key_is_401_and_never_parsed(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    deep = b"[" * 100_000 + b"]" * 100_000
    _assert_rejected_and_nothing_written(
        h,
        e,
        lambda: h.client.post(e.path, content=deep, headers={"Content-Type": "application/json"}),
        401,
    )


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_deep_json_is_a_400_naming_the_depth(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    deep = b"[" * 100_000 + b"]" * 100_000
    body = _assert_rejected_and_nothing_written(
        h, e, lambda: _post(h, e, deep, "application/json"), 400
    )
    assert body["max_depth"] == MAX_DEPTH
    assert f"deeper than {MAX_DEPTH}" in body["detail"]


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_a_csv_cell_over_128_kb_is_a_422_naming_row_and_column(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    bad = {**e.row, "org_unit": "X" * (MAX_CELL + 1)}
    body = _assert_rejected_and_nothing_written(
        h, e, lambda: _post(h, e, _csv([e.row, bad]), "text/csv"), 422
    )
    assert body["rejected"][0]["row"] == 2
    assert "org_unit" in str(body["rejected"][0]["errors"])
    assert str(MAX_CELL) in str(body["rejected"][0]["errors"])


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
@pytest.mark.parametrize(
    ("broken", "line"),
    [(b'"unterminated\n', 3), (b'"closed"then text,x\n', 3), (b'"cut off mid-field', 3)],
    ids=["unterminated-quote", "text-after-quote", "cut-off"],
)
def test_a_csv_with_broken_quotes_is_a_422_naming_the_line(
    services: dict[str, ServiceHarness], e: LoadEndpoint, broken: bytes, line: int
) -> None:
    h = services[e.service]
    good = _csv([e.row, e.row])
    body = _assert_rejected_and_nothing_written(
        h, e, lambda: _post(h, e, good.rsplit(b"\n", 2)[0] + b"\n" + broken, "text/csv"), 422
    )
    assert f"line {line}" in body["detail"]
    assert body["line"] == line


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_a_nul_byte_in_a_csv_is_a_422(services: dict[str, ServiceHarness], e: LoadEndpoint) -> None:
    h = services[e.service]
    body = _csv([e.row]).replace(b"\n", b"\x00\n", 2)
    _assert_rejected_and_nothing_written(h, e, lambda: _post(h, e, body, "text/csv"), 422)


@pytest.mark.parametrize("e", ENDPOINTS, ids=IDS)
def test_a_nul_character_in_a_json_string_is_a_422(
    services: dict[str, ServiceHarness], e: LoadEndpoint
) -> None:
    h = services[e.service]
    row = {
        k: (f"{v}\u0000" if isinstance(v, str) and k != e.number_field else v)
        for k, v in e.row.items()
    }
    body = json.dumps([row]).encode()
    problem = _assert_rejected_and_nothing_written(
        h, e, lambda: _post(h, e, body, "application/json"), 422
    )
    assert problem["errors"][0]["loc"] == ["body"]
