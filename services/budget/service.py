"""Domain rules of the budget service: plain functions, no HTTP, one commit per operation.

Money is integer kronor throughout; every sum and deviation is exact integer arithmetic.
Rounding happens in two documented places only: pro rata budget (``prorate``) and the
mnkr display strings (``mnkr``), both half away from zero.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import sqlalchemy as sa
from fastapi import Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from services.budget import schemas as s
from services.budget.models import (
    BudgetLine,
    Earmarked,
    Forecast,
    Outcome,
    Regionbidrag,
    RegionbidragComponent,
    ReportedDeviation,
    ReportedResult,
    table,
)
from shared.bulk import LoadMode, LoadReport, RowError, reject_if_atomic, upsert, validate_rows
from shared.errors import Conflict, InvalidInput, NotFound, field_error
from shared.etag import check_if_match
from shared.keys import Principal
from shared.paging import ListParams, paginate_table
from shared.reference import check_org_unit, org_units
from shared.store import AuditTrail, ChangeFeed, utcnow

GRANT = table(Regionbidrag)
COMPONENT = table(RegionbidragComponent)
LINE = table(BudgetLine)
OUTCOME = table(Outcome)
FORECAST = table(Forecast)
EARMARKED = table(Earmarked)
REPORTED_RESULT = table(ReportedResult)
REPORTED_DEVIATION = table(ReportedDeviation)

EARMARK_MOVED = "earmarked money cannot be moved to other activity"


# --- arithmetic and display -----------------------------------------------------------------


def _div_half_away(numerator: int, denominator: int) -> int:
    """numerator / denominator rounded half away from zero (denominator > 0)."""
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return -q if numerator < 0 else q


def prorate(amount: int, months: int) -> int:
    """The budget for the first ``months`` months: amount x months / 12, half away from zero."""
    return _div_half_away(amount * months, 12)


def mnkr(kronor: int | None) -> str:
    """Kronor as mnkr with one decimal, Swedish style: 15428700000 -> '15 428,7'."""
    if kronor is None:
        return "-"
    tenths = _div_half_away(kronor, 100_000)
    whole, tenth = divmod(abs(tenths), 10)
    sign = "-" if tenths < 0 else ""
    return f"{sign}{whole:,}".replace(",", " ") + f",{tenth}"


def _unit(code: str, loc: list[str | int]) -> str:
    check_org_unit(code, loc)
    return code


def _year(year: int) -> int:
    if not 1990 <= year <= 2100:
        raise InvalidInput(
            f"Year {year} is outside 1990-2100.",
            errors=[field_error(["path", "year"], "year out of range")],
        )
    return year


def _equal(table: sa.Table, **values: object) -> list[sa.ColumnElement[bool]]:
    """``column == value`` for each filter given (None: not filtered)."""
    return [table.c[name] == v for name, v in values.items() if v is not None]


def _sum(values: Iterable[int | None]) -> int | None:
    known = [v for v in values if v is not None]
    return sum(known) if known else None


# --- grants (regionbidrag) ------------------------------------------------------------------


@dataclass
class _Comp:
    """A component on its way into the table."""

    kind: str
    label: str
    amount: int
    decision: str | None = None
    used: bool | None = None
    counterparty: str | None = None
    counterparty_text: str | None = None
    mirrored_from: str | None = None
    derivation: str | None = None

    @classmethod
    def of(cls, c: s.ComponentIn) -> _Comp:
        return cls(
            c.kind,
            c.label,
            c.amount,
            c.decision,
            c.used,
            c.counterparty,
            c.counterparty_text,
            None,
            c.derivation,
        )

    @classmethod
    def of_row(cls, r: Any) -> _Comp:
        return cls(
            r.kind,
            r.label,
            r.amount,
            r.decision,
            r.used,
            r.counterparty,
            r.counterparty_text,
            r.mirrored_from,
            r.derivation,
        )

    def mirror(self, owner: str) -> _Comp:
        return _Comp(
            "transfer",
            self.label,
            -self.amount,
            self.decision,
            None,
            owner,
            None,
            owner,
            self.derivation,
        )


def grant_id(org_unit: str, year: int) -> str:
    return f"{org_unit}/{year}"


def _validate_components(org_unit: str, body: s.GrantIn) -> None:
    errors: list[dict[str, Any]] = []

    def bad(i: int, field: str, msg: str) -> None:
        errors.append(field_error(["body", "components", i, field], msg))

    bases = 0
    for i, c in enumerate(body.components):
        bases += c.kind == "base"
        if c.kind == "efficiency" and c.amount >= 0:
            bad(i, "amount", "an efficiency requirement (effektiviseringskrav) is negative")
        if c.kind == "supplementary":
            if not c.decision:
                bad(i, "decision", "a tilläggsbudget names the decision that gave it")
            if c.used is None:
                bad(i, "used", "say whether the tilläggsbudget is used (true) or not (false)")
        elif c.used is not None:
            bad(i, "used", "only a supplementary component is used or not")
        if c.kind == "transfer":
            if c.counterparty is not None:
                if c.counterparty not in org_units():
                    bad(i, "counterparty", f"unknown org unit {c.counterparty!r}")
                elif c.counterparty == org_unit:
                    bad(i, "counterparty", "a transfer goes to or from another committee")
        elif c.counterparty is not None or c.counterparty_text is not None:
            bad(i, "counterparty", "only a transfer has a counterparty")
        if c.derived and not c.derivation:
            bad(i, "derivation", "a derived figure says how it was derived")
        if not c.derived and c.derivation:
            bad(i, "derived", "a derivation is given, so set derived: true")
    if bases > 1:
        errors.append(field_error(["body", "components"], "at most one base component"))
    eff = body.efficiency_requirement
    if eff and eff.gross_indexation_bp - eff.efficiency_bp != eff.net_indexation_bp:
        errors.append(
            field_error(
                ["body", "efficiency_requirement"],
                "gross_indexation_bp - efficiency_bp must equal net_indexation_bp",
            )
        )
    if errors:
        raise InvalidInput(
            f"The grant for {org_unit} has {len(errors)} invalid component field(s).",
            errors=errors,
        )


def _put_grant(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    org_unit: str,
    year: int,
    body: s.GrantIn,
    if_match: str | None = None,
) -> list[str]:
    """Write one grant and the mirrored side of its transfers; returns the org units written."""
    _unit(org_unit, ["path", "org_unit"])
    _year(year)
    _validate_components(org_unit, body)
    if principal:
        principal.check_org_unit(org_unit)

    rows = session.execute(
        sa.select(COMPONENT, GRANT.c.org_unit.label("owner_unit"))
        .join(GRANT, GRANT.c.id == COMPONENT.c.grant_id)
        .where(
            GRANT.c.year == year,
            sa.or_(GRANT.c.org_unit == org_unit, COMPONENT.c.counterparty == org_unit),
        )
        .order_by(COMPONENT.c.grant_id, COMPONENT.c.position)
    ).all()
    mine = [r for r in rows if r.owner_unit == org_unit]
    theirs: dict[str, list[Any]] = defaultdict(list)
    for r in rows:
        if r.owner_unit != org_unit:
            theirs[r.owner_unit].append(r)
    current = session.execute(
        sa.select(GRANT.c.change_seq).where(GRANT.c.id == grant_id(org_unit, year))
    ).scalar_one_or_none()
    check_if_match(if_match, current)

    new = [_Comp.of(c) for c in body.components]
    pairs = {c.counterparty for c in new if c.kind == "transfer" and c.counterparty}
    pairs |= {r.counterparty for r in mine if r.kind == "transfer" and r.counterparty}
    pairs |= set(theirs)

    owned_by_other: dict[str, list[_Comp]] = {}
    mirror_writes: dict[str, list[_Comp]] = {}
    for other in sorted(pairs):
        submitted = [c for c in new if c.kind == "transfer" and c.counterparty == other]
        mirrors_here = [_Comp.of_row(r) for r in mine if r.mirrored_from == other]
        if mirrors_here:
            # The other committee's grant owns this transfer; this side must agree with it.
            here = sum(c.amount for c in mirrors_here)
            said = sum(c.amount for c in submitted)
            if said != here:
                raise Conflict(
                    f"The transfer between {org_unit} and {other} in {year} is recorded on "
                    f"{other}'s grant and mirrored here as {here} kr; this write says {said} kr. "
                    f"Change the transfer on {other}'s grant: {org_unit}'s side follows it.",
                    errors=[
                        field_error(
                            ["body", "components"],
                            f"transfers with {other} must sum to {here} kr (mirrored from {other})",
                        )
                    ],
                )
            owned_by_other[other] = mirrors_here
            continue
        foreign = [r for r in theirs.get(other, []) if r.mirrored_from != org_unit]
        if foreign:
            raise Conflict(
                f"{other}'s grant for {year} records its own transfer with {org_unit}; "
                f"change it there.",
                errors=[field_error(["body", "components"], f"transfer with {other}")],
            )
        wanted = [c.mirror(org_unit) for c in submitted]
        existing = [_Comp.of_row(r) for r in theirs.get(other, [])]
        if wanted != existing:
            if principal:
                principal.check_org_unit(other)
            mirror_writes[other] = wanted

    final: list[_Comp] = []
    placed: set[str] = set()
    for c in new:
        party = c.counterparty if c.kind == "transfer" else None
        if party and party in owned_by_other:
            if party not in placed:
                final.extend(owned_by_other[party])
                placed.add(party)
            continue
        final.append(c)

    first = feed.allocate(session, 1 + len(mirror_writes))
    _write_grant_row(session, org_unit, year, first, body.efficiency_requirement, replace=True)
    gid = grant_id(org_unit, year)
    session.execute(sa.delete(COMPONENT).where(COMPONENT.c.grant_id == gid))
    _insert_components(session, gid, final, start=0)

    for n, (other, wanted) in enumerate(sorted(mirror_writes.items()), start=1):
        oid = grant_id(other, year)
        _write_grant_row(session, other, year, first + n, None, replace=False)
        session.execute(
            sa.delete(COMPONENT).where(
                COMPONENT.c.grant_id == oid, COMPONENT.c.mirrored_from == org_unit
            )
        )
        top = session.execute(
            sa.select(sa.func.max(COMPONENT.c.position)).where(COMPONENT.c.grant_id == oid)
        ).scalar_one_or_none()
        _insert_components(session, oid, wanted, start=(top + 1) if top is not None else 0)
    return [org_unit, *sorted(mirror_writes)]


def _write_grant_row(
    session: Session,
    org_unit: str,
    year: int,
    seq: int,
    eff: s.EfficiencyRequirement | None,
    *,
    replace: bool,
) -> None:
    gid = grant_id(org_unit, year)
    values: dict[str, Any] = {"updated_at": utcnow(), "change_seq": seq}
    if replace:
        values |= {
            "efficiency_gross_bp": eff.gross_indexation_bp if eff else None,
            "efficiency_bp": eff.efficiency_bp if eff else None,
            "efficiency_net_bp": eff.net_indexation_bp if eff else None,
            "efficiency_note": eff.note if eff else None,
        }
    done = session.execute(sa.update(GRANT).where(GRANT.c.id == gid).values(values)).rowcount  # type: ignore[attr-defined]
    if not done:
        session.execute(sa.insert(GRANT).values(id=gid, org_unit=org_unit, year=year, **values))


def _insert_components(session: Session, gid: str, comps: Sequence[_Comp], start: int) -> None:
    if comps:
        session.execute(
            sa.insert(COMPONENT),
            [{"grant_id": gid, "position": start + n, **vars(c)} for n, c in enumerate(comps)],
        )


def put_grant(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    org_unit: str,
    year: int,
    body: s.GrantIn,
    if_match: str | None,
) -> s.GrantOut:
    written = _put_grant(session, feed, principal, org_unit, year, body, if_match)
    audit.record(
        session,
        principal.key_id,
        "put",
        "grant",
        grant_id(org_unit, year),
        {"body": body.model_dump(exclude_defaults=True), "mirrored_to": written[1:]},
    )
    session.commit()
    return get_grant(session, org_unit, year)


def _grant_out(g: Any, comps: Sequence[Any]) -> s.GrantOut:
    by_kind: dict[str, int] = defaultdict(int)
    used = unused = 0
    for c in comps:
        by_kind[c.kind] += c.amount
        if c.kind == "supplementary":
            if c.used:
                used += c.amount
            else:
                unused += c.amount
    total = sum(by_kind.values())
    ingoing = total - by_kind["supplementary"]
    sub = s.GrantSubtotals(
        base=by_kind["base"],
        indexation=by_kind["indexation"],
        efficiency=by_kind["efficiency"],
        transfer=by_kind["transfer"],
        other=by_kind["other"],
        total_excluding_supplementary=ingoing,
        increase=ingoing - by_kind["base"],
        supplementary=by_kind["supplementary"],
        supplementary_used=used,
        supplementary_unused=unused,
        total_with_used_supplementary=ingoing + used,
    )
    eff = (
        s.EfficiencyRequirement(
            gross_indexation_bp=g.efficiency_gross_bp,
            efficiency_bp=g.efficiency_bp,
            net_indexation_bp=g.efficiency_net_bp,
            note=g.efficiency_note,
        )
        if g.efficiency_gross_bp is not None
        else None
    )
    return s.GrantOut(
        id=g.id,
        org_unit=g.org_unit,
        year=g.year,
        components=[
            s.ComponentOut(
                position=c.position,
                kind=c.kind,
                label=c.label,
                amount=c.amount,
                amount_mnkr=mnkr(c.amount),
                decision=c.decision,
                used=c.used,
                counterparty=c.counterparty,
                counterparty_text=c.counterparty_text,
                mirrored_from=c.mirrored_from,
                derived=c.derivation is not None,
                derivation=c.derivation,
            )
            for c in comps
        ],
        total=total,
        total_mnkr=mnkr(total),
        subtotals=sub,
        subtotals_mnkr={k: mnkr(v) for k, v in sub.model_dump().items()},
        efficiency_requirement=eff,
        updated_at=g.updated_at,
        change_seq=g.change_seq,
    )


def _components_of(session: Session, ids: Sequence[str]) -> dict[str, list[Any]]:
    out: dict[str, list[Any]] = defaultdict(list)
    if ids:
        for c in session.execute(
            sa.select(COMPONENT)
            .where(COMPONENT.c.grant_id.in_(ids))
            .order_by(COMPONENT.c.grant_id, COMPONENT.c.position)
        ).all():
            out[c.grant_id].append(c)
    return out


def find_grant(session: Session, org_unit: str, year: int) -> s.GrantOut | None:
    gid = grant_id(org_unit, year)
    g = session.execute(sa.select(GRANT).where(GRANT.c.id == gid)).first()
    if g is None:
        return None
    return _grant_out(g, _components_of(session, [gid])[gid])


def get_grant(session: Session, org_unit: str, year: int) -> s.GrantOut:
    grant = find_grant(session, org_unit, year)
    if grant is None:
        raise NotFound(f"No grant (regionbidrag) for {org_unit} {year}.")
    return grant


def list_grants(
    session: Session,
    params: ListParams,
    request: Request,
    year: int | None,
    org_unit: str | None,
) -> dict[str, Any]:
    page = paginate_table(
        session,
        sa.select(GRANT).where(*_equal(GRANT, year=year, org_unit=org_unit)),
        GRANT,
        params=params,
        request=request,
        to_item=lambda r: r,
    )
    comps = _components_of(session, [g.id for g in page["items"]])
    page["items"] = [_grant_out(g, comps[g.id]) for g in page["items"]]
    return page


GRANT_CSV_HEADER = [
    "grant_id",
    "org_unit",
    "year",
    "grant_total",
    "position",
    "kind",
    "label",
    "amount",
    "decision",
    "used",
    "counterparty",
    "counterparty_text",
    "mirrored_from",
    "derivation",
    "updated_at",
    "change_seq",
]


def grants_csv(year: int | None, org_unit: str | None) -> sa.Select[Any]:
    """One row per component, with its grant's computed total (a flat table for BI)."""
    c, g = COMPONENT.c, GRANT.c
    return (
        sa.select(
            g.id.label("grant_id"),
            g.org_unit,
            g.year,
            sa.func.sum(c.amount).over(partition_by=c.grant_id).label("grant_total"),
            c.position,
            c.kind,
            c.label,
            c.amount,
            c.decision,
            c.used,
            c.counterparty,
            c.counterparty_text,
            c.mirrored_from,
            c.derivation,
            g.updated_at,
            g.change_seq,
        )
        .join(COMPONENT, c.grant_id == g.id)
        .where(*_equal(GRANT, year=year, org_unit=org_unit))
        .order_by(g.id, c.position)
    )


