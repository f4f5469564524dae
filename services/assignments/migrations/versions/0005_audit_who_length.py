"""The audit trail's "who" widened to 200 characters, for access tokens' subjects
(``jwt:<sub>``, ``shared.tokens``). Nothing existing changes.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from shared.store import widen_audit_who

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

SCHEMA = "assignments"


def upgrade() -> None:
    widen_audit_who(op, SCHEMA)


def downgrade() -> None:
    # Kept wide: shortening would fail on the subjects already recorded, and a wider
    # column holds every key id the older code writes.
    pass
