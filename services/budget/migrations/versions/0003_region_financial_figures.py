"""The region's financial figures, which its financial goals (finansiella mål) are judged on.

One row a year (``REGION/2024``), integer kronor, each figure null where not stated:
revenue from taxes, utjämning and generella statsbidrag, the result, the balance-requirement
adjustments, depreciation, investments and the external interest-bearing net debt.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

SCHEMA = "budget"
TABLE = "region_financial_figures"


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("id", sa.String(20), primary_key=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("tax_and_grant_revenue", sa.BigInteger),
        sa.Column("result", sa.BigInteger),
        sa.Column("balance_adjustments", sa.BigInteger),
        sa.Column("depreciation", sa.BigInteger),
        sa.Column("investments", sa.BigInteger),
        sa.Column("net_debt", sa.BigInteger),
        sa.Column("source_text", sa.Text),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index(f"ux_{TABLE}_year", TABLE, ["year"], unique=True, schema=SCHEMA)
    op.create_index(f"ix_{TABLE}_change_seq", TABLE, ["change_seq"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index(f"ix_{TABLE}_change_seq", table_name=TABLE, schema=SCHEMA)
    op.drop_index(f"ux_{TABLE}_year", table_name=TABLE, schema=SCHEMA)
    op.drop_table(TABLE, schema=SCHEMA)