# --- budget lines ---------------------------------------------------------------------------


def line_id(org_unit: str, year: int, line: str) -> str:
    return f"{org_unit}/{year}/{line}"


def _line_out(r: Any) -> s.BudgetLineOut:
    result = None if r.revenue is None or r.cost is None else r.revenue - r.cost
    return s.BudgetLineOut(
        id=r.id,
        org_unit=r.org_unit,
        year=r.year,
        line=r.line,
        label=r.label,
        revenue=r.revenue,
        cost=r.cost,
        result=result,
        counterparty=r.counterparty,
        basis=r.basis,
        derived=r.derivation is not None,
        derivation=r.derivation,
        updated_at=r.updated_at,
        change_seq=r.change_seq,
    )


def _put_line(
    session: Session,
    feed: ChangeFeed,
    org_unit: str,
    year: int,
    line: str,
    body: s.BudgetLineIn,
    if_match: str | None = None,
) -> str:
    _unit(org_unit, ["path", "org_unit"])
    _year(year)
    if (body.revenue is None) != (body.cost is None):
        raise InvalidInput(
            "Give both revenue and cost, or neither (budget not stated).",
            errors=[
                field_error(["body", "revenue" if body.revenue is None else "cost"], "missing")
            ],
        )
    lid = line_id(org_unit, year, line)
    current = session.execute(
        sa.select(LINE.c.change_seq).where(LINE.c.id == lid)
    ).scalar_one_or_none()
    check_if_match(if_match, current)
    seq = feed.allocate(session)
    values = {
        **body.model_dump(),
        "updated_at": utcnow(),
        "change_seq": seq,
    }
    if current is None:
        session.execute(
            sa.insert(LINE).values(id=lid, org_unit=org_unit, year=year, line=line, **values)
        )
    else:
        session.execute(sa.update(LINE).where(LINE.c.id == lid).values(values))
    return lid


