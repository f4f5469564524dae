"""Initial schema: infrastructure, assignments, their responsible units and status reports.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.store import create_infrastructure, drop_infrastructure

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "assignments"


def upgrade() -> None:
    create_infrastructure(op, SCHEMA)
    op.create_table(
        "assignment",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("goal", sa.String(200), nullable=True),
        sa.Column("area", sa.String(300), nullable=True),
        sa.Column("section", sa.String(40), nullable=True),
        sa.Column("year_given", sa.Integer, nullable=False),
        sa.Column("year_given_stated", sa.Boolean, nullable=False),
        sa.Column("continued", sa.Boolean, nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("lead_org_unit", sa.String(20), nullable=True),
        sa.Column("lead_text", sa.String(200), nullable=True),
        sa.Column("deadline", sa.Date, nullable=True),
        sa.Column("deadline_text", sa.String(200), nullable=True),
        sa.Column("earmarked_amount", sa.BigInteger, nullable=True),
        sa.Column("earmarked_purpose", sa.String(500), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_assignments_assignment_area", "assignment", ["area"], schema=SCHEMA)
    op.create_index(
        "ix_assignments_assignment_year_given", "assignment", ["year_given"], schema=SCHEMA
    )
    op.create_index(
        "ix_assignments_assignment_change_seq", "assignment", ["change_seq"], schema=SCHEMA
    )

    op.create_table(
        "assignment_unit",
        sa.Column(
            "assignment_id",
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.assignment.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("org_unit", sa.String(20), primary_key=True),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_assignments_assignment_unit_org_unit", "assignment_unit", ["org_unit"], schema=SCHEMA
    )

    op.create_table(
        "status_report",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "assignment_id",
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.assignment.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("period_year", sa.Integer, nullable=False),
        sa.Column("period_first_month", sa.Integer, nullable=False),
        sa.Column("period_last_month", sa.Integer, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("explanation", sa.Text, nullable=True),
        sa.Column("key_id", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    for column in ("assignment_id", "org_unit", "period", "change_seq"):
        op.create_index(
            f"ix_assignments_status_report_{column}", "status_report", [column], schema=SCHEMA
        )


def downgrade() -> None:
    op.drop_table("status_report", schema=SCHEMA)
    op.drop_table("assignment_unit", schema=SCHEMA)
    op.drop_table("assignment", schema=SCHEMA)
    drop_infrastructure(op, SCHEMA)
