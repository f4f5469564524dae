"""Indicators, their versioned targets and results."""

import sqlalchemy as sa
from alembic import op

from services.indicators.models import ExactDecimal
from shared.store import create_infrastructure, drop_infrastructure

revision = "0001"
down_revision = None
SCHEMA = "indicators"


def _id() -> sa.types.TypeEngine[int]:
    return sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    create_infrastructure(op, SCHEMA)
    op.create_table(
        "indicator",
        sa.Column("code", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("direction", sa.String(20), nullable=False),
        sa.Column("source", sa.String(40), nullable=False),
        sa.Column("goal", sa.String(300), nullable=False),
        sa.Column("area", sa.String(300), nullable=False),
        sa.Column("delmal", sa.Text, nullable=True),
        sa.Column("not_reportable_by", sa.String(100), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_indicator_area", "indicator", ["area"], schema=SCHEMA)
    op.create_index("ix_indicator_change_seq", "indicator", ["change_seq"], schema=SCHEMA)
    op.create_table(
        "target",
        sa.Column("id", _id(), primary_key=True, autoincrement=True),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("org_unit", sa.String(40), nullable=False),
        sa.Column("expression", sa.String(200), nullable=False),
        sa.Column("parsed", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        sa.ForeignKeyConstraint(["indicator"], [f"{SCHEMA}.indicator.code"]),
        sa.UniqueConstraint("indicator", "year", "org_unit"),
        schema=SCHEMA,
    )
    op.create_index("ix_target_change_seq", "target", ["change_seq"], schema=SCHEMA)
    op.create_table(
        "result",
        sa.Column("id", _id(), primary_key=True, autoincrement=True),
        sa.Column("indicator", sa.String(40), nullable=False),
        sa.Column("org_unit", sa.String(40), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("breakdown", sa.String(100), nullable=False),
        sa.Column("value", ExactDecimal(), nullable=True),
        sa.Column("numerator", ExactDecimal(), nullable=True),
        sa.Column("denominator", ExactDecimal(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        sa.UniqueConstraint("indicator", "org_unit", "period", "breakdown", name="uq_result_key"),
        schema=SCHEMA,
    )
    op.create_index("ix_result_org_unit_period", "result", ["org_unit", "period"], schema=SCHEMA)
    op.create_index("ix_result_change_seq", "result", ["change_seq"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_table("result", schema=SCHEMA)
    op.drop_table("target", schema=SCHEMA)
    op.drop_table("indicator", schema=SCHEMA)
    drop_infrastructure(op, SCHEMA)
