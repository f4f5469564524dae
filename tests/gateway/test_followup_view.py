"""GET /v1/follow-up/{org_unit}: one committee's view, assembled from the real services."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from gateway.followup.export import XLSX_MEDIA_TYPE
from shared.suite import Stack
from tests.gateway.stack import metric

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def hsn_2024(gw: httpx.Client, stack: Stack) -> dict[str, Any]:
    answer = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth())
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def indicator_nodes(view: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for goal in view["goals"]:
        for area in goal["areas"]:
            for delmal in area["delmal"]:
                yield from delmal["indicators"]


def test_hsn_view_is_complete_when_every_service_answers(hsn_2024: dict[str, Any]) -> None:
    assert hsn_2024["org_unit"] == "HSN"
    assert hsn_2024["period"] == "2024"
    assert hsn_2024["sources"] == {"indicators": "ok", "assignments": "ok", "budget": "ok"}
    assert hsn_2024["partial"] is False
    assert hsn_2024["problems"] == {}


def test_hsn_shows_the_regions_indicators_from_the_quality_annex(hsn_2024: dict[str, Any]) -> None:
    assert hsn_2024["indicator_org_unit"] == "REGION"
    nodes = {n["indicator"]: n for n in indicator_nodes(hsn_2024)}
    assert "ID0288" in nodes
    evaluation = nodes["ID0288"]["evaluations"][0]
    # Asked for HSN (so a key bound to HSN reads it), the service gives REGION's values.
    assert evaluation["org_unit"] == "HSN"
    assert evaluation["value_org_unit"] == "REGION"
    assert evaluation["period"] == "2024"
    assert evaluation["status"] in {"met", "not_met", "no_target", "no_data", "not_evaluable"}


def test_goals_nest_in_the_reference_order(hsn_2024: dict[str, Any]) -> None:
    codes = [g["code"] for g in hsn_2024["goals"] if g["code"]]
    assert codes == sorted(codes)
    first = hsn_2024["goals"][0]
    assert first["goal"] == "Bättre liv och hälsa för fler"
    assert first["areas"][0]["area"] == "Högt förtroende för god och jämlik vård"
    # ID0288 (NPE, Information och kunskap) sits under the annex's first delmål.
    delmal = first["areas"][0]["delmal"][0]
    assert "ID0288" in [i["indicator"] for i in delmal["indicators"]]


def test_view_matches_the_evaluations_the_indicators_service_gives(
    hsn_2024: dict[str, Any], stack: Stack
) -> None:
    direct = httpx.get(
        stack.services["indicators"].base_url + "/v1/evaluations",
        params={"org_unit": "REGION", "period": "2024", "limit": 10_000},
        headers=stack.auth(),
    ).json()["items"]
    in_view = [e for n in indicator_nodes(hsn_2024) for e in n["evaluations"]]
    assert len(in_view) == len(direct)
    assert {(e["indicator"], e["breakdown"]) for e in direct} == {
        (n["indicator"], e["breakdown"])
        for n in indicator_nodes(hsn_2024)
        for e in n["evaluations"]
    }


def test_area_verdicts_are_in_the_view(hsn_2024: dict[str, Any]) -> None:
    assert hsn_2024["areas"], "the annex areas have verdicts"
    assert {"area", "evaluated", "met", "verdict"} <= set(hsn_2024["areas"][0])
    in_tree = [a["verdict"] for g in hsn_2024["goals"] for a in g["areas"] if a["verdict"]]
    assert len(in_tree) == len(hsn_2024["areas"])


def test_hsns_three_avvikelse_assignments_are_shown_with_their_explanation(
    hsn_2024: dict[str, Any],
) -> None:
    avvikelse = [a for a in hsn_2024["assignments"] if a["latest_status"] == "avvikelse"]
    assert len(avvikelse) == 3
    assert all(a["latest_report"]["explanation"] for a in avvikelse)


def test_economy_is_the_budget_services_summary_for_the_year(
    hsn_2024: dict[str, Any], stack: Stack
) -> None:
    direct = httpx.get(
        stack.services["budget"].base_url + "/v1/summary",
        params={"org_unit": "HSN", "year": 2024},
        headers=stack.auth(),
    ).json()
    assert hsn_2024["economy"] == direct
    assert hsn_2024["economy"]["grant"] in (15_428_700_000, 16_074_700_000)


def test_unknown_org_unit_is_a_422_problem_naming_the_field(gw: httpx.Client, stack: Stack) -> None:
    # An org unit is checked once at the edge (shared.boundary), like a period.
    answer = gw.get("/v1/follow-up/NOPE", params={"period": "2024"}, headers=stack.auth())
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    (error,) = answer.json()["errors"]
    assert error["loc"] == ["path", "org_unit"]
    assert error["msg"] == "unknown org unit 'NOPE'; GET /v1/org-units lists them"
    # A script that prints only the detail still learns what to change, and where.
    assert answer.json()["detail"] == f"The request is not valid: path.org_unit: {error['msg']}."


@pytest.mark.parametrize("period", ["2024-13", "24", "2024-08/2024-01", "2023-01/2024-02"])
def test_malformed_period_is_a_422_problem(gw: httpx.Client, stack: Stack, period: str) -> None:
    answer = gw.get("/v1/follow-up/HSN", params={"period": period}, headers=stack.auth())
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["errors"][0]["loc"] == ["query", "period"]


def test_view_without_a_key_is_a_401(gw: httpx.Client) -> None:
    answer = gw.get("/v1/follow-up/HSN", params={"period": "2024"})
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"


def test_a_401_from_an_upstream_is_passed_on_not_called_unavailable(
    gw: httpx.Client, stack: Stack
) -> None:
    # This key is stored in the indicators service only: the other two refuse it.
    answer = gw.get(
        "/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth("indicators_only")
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.headers["www-authenticate"].lower().startswith("bearer")


def test_an_unknown_key_is_a_401(gw: httpx.Client) -> None:
    answer = gw.get(
        "/v1/follow-up/HSN", params={"period": "2024"}, headers={"Authorization": "Bearer fu_x_y"}
    )
    assert answer.status_code == 401


def test_a_committee_without_figures_still_gets_a_view(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.get("/v1/follow-up/KN", params={"period": "2024-01/2024-08"}, headers=stack.auth())
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["indicator_org_unit"] == "KN"
    assert body["partial"] is False
    assert body["period"] == "2024-01/2024-08"


# --- caching --------------------------------------------------------------------------


def test_view_carries_an_etag_and_if_none_match_gives_304(gw: httpx.Client, stack: Stack) -> None:
    first = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth())
    etag = first.headers["etag"]
    again = gw.get(
        "/v1/follow-up/HSN",
        params={"period": "2024"},
        headers={**stack.auth(), "If-None-Match": etag},
    )
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    other = gw.get(
        "/v1/follow-up/HSN",
        params={"period": "2024"},
        headers={**stack.auth(), "If-None-Match": '"stale"'},
    )
    assert other.status_code == 200
    assert other.headers["etag"] == etag  # same data, same tag


def test_each_format_has_its_own_etag(gw: httpx.Client, stack: Stack) -> None:
    json_tag = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth()).headers[
        "etag"
    ]
    csv_answer = gw.get(
        "/v1/follow-up/HSN",
        params={"period": "2024"},
        headers={**stack.auth(), "Accept": "text/csv"},
    )
    assert csv_answer.headers["etag"] != json_tag


# --- formats --------------------------------------------------------------------------


def test_csv_view_is_a_flat_table_with_a_section_column(
    gw: httpx.Client, stack: Stack, hsn_2024: dict[str, Any]
) -> None:
    answer = gw.get(
        "/v1/follow-up/HSN",
        params={"period": "2024"},
        headers={**stack.auth(), "Accept": "text/csv"},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    sections = {r["section"] for r in rows}
    # HSN: no financial goals (the REGION and RS views show them).
    assert sections == {"indikator", "omrade", "uppdrag", "ekonomi", "produktion", "internkontroll"}
    assert any(r["section"] == "indikator" and r["code"] == "ID0288" for r in rows)
    assert sum(1 for r in rows if r["section"] == "uppdrag") == len(hsn_2024["assignments"])
    assert sum(1 for r in rows if r["status"] == "avvikelse") == 3
    grant = next(r for r in rows if r["section"] == "ekonomi" and r["code"] == "grant")
    assert int(grant["amount"]) == hsn_2024["economy"]["grant"]


def test_xlsx_view_reads_back_with_a_sheet_per_section(
    gw: httpx.Client, stack: Stack, hsn_2024: dict[str, Any]
) -> None:
    answer = gw.get(
        "/v1/follow-up/HSN",
        params={"period": "2024"},
        headers={**stack.auth(), "Accept": XLSX_MEDIA_TYPE},
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == XLSX_MEDIA_TYPE
    assert "attachment" in answer.headers["content-disposition"]
    book = load_workbook(io.BytesIO(answer.content))
    assert book.sheetnames == [
        "Indikatorer",
        "Områden",
        "Uppdrag",
        "Ekonomi",
        "Produktion",
        "Internkontroll",
        "Finansiella mål",
    ]
    indikatorer = book["Indikatorer"]
    headers = [c.value for c in indikatorer[1]]
    code, status = headers.index("Indikator"), headers.index("Bedömning")
    rows = list(indikatorer.iter_rows(min_row=2))
    assert any(r[code].value == "ID0288" for r in rows)
    for row in rows:
        green = (row[0].fill.fgColor.rgb or "").endswith("C6EFCE")
        assert green == (row[status].value == "Uppfyllt")
    uppdrag = book["Uppdrag"]
    assert sum(1 for r in uppdrag.iter_rows(min_row=2) if r[7].value == "Avvikelse") == 3
    ekonomi = book["Ekonomi"]
    grant = ekonomi["D2"]
    assert ekonomi["A2"].value == "grant"
    expected = round(hsn_2024["economy"]["grant"] / 1_000_000, 1)
    assert grant.value == pytest.approx(expected)
    assert grant.number_format == "0.0"


def test_simultaneous_identical_requests_share_the_upstream_calls(
    gw: httpx.Client, stack: Stack
) -> None:
    before = metric(gw, "gateway_upstream_requests_total", upstream="assignments", outcome="ok")
    with ThreadPoolExecutor(16) as pool:
        answers = list(
            pool.map(
                lambda _: httpx.get(
                    stack.gateways[0].base_url + "/v1/follow-up/HSN?period=2024",
                    headers=stack.auth(),
                    timeout=30,
                ),
                range(16),
            )
        )
    assert all(a.status_code == 200 for a in answers)
    assert len({a.headers["etag"] for a in answers}) == 1
    calls = metric(gw, "gateway_upstream_requests_total", upstream="assignments", outcome="ok")
    assert calls - before < 16