def put_budget_line(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    org_unit: str,
    year: int,
    line: str,
    body: s.BudgetLineIn,
    if_match: str | None,
) -> s.BudgetLineOut:
    principal.check_org_unit(org_unit)
    lid = _put_line(session, feed, org_unit, year, line, body, if_match)
    audit.record(session, principal.key_id, "put", "budget_line", lid, body.model_dump())
    session.commit()
    return get_budget_line(session, org_unit, year, line)


def get_budget_line(session: Session, org_unit: str, year: int, line: str) -> s.BudgetLineOut:
    r = session.execute(sa.select(LINE).where(LINE.c.id == line_id(org_unit, year, line))).first()
    if r is None:
        raise NotFound(f"No budget line {line!r} for {org_unit} {year}.")
    return _line_out(r)


def delete_budget_line(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    org_unit: str,
    year: int,
    line: str,
) -> None:
    principal.check_org_unit(org_unit)
    get_budget_line(session, org_unit, year, line)
    y = str(year)
    used_by = [
        what
        for what, n in (
            ("outcomes", _count(session, OUTCOME, OUTCOME.c.month, org_unit, line, y)),
            ("forecasts", _count(session, FORECAST, FORECAST.c.made_in, org_unit, line, y)),
            (
                "earmarked money",
                session.execute(
                    sa.select(sa.func.count()).where(
                        EARMARKED.c.org_unit == org_unit,
                        EARMARKED.c.year == year,
                        EARMARKED.c.line == line,
                    )
                ).scalar_one(),
            ),
        )
        if n
    ]
    if used_by:
        raise Conflict(
            f"Budget line {line!r} of {org_unit} {year} has {' and '.join(used_by)}; "
            "it cannot be deleted while they refer to it."
        )
    lid = line_id(org_unit, year, line)
    seq = feed.allocate(session)
    session.execute(sa.delete(LINE).where(LINE.c.id == lid))
    feed.bury(session, "budget_line", [lid], seq)
    audit.record(session, principal.key_id, "delete", "budget_line", lid, None)
    session.commit()


