"""The view shows what the services now say for a period (issue 12), in JSON, CSV and xlsx:
statuses as of the period's last day (not reported where no report counts), the committee's
own economy total (never the line sums), coverage of year-to-date values, and every number
exported exactly."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from gateway.followup.export import XLSX_MEDIA_TYPE, mnkr
from shared.suite import Stack

pytestmark = pytest.mark.slow

JAN_AUG = "2024-01/2024-08"


def get_view(gw: httpx.Client, stack: Stack, period: str, accept: str = "") -> httpx.Response:
    headers = {**stack.auth(), **({"Accept": accept} if accept else {})}
    answer = gw.get("/v1/follow-up/HSN", params={"period": period}, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer


@pytest.fixture(scope="module")
def hsn_2024(gw: httpx.Client, stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = get_view(gw, stack, "2024").json()
    return body


@pytest.fixture(scope="module")
def hsn_jan_aug(gw: httpx.Client, stack: Stack) -> dict[str, Any]:
    body: dict[str, Any] = get_view(gw, stack, JAN_AUG).json()
    return body


def csv_rows(answer: httpx.Response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(answer.text)))


def evaluations(view: dict[str, Any]) -> Iterator[tuple[dict[str, Any], dict[str, Any]]]:
    """(area node, evaluation) for every evaluation in the tree."""
    for goal in view["goals"]:
        for area in goal["areas"]:
            for delmal in area["delmal"]:
                for indicator in delmal["indicators"]:
                    for evaluation in indicator["evaluations"]:
                        yield area, {**evaluation, "indicator": indicator["indicator"]}


# --- assignments: the status as of the period's last day ------------------------------------


def test_a_status_reported_for_december_is_not_shown_for_january_to_august(
    hsn_2024: dict[str, Any], hsn_jan_aug: dict[str, Any]
) -> None:
    year = {a["id"]: a for a in hsn_2024["assignments"]}
    jan_aug = {a["id"]: a for a in hsn_jan_aug["assignments"]}
    assert year["HSN2024-008"]["latest_status"] == "klart"
    assert year["HSN2024-008"]["reported"] is True
    assert jan_aug["HSN2024-008"]["latest_status"] != "klart"
    assert jan_aug["HSN2024-008"]["reported"] is False
    assert jan_aug["HSN2024-008"]["status_as_of"] == "2024-08-31"
    # Every HSN status of the seed speaks for 2024-12-31: none counts in January–August.
    assert not any(a["reported"] for a in hsn_jan_aug["assignments"])


def test_not_reported_assignments_are_shown_as_such_in_csv_and_xlsx(
    gw: httpx.Client, stack: Stack
) -> None:
    rows = csv_rows(get_view(gw, stack, JAN_AUG, "text/csv"))
    item = next(r for r in rows if r["section"] == "uppdrag" and r["code"] == "HSN2024-008")
    assert (item["status"], item["reported"], item["status_as_of"]) == (
        "ingen_rapport",
        "false",
        "2024-08-31",
    )
    year = csv_rows(get_view(gw, stack, "2024", "text/csv"))
    item = next(r for r in year if r["section"] == "uppdrag" and r["code"] == "HSN2024-008")
    assert (item["status"], item["reported"]) == ("klart", "true")
    book = load_workbook(io.BytesIO(get_view(gw, stack, JAN_AUG, XLSX_MEDIA_TYPE).content))
    sheet = book["Uppdrag"]
    headers = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "HSN2024-008")
    assert row[headers.index("Status")].value == "Ingen rapport"
    assert row[headers.index("Rapporterat")].value == "nej"


def test_the_overview_counts_what_is_not_reported_for_the_period(
    gw: httpx.Client, stack: Stack, hsn_2024: dict[str, Any], hsn_jan_aug: dict[str, Any]
) -> None:
    def hsn_counts(period: str) -> dict[str, int]:
        answer = gw.get("/v1/follow-up", params={"period": period}, headers=stack.auth())
        row = next(r for r in answer.json()["committees"] if r["org_unit"] == "HSN")
        counts: dict[str, int] = row["assignments"]
        return counts

    jan_aug = hsn_counts(JAN_AUG)
    assert jan_aug["ingen_rapport"] == len(hsn_jan_aug["assignments"])
    assert jan_aug["klart"] == jan_aug["avvikelse"] == 0
    year = hsn_counts("2024")
    assert year["ingen_rapport"] == sum(1 for a in hsn_2024["assignments"] if not a["reported"])
    assert year["avvikelse"] == 3


# --- economy: the committee's own result, the line sums beside it ---------------------------


def test_the_economy_headline_is_the_committees_result_with_what_is_missing(
    hsn_2024: dict[str, Any],
) -> None:
    economy = hsn_2024["economy"]
    assert economy["outcome_result"] == 85_300_000
    assert economy["deviation"] is None  # no budget total is stated for HSN 2024
    assert economy["total"]["missing"] == ["budget"]
    assert economy["total"]["explanation"]
    assert economy["line_sums"]["outcome_result"] != economy["outcome_result"]


def test_the_csv_economy_has_the_total_then_the_lines_and_their_sums(
    gw: httpx.Client, stack: Stack, hsn_2024: dict[str, Any]
) -> None:
    economy = hsn_2024["economy"]
    rows = [
        r for r in csv_rows(get_view(gw, stack, "2024", "text/csv")) if r["section"] == "ekonomi"
    ]
    kinds = [r["kind"] for r in rows]
    assert kinds[:2] == ["grant", "total"]
    total = rows[1]
    assert (total["outcome_result"], total["deviation"], total["missing"]) == (
        "85300000",
        "",
        "budget",
    )
    assert total["explanation"] == economy["total"]["explanation"]
    assert total["months"] == "12"
    sums = next(r for r in rows if r["kind"] == "line_sums")
    assert kinds.index("line_sums") > max(i for i, k in enumerate(kinds) if k == "line")
    line_sums = economy["line_sums"]
    assert (sums["lines"], sums["compared"]) == (
        str(line_sums["lines"]),
        str(line_sums["compared"]),
    )
    assert int(sums["deviation"]) == line_sums["deviation"]
    reported = {r["code"]: r for r in rows if r["kind"] == "reported_deviation"}
    assert int(reported["lakemedelsformanen"]["deviation"]) == 77_100_000
    assert Decimal(reported["lakemedelsformanen"]["percent"]) == Decimal(2)


# --- indicators: coverage and placement ---------------------------------------------------------


def test_each_breakdown_sits_where_its_item_places_it_with_its_coverage(
    hsn_2024: dict[str, Any], stack: Stack
) -> None:
    direct = httpx.get(
        stack.services["indicators"].base_url + "/v1/evaluations",
        params={"org_unit": "HSN", "period": "2024"},
        headers=stack.auth(),
    ).json()["items"]
    placed = {
        (e["indicator"], e["breakdown"]): (area["area"], e) for area, e in evaluations(hsn_2024)
    }
    for item in direct:
        area, evaluation = placed[(item["indicator"], item["breakdown"])]
        assert area == item["area"], item["indicator"]
        assert evaluation["coverage"] == item["coverage"]
        assert evaluation["coverage_note"] == item["coverage_note"]
        assert evaluation["months"] == item["months"]
    assert any(item["coverage"] for item in direct), "the seed has year-to-date values"


def test_coverage_is_in_the_csv_and_a_footnote_in_the_workbook(
    gw: httpx.Client, stack: Stack, hsn_2024: dict[str, Any]
) -> None:
    covered = [e for _, e in evaluations(hsn_2024) if e["coverage"]]
    assert covered
    first = covered[0]
    rows = csv_rows(get_view(gw, stack, "2024", "text/csv"))
    row = next(
        r
        for r in rows
        if r["section"] == "indikator"
        and (r["code"], r["breakdown"]) == (first["indicator"], first["breakdown"])
    )
    assert (row["coverage"], row["coverage_note"]) == (first["coverage"], first["coverage_note"])
    sheet = load_workbook(io.BytesIO(get_view(gw, stack, "2024", XLSX_MEDIA_TYPE).content))[
        "Indikatorer"
    ]
    headers = [c.value for c in sheet[1]]
    marked = [
        r
        for r in sheet.iter_rows(min_row=2)
        if r[headers.index("Indikator")].value == first["indicator"]
        and r[headers.index("Uppdelning")].value == first["breakdown"]
    ]
    marker = marked[0][headers.index("Not")].value
    assert marker == "1)"
    notes = [r[0].value for r in sheet.iter_rows(min_row=2) if str(r[0].value).startswith("1) ")]
    assert notes == [f"1) {first['coverage_note']}"]


# --- exports exact ------------------------------------------------------------------------------


def expected_money(economy: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(kind, code, the JSON's kronor by column) of every economy row, in export order."""
    total = economy["total"]
    yield "grant", "grant", {"amount": economy["grant"]}
    stated_budget, stated_outcome = total["budget"] or {}, total["outcome"] or {}
    yield (
        "total",
        "total",
        {
            "budget_revenue": stated_budget.get("revenue"),
            "budget_cost": stated_budget.get("cost"),
            "outcome_revenue": stated_outcome.get("revenue"),
            "outcome_cost": stated_outcome.get("cost"),
            **{k: economy[k] for k in RESULTS},
        },
    )
    for line in economy["lines"]:
        budget, outcome = line["budget"] or {}, line["outcome"] or {}
        yield (
            "line",
            line["line"],
            {
                "budget_revenue": budget.get("revenue"),
                "budget_cost": budget.get("cost"),
                "outcome_revenue": outcome.get("revenue"),
                "outcome_cost": outcome.get("cost"),
                **{k: line[k] for k in RESULTS},
            },
        )
    if economy["line_sums"]["lines"]:
        yield "line_sums", "line_sums", {k: economy["line_sums"][k] for k in RESULTS}
    for deviation in economy["reported"]["deviations"]:
        yield "reported_deviation", deviation["line"], {"deviation": deviation["deviation"]}
    for figure in economy["reported"]["figures"]:
        code = figure["figure"] + (f":{figure['item']}" if figure["item"] else "")
        yield "reported_figure", code, {"amount": figure["amount"]}


