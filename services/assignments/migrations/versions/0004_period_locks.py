"""Period locks of decided reports (``shared.locks``): the table ``period_lock``.

A committee's decided report locks the periods of the org units it reads; this service
refuses writes that would change them (409 naming the decision) until an admin reopens the
decision. One row per decision, kept when reopened (who, when, why). Nothing existing
changes.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

from shared.locks import create_lock_table, drop_lock_table

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

SCHEMA = "assignments"


def upgrade() -> None:
    create_lock_table(op, SCHEMA)


def downgrade() -> None:
    drop_lock_table(op, SCHEMA)
