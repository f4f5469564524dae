"""What a committee's follow-up view shows of this service, in one answer.

The gateway's view of a committee for a period shows its economy for the year to the
period's last month and its forecast rounds made by then. One call instead of two pays
the request's overhead once (and the rounds no longer wait for the summary), and the
answer is kept while the service's data stands still (``shared.readcache``).
"""

from __future__ import annotations

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from services.budget import rounds
from services.budget import summary_schemas as ss
from services.budget.repository.store import LINE, TOTAL, rows_of_year
from services.budget.summary import YEAR_TABLES, committee_summary
from shared.periods import Period


class FollowUpSection(BaseModel):
    """The budget's part of one committee's follow-up view for a period."""

    summary: ss.Summary = Field(
        description="`GET /v1/summary?org_unit=&year=&through=` to the period's last month "
        "(`through` left out for a period ending in December)."
    )
    forecast_rounds: rounds.ForecastRounds = Field(
        description="`GET /v1/forecast-rounds?org_unit=&year=&through=` with `through` the "
        "period's last month."
    )


def follow_up_section(session: Session, org_unit: str, period: Period) -> FollowUpSection:
    year, last_month = period.year, f"{period.year}-{period.last_month:02d}"
    # What is stored of the year, in one statement; both parts show its lines and totals.
    stored = rows_of_year(session, YEAR_TABLES, org_unit, year)
    lines, totals = stored[LINE.name], stored[TOTAL.name]
    through = None if period.last_month == 12 else last_month
    return FollowUpSection(
        summary=committee_summary(session, org_unit, year, through, stored=stored),
        forecast_rounds=rounds.forecast_rounds(
            session, org_unit, year, last_month, lines=lines, totals=totals
        ),
    )
