"""Internal control's rules as pure functions: no session, no I/O.

From seed 004 ("Uppföljning av arbetet med intern kontroll"): each nämnd/styrelse decides a
risk analysis with a plan for handling the risks when it adopts its verksamhetsplan and
internbudget, and follows its internal control up at least twice a year, at the latest with
its verksamhetsberättelser per August and December. What the service adds is named here.

- **Whose.** Risk analyses are a committee's (a nämnd or styrelse, the hospital boards
  included), never ``REGION``'s: a row for ``REGION`` is a 422 on ``org_unit``.
- **Scales.** Probability (sannolikhet) and consequence (konsekvens) are 1–4; the risk value
  is their product, 1–16, computed, never loaded.
- **Ids** are the committee's codes: an analysis ``HSN-2024``, a risk ``HSN-2024-R1``, an
  action ``HSN-2024-R1-A1``, a follow-up item ``HSN-2024-R1-A1@2024-01/2024-08`` (the
  risk's reassessment: ``HSN-2024-R1@2024-01/2024-08``). Loading a row again finds it.
- **Actions** belong to a known risk and are due in the analysis's year or later.
- **A follow-up item** is about a known risk of the period's year: with ``action``, the
  action's ``state`` (a ``deviation`` must say why in ``comment``); without, the risk's
  reassessment (both ``probability`` and ``consequence``). Its period has begun; it is made
  on ``followed_up_on``, not before the period begins nor after today (default: the date
  already stored for the item, else today or the period's last day once it has ended, so a
  load sent again changes nothing).

The summary's rules (halves, late actions, the latest follow-up) are
``internal_control_summary_rules``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from services.assignments.internal_control_schemas import (
    ACTION_STATES,
    RiskActionRow,
    RiskFollowupRow,
    RiskRow,
)
from shared.errors import InvalidInput, field_error
from shared.keys import Principal
from shared.periods import Period
from shared.reference import committees

# ----------------------------------------------------------------------------- ids, values


def analysis_id(org_unit: str, year: int) -> str:
    return f"{org_unit}-{year}"


def risk_id(org_unit: str, year: int, code: str) -> str:
    return f"{org_unit}-{year}-{code}"


def action_id(risk: str, code: str) -> str:
    return f"{risk}-{code}"


def followup_id(subject: str, period: Period) -> str:
    return f"{subject}@{period}"


def risk_value(probability: int, consequence: int) -> int:
    """Riskvärde: probability × consequence, 1–16 on the 1–4 scales."""
    return probability * consequence


# ----------------------------------------------------------------------------- who, whose


def committee_errors(org_unit: str, loc: Sequence[str | int]) -> list[dict[str, Any]]:
    """A risk analysis is a nämnd's or styrelse's: not the region as a whole."""
    if org_unit in committees():
        return []
    return [
        field_error(
            loc,
            f"{org_unit} is not a nämnd or styrelse; each committee decides its own risk analysis",
        )
    ]


def check_committee(org_unit: str, loc: Sequence[str | int]) -> None:
    if errors := committee_errors(org_unit, loc):
        raise InvalidInput(errors[0]["msg"], errors=errors)


def check_rows_authorised(principal: Principal, rows: Sequence[Any]) -> None:
    """403 when a key bound to org units loads a row of another (known) unit, before any
    row is checked: a load never half-writes another committee's internal control."""
    if not principal.bound:
        return
    known = set(committees())
    foreign = sorted(
        {
            r["org_unit"]
            for r in rows
            if isinstance(r, dict)
            and isinstance(r.get("org_unit"), str)
            and r["org_unit"] in known
            and not principal.may_speak_for(r["org_unit"])
        }
    )
    if foreign:
        principal.check_org_unit(foreign[0])


# ----------------------------------------------------------------------------- loads


def risk_record(row: RiskRow) -> dict[str, Any]:
    """A risk as stored: its id and its value computed."""
    return {
        "id": risk_id(row.org_unit, row.year, row.code),
        **row.model_dump(),
        "risk_value": risk_value(row.probability, row.consequence),
    }


def action_errors(row: RiskActionRow, risk_known: bool) -> list[dict[str, Any]]:
    """An action is of a known risk and due in the analysis's year or later."""
    errors = committee_errors(row.org_unit, ["org_unit"])
    if errors:
        return errors
    if not risk_known:
        errors.append(_no_risk(row.org_unit, row.year, row.risk))
    if row.deadline.year < row.year:
        errors.append(
            field_error(
                ["deadline"],
                f"{row.deadline.isoformat()} is before {row.year}: an action of the {row.year} "
                "risk analysis is due within or after its year",
            )
        )
    return errors


