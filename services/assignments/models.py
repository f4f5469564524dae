"""Tables of the assignments service, on its own registry and MetaData (schema `assignments`).

- ``assignment``: one riktat uppdrag (or Framtidens hälsosystem milestone, ``kind``).
  ``version`` is the optimistic-concurrency counter behind the ETag.
- ``assignment_unit``: the responsible org units, expanded (``ALL_HOSPITAL_BOARDS`` →
  the eight boards); the lead is one of them unless the lead is a group (``lead_text``).
- ``status_report``: the append-only report history; the latest status is derived from it.
  ``as_of`` is the date a report speaks for; ``on_behalf_of`` the other responsible units it
  names (``;``-separated, reference order; empty for none). A report's natural key is its
  assignment, unit, period, ``as_of`` and ``content_key`` (a hash of status, explanation and
  named units): unique, so the same report is stored once however many loads carry it.

Internal control (intern kontroll, revision 0003; rules in ``internal_control_rules``):

- ``risk_analysis``: a committee's risk analysis for a year, when it was decided and the
  decision's reference; id ``<org_unit>-<year>``; ``version`` behind its ETag.
- ``risk``: a risk of that analysis, under the committee's own code (id
  ``<org_unit>-<year>-<code>``), assessed on the 1–4 scales; ``risk_value`` = probability ×
  consequence, stored as computed.
- ``risk_action``: a control action (kontrollmoment / åtgärd) of a risk, id
  ``<risk id>-<code>``.
- ``risk_followup``: one item of a follow-up occasion (``period``): an action's state and
  comment, or (``action_code`` empty) the risk's reassessment. Id ``<action or risk
  id>@<period>``.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import MetaData
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from shared.store import UTCDateTime, infrastructure_tables

SCHEMA = "assignments"
metadata = MetaData(schema=SCHEMA)


class AssignmentsTable(SQLModel, registry=registry(metadata=metadata)):
    """Base of every table this service owns."""


class Assignment(AssignmentsTable, table=True):
    __tablename__ = "assignment"

    id: str = Field(primary_key=True, max_length=40)
    kind: str = Field(max_length=20)
    title: str = Field(sa_type=sa.Text)
    goal: str | None = Field(default=None, max_length=200)
    area: str | None = Field(default=None, max_length=300, index=True)
    section: str | None = Field(default=None, max_length=40)
    year_given: int = Field(index=True)
    year_given_stated: bool = True
    continued: bool = False
    source: str | None = Field(default=None, max_length=300)
    lead_org_unit: str | None = Field(default=None, max_length=20)
    lead_text: str | None = Field(default=None, max_length=200)
    deadline: date | None = None
    deadline_text: str | None = Field(default=None, max_length=200)
    earmarked_amount: int | None = Field(default=None, sa_type=sa.BigInteger)
    earmarked_purpose: str | None = Field(default=None, max_length=500)
    version: int = 1
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())
    change_seq: int = Field(sa_type=sa.BigInteger, index=True)


class AssignmentUnit(AssignmentsTable, table=True):
    __tablename__ = "assignment_unit"

    assignment_id: str = Field(
        primary_key=True, max_length=40, foreign_key=f"{SCHEMA}.assignment.id", ondelete="CASCADE"
    )
    org_unit: str = Field(primary_key=True, max_length=20, index=True)


class StatusReport(AssignmentsTable, table=True):
    __tablename__ = "status_report"
    __table_args__ = (
        sa.Index(
            "uq_assignments_status_report_natural_key",
            "assignment_id",
            "org_unit",
            "period",
            "as_of",
            "content_key",
            unique=True,
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    assignment_id: str = Field(
        max_length=40, foreign_key=f"{SCHEMA}.assignment.id", ondelete="CASCADE", index=True
    )
    org_unit: str = Field(max_length=20, index=True)
    period: str = Field(max_length=20, index=True)
    period_year: int
    period_first_month: int
    period_last_month: int
    status: str = Field(max_length=30)
    explanation: str | None = Field(default=None, sa_type=sa.Text)
    as_of: date = Field(index=True)
    on_behalf_of: str = Field(default="", max_length=400)
    content_key: str = Field(max_length=64)
    key_id: str = Field(max_length=32)
    created_at: datetime = Field(sa_type=UTCDateTime())
    updated_at: datetime = Field(sa_type=UTCDateTime())
    change_seq: int = Field(sa_type=sa.BigInteger, index=True)


class RiskAnalysis(AssignmentsTable, table=True):
    __tablename__ = "risk_analysis"
    __table_args__ = (
        sa.Index("uq_assignments_risk_analysis_unit_year", "org_unit", "year", unique=True),
    )

    id: str = Field(primary_key=True, max_length=40)
    org_unit: str = Field(max_length=20)
    year: int
    decided_on: date
    decision: str | None = Field(default=None, max_length=300)
    version: int = 1
    updated_at: datetime = Field(sa_type=UTCDateTime())
    change_seq: int = Field(sa_type=sa.BigInteger, index=True)


class Risk(AssignmentsTable, table=True):
    __tablename__ = "risk"
    __table_args__ = (
        sa.Index("uq_assignments_risk_unit_year_code", "org_unit", "year", "code", unique=True),
    )

    id: str = Field(primary_key=True, max_length=80)
    org_unit: str = Field(max_length=20)
    year: int
    code: str = Field(max_length=20)
    description: str = Field(sa_type=sa.Text)
    process: str | None = Field(default=None, max_length=300)
    probability: int
    consequence: int
    risk_value: int
    owner: str | None = Field(default=None, max_length=200)
    updated_at: datetime = Field(sa_type=UTCDateTime())
    change_seq: int = Field(sa_type=sa.BigInteger, index=True)


class RiskAction(AssignmentsTable, table=True):
    __tablename__ = "risk_action"
    __table_args__ = (sa.Index("ix_assignments_risk_action_unit_year", "org_unit", "year"),)

    id: str = Field(primary_key=True, max_length=120)
    risk_id: str = Field(
        max_length=80, foreign_key=f"{SCHEMA}.risk.id", ondelete="CASCADE", index=True
    )
    org_unit: str = Field(max_length=20)
    year: int
    risk_code: str = Field(max_length=20)
    code: str = Field(max_length=20)
    what: str = Field(sa_type=sa.Text)
    who: str | None = Field(default=None, max_length=200)
    deadline: date
    updated_at: datetime = Field(sa_type=UTCDateTime())
    change_seq: int = Field(sa_type=sa.BigInteger, index=True)


class RiskFollowup(AssignmentsTable, table=True):
    __tablename__ = "risk_followup"
    __table_args__ = (sa.Index("ix_assignments_risk_followup_unit_year", "org_unit", "year"),)

    id: str = Field(primary_key=True, max_length=160)
    risk_id: str = Field(
        max_length=80, foreign_key=f"{SCHEMA}.risk.id", ondelete="CASCADE", index=True
    )
    action_id: str | None = Field(default=None, max_length=120, index=True)
    org_unit: str = Field(max_length=20)
    year: int
    period: str = Field(max_length=20)
    period_last_month: int
    risk_code: str = Field(max_length=20)
    action_code: str | None = Field(default=None, max_length=20)
    state: str | None = Field(default=None, max_length=20)
    comment: str | None = Field(default=None, sa_type=sa.Text)
    probability: int | None = None
    consequence: int | None = None
    risk_value: int | None = None
    followed_up_on: date
    updated_at: datetime = Field(sa_type=UTCDateTime())
    change_seq: int = Field(sa_type=sa.BigInteger, index=True)


#: API keys, audit log and change feed, in this service's schema.
INFRASTRUCTURE = infrastructure_tables(metadata)

#: Core tables, for set-based statements.
ASSIGNMENT: sa.Table = metadata.tables[f"{SCHEMA}.assignment"]
ASSIGNMENT_UNIT: sa.Table = metadata.tables[f"{SCHEMA}.assignment_unit"]
STATUS_REPORT: sa.Table = metadata.tables[f"{SCHEMA}.status_report"]
RISK_ANALYSIS: sa.Table = metadata.tables[f"{SCHEMA}.risk_analysis"]
RISK: sa.Table = metadata.tables[f"{SCHEMA}.risk"]
RISK_ACTION: sa.Table = metadata.tables[f"{SCHEMA}.risk_action"]
RISK_FOLLOWUP: sa.Table = metadata.tables[f"{SCHEMA}.risk_followup"]
