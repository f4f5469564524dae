"""GET /v1/follow-up?period=: one row per committee."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from gateway.followup.export import XLSX_MEDIA_TYPE
from shared.reference import committees
from shared.suite import Stack

pytestmark = pytest.mark.slow


def cell(value: int | None) -> str:
    """A number as the CSV writes it (empty for none)."""
    return "" if value is None else str(value)


@pytest.fixture(scope="module")
def overview(gw: httpx.Client, stack: Stack) -> dict[str, Any]:
    answer = gw.get("/v1/follow-up", params={"period": "2024"}, headers=stack.auth())
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_one_row_per_committee_in_reference_order(overview: dict[str, Any]) -> None:
    assert [r["org_unit"] for r in overview["committees"]] == committees()
    assert overview["partial"] is False
    assert overview["period"] == "2024"


def test_hsn_row_agrees_with_hsns_view(
    overview: dict[str, Any], gw: httpx.Client, stack: Stack
) -> None:
    hsn = next(r for r in overview["committees"] if r["org_unit"] == "HSN")
    view = gw.get("/v1/follow-up/HSN", params={"period": "2024"}, headers=stack.auth()).json()
    assert hsn["indicators"]["met"] == sum(a["met"] for a in view["areas"])
    assert hsn["indicators"]["evaluated"] == sum(a["evaluated"] for a in view["areas"])
    assert hsn["assignments"]["avvikelse"] == 3
    assert sum(hsn["assignments"].values()) == len(view["assignments"])
    assert hsn["economy"]["deviation"] == view["economy"]["deviation"]
    assert hsn["economy"]["grant"] == view["economy"]["grant"]
    assert hsn["economy"]["outcome_result"] == view["economy"]["outcome_result"]
    assert hsn["economy"]["missing"] == view["economy"]["total"]["missing"]


def test_hsn_and_rs_both_show_the_regions_indicators(overview: dict[str, Any]) -> None:
    rows = {r["org_unit"]: r for r in overview["committees"]}
    assert rows["HSN"]["indicators"] == rows["RS"]["indicators"]
    assert rows["HSN"]["indicators"]["evaluated"] > 0


def test_overview_has_an_etag(gw: httpx.Client, stack: Stack) -> None:
    first = gw.get("/v1/follow-up", params={"period": "2024"}, headers=stack.auth())
    again = gw.get(
        "/v1/follow-up",
        params={"period": "2024"},
        headers={**stack.auth(), "If-None-Match": first.headers["etag"]},
    )
    assert again.status_code == 304


def test_overview_rejects_a_malformed_period(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.get("/v1/follow-up", params={"period": "Q3"}, headers=stack.auth())
    assert answer.status_code == 422
    assert answer.headers["content-type"] == "application/problem+json"


def test_overview_as_csv_has_one_row_per_committee(
    gw: httpx.Client, stack: Stack, overview: dict[str, Any]
) -> None:
    answer = gw.get(
        "/v1/follow-up", params={"period": "2024"}, headers={**stack.auth(), "Accept": "text/csv"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert [r["org_unit"] for r in rows] == committees()
    hsn = next(r for r in rows if r["org_unit"] == "HSN")
    expected = next(r for r in overview["committees"] if r["org_unit"] == "HSN")
    assert int(hsn["avvikelse"]) == 3
    # HSN's own result for 2024 (+85,3 mnkr); no budget total is stated, so there is no
    # deviation to give, and the row says what is missing instead of leaving a bare blank.
    assert int(hsn["outcome_result"]) == expected["economy"]["outcome_result"] == 85_300_000
    assert hsn["deviation"] == cell(expected["economy"]["deviation"]) == ""
    assert hsn["missing"] == "budget"
    assert int(hsn["ingen_rapport"]) == expected["assignments"]["ingen_rapport"]
    assert int(hsn["indicators_met"]) == expected["indicators"]["met"]
    assert int(hsn["areas_met"]) == expected["indicators"]["areas_met"]


def test_overview_as_a_workbook_shows_money_in_mnkr(
    gw: httpx.Client, stack: Stack, overview: dict[str, Any]
) -> None:
    answer = gw.get(
        "/v1/follow-up",
        params={"period": "2024"},
        headers={**stack.auth(), "Accept": XLSX_MEDIA_TYPE},
    )
    assert answer.status_code == 200
    sheet = load_workbook(io.BytesIO(answer.content))["Nämnder"]
    headers = [c.value for c in sheet[1]]
    hsn = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "HSN")
    grant = hsn[headers.index("Regionbidrag (mnkr)")]
    expected = next(r for r in overview["committees"] if r["org_unit"] == "HSN")
    assert grant.value == pytest.approx(round(expected["economy"]["grant"] / 1_000_000, 1))
    assert grant.number_format == "0.0"
