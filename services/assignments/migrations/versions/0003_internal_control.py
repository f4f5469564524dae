"""Internal control (intern kontroll): risk analyses, risks, control actions, follow-ups.

Seed 004 ("Uppföljning av arbetet med intern kontroll"): each nämnd/styrelse decides a risk
analysis with a plan for handling the risks, and follows its internal control up at least
twice a year. Four new tables, nothing existing changes:

- ``risk_analysis`` (id ``<org_unit>-<year>``): when the analysis was decided, the decision.
- ``risk`` (id ``<org_unit>-<year>-<code>``): probability and consequence on 1–4, their
  product ``risk_value``.
- ``risk_action`` (id ``<risk id>-<code>``): a control action of a risk, with its deadline.
- ``risk_followup`` (id ``<action or risk id>@<period>``): an action's state or a risk's
  reassessment at one follow-up occasion.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "assignments"


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
    ]


def _seq_index(table: str) -> None:
    op.create_index(f"ix_assignments_{table}_change_seq", table, ["change_seq"], schema=SCHEMA)


def upgrade() -> None:
    op.create_table(
        "risk_analysis",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("decision", sa.String(300), nullable=True),
        sa.Column("version", sa.Integer, nullable=False),
        *_stamps(),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_assignments_risk_analysis_unit_year",
        "risk_analysis",
        ["org_unit", "year"],
        unique=True,
        schema=SCHEMA,
    )
    _seq_index("risk_analysis")

    op.create_table(
        "risk",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("process", sa.String(300), nullable=True),
        sa.Column("probability", sa.Integer, nullable=False),
        sa.Column("consequence", sa.Integer, nullable=False),
        sa.Column("risk_value", sa.Integer, nullable=False),
        sa.Column("owner", sa.String(200), nullable=True),
        *_stamps(),
        schema=SCHEMA,
    )
    op.create_index(
        "uq_assignments_risk_unit_year_code",
        "risk",
        ["org_unit", "year", "code"],
        unique=True,
        schema=SCHEMA,
    )
    _seq_index("risk")

    op.create_table(
        "risk_action",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column(
            "risk_id",
            sa.String(80),
            sa.ForeignKey(f"{SCHEMA}.risk.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("risk_code", sa.String(20), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("what", sa.Text, nullable=False),
        sa.Column("who", sa.String(200), nullable=True),
        sa.Column("deadline", sa.Date, nullable=False),
        *_stamps(),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_assignments_risk_action_unit_year", "risk_action", ["org_unit", "year"], schema=SCHEMA
    )
    op.create_index("ix_assignments_risk_action_risk_id", "risk_action", ["risk_id"], schema=SCHEMA)
    _seq_index("risk_action")

    op.create_table(
        "risk_followup",
        sa.Column("id", sa.String(160), primary_key=True),
        sa.Column(
            "risk_id",
            sa.String(80),
            sa.ForeignKey(f"{SCHEMA}.risk.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("action_id", sa.String(120), nullable=True),
        sa.Column("org_unit", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("period", sa.String(20), nullable=False),
        sa.Column("period_last_month", sa.Integer, nullable=False),
        sa.Column("risk_code", sa.String(20), nullable=False),
        sa.Column("action_code", sa.String(20), nullable=True),
        sa.Column("state", sa.String(20), nullable=True),
        sa.Column("comment", sa.Text, nullable=True),
        sa.Column("probability", sa.Integer, nullable=True),
        sa.Column("consequence", sa.Integer, nullable=True),
        sa.Column("risk_value", sa.Integer, nullable=True),
        sa.Column("followed_up_on", sa.Date, nullable=False),
        *_stamps(),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_assignments_risk_followup_unit_year",
        "risk_followup",
        ["org_unit", "year"],
        schema=SCHEMA,
    )
    op.create_index(
        "ix_assignments_risk_followup_risk_id", "risk_followup", ["risk_id"], schema=SCHEMA
    )
    op.create_index(
        "ix_assignments_risk_followup_action_id", "risk_followup", ["action_id"], schema=SCHEMA
    )
    _seq_index("risk_followup")


def downgrade() -> None:
    for table in ("risk_followup", "risk_action", "risk", "risk_analysis"):
        op.drop_table(table, schema=SCHEMA)
    # Their tombstones go with them: nothing is left for a reader to drop.
    tombstone = sa.Table(
        "tombstone",
        sa.MetaData(),
        sa.Column("resource", sa.String(60)),
        sa.Column("resource_id", sa.String(300)),
        schema=SCHEMA,
    )
    op.execute(
        sa.delete(tombstone).where(
            tombstone.c.resource.in_(["risk_analysis", "risk", "risk_action", "risk_followup"])
        )
    )
