"""Budget service: infrastructure, grants and components, lines, outcomes, forecasts,
earmarked money and reported figures.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.store import create_infrastructure, drop_infrastructure

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "budget"


def _feed() -> list[sa.Column]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
    ]


def _index(table: str, name: str, *cols: str) -> None:
    op.create_index(name, table, list(cols), schema=SCHEMA)


def upgrade() -> None:
    create_infrastructure(op, SCHEMA)

    op.create_table(
        "regionbidrag",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("efficiency_gross_bp", sa.Integer),
        sa.Column("efficiency_bp", sa.Integer),
        sa.Column("efficiency_net_bp", sa.Integer),
        sa.Column("efficiency_note", sa.Text),
        *_feed(),
        schema=SCHEMA,
    )
    _index("regionbidrag", "ix_regionbidrag_year", "year")
    _index("regionbidrag", "ix_regionbidrag_change_seq", "change_seq")

    op.create_table(
        "regionbidrag_component",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "grant_id",
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.regionbidrag.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("decision", sa.Text),
        sa.Column("used", sa.Boolean),
        sa.Column("counterparty", sa.String(20)),
        sa.Column("counterparty_text", sa.Text),
        sa.Column("mirrored_from", sa.String(20)),
        sa.Column("derivation", sa.Text),
        schema=SCHEMA,
    )
    _index("regionbidrag_component", "ix_regionbidrag_component_grant_id", "grant_id")

    op.create_table(
        "budget_line",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("line", sa.String(80), nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("revenue", sa.BigInteger),
        sa.Column("cost", sa.BigInteger),
        sa.Column("counterparty", sa.String(10), nullable=False),
        sa.Column("basis", sa.String(10), nullable=False),
        sa.Column("derivation", sa.Text),
        *_feed(),
        schema=SCHEMA,
    )
    _index("budget_line", "ix_budget_line_unit_year", "org_unit", "year")
    _index("budget_line", "ix_budget_line_change_seq", "change_seq")

    for name, month in (("outcome", "month"), ("forecast", "made_in")):
        op.create_table(
            name,
            sa.Column("id", sa.String(120), primary_key=True),
            sa.Column("org_unit", sa.String(20), nullable=False),
            sa.Column("line", sa.String(80), nullable=False),
            sa.Column(month, sa.String(7), nullable=False),
            sa.Column("revenue", sa.BigInteger, nullable=False),
            sa.Column("cost", sa.BigInteger, nullable=False),
            sa.Column("derivation", sa.Text),
            *_feed(),
            schema=SCHEMA,
        )
        _index(name, f"ix_{name}_unit_{month}", "org_unit", month)
        _index(name, f"ix_{name}_change_seq", "change_seq")

    op.create_table(
        "earmarked",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("purpose", sa.Text, nullable=False),
        sa.Column("amount", sa.BigInteger),
        sa.Column("used_amount", sa.BigInteger),
        sa.Column("line", sa.String(80)),
        sa.Column("assignment_id", sa.String(60)),
        sa.Column("allocation_key", sa.Text),
        sa.Column("decision", sa.Text),
        sa.Column("counterparty", sa.String(10)),
        sa.Column("co_org_units", sa.String(400), nullable=False),
        *_feed(),
        schema=SCHEMA,
    )
    _index("earmarked", "ix_earmarked_unit_year", "org_unit", "year")
    _index("earmarked", "ix_earmarked_change_seq", "change_seq")

    op.create_table(
        "reported_result",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("budget_result", sa.BigInteger),
        sa.Column("budget_result_stated", sa.Boolean, nullable=False),
        sa.Column("outcome_result", sa.BigInteger),
        sa.Column("reproducible_from_lines", sa.Boolean, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("source_text", sa.Text),
        *_feed(),
        schema=SCHEMA,
    )
    _index("reported_result", "ix_reported_result_unit_year", "org_unit", "year")

    op.create_table(
        "reported_deviation",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("line", sa.String(80), nullable=False),
        sa.Column("label", sa.Text),
        sa.Column("deviation", sa.BigInteger, nullable=False),
        sa.Column("source_text", sa.Text),
        *_feed(),
        schema=SCHEMA,
    )
    _index("reported_deviation", "ix_reported_deviation_unit_year", "org_unit", "year")
    _index("reported_deviation", "ix_reported_deviation_change_seq", "change_seq")


def downgrade() -> None:
    for name in (
        "reported_deviation",
        "reported_result",
        "earmarked",
        "forecast",
        "outcome",
        "budget_line",
        "regionbidrag_component",
        "regionbidrag",
    ):
        op.drop_table(name, schema=SCHEMA)
    drop_infrastructure(op, SCHEMA)