def _count(
    session: Session, t: sa.Table, month: sa.ColumnElement[str], org_unit: str, line: str, y: str
) -> int:
    n: int = session.execute(
        sa.select(sa.func.count()).where(
            t.c.org_unit == org_unit, t.c.line == line, month.like(f"{y}-%")
        )
    ).scalar_one()
    return n


# --- outcomes and forecasts: bulk loads -----------------------------------------------------


@dataclass(frozen=True)
class Flow:
    """What differs between the two monthly loads."""

    resource: str
    table: sa.Table
    model: type[s.OutcomeRow] | type[s.ForecastRow]
    month_field: Literal["month", "made_in"]
    out: type[s.OutcomeOut] | type[s.ForecastOut]


OUTCOMES = Flow("outcome", OUTCOME, s.OutcomeRow, "month", s.OutcomeOut)
FORECASTS = Flow("forecast", FORECAST, s.ForecastRow, "made_in", s.ForecastOut)
MONEY_FIELDS = {"revenue", "cost"}


def _authorise_rows(principal: Principal, rows: Sequence[Any]) -> None:
    """A key bound to org units may load only their rows: anything else is a 403."""
    if not principal.org_units:
        return
    foreign = sorted(
        {
            r["org_unit"]
            for r in rows
            if isinstance(r, dict)
            and isinstance(r.get("org_unit"), str)
            and r["org_unit"] in org_units()
            and not principal.may_speak_for(r["org_unit"])
        }
    )
    if foreign:
        principal.check_org_unit(foreign[0])


