"""The sample service's only table."""

import sqlalchemy as sa
from alembic import op

from shared.store import create_infrastructure, drop_infrastructure

revision = "0001"
down_revision = None
SCHEMA = "sample"


def upgrade() -> None:
    create_infrastructure(op, SCHEMA)
    op.create_table(
        "thing",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("code", sa.String, nullable=False, unique=True),
        sa.Column("org_unit", sa.String, nullable=False),
        sa.Column("amount", sa.BigInteger, nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        schema=SCHEMA,
    )


def downgrade() -> None:
    op.drop_table("thing", schema=SCHEMA)
    drop_infrastructure(op, SCHEMA)
