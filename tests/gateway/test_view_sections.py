"""The view's production, internal-control and financial-goals sections, the 2026 goal
tree (``?tree=``) and the overview's internal-control count, through the gateway on the
real services; each section in the CSV and the workbook; a section whose service is down
is unavailable, the rest of the view still there."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook

from gateway.followup.export import XLSX_MEDIA_TYPE
from shared.suite import Stack, Stores, new_stack

pytestmark = pytest.mark.slow


def view(gw: httpx.Client, stack: Stack, unit: str, period: str, **params: str) -> Any:
    answer = gw.get(
        f"/v1/follow-up/{unit}", params={"period": period, **params}, headers=stack.auth()
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def codes_in(goals: list[dict[str, Any]]) -> dict[str | None, set[str]]:
    """Area node code → the indicators under it."""
    found: dict[str | None, set[str]] = {}
    for goal in goals:
        for area in goal["areas"]:
            for delmal in area["delmal"]:
                found.setdefault(area["code"], set()).update(
                    i["indicator"] for i in delmal["indicators"]
                )
    return found


def test_hsn_view_shows_the_operations_against_2023_as_seed_002_states(
    gw: httpx.Client, stack: Stack
) -> None:
    body = view(gw, stack, "HSN", "2024")
    section = body["production"]
    assert section["state"] == "ok"
    ops = next(i for i in section["items"] if i["indicator"] == "PROD-OPERATIONER")
    # 002 line 2447: 131 850 operations, +1 071 (0,8 procent) on 2023; HSN reads REGION's.
    assert (ops["value"], ops["change"], ops["value_org_unit"]) == (131850, 1071, "REGION")
    assert round(ops["change_pct"], 1) == 0.8
    assert body["internal_control"]["state"] == "ok"
    assert body["financial_goals"] is None  # the region's goals: REGION and RS views only
    assert body["goal_tree"]["id"] == "2021" and body["partial"] is False


def test_rs_view_shows_the_financial_goals_not_evaluable_without_figures(
    gw: httpx.Client, stack: Stack
) -> None:
    goals = view(gw, stack, "RS", "2024")["financial_goals"]
    assert goals["state"] == "ok" and goals["year"] == 2024
    by_goal = {g["goal"]: g for g in goals["goals"]}
    assert set(by_goal) == {"result", "balance_requirement", "self_financing", "net_debt"}
    # The seeds give the rules, not the region's figures: nothing is guessed.
    assert by_goal["result"]["status"] == "not_evaluable"
    assert by_goal["result"]["missing_years"] == [2020, 2021, 2022, 2023, 2024]


def test_the_region_has_no_internal_control_section(gw: httpx.Client, stack: Stack) -> None:
    body = view(gw, stack, "REGION", "2024")
    assert body["internal_control"] is None and body["financial_goals"]["state"] == "ok"


def test_the_view_grouped_by_the_2026_strategy(gw: httpx.Client, stack: Stack) -> None:
    by_2021 = view(gw, stack, "HSN", "2024")
    by_2026 = view(gw, stack, "HSN", "2024", tree="2026")
    assert by_2026["goal_tree"]["id"] == "2026" and "Seed 003" in by_2026["goal_tree"]["source"]
    nodes = codes_in(by_2026["goals"])
    # ID0291 (Delaktighet och involvering) under Personcentrerat arbetssätt and under the
    # förflyttning to aktiv medskapare.
    assert "ID0291" in nodes["FHS.I1"] and "ID0291" in nodes["FHS.F1"]
    assert {c for c in nodes if c} <= {f"FHS.I{n}" for n in range(1, 8)} | {
        f"FHS.F{n}" for n in range(1, 6)
    }
    # Every indicator of the 2021 view is shown in the 2026 one (unlinked ones last).
    assert set().union(*codes_in(by_2021["goals"]).values()) == set().union(*nodes.values())
    assert by_2026["goals"][-1]["code"] is None


def test_an_unknown_tree_is_a_422_naming_it(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.get(
        "/v1/follow-up/HSN", params={"period": "2024", "tree": "2030"}, headers=stack.auth()
    )
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["errors"][0]["loc"] == ["query", "tree"]


def _post(gw: httpx.Client, stack: Stack, path: str, rows: list[dict[str, Any]]) -> None:
    answer = gw.post(path, json=rows, headers=stack.auth("admin"))
    assert answer.status_code in (200, 201), answer.text


@pytest.fixture(scope="module")
def kn_controls(gw: httpx.Client, stack: Stack) -> None:
    """Kulturnämnden's risk analysis for 2024: two risks, one action due in March."""
    answer = gw.put(
        "/v1/risk-analyses/KN/2024",
        json={"decided_on": "2024-01-25", "decision": "KN § 3 2024-01-25"},
        headers=stack.auth("admin"),
    )
    assert answer.status_code in (200, 201), answer.text
    base = {"org_unit": "KN", "year": 2024}
    _post(
        gw,
        stack,
        "/v1/risks",
        [
            {
                **base,
                "code": "R1",
                "description": "Brister i avtalsuppföljning",
                "probability": 2,
                "consequence": 3,
            },
            {
                **base,
                "code": "R2",
                "description": "Otillåten jävssituation",
                "probability": 4,
                "consequence": 4,
            },
        ],
    )
    _post(
        gw,
        stack,
        "/v1/risk-actions",
        [{**base, "risk": "R2", "code": "A1", "what": "Jävsutbildning", "deadline": "2024-03-31"}],
    )


