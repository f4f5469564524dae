"""Tables of the indicators service, on its own registry and MetaData (schema `indicators`).

- ``indicator``: Indikatorbiblioteket, one row per indicator code, with how its monthly
  results roll up over time, where its breakdowns sit in the goal tree and the notes on
  results that cover less than a period.
- ``target``: målnivåer, versioned by year; the region's (``org_unit`` = ``REGION``) and
  committees' own stricter ones; the expression as written and its parsed form (JSON).
- ``result``: Kvalitetsapplikationen, one row per indicator × org unit × period × breakdown.
- ``goal_tree_link``: an indicator's place in a goal tree other than the 2021 hierarchy it
  is placed in itself (the 2026 strategy's insatsområden and fokusförflyttningar), with why.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.store import UTCDateTime, infrastructure_tables

SCHEMA = "indicators"
metadata = MetaData(schema=SCHEMA)

#: The org unit code of region-wide targets and results.
REGION = "REGION"


class ExactDecimal(sa.TypeDecorator[Decimal]):
    """An exact decimal: ``numeric`` on Postgres, canonical text on SQLite (no float)."""

    impl = sa.Numeric
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(sa.String(60))
        return dialect.type_descriptor(sa.Numeric())

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            number = value if isinstance(value, Decimal) else Decimal(str(value))
            if number == number.to_integral_value():
                return format(number.quantize(Decimal(1)), "f")
            return format(number.normalize(), "f")
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return value if isinstance(value, Decimal) else Decimal(str(value))


def big_id() -> sa.types.TypeEngine[int]:
    """A 64-bit key on Postgres; SQLite's rowid integer there."""
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class IndicatorsTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table this service owns."""


class Indicator(IndicatorsTable, table=True):
    __tablename__ = "indicator"

    code: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))
    name: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    description: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    unit: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    direction: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    source: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    goal: str = Field(sa_column=sa.Column(sa.String(300), nullable=False))
    area: str = Field(sa_column=sa.Column(sa.String(300), nullable=False, index=True))
    delmal: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    #: Comma-separated org-unit kinds that may not report it (``hospital_board``).
    not_reportable_by: str = Field(
        default="", sa_column=sa.Column(sa.String(100), nullable=False, server_default="")
    )
    #: How monthly results roll up (``ratio``, ``sum``, ``mean``, ``last``); None: the
    #: default of its unit (``series_rules.default_time_aggregation``).
    time_aggregation: str | None = Field(
        default=None, sa_column=sa.Column(sa.String(10), nullable=True)
    )
    #: JSON: the breakdowns placed under another goal/area/delmål than the indicator's own.
    placements: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    #: JSON: period → the note a report gives a result covering less than the period asked.
    coverage_notes: str | None = Field(default=None, sa_column=sa.Column(sa.Text, nullable=True))
    #: ``quality`` (judged against targets) or ``volume`` (a production volume, no target:
    #: followed against the same months of the previous year, ``GET /v1/production``).
    kind: str = Field(
        default="quality",
        sa_column=sa.Column(sa.String(10), nullable=False, server_default="quality"),
    )
    updated_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    change_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))


class Target(IndicatorsTable, table=True):
    __tablename__ = "target"
    __table_args__ = (sa.UniqueConstraint("indicator", "year", "org_unit"),)

    id: int | None = Field(
        default=None, sa_column=sa.Column(big_id(), primary_key=True, autoincrement=True)
    )
    indicator: str = Field(
        sa_column=sa.Column(
            sa.String(40), sa.ForeignKey(f"{SCHEMA}.indicator.code"), nullable=False
        )
    )
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    #: ``REGION`` for the region's target, else the committee that set its own.
    org_unit: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    expression: str = Field(sa_column=sa.Column(sa.String(200), nullable=False))
    #: The parsed form (``services.indicators.targets.ParsedTarget``) as JSON text.
    parsed: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    change_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))


class Result(IndicatorsTable, table=True):
    __tablename__ = "result"
    __table_args__ = (
        sa.UniqueConstraint("indicator", "org_unit", "period", "breakdown", name="uq_result_key"),
        sa.Index("ix_result_org_unit_period", "org_unit", "period"),
        sa.Index("ix_result_period_org_unit", "period", "org_unit"),
    )

    id: int | None = Field(
        default=None, sa_column=sa.Column(big_id(), primary_key=True, autoincrement=True)
    )
    indicator: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    org_unit: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    #: Canonical period text (``2024``, ``2024-Q3``, ``2024-08``, ``2024-01/2024-08``).
    period: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    breakdown: str = Field(sa_column=sa.Column(sa.String(100), nullable=False))
    value: Decimal | None = Field(default=None, sa_column=sa.Column(ExactDecimal(), nullable=True))
    numerator: Decimal | None = Field(
        default=None, sa_column=sa.Column(ExactDecimal(), nullable=True)
    )
    denominator: Decimal | None = Field(
        default=None, sa_column=sa.Column(ExactDecimal(), nullable=True)
    )
    status: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    updated_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    change_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))


class GoalTreeLink(IndicatorsTable, table=True):
    """An indicator linked to a node of a strategy tree (``shared/reference/goal_trees.yaml``),
    and why: an indicator may sit in more than one tree and more than one node of one."""

    __tablename__ = "goal_tree_link"

    tree: str = Field(sa_column=sa.Column(sa.String(20), primary_key=True))
    node: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))
    indicator: str = Field(
        sa_column=sa.Column(
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.indicator.code", ondelete="CASCADE"),
            primary_key=True,
        )
    )
    reason: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    updated_at: datetime = Field(sa_column=sa.Column(UTCDateTime(), nullable=False))
    change_seq: int = Field(sa_column=sa.Column(sa.BigInteger, nullable=False, index=True))


indicator_table: sa.Table = Indicator.__table__  # type: ignore[attr-defined]
target_table: sa.Table = Target.__table__  # type: ignore[attr-defined]
result_table: sa.Table = Result.__table__  # type: ignore[attr-defined]
goal_tree_link_table: sa.Table = GoalTreeLink.__table__  # type: ignore[attr-defined]

#: API keys, audit log and change feed, in this service's schema.
INFRASTRUCTURE = infrastructure_tables(metadata)
