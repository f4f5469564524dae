"""The queries of an evaluation pass (``evaluation.py``): the indicators evaluated, the
targets up to a year, and the results and the units' figures of the candidate periods.

Apart from ``repository.py`` because they are built differently: each statement is built
once per shape (``functools.cache``) and takes its values as bind parameters, since
building the four statements cost more CPU than running them; on Postgres the periods go
as one array literal and REGION's Σ/Σ is summed in SQL.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from services.indicators.models import REGION, indicator_table, result_table, target_table
from services.indicators.repository import Row
from services.indicators.result_rows import WITH_VALUE


def _rows(
    session: Session, statement: sa.Select[Any], values: dict[str, Any] | None = None
) -> Sequence[Row]:
    """Every row of ``statement``, run on the session's connection: the same transaction
    and rows as ``session.execute``, without the ORM's steps around a plain select
    (a fifth of the CPU of running one of these)."""
    return session.connection().execute(statement, values).all()


def indicators_to_evaluate(session: Session, code: str | None) -> Sequence[Row]:
    """Every quality indicator, or the one named (production volumes have no target and
    are not evaluated: ``production.py`` compares them with the previous year): what an
    evaluation and the goal tree read of it (code, name, unit, direction, goal, area,
    delmal, time_aggregation, placements, coverage_notes, kind)."""
    if code is None:
        return _rows(session, _indicators(named=False, volumes=False))
    return _rows(session, _indicators(named=True, volumes=False), {"code": code})


def every_indicator(session: Session) -> Sequence[Row]:
    """Every indicator, quality and volume, by code, with the columns of
    ``indicators_to_evaluate``: a follow-up section evaluates the one kind and compares
    the other with the previous year (``production.py`` reads the volumes' columns among
    these), from one read."""
    return _rows(session, _indicators(named=False, volumes=True))


@cache
def _indicators(*, named: bool, volumes: bool) -> sa.Select[Any]:
    # Built once: an evaluation's statements cost more CPU to build than to run. Only the
    # columns read: the others (a description, timestamps) cost as much again to fetch.
    i = indicator_table
    stmt = sa.select(
        i.c.code,
        i.c.name,
        i.c.unit,
        i.c.direction,
        i.c.goal,
        i.c.area,
        i.c.delmal,
        i.c.time_aggregation,
        i.c.placements,
        i.c.coverage_notes,
        i.c.kind,
    )
    if volumes:
        # By code, as ``production_repository.volume_indicators`` lists the volumes: in
        # the database's collation, which Python's order of the codes need not be.
        return stmt.order_by(i.c.code)
    stmt = stmt.where(i.c.kind != "volume")
    return stmt.where(i.c.code == sa.bindparam("code")) if named else stmt


def targets_up_to(session: Session, year: int, org_unit: str, code: str | None) -> Sequence[Row]:
    """The region's and ``org_unit``'s own targets set for ``year`` or before: indicator,
    year, org unit, expression and parsed form, in this order."""
    values: dict[str, Any] = {"year": year, "region": REGION, "org_unit": org_unit}
    if code is None:
        return _rows(session, _targets_up_to(named=False), values)
    return _rows(session, _targets_up_to(named=True), {**values, "code": code})


@cache
def _targets_up_to(*, named: bool) -> sa.Select[Any]:
    # Built once: an evaluation's statements cost more CPU to build than to run. The two
    # units as two parameters (the same twice for the region's own): a list parameter
    # is written into the statement's text on each run.
    t = target_table
    stmt = sa.select(t.c.indicator, t.c.year, t.c.org_unit, t.c.expression, t.c.parsed).where(
        t.c.year <= sa.bindparam("year"),
        t.c.org_unit.in_([sa.bindparam("region"), sa.bindparam("org_unit")]),
    )
    return stmt.where(t.c.indicator == sa.bindparam("code")) if named else stmt


#: Above this many periods, an evaluation's periods are read as one range of the index.
DENSE_PERIODS = 300


def in_periods(dialect: str, *, dense: bool) -> list[sa.ColumnElement[bool]]:
    """A result's period is one of the periods asked (an evaluation's candidates: up to
    ~900), as conditions whose values ``period_values`` gives; ``dense``: more than
    ``DENSE_PERIODS`` of them.

    Also bounded by the lowest and highest of them (period texts sort by year first): the
    bound changes no answer, but lets the planner see from the column's histogram how
    few rows the periods asked hold (a long list alone is estimated as if every value were
    common, and a table full of other periods was then read whole). On Postgres a few
    periods (a month's evaluation: its month in each year) are looked up one by one in
    the index; many (a year's: every span of every year, ~900, most never stored) are
    read as the one range they span, the list then a filter: one descent of the index
    instead of one per period, whatever the table holds outside the range."""
    period = result_table.c.period
    bound = period.between(sa.bindparam("first_period"), sa.bindparam("last_period"))
    if dialect != "postgresql":
        return [period.in_(sa.bindparam("periods", expanding=True)), bound]
    # One array parameter, not a parameter per period: the statement stays the same
    # text whatever the periods, so it is compiled and parsed once. It goes as the
    # array's text: psycopg would otherwise adapt a list element by element in Python
    # (~0.8 ms of CPU per query for a year's ~900 periods). Untyped (``NullType``: no
    # ``::VARCHAR`` on the parameter), so that the server takes the parameter itself as
    # the array, parsed once when bound. A text parameter cast to an array is a cast the
    # server does not fold (``array_in`` is not immutable): it parsed all ~900 periods
    # again for every row the list was checked on. Executing REGION's 2024 results read
    # took 15.0 ms so, 0.18 ms untyped; HSN's 26.9 and 0.19 ms
    # (``bench/explain_evaluations.py``; ``tests/indicators/test_evaluation_plans.py``).
    asked = sa.cast(sa.bindparam("periods", type_=sa.types.NullType()), postgresql.ARRAY(sa.String))
    if not dense:
        return [period == sa.any_(asked), bound]
    # ``period || ''`` is the same text, but no index serves it: the range is the index
    # condition, the list checked on the entries read.
    return [bound, sa.func.concat(period, "") == sa.any_(asked)]


def period_values(dialect: str, periods: Sequence[str]) -> dict[str, Any]:
    """The values of ``in_periods``' conditions for ``periods``."""
    asked = _array_text(periods) if dialect == "postgresql" else list(periods)
    return {"periods": asked, "first_period": min(periods), "last_period": max(periods)}


def _array_text(texts: Sequence[str]) -> str:
    """``texts`` as a Postgres array literal, every element quoted: ``{"2024","2024-Q1"}``."""
    plain = "".join(texts)
    if '"' in plain or "\\" in plain:
        # Within an element's double quotes only these two are special. Periods hold
        # neither: checked on all at once, so the usual case costs two scans in C.
        texts = [t.replace("\\", "\\\\").replace('"', '\\"') for t in texts]
    return '{"' + '","'.join(texts) + '"}'


def _as_read(dialect: str, *columns: sa.Column[Any]) -> list[sa.ColumnElement[Any]]:
    """Exact-decimal columns as read from the driver: on Postgres psycopg gives a
    ``Decimal`` already, so the type's conversion of each value (for SQLite's text) is
    skipped (it was most of the CPU of reading an evaluation's results)."""
    if dialect != "postgresql":
        return list(columns)
    return [sa.type_coerce(c, sa.Numeric(asdecimal=True)).label(c.name) for c in columns]


def _narrowed(stmt: sa.Select[Any], *, indicator: bool, breakdown: bool) -> sa.Select[Any]:
    """``stmt`` on results of one indicator and/or breakdown (parameters of those names)."""
    r = result_table
    if indicator:
        stmt = stmt.where(r.c.indicator == sa.bindparam("indicator"))
    if breakdown:
        stmt = stmt.where(r.c.breakdown == sa.bindparam("breakdown"))
    return stmt


def _evaluation_read(
    session: Session,
    statement: Callable[[str, bool, bool, bool], sa.Select[Any]],
    periods: Sequence[str],
    indicator: str | None,
    breakdown: str | None,
    **values: Any,
) -> Sequence[Row]:
    """Run one of an evaluation's reads. Its statement is built once per shape (dialect,
    dense periods, narrowed by indicator, by breakdown) and its values are parameters:
    building a statement cost more CPU than running it."""
    dialect = session.get_bind().dialect.name
    stmt = statement(
        dialect, len(periods) > DENSE_PERIODS, indicator is not None, breakdown is not None
    )
    params = {**values, **period_values(dialect, periods)}
    if indicator is not None:
        params["indicator"] = indicator
    if breakdown is not None:
        params["breakdown"] = breakdown
    return _rows(session, stmt, params)


def results_of(
    session: Session,
    org_units: Sequence[str],
    periods: Sequence[str],
    *,
    indicator: str | None,
    breakdown: str | None,
) -> Sequence[Row]:
    """The units' own results in ``periods``: org unit, indicator, breakdown, period, value,
    status, numerator and denominator, in this order (read by position: a row's attribute
    lookup by name costs more than the evaluation of it)."""
    return _evaluation_read(
        session, _results_of, periods, indicator, breakdown, org_units=list(org_units)
    )


@cache
def _results_of(dialect: str, dense: bool, indicator: bool, breakdown: bool) -> sa.Select[Any]:
    r = result_table
    stmt = sa.select(
        r.c.org_unit,
        r.c.indicator,
        r.c.breakdown,
        r.c.period,
        *_as_read(dialect, r.c.value),
        r.c.status,
        *_as_read(dialect, r.c.numerator, r.c.denominator),
    ).where(
        r.c.org_unit.in_(sa.bindparam("org_units", expanding=True)),
        *in_periods(dialect, dense=dense),
    )
    return _narrowed(stmt, indicator=indicator, breakdown=breakdown)


def unit_figures(
    session: Session,
    periods: Sequence[str],
    *,
    indicator: str | None,
    breakdown: str | None,
) -> Sequence[Row]:
    """The units' numerators and denominators in ``periods`` (not the region's own rows),
    where a result with a value has both: what a region value is summed from. Indicator,
    period, breakdown, numerator, denominator and status, in this order.

    On Postgres summed per (indicator, breakdown, period) in the query, preliminary when
    any unit's figure is, over the figures a ratio takes (denominator above zero): one row
    per region value instead of one per unit, the sums exact (``numeric``). Elsewhere
    (SQLite keeps decimals as text, which its ``sum`` would read as floats) one row per
    unit, summed by ``series_rules.region_figures``, which gives the same figures."""
    return _evaluation_read(session, _unit_figures, periods, indicator, breakdown)


@cache
def _unit_figures(dialect: str, dense: bool, indicator: bool, breakdown: bool) -> sa.Select[Any]:
    r = result_table
    conditions = [
        r.c.org_unit != REGION,
        *in_periods(dialect, dense=dense),
        r.c.numerator.is_not(None),
        r.c.denominator.is_not(None),
        r.c.status.in_(sorted(WITH_VALUE)),
    ]
    if dialect != "postgresql":
        stmt = sa.select(
            r.c.indicator, r.c.period, r.c.breakdown, r.c.numerator, r.c.denominator, r.c.status
        ).where(*conditions)
        return _narrowed(stmt, indicator=indicator, breakdown=breakdown)
    preliminary = sa.func.bool_or(r.c.status == "preliminary")
    stmt = (
        sa.select(
            r.c.indicator,
            r.c.period,
            r.c.breakdown,
            # Typed as the driver's decimal: as in ``_as_read``.
            sa.func.sum(r.c.numerator, type_=sa.Numeric(asdecimal=True)).label("numerator"),
            sa.func.sum(r.c.denominator, type_=sa.Numeric(asdecimal=True)).label("denominator"),
            sa.case((preliminary, "preliminary"), else_="final").label("status"),
        )
        .where(*conditions, r.c.denominator > 0)
        .group_by(r.c.indicator, r.c.period, r.c.breakdown)
    )
    return _narrowed(stmt, indicator=indicator, breakdown=breakdown)