def test_internal_control_shows_risks_by_value_and_late_actions(
    gw: httpx.Client, stack: Stack, kn_controls: None
) -> None:
    control = view(gw, stack, "KN", "2024-01/2024-08")["internal_control"]
    assert [r["code"] for r in control["risks"]] == ["R2", "R1"]
    assert [r["current_value"] for r in control["risks"]] == [16, 6]
    assert [a["code"] for a in control["late_actions"]] == ["A1"]
    assert control["followed_up_this_half"] is False


def test_the_overview_counts_committees_without_a_follow_up(
    gw: httpx.Client, stack: Stack, kn_controls: None
) -> None:
    def overview() -> Any:
        answer = gw.get("/v1/follow-up", params={"period": "2024-01/2024-08"}, headers=stack.auth())
        assert answer.status_code == 200, answer.text
        return answer.json()

    before = overview()
    assert "KN" in before["internal_control"]["not_followed_up"]
    _post(
        gw,
        stack,
        "/v1/risk-followups",
        [
            {
                "org_unit": "KN",
                "period": "2024-01/2024-08",
                "risk": "R2",
                "action": "A1",
                "state": "done",
                "followed_up_on": "2024-08-20",
            }
        ],
    )
    after = overview()
    count = after["internal_control"]
    assert "KN" not in count["not_followed_up"]
    assert (
        count["without_follow_up_this_half"]
        == before["internal_control"]["without_follow_up_this_half"] - 1
    )
    row = next(r for r in after["committees"] if r["org_unit"] == "KN")
    assert row["internal_control_followed_up"] is True
    control = view(gw, stack, "KN", "2024-01/2024-08")["internal_control"]
    assert control["followed_up_this_half"] is True and control["late_actions"] == []


def test_the_sections_are_in_the_csv_and_the_workbook(gw: httpx.Client, stack: Stack) -> None:
    answer = gw.get(
        "/v1/follow-up/RS",
        params={"period": "2024"},
        headers={**stack.auth(), "Accept": "text/csv"},
    )
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    ops = [r for r in rows if r["section"] == "produktion" and r["code"] == "PROD-OPERATIONER"]
    assert [(r["value"], r["previous_value"], r["change"]) for r in ops] == [
        ("131850", "130779", "1071")
    ]
    goals = [r for r in rows if r["section"] == "finansiella_mal"]
    assert {r["code"] for r in goals} == {
        "result",
        "balance_requirement",
        "self_financing",
        "net_debt",
    }
    assert any(r["section"] == "internkontroll" and r["kind"] == "follow_up" for r in rows)
    book = gw.get(
        "/v1/follow-up/RS",
        params={"period": "2024"},
        headers={**stack.auth(), "Accept": XLSX_MEDIA_TYPE},
    )
    sheets = load_workbook(io.BytesIO(book.content)).sheetnames
    assert {"Produktion", "Internkontroll", "Finansiella mål"} <= set(sheets)


@pytest.fixture(scope="module")
def faulty(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A stack of its own (short deadlines) whose services these tests stop."""
    stack = new_stack(
        stores,
        tmp_path_factory.mktemp("sections-logs"),
        indicators_timeout="1.0",
        assignments_timeout="1.0",
        budget_timeout="1.0",
        breaker_failures="1000",
    )
    yield stack
    stack.stop()


def test_a_section_whose_service_is_down_is_unavailable(faulty: Stack) -> None:
    with httpx.Client(base_url=faulty.gateways[0].base_url, timeout=30) as client:
        with faulty.killed("budget"):
            body = view(client, faulty, "RS", "2024")
        assert body["financial_goals"]["state"] == "unavailable"
        assert body["financial_goals"]["problem"]["status"] == 503
        assert body["production"]["state"] == "ok" and body["partial"] is True
        with faulty.killed("indicators"):
            body = view(client, faulty, "HSN", "2024")
        assert body["production"]["state"] == "unavailable" and body["production"]["items"] == []
        assert body["internal_control"]["state"] == "ok"
