"""Tables of the follow-up cycle's store, on its own MetaData (schema ``followup``).

- ``occasion``: one reporting occasion (uppföljningstillfälle) of a year: its kind, period,
  the committees' due date (``due_date``; per unit overrides in ``occasion_due``) and the
  regional body's meeting it feeds. ``*_stated_in_plan`` says whether the follow-up plan
  (seed 004) states the date or the calendar file chose it. ``version`` is behind the ETag.
- ``occasion_due``: a unit's own due date for an occasion, where it differs.
- ``decision``: a committee's decided report (beslutad verksamhetsberättelse) for a period,
  keyed by the client-chosen ``decision_id``; ``state`` is ``pending`` while the decision is
  being made (locks being taken), then ``decided``, or ``reopened`` by an admin. The view
  as it stood is archived as JSON and XLSX bytes with their SHA-256.
"""

from __future__ import annotations

import sqlalchemy as sa

from shared.store import UTCDateTime, infrastructure_tables

SCHEMA = "followup"
metadata = sa.MetaData(schema=SCHEMA)
INFRASTRUCTURE = infrastructure_tables(metadata)


def occasion_columns() -> list[sa.Column[object]]:
    return [
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
    ]


def occasion_due_columns() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "occasion_id",
            sa.String(40),
            sa.ForeignKey(f"{SCHEMA}.occasion.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("org_unit", sa.String(32), primary_key=True),
        sa.Column("due_date", sa.Date, nullable=False),
    ]


def decision_columns() -> list[sa.Column[object]]:
    return [
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
    ]


#: Named explicitly so the models and the migration agree.
INDEXES = {
    "occasion": [("ix_occasion_year", ["year"])],
    "decision": [("ix_decision_org_unit_year", ["org_unit", "year"])],
}

occasion = sa.Table(
    "occasion", metadata, *occasion_columns(), *[sa.Index(n, *c) for n, c in INDEXES["occasion"]]
)
occasion_due = sa.Table("occasion_due", metadata, *occasion_due_columns())
decision = sa.Table(
    "decision", metadata, *decision_columns(), *[sa.Index(n, *c) for n, c in INDEXES["decision"]]
)