def _load(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    flow: Flow,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
) -> LoadReport:
    """Validate and upsert outcome or forecast rows, set-based; does not commit."""
    if principal:
        _authorise_rows(principal, rows)
    good, rejected = validate_rows(rows, flow.model)
    known_units = org_units()
    years = {int(getattr(m, flow.month_field)[:4]) for _, m in good}
    units = {m.org_unit for _, m in good if m.org_unit in known_units}
    lines: set[tuple[str, int, str]] = set()
    if units:
        lines = {
            (r.org_unit, r.year, r.line)
            for r in session.execute(
                sa.select(LINE.c.org_unit, LINE.c.year, LINE.c.line).where(
                    LINE.c.org_unit.in_(units), LINE.c.year.in_(years)
                )
            ).all()
        }
    accepted: list[dict[str, Any]] = []
    for number, m in good:
        month = getattr(m, flow.month_field)
        if m.org_unit not in known_units:
            err = field_error(["org_unit"], f"unknown org unit {m.org_unit!r}")
        elif (m.org_unit, int(month[:4]), m.line) not in lines:
            err = field_error(
                ["line"],
                f"{m.org_unit} has no budget line {m.line!r} for {month[:4]}; "
                "PUT /v1/budget-lines first",
            )
        else:
            accepted.append({"id": f"{m.org_unit}/{m.line}/{month}", **m.model_dump()})
            continue
        rejected.append(RowError(row=number, errors=[err]))
    rejected.sort(key=lambda r: r.row)
    reject_if_atomic(mode, rejected, len(rows))
    counts = upsert(
        session,
        flow.table,
        accepted,
        keys=["id"],
        values=["org_unit", "line", flow.month_field, "revenue", "cost", "derivation"],
        feed=feed,
    )
    return LoadReport(
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=rejected,
    )


def load(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    flow: Flow,
    rows: list[dict[str, Any]],
    mode: LoadMode = LoadMode.atomic,
    dry_run: bool = False,
) -> LoadReport:
    """A bulk load of outcome or forecast rows; ``dry_run`` counts and writes nothing."""
    report = _load(session, feed, principal, flow, rows, mode)
    if dry_run:
        session.rollback()
        report.dry_run = True
        return report
    audit.record(
        session,
        principal.key_id,
        "load",
        flow.resource,
        f"{report.inserted + report.updated} rows written",
        {**report.model_dump(exclude={"rejected"}), "rejected": len(report.rejected), "mode": mode},
    )
    session.commit()
    return report


def _flow_filters(
    flow: Flow, org_unit: str | None, line: str | None, year: int | None
) -> list[sa.ColumnElement[bool]]:
    where = _equal(flow.table, org_unit=org_unit, line=line)
    if year is not None:
        where.append(flow.table.c[flow.month_field].like(f"{year}-%"))
    return where


def list_flow(
    session: Session,
    flow: Flow,
    params: ListParams,
    request: Request,
    org_unit: str | None,
    line: str | None,
    year: int | None,
) -> dict[str, Any]:
    t = flow.table

    def item(r: Any) -> BaseModel:
        return flow.out.model_validate({**r._mapping, "derived": r.derivation is not None})

    return paginate_table(
        session,
        sa.select(t).where(*_flow_filters(flow, org_unit, line, year)),
        t,
        params=params,
        request=request,
        to_item=item,
    )


