"""Assembling the follow-up view from what the services answered (pure functions)."""

from __future__ import annotations

from typing import Any

from gateway.followup.assignments import Assignment
from gateway.followup.budget import Summary, through_month
from gateway.followup.indicators import AreaEvaluation, Evaluation
from gateway.followup.overview import assignment_counts, overview_row
from gateway.followup.sources import IndicatorFigures, Section, Sources
from gateway.followup.tree import goal_tree, in_area_order
from gateway.followup.view import assemble_view
from shared.periods import Period

G1 = "Bättre liv och hälsa för fler"
G1_A1 = "Högt förtroende för god och jämlik vård"
G1_A1_D1 = (
    "Befolkningens uppfattning och patienternas upplevelse av hälso- och sjukvård ska förbättras."
)
G2 = "Tillgänglighet och kvalitet"
G2_A1 = "God tillgänglighet"
G2_A1_D1 = "Följsamhet till vårdgarantin"


def evaluation(
    code: str, goal: str | None, area: str | None, delmal: str | None, **kw: Any
) -> Evaluation:
    """An item of the indicators service's ``GET /v1/evaluations``."""
    return Evaluation.model_validate(
        {
            "indicator": code,
            "name": kw.pop("name", f"Indikator {code}"),
            "org_unit": "REGION",
            "period": "2024",
            "breakdown": kw.pop("breakdown", "total"),
            "value": kw.pop("value", 80.0),
            "target": {"expression": "≥80%", "year": 2024, "source": "region"},
            "status": kw.pop("status", "met"),
            "compared_with": None,
            "goal": goal,
            "area": area,
            "delmal": delmal,
            **kw,
        }
    )


def area_evaluation(area: str, evaluated: int, met: int, verdict: str, **kw: Any) -> AreaEvaluation:
    """An item of the indicators service's ``GET /v1/area-evaluations``."""
    share = kw.pop("share", round(met / evaluated, 4) if evaluated else None)
    return AreaEvaluation.model_validate(
        {"area": area, "evaluated": evaluated, "met": met, "share": share, "verdict": verdict, **kw}
    )


def report(status: str, explanation: str | None = None, **kw: Any) -> dict[str, Any]:
    """A ``latest_report`` as the assignments service gives it (a year-end report)."""
    return {
        "id": 7,
        "org_unit": "HSN",
        "period": "2024",
        "as_of": "2024-12-31",
        "on_behalf_of": [],
        "status": status,
        "explanation": explanation,
        "reported_at": "2025-01-20T10:00:00Z",
        **kw,
    }


def assignment(code: str, area: str | None = None, **kw: Any) -> Assignment:
    """An item of the assignments service's ``GET /v1/assignments?year=2024&as_of=…``;
    ``latest_status`` alone makes a year-end report of it."""
    status = kw.get("latest_status")
    latest = kw.pop("latest_report", report(status) if status else None)
    return Assignment.model_validate(
        {
            "id": code,
            "title": f"Uppdrag {code}",
            "goal": None,
            "area": area,
            "year_given": 2024,
            "lead_org_unit": "HSN",
            "lead_text": None,
            "deadline": None,
            "deadline_text": None,
            "latest_status": None,
            "latest_report": latest,
            "reported": latest is not None,
            "status_as_of": "2024-12-31",
            "carried_over": False,
            **kw,
        }
    )


def total(**kw: Any) -> dict[str, Any]:
    """The ``total`` of a summary: nothing stated unless given."""
    return {
        "budget": None,
        "outcome": None,
        "forecast": None,
        "outcome_months": None,
        "missing": ["budget", "outcome"],
        "explanation": "No total is stated.",
        **kw,
    }


def summary(**kw: Any) -> Summary:
    """The budget service's ``GET /v1/summary``."""
    return Summary.model_validate(
        {
            "grant": None,
            "budget_result": None,
            "budget_result_to_date": None,
            "outcome_result": None,
            "deviation": None,
            "forecast_result": None,
            "forecast_deviation": None,
            "meets_budget_rule": None,
            "meets_budget_rule_basis": None,
            "total": total(),
            "line_sums": {
                "lines": 0,
                "compared": 0,
                "budget_result": None,
                "budget_result_to_date": None,
                "outcome_result": None,
                "deviation": None,
                "forecast_result": None,
                "forecast_deviation": None,
                "mnkr": {},
            },
            "lines": [],
            "reported": {"result": None, "deviations": [], "figures": []},
            **kw,
        }
    )


def tree_of(evaluations: list[Evaluation], verdicts: list[AreaEvaluation]) -> list[dict[str, Any]]:
    """The goal tree as the view's JSON shows it."""
    return [node.model_dump(mode="json") for node in goal_tree(evaluations, verdicts)]


def sources(
    indicators: Section[IndicatorFigures],
    assignments: Section[list[Assignment]],
    budget: Section[Summary | None],
) -> Sources:
    return Sources(indicators, assignments, budget)


def test_goals_follow_the_reference_order_not_the_services_order() -> None:
    tree = tree_of(
        [
            evaluation("ID0700", G2, G2_A1, G2_A1_D1),
            evaluation("ID0288", G1, G1_A1, G1_A1_D1),
        ],
        [],
    )
    assert [g["goal"] for g in tree] == [G1, G2]
    assert [g["code"] for g in tree] == ["G1", "G2"]
    delmal = tree[0]["areas"][0]["delmal"][0]
    assert delmal["code"] == "G1.A1.D1"
    assert delmal["indicators"][0]["indicator"] == "ID0288"


