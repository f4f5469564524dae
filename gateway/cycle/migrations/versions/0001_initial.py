"""The follow-up cycle's store: infrastructure, the calendar's occasions, decisions.

Revision ID: 0001
Revises:
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from shared.store import UTCDateTime, create_infrastructure, drop_infrastructure

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = "followup"


def upgrade() -> None:
    create_infrastructure(op, SCHEMA)
    op.create_table(
        "occasion",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("due_stated_in_plan", sa.Boolean, nullable=False),
        sa.Column("due_basis", sa.Text, nullable=False),
        sa.Column("meeting_body", sa.String(100), nullable=True),
        sa.Column("meeting_date", sa.Date, nullable=True),
        sa.Column("meeting_stated_in_plan", sa.Boolean, nullable=False),
        sa.Column("meeting_basis", sa.Text, nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_occasion_year", "occasion", ["year"], schema=SCHEMA)
    op.create_table(
        "occasion_due",
        sa.Column(
            "occasion_id",
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.occasion.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("org_unit", sa.String(32), primary_key=True),
        sa.Column("due_date", sa.Date, nullable=False),
        schema=SCHEMA,
    )
    op.create_table(
        "decision",
        sa.Column("decision_id", sa.String(200), primary_key=True),
        sa.Column("org_unit", sa.String(32), nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("body", sa.String(200), nullable=False),
        sa.Column("reference", sa.String(500), nullable=False),
        # The org units whose data the services lock (HSN's view reads REGION's too).
        sa.Column("locked_org_units", sa.String(1000), nullable=False),
        sa.Column("recorded_by", sa.String(32), nullable=False),
        # Who is making a pending decision, and since when (a lease another may take over).
        sa.Column("claim", sa.String(40), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("recorded_at", UTCDateTime(), nullable=True),
        sa.Column("report_json", sa.LargeBinary, nullable=True),
        sa.Column("report_json_sha256", sa.String(64), nullable=True),
        sa.Column("report_xlsx", sa.LargeBinary, nullable=True),
        sa.Column("report_xlsx_sha256", sa.String(64), nullable=True),
        sa.Column("reopened_at", UTCDateTime(), nullable=True),
        sa.Column("reopened_by", sa.String(32), nullable=True),
        sa.Column("reopen_reason", sa.Text, nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_decision_org_unit_year", "decision", ["org_unit", "year"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_decision_org_unit_year", table_name="decision", schema=SCHEMA)
    op.drop_table("decision", schema=SCHEMA)
    op.drop_table("occasion_due", schema=SCHEMA)
    op.drop_index("ix_occasion_year", table_name="occasion", schema=SCHEMA)
    op.drop_table("occasion", schema=SCHEMA)
    drop_infrastructure(op, SCHEMA)