def flow_csv_header(flow: Flow) -> list[str]:
    return [
        "id",
        "org_unit",
        "line",
        flow.month_field,
        "revenue",
        "cost",
        "derivation",
        "updated_at",
        "change_seq",
    ]


def flow_csv(
    flow: Flow, org_unit: str | None, line: str | None, year: int | None
) -> sa.Select[Any]:
    t = flow.table
    return (
        sa.select(*[t.c[h] for h in flow_csv_header(flow)])
        .where(*_flow_filters(flow, org_unit, line, year))
        .order_by(t.c.id)
    )


# --- earmarked money ------------------------------------------------------------------------


def _earmarked_out(r: Any) -> s.EarmarkedOut:
    return s.EarmarkedOut.model_validate(
        {**r._mapping, "co_org_units": [u for u in r.co_org_units.split(",") if u]}
    )


def _put_earmarked(
    session: Session,
    feed: ChangeFeed,
    principal: Principal | None,
    eid: str,
    body: s.EarmarkedIn,
    if_match: str | None = None,
) -> bool:
    """Create or replace one entry; returns True when it was created."""
    _unit(body.org_unit, ["body", "org_unit"])
    for i, u in enumerate(body.co_org_units):
        _unit(u, ["body", "co_org_units", i])
    if principal:
        principal.check_org_unit(body.org_unit)
    if (
        body.amount is not None
        and body.used_amount is not None
        and 0 <= body.amount < body.used_amount
    ):
        raise InvalidInput(
            "More is used than was earmarked.",
            errors=[field_error(["body", "used_amount"], "exceeds amount")],
        )
    old = session.execute(sa.select(EARMARKED).where(EARMARKED.c.id == eid)).first()
    check_if_match(if_match, old.change_seq if old else None)
    if old is not None:
        moved = [
            field_error(["body", f], f"{EARMARK_MOVED}: {f} is {getattr(old, f)!r}")
            for f in ("org_unit", "year", "line", "purpose")
            if getattr(old, f) != getattr(body, f)
        ]
        if moved:
            raise InvalidInput(
                f"{EARMARK_MOVED.capitalize()}: entry {eid!r} is tied to its "
                f"{', '.join(e['loc'][-1] for e in moved)}; create a new entry instead.",
                errors=moved,
            )
    if (
        body.line is not None
        and not session.execute(
            sa.select(LINE.c.id).where(LINE.c.id == line_id(body.org_unit, body.year, body.line))
        ).first()
    ):
        raise InvalidInput(
            f"{body.org_unit} has no budget line {body.line!r} for {body.year}.",
            errors=[field_error(["body", "line"], "unknown budget line")],
        )
    values = {
        **body.model_dump(),
        "co_org_units": ",".join(body.co_org_units),
        "updated_at": utcnow(),
        "change_seq": feed.allocate(session),
    }
    if old is None:
        session.execute(sa.insert(EARMARKED).values(id=eid, **values))
    else:
        session.execute(sa.update(EARMARKED).where(EARMARKED.c.id == eid).values(values))
    return old is None


def put_earmarked(
    session: Session,
    feed: ChangeFeed,
    audit: AuditTrail,
    principal: Principal,
    eid: str | None,
    body: s.EarmarkedIn,
    if_match: str | None,
) -> tuple[s.EarmarkedOut, bool]:
    """PUT with an id, or POST (``eid`` None: a new id is made)."""
    eid = eid or f"EM-{uuid.uuid4().hex[:12]}"
    created = _put_earmarked(session, feed, principal, eid, body, if_match)
    audit.record(
        session,
        principal.key_id,
        "create" if created else "put",
        "earmarked",
        eid,
        body.model_dump(),
    )
    session.commit()
    return get_earmarked(session, eid), created


def get_earmarked(session: Session, eid: str) -> s.EarmarkedOut:
    r = session.execute(sa.select(EARMARKED).where(EARMARKED.c.id == eid)).first()
    if r is None:
        raise NotFound(f"No earmarked entry {eid!r}.")
    return _earmarked_out(r)


def delete_earmarked(
    session: Session, feed: ChangeFeed, audit: AuditTrail, principal: Principal, eid: str
) -> None:
    entry = get_earmarked(session, eid)
    principal.check_org_unit(entry.org_unit)
    seq = feed.allocate(session)
    session.execute(sa.delete(EARMARKED).where(EARMARKED.c.id == eid))
    feed.bury(session, "earmarked", [eid], seq)
    audit.record(session, principal.key_id, "delete", "earmarked", eid, None)
    session.commit()


# --- lists by org unit and year (budget lines, earmarked money) -------------------------------


@dataclass(frozen=True)
class UnitYearList:
    """A resource listed by org unit and year: JSON pages (deletions as tombstones) or CSV."""

    resource: str
    table: sa.Table
    to_item: Callable[[Any], BaseModel]
    csv_header: tuple[str, ...]
    #: CSV columns that are not stored but computed, by header name.
    computed: Mapping[str, sa.ColumnElement[Any]] = field(default_factory=dict)


