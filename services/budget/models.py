"""Tables of the budget service, on its own registry and MetaData (schema `budget`).

Money columns are ``BigInteger`` kronor. Row ids are the natural keys written out
(``HSN/2024``, ``HSN/2024/tandvard``, ``HSN/tandvard/2024-12``) so that BI tools get
stable, readable ids and tombstones name what was deleted.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.store import UTCDateTime, infrastructure_tables

SCHEMA = "budget"
metadata = MetaData(schema=SCHEMA)


class BudgetTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table this service owns."""


def _money(nullable: bool = False) -> sa.Column[int]:
    return sa.Column(sa.BigInteger, nullable=nullable)


def _seq() -> sa.Column[int]:
    return sa.Column(sa.BigInteger, nullable=False)


def _feed_index(name: str) -> sa.Index:
    """Every listed table is read in change order by incremental loaders."""
    return sa.Index(f"ix_{name}_change_seq", "change_seq")


def _at() -> sa.Column[datetime]:
    return sa.Column(UTCDateTime(), nullable=False)


class Regionbidrag(BudgetTable, table=True):
    """A committee's grant for a year; its components are in ``regionbidrag_component``."""

    __tablename__ = "regionbidrag"
    __table_args__ = (sa.Index("ix_regionbidrag_year", "year"), _feed_index("regionbidrag"))

    id: str = Field(sa_column=sa.Column(sa.String(40), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    # The efficiency requirement as the report states it: percentages in basis points.
    efficiency_gross_bp: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    efficiency_bp: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    efficiency_net_bp: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    efficiency_note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class RegionbidragComponent(BudgetTable, table=True):
    __tablename__ = "regionbidrag_component"
    __table_args__ = (sa.Index("ix_regionbidrag_component_grant_id", "grant_id"),)

    id: int | None = Field(default=None, sa_column=sa.Column(sa.Integer, primary_key=True))
    grant_id: str = Field(
        sa_column=sa.Column(
            sa.String(40),
            sa.ForeignKey("budget.regionbidrag.id", ondelete="CASCADE"),
            nullable=False,
        )
    )
    position: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    label: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    amount: int = Field(sa_column=_money())
    decision: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    used: bool | None = Field(default=None, sa_column=sa.Column(sa.Boolean))
    counterparty: str | None = Field(default=None, sa_column=sa.Column(sa.String(20)))
    counterparty_text: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    #: Set on the receiving side of a transfer: the org unit whose grant owns the transfer.
    mirrored_from: str | None = Field(default=None, sa_column=sa.Column(sa.String(20)))
    #: How a figure not printed in the source was computed; null for stated figures.
    derivation: str | None = Field(default=None, sa_column=sa.Column(sa.Text))


class BudgetLine(BudgetTable, table=True):
    __tablename__ = "budget_line"
    __table_args__ = (
        sa.Index("ix_budget_line_unit_year", "org_unit", "year"),
        _feed_index("budget_line"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(120), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    line: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    label: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    #: Both null: the line exists but its budget is not stated.
    revenue: int | None = Field(default=None, sa_column=_money(nullable=True))
    cost: int | None = Field(default=None, sa_column=_money(nullable=True))
    counterparty: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    basis: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    derivation: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class Outcome(BudgetTable, table=True):
    """Utfall for one month (not cumulative)."""

    __tablename__ = "outcome"
    __table_args__ = (
        sa.Index("ix_outcome_unit_month", "org_unit", "month"),
        _feed_index("outcome"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(120), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    line: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    month: str = Field(sa_column=sa.Column(sa.String(7), nullable=False))
    revenue: int = Field(sa_column=_money())
    cost: int = Field(sa_column=_money())
    derivation: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class Forecast(BudgetTable, table=True):
    """A full-year prognos for the year of ``made_in``, made in that month."""

    __tablename__ = "forecast"
    __table_args__ = (
        sa.Index("ix_forecast_unit_made_in", "org_unit", "made_in"),
        _feed_index("forecast"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(120), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    line: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    made_in: str = Field(sa_column=sa.Column(sa.String(7), nullable=False))
    revenue: int = Field(sa_column=_money())
    cost: int = Field(sa_column=_money())
    derivation: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class Earmarked(BudgetTable, table=True):
    """Riktade medel: money tied to a purpose (and maybe a line and an assignment)."""

    __tablename__ = "earmarked"
    __table_args__ = (
        sa.Index("ix_earmarked_unit_year", "org_unit", "year"),
        _feed_index("earmarked"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(80), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    kind: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    purpose: str = Field(sa_column=sa.Column(sa.Text, nullable=False))
    amount: int | None = Field(default=None, sa_column=_money(nullable=True))
    used_amount: int | None = Field(default=None, sa_column=_money(nullable=True))
    line: str | None = Field(default=None, sa_column=sa.Column(sa.String(80)))
    assignment_id: str | None = Field(default=None, sa_column=sa.Column(sa.String(60)))
    allocation_key: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    decision: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    counterparty: str | None = Field(default=None, sa_column=sa.Column(sa.String(10)))
    #: Comma-separated org units that share the money ("i samverkan med").
    co_org_units: str = Field(default="", sa_column=sa.Column(sa.String(400), nullable=False))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class CommitteeTotal(BudgetTable, table=True):
    """A committee's total for a year as stated (not summed from its lines): the budget,
    an outcome year to date (January through ``month``) or a forecast made in ``month``.

    ``result`` is always stated; revenue and cost are null where the source does not
    split it (HSN 2024: the report gives the result, +85,3 mnkr, only)."""

    __tablename__ = "committee_total"
    __table_args__ = (
        sa.Index("ix_committee_total_unit_year", "org_unit", "year"),
        _feed_index("committee_total"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(120), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    #: budget, outcome or forecast.
    kind: str = Field(sa_column=sa.Column(sa.String(10), nullable=False))
    #: Outcome: the last month of the year to date; forecast: the month it was made; budget: null.
    month: str | None = Field(default=None, sa_column=sa.Column(sa.String(7)))
    revenue: int | None = Field(default=None, sa_column=_money(nullable=True))
    cost: int | None = Field(default=None, sa_column=_money(nullable=True))
    result: int = Field(sa_column=_money())
    derivation: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    note: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    source_text: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class ReportedDeviation(BudgetTable, table=True):
    """A deviation the report states for a budget area (+ = överskott)."""

    __tablename__ = "reported_deviation"
    __table_args__ = (
        sa.Index("ix_reported_deviation_unit_year", "org_unit", "year"),
        _feed_index("reported_deviation"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(120), primary_key=True))
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    line: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    label: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    deviation: int = Field(sa_column=_money())
    #: The deviation as a share of the area's budget, in basis points, where stated.
    share_bp: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    source_text: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class ReportedFigure(BudgetTable, table=True):
    """Any other figure a committee's report states about its economy: a change against
    the year before, a ceiling and its use, savings, a region-wide cost … one value (an
    amount, a share, or both where the measure pairs them) per row; ``figure`` groups
    the values of one statement and ``item`` names a part of it."""

    __tablename__ = "reported_figure"
    __table_args__ = (
        sa.Index("ix_reported_figure_unit_year", "org_unit", "year"),
        _feed_index("reported_figure"),
    )

    id: str = Field(sa_column=sa.Column(sa.String(200), primary_key=True))
    #: The committee whose report states the figure (and whose keys may read it).
    org_unit: str = Field(sa_column=sa.Column(sa.String(20), nullable=False))
    #: The year the report covers.
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    figure: str = Field(sa_column=sa.Column(sa.String(80), nullable=False))
    item: str | None = Field(default=None, sa_column=sa.Column(sa.String(80)))
    measure: str = Field(sa_column=sa.Column(sa.String(40), nullable=False))
    amount: int | None = Field(default=None, sa_column=_money(nullable=True))
    share_bp: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    approximate: bool = Field(sa_column=sa.Column(sa.Boolean, nullable=False))
    #: The year the value is for when not the report's (2023's level in a 2024 report).
    value_year: int | None = Field(default=None, sa_column=sa.Column(sa.Integer))
    line: str | None = Field(default=None, sa_column=sa.Column(sa.String(80)))
    label: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    #: Comma-separated org units the figure concerns; empty: not stated.
    about_org_units: str = Field(sa_column=sa.Column(sa.String(400), nullable=False))
    derivation: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    source_text: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


class RegionFinancialFigures(BudgetTable, table=True):
    """The region's figures for a year that its financial goals (finansiella mål) are
    judged on: revenue from taxes, utjämning and generella statsbidrag, the result, the
    balance-requirement adjustments, depreciation, investments and the external
    interest-bearing net debt. A figure is null where the source does not state it."""

    __tablename__ = "region_financial_figures"
    __table_args__ = (
        sa.Index("ux_region_financial_figures_year", "year", unique=True),
        _feed_index("region_financial_figures"),
    )

    #: ``REGION/2024``.
    id: str = Field(sa_column=sa.Column(sa.String(20), primary_key=True))
    year: int = Field(sa_column=sa.Column(sa.Integer, nullable=False))
    tax_and_grant_revenue: int | None = Field(default=None, sa_column=_money(nullable=True))
    result: int | None = Field(default=None, sa_column=_money(nullable=True))
    #: Balanskravsjusteringar, signed as added to the result.
    balance_adjustments: int | None = Field(default=None, sa_column=_money(nullable=True))
    depreciation: int | None = Field(default=None, sa_column=_money(nullable=True))
    investments: int | None = Field(default=None, sa_column=_money(nullable=True))
    net_debt: int | None = Field(default=None, sa_column=_money(nullable=True))
    source_text: str | None = Field(default=None, sa_column=sa.Column(sa.Text))
    updated_at: datetime = Field(sa_column=_at())
    change_seq: int = Field(sa_column=_seq())


#: API keys, audit log and change feed, in this service's schema.
INFRASTRUCTURE = infrastructure_tables(metadata)


def table(model: type[SQLModel]) -> sa.Table:
    """The Core table of a model (for set-based statements)."""
    t = model.__table__  # type: ignore[attr-defined]
    assert isinstance(t, sa.Table)
    return t