def test_each_indicator_carries_all_its_breakdowns_without_repeating_its_placement() -> None:
    tree = tree_of(
        [
            evaluation(
                "ID0001", G2, G2_A1, G2_A1_D1, breakdown="vardcentraler", name="Vårdgaranti"
            ),
            evaluation("ID0001", G2, G2_A1, G2_A1_D1, breakdown="akutmottagningar"),
        ],
        [],
    )
    (indicator,) = tree[0]["areas"][0]["delmal"][0]["indicators"]
    assert indicator["name"] == "Vårdgaranti"
    assert [e["breakdown"] for e in indicator["evaluations"]] == [
        "vardcentraler",
        "akutmottagningar",
    ]
    assert "area" not in indicator["evaluations"][0]


def test_empty_branches_are_dropped_but_an_area_with_a_verdict_stays() -> None:
    tree = tree_of(
        [evaluation("ID0288", G1, G1_A1, G1_A1_D1)],
        [area_evaluation(G2_A1, 0, 0, "not_evaluable")],
    )
    assert [g["goal"] for g in tree] == [G1, G2]
    assert len(tree[0]["areas"]) == 1  # G1's other areas had nothing
    g2_area = tree[1]["areas"][0]
    assert g2_area["verdict"]["verdict"] == "not_evaluable"
    assert g2_area["delmal"] == []


def test_the_goal_is_found_from_the_area_when_the_item_has_none() -> None:
    tree = tree_of([evaluation("ID0700", None, G2_A1, G2_A1_D1)], [])
    assert tree[0]["goal"] == G2


def test_placements_unknown_to_the_tree_come_after_the_known_ones() -> None:
    tree = tree_of(
        [
            evaluation("ID9999", "Okänt mål", "Okänt område", None),
            evaluation("ID0288", G1, G1_A1, G1_A1_D1),
            evaluation("ID0289", G1, G1_A1, None),
        ],
        [],
    )
    assert [g["goal"] for g in tree] == [G1, "Okänt mål"]
    assert [d["delmal"] for d in tree[0]["areas"][0]["delmal"]] == [G1_A1_D1, None]
    assert tree[1]["code"] is None


def test_assignments_are_ordered_by_their_area_in_the_tree() -> None:
    items = [
        assignment("B", G2_A1),
        assignment("X", "Något annat"),
        assignment("A", G1_A1),
        assignment("C", G2_A1),
    ]
    assert [a.id for a in in_area_order(items, lambda a: a.area)] == ["A", "B", "C", "X"]


def test_latest_status_and_explanation_come_from_the_latest_report() -> None:
    item = assignment(
        "HSN2024-007",
        latest_status="avvikelse",
        latest_report=report("avvikelse", "Försenad upphandling"),
    )
    latest = item.latest()
    assert (latest.status, latest.explanation, latest.period, latest.as_of) == (
        "avvikelse",
        "Försenad upphandling",
        "2024",
        "2024-12-31",
    )
    assert assignment("HSN2024-008").latest().status is None


def test_assignments_are_counted_per_status_and_unreported_ones_apart() -> None:
    counts = assignment_counts(
        [
            assignment("A", latest_status="avvikelse"),
            assignment("B", latest_status="klart"),
            assignment("C", latest_status=None),
        ]
    )
    assert counts.model_dump() == {
        "ej_startat": 0,
        "pagar_enligt_plan": 0,
        "avvikelse": 1,
        "klart": 1,
        "ingen_rapport": 1,
        "green": 0,
        "yellow": 0,
        "orange": 0,
    }


def test_the_economy_runs_through_the_periods_last_month_unless_december() -> None:
    assert through_month(Period.parse("2024")) is None
    assert through_month(Period.parse("2024-01/2024-08")) == "2024-08"
    assert through_month(Period.parse("2024-Q1")) == "2024-03"


def test_a_missing_source_makes_the_view_partial_with_its_problem() -> None:
    problem = {"type": "x", "title": "Upstream unavailable", "status": 503, "detail": "down"}
    economy = summary(grant=1)
    view = assemble_view(
        "HSN",
        Period.parse("2024"),
        "REGION",
        sources(
            Section("ok", IndicatorFigures([], [])),
            Section("unavailable", problem=problem),
            Section("ok", economy),
        ),
    ).model_dump(mode="json")
    assert view["sources"] == {"indicators": "ok", "assignments": "unavailable", "budget": "ok"}
    assert view["partial"] is True
    assert view["problems"] == {"assignments": problem}
    assert view["assignments"] == []
    assert view["economy"] == economy.model_dump(mode="json")
    assert view["economy"]["grant"] == 1
    assert view["indicator_org_unit"] == "REGION"


def test_an_overview_row_sums_the_area_evaluations() -> None:
    row = overview_row(
        "PVN",
        sources(
            Section(
                "ok",
                IndicatorFigures(
                    [],
                    [
                        area_evaluation(G1_A1, 4, 3, "met"),
                        area_evaluation(G2_A1, 2, 0, "not_met"),
                    ],
                ),
            ),
            Section("ok", [assignment("A", latest_status="klart")]),
            Section("ok", None),
        ),
    ).model_dump(mode="json")
    assert row["indicators"] == {"met": 3, "evaluated": 6, "areas_met": 1, "areas": 2}
    assert row["assignments"]["klart"] == 1
    assert row["economy"] is None
    assert row["partial"] is False