RESULTS = (
    "budget_result",
    "budget_result_to_date",
    "outcome_result",
    "deviation",
    "forecast_result",
    "forecast_deviation",
)
HEADER_OF = {
    "amount": "Belopp (mnkr)",
    "budget_revenue": "Budget intäkter (mnkr)",
    "budget_cost": "Budget kostnader (mnkr)",
    "budget_result": "Budgeterat resultat (mnkr)",
    "budget_result_to_date": "Budget t.o.m. perioden (mnkr)",
    "outcome_revenue": "Utfall intäkter (mnkr)",
    "outcome_cost": "Utfall kostnader (mnkr)",
    "outcome_result": "Utfall resultat (mnkr)",
    "deviation": "Avvikelse (mnkr)",
    "forecast_result": "Prognos resultat (mnkr)",
    "forecast_deviation": "Prognos mot budget (mnkr)",
}


@pytest.mark.parametrize("period", ["2024", JAN_AUG])
def test_every_money_cell_of_the_workbook_is_the_jsons_exactly(
    gw: httpx.Client, stack: Stack, period: str
) -> None:
    economy = get_view(gw, stack, period).json()["economy"]
    book = load_workbook(io.BytesIO(get_view(gw, stack, period, XLSX_MEDIA_TYPE).content))
    sheet = book["Ekonomi"]
    headers = [c.value for c in sheet[1]]
    rows = list(sheet.iter_rows(min_row=2))
    expected = list(expected_money(economy))
    assert [(r[headers.index("Typ")].value, r[0].value) for r in rows] == [
        (kind, code) for kind, code, _ in expected
    ]
    compared = 0
    for row, (_, code, money) in zip(rows, expected, strict=True):
        for key, kronor in money.items():
            cell = row[headers.index(HEADER_OF[key])]
            if kronor is None:
                assert cell.value is None, (code, key)
                continue
            assert Decimal(str(cell.value)) == mnkr(kronor), (code, key, cell.value)
            assert cell.number_format == "0.0"
            compared += 1
    assert compared > 10