def action_record(row: RiskActionRow) -> dict[str, Any]:
    risk = risk_id(row.org_unit, row.year, row.risk)
    return {
        "id": action_id(risk, row.code),
        "risk_id": risk,
        "org_unit": row.org_unit,
        "year": row.year,
        "risk_code": row.risk,
        "code": row.code,
        "what": row.what,
        "who": row.who,
        "deadline": row.deadline,
    }


def _no_risk(org_unit: str, year: int, code: str) -> dict[str, Any]:
    return field_error(
        ["risk"],
        f"no risk {code!r} in {org_unit}'s risk analysis for {year}; load it with "
        "POST /v1/risks first",
    )


def followup_subject(row: RiskFollowupRow) -> tuple[str, str | None]:
    """The ids of the risk a follow-up item is about and of its action (None: the risk's
    own reassessment)."""
    risk = risk_id(row.org_unit, row.period.year, row.risk)
    return risk, (action_id(risk, row.action) if row.action is not None else None)


def followup_errors(
    row: RiskFollowupRow, risk_known: bool, action_known: bool, today: date
) -> list[dict[str, Any]]:
    """What is wrong with a follow-up item (empty: nothing); see the module's rules."""
    errors = committee_errors(row.org_unit, ["org_unit"])
    if errors:
        return errors
    if not risk_known:
        return [_no_risk(row.org_unit, row.period.year, row.risk)]
    if row.action is not None:
        if not action_known:
            errors.append(
                field_error(
                    ["action"],
                    f"risk {row.risk!r} has no action {row.action!r}; load it with "
                    "POST /v1/risk-actions first",
                )
            )
        if row.state is None:
            errors.append(
                field_error(["state"], f"an action's follow-up says its state: {_states()}")
            )
        errors += [
            field_error([name], "a reassessment is the risk's own row, without action")
            for name in ("probability", "consequence")
            if getattr(row, name) is not None
        ]
        if row.state == "deviation" and not (row.comment and row.comment.strip()):
            errors.append(
                field_error(["comment"], "a deviation (avvikelse) must say why: comment required")
            )
    else:
        if row.state is not None:
            errors.append(
                field_error(["state"], "a state is an action's: name the action it is about")
            )
        errors += [
            field_error([name], "a risk's reassessment gives both probability and consequence")
            for name in ("probability", "consequence")
            if getattr(row, name) is None
        ]
    return errors + _date_errors(row, today)


def _states() -> str:
    return ", ".join(ACTION_STATES)


def _date_errors(row: RiskFollowupRow, today: date) -> list[dict[str, Any]]:
    if row.period.first_day > today:
        return [
            field_error(
                ["period"],
                f"period {row.period} has not begun (today is {today.isoformat()}); follow up "
                "a period under way or ended",
            )
        ]
    on = row.followed_up_on
    if on is not None and on < row.period.first_day:
        return [
            field_error(
                ["followed_up_on"],
                f"{on.isoformat()} is before period {row.period} begins "
                f"({row.period.first_day.isoformat()})",
            )
        ]
    if on is not None and on > today:
        return [
            field_error(
                ["followed_up_on"],
                f"{on.isoformat()} is in the future (today is {today.isoformat()})",
            )
        ]
    return []


def followup_record(row: RiskFollowupRow, stored_on: date | None, today: date) -> dict[str, Any]:
    """A checked follow-up item as stored; without ``followed_up_on`` it keeps the date
    stored for it (``stored_on``), else today or the period's last day once ended."""
    risk, action = followup_subject(row)
    value = None
    if row.action is None:
        assert row.probability is not None and row.consequence is not None
        value = risk_value(row.probability, row.consequence)
    return {
        "id": followup_id(action or risk, row.period),
        "risk_id": risk,
        "action_id": action,
        "org_unit": row.org_unit,
        "year": row.period.year,
        "period": str(row.period),
        "period_last_month": row.period.last_month,
        "risk_code": row.risk,
        "action_code": row.action,
        "state": row.state,
        "comment": row.comment,
        "probability": row.probability,
        "consequence": row.consequence,
        "risk_value": value,
        "followed_up_on": row.followed_up_on or stored_on or min(today, row.period.last_day),
    }
