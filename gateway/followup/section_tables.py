"""The view's production, internal-control and financial-goals sections as flat tables
(sheets Produktion, Internkontroll, Finansiella mål; ``produktion``, ``internkontroll``,
``finansiella_mal`` in CSV). A section the view does not have (null) or could not fill
(``unavailable``: the JSON view says why) has no rows.

- ``produktion``: one row per volume: value, the previous year's, the change and the
  change in percent, exact; ``gaps`` the months missing in either year, ``;``-joined;
- ``internkontroll``: ``kind`` ``risk`` (each risk by current value, as assessed and now)
  and ``late_action`` (each action past its deadline and not done), then one
  ``follow_up`` row saying whether the half-year has a follow-up;
- ``finansiella_mal``: one row per goal with its status, the amount judged (``value``,
  integer kronor; mnkr in the workbook), the limit (exact decimal kronor), the ratio and
  threshold in basis points and the years missing.
"""

from __future__ import annotations

from collections.abc import Iterator

from gateway.followup.tables import Column, Row, Table
from gateway.followup.view import FollowUpView


def _production_rows(view: FollowUpView) -> Iterator[Row]:
    section = view.production
    if section is None:
        return
    for item in section.items:
        yield {
            "code": item.indicator,
            "name": item.name,
            "unit": item.unit,
            "breakdown": item.breakdown,
            "period": item.period,
            "value": item.value,
            "previous_period": item.previous_period,
            "previous_value": item.previous_value,
            "change": item.change,
            "change_pct": item.change_pct,
            "gaps": ";".join(item.gaps) or None,
            "value_org_unit": item.value_org_unit,
        }


def _control_rows(view: FollowUpView) -> Iterator[Row]:
    section = view.internal_control
    if section is None or section.state != "ok":
        return
    for risk in section.risks:
        yield {
            "kind": "risk",
            "code": risk.code,
            "name": risk.description,
            "who": risk.owner,
            "risk_value": risk.risk_value,
            "current_value": risk.current_value,
        }
    for action in section.late_actions:
        yield {
            "kind": "late_action",
            "code": action.code,
            "name": action.what,
            "who": action.who,
            "deadline": action.deadline,
            "state": action.state,
            "late": action.late,
        }
    yield {
        "kind": "follow_up",
        "half": section.half,
        "followed_up_this_half": section.followed_up_this_half,
    }


def _goal_rows(view: FollowUpView) -> Iterator[Row]:
    section = view.financial_goals
    if section is None:
        return
    for goal in section.goals:
        yield {
            "code": goal.goal,
            "name": goal.name,
            "period": str(section.year),
            "status": goal.status,
            "amount": goal.value,
            "limit": goal.limit,
            "ratio_bp": goal.ratio_bp,
            "threshold_bp": goal.threshold_bp,
            "missing_years": ";".join(str(y) for y in goal.missing_years) or None,
            "explanation": goal.explanation,
        }


PRODUCTION: Table[FollowUpView] = Table(
    "produktion",
    "Produktion",
    (
        Column("code", "Indikator"),
        Column("name", "Namn"),
        Column("unit", "Enhet"),
        Column("breakdown", "Uppdelning"),
        Column("period", "Period"),
        Column("value", "Värde"),
        Column("previous_period", "Föregående år, period"),
        Column("previous_value", "Föregående år, värde"),
        Column("change", "Förändring"),
        Column("change_pct", "Förändring (%)"),
        Column("gaps", "Saknas"),
        Column("value_org_unit", "Värdet avser"),
    ),
    _production_rows,
)

INTERNAL_CONTROL: Table[FollowUpView] = Table(
    "internkontroll",
    "Internkontroll",
    (
        Column("kind", "Typ"),
        Column("code", "Kod"),
        Column("name", "Beskrivning"),
        Column("who", "Ansvarig"),
        Column("risk_value", "Riskvärde"),
        Column("current_value", "Riskvärde nu"),
        Column("deadline", "Klart senast"),
        Column("state", "Läge"),
        Column("late", "Försenad"),
        Column("half", "Halvår"),
        Column("followed_up_this_half", "Uppföljd i halvåret"),
    ),
    _control_rows,
)

FINANCIAL_GOALS: Table[FollowUpView] = Table(
    "finansiella_mal",
    "Finansiella mål",
    (
        Column("code", "Mål"),
        Column("name", "Namn"),
        Column("period", "År"),
        Column("status", "Bedömning", label=True),
        Column("amount", "Belopp (mnkr)", money=True),
        Column("limit", "Gräns (kr)"),
        Column("ratio_bp", "Kvot (baspunkter)"),
        Column("threshold_bp", "Gräns (baspunkter)"),
        Column("missing_years", "År utan siffror"),
        Column("explanation", "Förklaring"),
    ),
    _goal_rows,
    lambda row: row.get("status") == "met",
)

#: The sections' tables, after the view's own four.
SECTION_TABLES: tuple[Table[FollowUpView], ...] = (PRODUCTION, INTERNAL_CONTROL, FINANCIAL_GOALS)
