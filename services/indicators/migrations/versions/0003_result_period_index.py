"""Results: an index leading with the period, for the queries that filter by period only.

A region's evaluation sums the units' numerators and denominators over the periods it
reads (``org_unit <> 'REGION' AND period IN (…)``); the only other index that names the
period leads with ``org_unit``, so that query read the whole table. ``(period,
org_unit)`` serves it (and any listing by period), reading only the periods asked for.
"""

from alembic import op

revision = "0003"
down_revision = "0002"
SCHEMA = "indicators"


def upgrade() -> None:
    op.create_index("ix_result_period_org_unit", "result", ["period", "org_unit"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_result_period_org_unit", table_name="result", schema=SCHEMA)
