"""Indicators: how results roll up over time, per-breakdown placements, coverage notes.

- ``indicator.time_aggregation``: ``ratio`` | ``sum`` | ``mean`` | ``last``, how monthly
  results roll up to a quarter, a tertial, a range or a year. Existing rows get the default
  of their unit (rates Σ/Σ, counts summed, the rest a mean).
- ``indicator.placements``: JSON, the breakdowns the annex puts under another goal, area
  and delmål than the indicator's own (the NPE SVF rows sit under the cancer area).
- ``indicator.coverage_notes``: JSON, period → the footnote a report gives a result that
  covers less than the period asked for ("Resultaten för Q4 är ännu inte färdigbehandlade").
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
SCHEMA = "indicators"


def _schema() -> str | None:
    """Alembic's own column operations do not go through SQLite's schema translation: there
    the table is named without its schema."""
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


def upgrade() -> None:
    with op.batch_alter_table("indicator", schema=_schema()) as batch:
        batch.add_column(sa.Column("time_aggregation", sa.String(10), nullable=True))
        batch.add_column(sa.Column("placements", sa.Text, nullable=True))
        batch.add_column(sa.Column("coverage_notes", sa.Text, nullable=True))
    # A full Table (not sa.table()) so that SQLite's schema translation applies.
    indicator = sa.Table(
        "indicator",
        sa.MetaData(),
        sa.Column("code", sa.String(40)),
        sa.Column("unit", sa.String(40)),
        sa.Column("time_aggregation", sa.String(10)),
        schema=SCHEMA,
    )
    op.execute(
        sa.update(indicator).values(
            time_aggregation=sa.case(
                (
                    indicator.c.unit.in_(
                        ["percent", "per_100_vardplatser", "per_1000_inhabitants"]
                    ),
                    "ratio",
                ),
                (indicator.c.unit == "count", "sum"),
                else_="mean",
            )
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("indicator", schema=_schema()) as batch:
        batch.drop_column("coverage_notes")
        batch.drop_column("placements")
        batch.drop_column("time_aggregation")