BUDGET_LINES = UnitYearList(
    "budget_line",
    LINE,
    _line_out,
    (
        "id",
        "org_unit",
        "year",
        "line",
        "label",
        "revenue",
        "cost",
        "result",
        "counterparty",
        "basis",
        "derivation",
        "updated_at",
        "change_seq",
    ),
    {"result": (LINE.c.revenue - LINE.c.cost).label("result")},
)
EARMARKED_MONEY = UnitYearList(
    "earmarked",
    EARMARKED,
    _earmarked_out,
    (
        "id",
        "org_unit",
        "year",
        "kind",
        "purpose",
        "amount",
        "used_amount",
        "line",
        "assignment_id",
        "allocation_key",
        "decision",
        "counterparty",
        "co_org_units",
        "updated_at",
        "change_seq",
    ),
)


def list_unit_year(
    session: Session,
    feed: ChangeFeed,
    listing: UnitYearList,
    params: ListParams,
    request: Request,
    org_unit: str | None,
    year: int | None,
) -> dict[str, Any]:
    t = listing.table
    return paginate_table(
        session,
        sa.select(t).where(*_equal(t, org_unit=org_unit, year=year)),
        t,
        params=params,
        request=request,
        to_item=listing.to_item,
        feed=feed,
        resource=listing.resource,
    )


def unit_year_csv(listing: UnitYearList, org_unit: str | None, year: int | None) -> sa.Select[Any]:
    t = listing.table
    return (
        sa.select(
            *[listing.computed[h] if h in listing.computed else t.c[h] for h in listing.csv_header]
        )
        .where(*_equal(t, org_unit=org_unit, year=year))
        .order_by(t.c.id)
    )


# --- summary --------------------------------------------------------------------------------


def _amounts(revenue: int | None, cost: int | None) -> s.Amounts | None:
    if revenue is None or cost is None:
        return None
    return s.Amounts(revenue=revenue, cost=cost, result=revenue - cost)


def _minus(a: int | None, b: int | None) -> int | None:
    return None if a is None or b is None else a - b


def _rule(
    months: int,
    budget: int | None,
    to_date: int | None,
    outcome: int | None,
    forecast: int | None,
) -> tuple[bool | None, s.BudgetRuleBasis | None]:
    """The economic rule: the result must not be worse than the budget.

    Full year: the outcome against the budget. Part of the year: the latest full-year
    forecast against the full-year budget; without a forecast, the outcome to date
    against the budget pro rata.
    """
    if budget is None:
        return None, None
    if months == 12 and outcome is not None:
        return outcome >= budget, "outcome"
    if forecast is not None:
        return forecast >= budget, "forecast"
    if outcome is not None and to_date is not None:
        return outcome >= to_date, "outcome_pro_rata"
    return None, None


