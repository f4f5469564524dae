"""Production volumes and a second goal tree.

- ``indicator.kind``: ``quality`` (every existing indicator: judged against its targets) or
  ``volume`` (a production volume without target, produktionsvolym, followed against the
  same months of the previous year at ``GET /v1/production``).
- ``goal_tree_link``: an indicator linked to a node of a strategy tree
  (``shared/reference/goal_trees.yaml``, the 2026 Strategi för Framtidens hälsosystem), with
  the reason; one indicator may sit in several trees and nodes. Dropped with its indicator.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "indicators"


def _schema() -> str | None:
    """Alembic's own column operations do not go through SQLite's schema translation: there
    the table is named without its schema."""
    return None if op.get_bind().dialect.name == "sqlite" else SCHEMA


def upgrade() -> None:
    with op.batch_alter_table("indicator", schema=_schema()) as batch:
        batch.add_column(sa.Column("kind", sa.String(10), nullable=False, server_default="quality"))
    op.create_table(
        "goal_tree_link",
        sa.Column("tree", sa.String(20), primary_key=True),
        sa.Column("node", sa.String(40), primary_key=True),
        sa.Column(
            "indicator",
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.indicator.code", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("change_seq", sa.BigInteger, nullable=False),
        schema=SCHEMA,
    )
    op.create_index("ix_goal_tree_link_change_seq", "goal_tree_link", ["change_seq"], schema=SCHEMA)


def downgrade() -> None:
    op.drop_index("ix_goal_tree_link_change_seq", "goal_tree_link", schema=SCHEMA)
    op.drop_table("goal_tree_link", schema=SCHEMA)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite drops the column in place (3.35+): a batch copy of ``indicator`` would
        # break the targets' foreign keys on a store with data.
        op.execute("ALTER TABLE indicator DROP COLUMN kind")
        return
    with op.batch_alter_table("indicator", schema=_schema()) as batch:
        batch.drop_column("kind")
