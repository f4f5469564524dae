"""Internal control's rules on plain values, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from services.assignments import internal_control_rules as rules
from services.assignments import internal_control_summary_rules as summary_rules
from services.assignments.internal_control_schemas import (
    RiskActionOut,
    RiskActionRow,
    RiskFollowupOut,
    RiskFollowupRow,
    RiskOut,
    RiskRow,
)
from shared.errors import InvalidInput
from shared.periods import Period

TODAY = date(2024, 10, 1)
NOW = datetime(2024, 10, 1, tzinfo=UTC)


def _row(**fields: Any) -> RiskFollowupRow:
    base: dict[str, Any] = {"org_unit": "HSN", "period": "2024-01/2024-08", "risk": "R1"}
    return RiskFollowupRow.model_validate(base | fields)


def _locs(errors: list[dict[str, Any]]) -> list[list[str | int]]:
    return [e["loc"] for e in errors]


def test_the_risk_value_is_probability_times_consequence() -> None:
    assert [rules.risk_value(p, c) for p, c in ((1, 1), (2, 3), (4, 4))] == [1, 6, 16]
    row = RiskRow(
        org_unit="HSN", year=2024, code="R1", description="D", probability=3, consequence=4
    )
    assert rules.risk_record(row)["risk_value"] == 12
    assert rules.risk_record(row)["id"] == "HSN-2024-R1"


@pytest.mark.parametrize("value", [0, 5, -1])
def test_the_scales_are_1_to_4(value: int) -> None:
    with pytest.raises(ValidationError) as caught:
        RiskRow(
            org_unit="HSN", year=2024, code="R1", description="D", probability=value, consequence=2
        )
    (error,) = caught.value.errors()
    assert error["loc"] == ("probability",)
    assert "1–4" in error["msg"]


def test_codes_stay_plain() -> None:
    with pytest.raises(ValidationError):
        RiskRow(
            org_unit="HSN", year=2024, code="R-1", description="D", probability=1, consequence=1
        )


def test_the_region_is_not_a_committee() -> None:
    assert rules.committee_errors("HSN", ["org_unit"]) == []
    assert rules.committee_errors("SUS", ["org_unit"]) == []
    assert _locs(rules.committee_errors("REGION", ["org_unit"])) == [["org_unit"]]
    with pytest.raises(InvalidInput):
        rules.check_committee("REGION", ["query", "org_unit"])


def test_an_action_is_due_in_its_year_or_later() -> None:
    def action(deadline: str) -> RiskActionRow:
        return RiskActionRow.model_validate(
            {
                "org_unit": "HSN",
                "year": 2024,
                "risk": "R1",
                "code": "A1",
                "what": "W",
                "deadline": deadline,
            }
        )

    assert rules.action_errors(action("2024-01-01"), risk_known=True) == []
    assert rules.action_errors(action("2026-06-30"), risk_known=True) == []
    assert _locs(rules.action_errors(action("2023-12-31"), risk_known=True)) == [["deadline"]]
    assert _locs(rules.action_errors(action("2024-05-01"), risk_known=False)) == [["risk"]]


def test_follow_up_items() -> None:
    ok_action = _row(action="A1", state="done")
    assert rules.followup_errors(ok_action, True, True, TODAY) == []
    ok_risk = _row(probability=2, consequence=3)
    assert rules.followup_errors(ok_risk, True, False, TODAY) == []
    assert _locs(rules.followup_errors(ok_action, False, True, TODAY)) == [["risk"]]
    deviation = _row(action="A1", state="deviation")
    assert _locs(rules.followup_errors(deviation, True, True, TODAY)) == [["comment"]]
    explained = _row(action="A1", state="deviation", comment="Försenad.")
    assert rules.followup_errors(explained, True, True, TODAY) == []
    assert _locs(rules.followup_errors(_row(action="A1"), True, True, TODAY)) == [["state"]]
    mixed = _row(action="A1", state="done", probability=2)
    assert _locs(rules.followup_errors(mixed, True, True, TODAY)) == [["probability"]]
    assert _locs(rules.followup_errors(_row(state="done"), True, True, TODAY)) == [
        ["state"],
        ["probability"],
        ["consequence"],
    ]
    future = _row(action="A1", state="done", period="2024-11")
    assert _locs(rules.followup_errors(future, True, True, TODAY)) == [["period"]]
    tomorrow = _row(action="A1", state="done", followed_up_on="2024-10-02")
    assert _locs(rules.followup_errors(tomorrow, True, True, TODAY)) == [["followed_up_on"]]


def test_a_follow_up_keeps_its_stored_date_else_defaults() -> None:
    row = _row(probability=2, consequence=3)
    assert rules.followup_record(row, None, TODAY)["followed_up_on"] == date(2024, 8, 31)
    assert rules.followup_record(row, date(2024, 9, 5), TODAY)["followed_up_on"] == date(2024, 9, 5)
    under_way = _row(probability=2, consequence=3, period="2024")
    assert rules.followup_record(under_way, None, TODAY)["followed_up_on"] == TODAY
    record = rules.followup_record(row, None, TODAY)
    assert (record["id"], record["risk_value"]) == ("HSN-2024-R1@2024-01/2024-08", 6)


def test_halves_follow_the_verksamhetsberattelser_per_august_and_december() -> None:
    assert [summary_rules.half_of(m) for m in (1, 6, 8, 9, 12)] == [1, 1, 1, 2, 2]
    assert str(summary_rules.due_with(2024, 1)) == "2024-01/2024-08"
    assert str(summary_rules.due_with(2024, 2)) == "2024"
    assert summary_rules.half_of(Period.parse("2024-T2").last_month) == 1


def test_the_summary_date() -> None:
    assert summary_rules.summary_as_of(2024, None, date(2026, 12, 2)) == date(2024, 12, 31)
    assert summary_rules.summary_as_of(2024, None, date(2024, 5, 2)) == date(2024, 5, 2)
    assert summary_rules.summary_as_of(2027, None, date(2026, 12, 2)) == date(2027, 1, 1)
    with pytest.raises(InvalidInput):
        summary_rules.summary_as_of(2024, date(2025, 1, 1), TODAY)


def _risk(code: str, p: int, c: int) -> RiskOut:
    return RiskOut(
        id=f"HSN-2024-{code}", org_unit="HSN", year=2024, code=code, description=code,
        process=None, probability=p, consequence=c, risk_value=p * c, owner=None,
        updated_at=NOW, change_seq=1,
    )  # fmt: skip


def _action(risk: str, code: str, deadline: date) -> RiskActionOut:
    return RiskActionOut(
        id=f"HSN-2024-{risk}-{code}", risk_id=f"HSN-2024-{risk}", org_unit="HSN", year=2024,
        risk=risk, code=code, what=code, who=None, deadline=deadline, updated_at=NOW,
        change_seq=1,
    )  # fmt: skip


def _followup(
    risk: str, period: str, on: date, action: str | None = None, **fields: Any
) -> RiskFollowupOut:
    subject = f"HSN-2024-{risk}" + (f"-{action}" if action else "")
    return RiskFollowupOut.model_validate(
        {
            "id": f"{subject}@{period}", "risk_id": f"HSN-2024-{risk}",
            "action_id": subject if action else None, "org_unit": "HSN", "year": 2024,
            "period": period, "risk": risk, "action": action, "state": None, "comment": None,
            "probability": None, "consequence": None, "risk_value": None,
            "followed_up_on": on, "updated_at": NOW, "change_seq": 1,
        }
        | fields
    )  # fmt: skip


def test_the_summary_orders_risks_and_finds_late_actions() -> None:
    risks = [_risk("R1", 2, 2), _risk("R2", 3, 3), _risk("R3", 1, 2)]
    actions = [_action("R1", "A1", date(2024, 3, 31)), _action("R2", "A1", date(2024, 6, 30))]
    followups = [
        _followup("R1", "2024-01/2024-08", date(2024, 9, 10), probability=4, consequence=4),
        _followup("R2", "2024-01/2024-08", date(2024, 9, 10), "A1", state="done"),
        _followup("R1", "2024-Q1", date(2024, 4, 10), "A1", state="in_progress"),
        _followup("R1", "2024-01/2024-08", date(2024, 9, 10), "A1", state="deviation"),
    ]
    summary = summary_rules.summarize(
        "HSN", 2024, date(2024, 9, 30), None, risks, actions, followups
    )
    assert [(r.code, r.current_value) for r in summary.risks] == [("R1", 16), ("R2", 9), ("R3", 2)]
    assert [(a.id, a.state) for a in summary.late_actions] == [("HSN-2024-R1-A1", "deviation")]
    assert summary.follow_ups[0].period == "2024-01/2024-08"
    assert (summary.half, summary.followed_up_this_half) == (2, False)
    spring = summary_rules.summarize("HSN", 2024, date(2024, 5, 1), None, risks, actions, followups)
    assert [(r.code, r.current_value) for r in spring.risks] == [("R2", 9), ("R1", 4), ("R3", 2)]
    assert [(a.id, a.state) for a in spring.late_actions] == [("HSN-2024-R1-A1", "in_progress")]
    assert (spring.half, spring.followed_up_this_half) == (1, True)
    assert spring.follow_ups[0].period == "2024-Q1"