def summary(session: Session, org_unit: str, year: int, through: str | None) -> s.Summary:
    _unit(org_unit, ["query", "org_unit"])
    _year(year)
    last = f"{year}-12"
    if through is not None:
        try:
            last = s.parse_month(through)
        except ValueError as exc:
            raise InvalidInput(
                str(exc), errors=[field_error(["query", "through"], str(exc))]
            ) from exc
        if not last.startswith(f"{year}-"):
            raise InvalidInput(
                f"through={through} is not a month of {year}.",
                errors=[field_error(["query", "through"], f"not a month of {year}")],
            )
    months = int(last[5:])
    first = f"{year}-01"

    grant = find_grant(session, org_unit, year)
    budget_rows = session.execute(
        sa.select(LINE).where(LINE.c.org_unit == org_unit, LINE.c.year == year)
    ).all()
    outcome_rows = session.execute(
        sa.select(
            OUTCOME.c.line,
            sa.func.sum(OUTCOME.c.revenue).label("revenue"),
            sa.func.sum(OUTCOME.c.cost).label("cost"),
        )
        .where(OUTCOME.c.org_unit == org_unit, OUTCOME.c.month.between(first, last))
        .group_by(OUTCOME.c.line)
    ).all()
    latest = (
        sa.select(FORECAST.c.line, sa.func.max(FORECAST.c.made_in).label("made_in"))
        .where(FORECAST.c.org_unit == org_unit, FORECAST.c.made_in.between(first, last))
        .group_by(FORECAST.c.line)
        .subquery()
    )
    forecast_rows = session.execute(
        sa.select(FORECAST)
        .join(
            latest,
            sa.and_(
                FORECAST.c.line == latest.c.line,
                FORECAST.c.made_in == latest.c.made_in,
            ),
        )
        .where(FORECAST.c.org_unit == org_unit)
    ).all()
    earmarked = [
        _earmarked_out(r)
        for r in session.execute(
            sa.select(EARMARKED)
            .where(EARMARKED.c.org_unit == org_unit, EARMARKED.c.year == year)
            .order_by(EARMARKED.c.id)
        ).all()
    ]
    reported = _reported(session, org_unit, year, {r.line for r in budget_rows})

    budgets = {r.line: r for r in budget_rows}
    outcomes = {r.line: _amounts(int(r.revenue), int(r.cost)) for r in outcome_rows}
    forecasts = {
        r.line: s.ForecastAmounts(
            made_in=r.made_in, revenue=r.revenue, cost=r.cost, result=r.revenue - r.cost
        )
        for r in forecast_rows
    }
    stated = {d.line: d.deviation for d in reported.deviations}
    lines: list[s.SummaryLine] = []
    for name in sorted(set(budgets) | set(outcomes) | set(forecasts)):
        b = budgets.get(name)
        budget = _amounts(b.revenue, b.cost) if b else None
        budget_result = budget.result if budget else None
        to_date = prorate(budget_result, months) if budget_result is not None else None
        outcome = outcomes.get(name)
        outcome_result = outcome.result if outcome else None
        forecast = forecasts.get(name)
        forecast_result = forecast.result if forecast else None
        meets, basis = _rule(months, budget_result, to_date, outcome_result, forecast_result)
        figures = {
            "budget_result": budget_result,
            "budget_result_to_date": to_date,
            "outcome_result": outcome_result,
            "deviation": _minus(outcome_result, to_date),
            "forecast_result": forecast_result,
            "forecast_deviation": _minus(forecast_result, budget_result),
        }
        lines.append(
            s.SummaryLine(
                line=name,
                label=b.label if b else None,
                counterparty=b.counterparty if b else None,
                budget=budget,
                outcome=outcome,
                forecast=forecast,
                meets_budget_rule=meets,
                meets_budget_rule_basis=basis,
                reported_deviation=stated.get(name),
                mnkr={k: mnkr(v) for k, v in figures.items() if v is not None},
                **figures,
            )
        )

    compared = [ln for ln in lines if ln.deviation is not None]
    budget_total = _sum(ln.budget_result for ln in lines)
    to_date_total = _sum(ln.budget_result_to_date for ln in lines)
    outcome_total = _sum(ln.outcome_result for ln in lines)
    forecast_total = _sum(ln.forecast_result for ln in lines)
    deviation = _sum(ln.deviation for ln in compared)
    forecast_deviation = _sum(ln.forecast_deviation for ln in lines)
    if compared or forecast_deviation is not None:
        meets, basis = _rule(
            months,
            0,
            0,
            deviation if compared else None,
            forecast_deviation,
        )
    else:
        meets, basis = None, None
    figures = {
        "grant": grant.total if grant else None,
        "budget_result": budget_total,
        "budget_result_to_date": to_date_total,
        "outcome_result": outcome_total,
        "deviation": deviation,
        "forecast_result": forecast_total,
        "forecast_deviation": forecast_deviation,
    }
    return s.Summary(
        org_unit=org_unit,
        year=year,
        through=last,
        months=months,
        grant_subtotals=grant.subtotals if grant else None,
        meets_budget_rule=meets,
        meets_budget_rule_basis=basis,
        coverage=s.Coverage(
            lines=len(lines),
            compared=len(compared),
            without_budget=[ln.line for ln in lines if ln.budget is None],
            without_outcome=[ln.line for ln in lines if ln.outcome is None],
        ),
        lines=lines,
        earmarked=s.EarmarkedSummary(
            items=earmarked,
            amount_total=sum(e.amount for e in earmarked if e.amount is not None),
            used_total=sum(e.used_amount for e in earmarked if e.used_amount is not None),
            amount_not_stated=sum(e.amount is None for e in earmarked),
        ),
        reported=reported,
        mnkr={k: mnkr(v) for k, v in figures.items() if v is not None},
        **figures,
    )


def _reported(session: Session, org_unit: str, year: int, budget_lines: set[str]) -> s.Reported:
    r = session.execute(
        sa.select(REPORTED_RESULT).where(
            REPORTED_RESULT.c.org_unit == org_unit, REPORTED_RESULT.c.year == year
        )
    ).first()
    result = None
    if r is not None:
        deviation = _minus(r.outcome_result, r.budget_result)
        result = s.ReportedResultOut(
            budget_result=r.budget_result,
            budget_result_stated=r.budget_result_stated,
            outcome_result=r.outcome_result,
            deviation=deviation,
            reproducible_from_lines=r.reproducible_from_lines,
            note=r.note,
            source_text=r.source_text,
            mnkr={
                k: mnkr(v)
                for k, v in (
                    ("budget_result", r.budget_result),
                    ("outcome_result", r.outcome_result),
                    ("deviation", deviation),
                )
                if v is not None
            },
        )
    deviations = [
        s.ReportedDeviationOut(
            line=d.line,
            label=d.label,
            deviation=d.deviation,
            deviation_mnkr=mnkr(d.deviation),
            has_budget_line=d.line in budget_lines,
            source_text=d.source_text,
        )
        for d in session.execute(
            sa.select(REPORTED_DEVIATION)
            .where(REPORTED_DEVIATION.c.org_unit == org_unit, REPORTED_DEVIATION.c.year == year)
            .order_by(REPORTED_DEVIATION.c.line)
        ).all()
    ]
    return s.Reported(result=result, deviations=deviations)