@pytest.mark.parametrize("accept", [XLSX_MEDIA_TYPE, "overview"])
def test_no_number_in_a_workbook_is_written_through_a_binary_float(
    gw: httpx.Client, stack: Stack, accept: str
) -> None:
    """openpyxl would write 77.1 as 77.09999999999999 and -83.9 as -83.90000000000001."""
    path = "/v1/follow-up" if accept == "overview" else "/v1/follow-up/HSN"
    answer = gw.get(
        path, params={"period": "2024"}, headers={**stack.auth(), "Accept": XLSX_MEDIA_TYPE}
    )
    assert answer.status_code == 200
    numbers = 0
    with zipfile.ZipFile(io.BytesIO(answer.content)) as book:
        for name in book.namelist():
            if not name.startswith("xl/worksheets/"):
                continue
            xml = book.read(name).decode()
            for text in re.findall(r'<c [^>]*t="n"[^>]*><v>([^<]*)</v>', xml):
                numbers += 1
                assert Decimal(text) == Decimal(repr(float(text))), (name, text)
                assert not re.search(r"\.\d*0000000|\.\d*9999999", text), (name, text)
    assert numbers > 20


def test_every_money_field_of_the_csv_is_integer_kronor(gw: httpx.Client, stack: Stack) -> None:
    rows = csv_rows(get_view(gw, stack, "2024", "text/csv"))
    money = [*HEADER_OF]
    seen = 0
    for row in rows:
        for key in money:
            if row.get(key):
                assert re.fullmatch(r"-?\d+", row[key]), (row["code"], key, row[key])
                seen += 1
    assert seen > 10
