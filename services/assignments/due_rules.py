"""What the assignments service expected and got for an org unit and periods: pure rules.

Seed 004: every committee reports on its riktade uppdrag at each follow-up occasion, and
follows its internal control up at least twice a year, at the latest with its
verksamhetsberättelser per August and December. For ``GET /v1/expected``:

- **Active assignments** (``status_report``). An assignment of the unit (one of its
  responsible units) is expected to be reported on for a period P of year Y when it is
  given in Y, or given earlier and carried over into Y (its latest status at the end of
  Y-1 is not finished, or it has none: the listing's carry-over), and its latest status
  for a date before P begins is not finished (``klart``; ``green`` for a milestone).
  Statuses count the unit's own reports and those naming it (``on_behalf_of``), ranked as
  everywhere (the latest ``as_of``, then the latest period, then the latest report).
- **Received.** A report by the unit (or naming it) for P itself, or speaking for a date
  within P (``as_of``). ``received_at`` is when the first of them was made; the status
  shown is the latest of them.
- **Internal control** (``internal_control``). A period that closes a half-year (its last
  month is August or December: the verksamhetsberättelse per August or December) expects
  a follow-up of the committee's internal control for that half (``half_of`` of the
  follow-up's period, as ``/v1/internal-control`` counts it). The region as a whole has no
  internal control of its own. ``received_at`` is when the half's first item was written.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from services.assignments.internal_control_summary_rules import FIRST_HALF_ENDS, Half, half_of
from services.assignments.rules import FINISHED_STATUSES
from shared.periods import Period

#: The last months of the halves: a period ending in one closes that half.
HALF_ENDS: dict[int, Half] = {FIRST_HALF_ENDS: 1, 12: 2}


@dataclass(frozen=True)
class Report:
    """A stored status report of (or naming) the unit, as the rules need it."""

    assignment_id: str
    org_unit: str
    period: Period
    as_of: date
    status: str
    created_at: datetime
    change_seq: int

    @property
    def rank(self) -> tuple[date, int, int, int]:
        """Newest is greatest: the date it speaks for, its period's end, the report."""
        return (self.as_of, self.period.year, self.period.last_month, self.change_seq)


def latest_before(reports: Iterable[Report], day: date) -> Report | None:
    """The latest report for a date before ``day``."""
    earlier = [r for r in reports if r.as_of < day]
    return max(earlier, key=lambda r: r.rank) if earlier else None


def _finished(report: Report | None) -> bool:
    return report is not None and report.status in FINISHED_STATUSES


def is_active(year_given: int, period: Period, reports: Sequence[Report]) -> bool:
    """Whether an assignment given in ``year_given`` is to be reported on for ``period``
    (``reports``: the assignment's reports by or naming the unit)."""
    if year_given > period.year:
        return False
    if year_given < period.year and _finished(latest_before(reports, date(period.year, 1, 1))):
        return False
    return not _finished(latest_before(reports, period.first_day))


def received_reports(period: Period, reports: Iterable[Report]) -> list[Report]:
    """The reports that answer for ``period``: for the period itself, or for a date in it."""
    return [
        r
        for r in reports
        if _span(r.period) == _span(period) or period.first_day <= r.as_of <= period.last_day
    ]


def _span(period: Period) -> tuple[int, int, int]:
    """A period as its months (``2024-Q1`` and ``2024-01/2024-03`` are one span)."""
    return (period.year, period.first_month, period.last_month)


@dataclass(frozen=True)
class Answer:
    received: bool
    received_at: datetime | None
    latest: Report | None
    detail: str


def report_answer(org_unit: str, period: Period, reports: Sequence[Report]) -> Answer:
    """Whether a status report came from ``org_unit`` for ``period`` and which says last."""
    came = received_reports(period, reports)
    if not came:
        return Answer(
            False,
            None,
            None,
            f"No status report by or naming {org_unit} for {period} or dated within it.",
        )
    latest = max(came, key=lambda r: r.rank)
    by = "" if latest.org_unit == org_unit else f" (by {latest.org_unit}, naming {org_unit})"
    return Answer(
        True,
        min(r.created_at for r in came),
        latest,
        f"Reported {latest.status} as of {latest.as_of.isoformat()}{by}.",
    )


def closes_half(period: Period) -> Half | None:
    """The half-year ``period`` closes (it ends in August or December), else None."""
    return HALF_ENDS.get(period.last_month)


@dataclass(frozen=True)
class FollowUp:
    """One follow-up occasion of a committee's internal control (its items together)."""

    period: Period
    items: int
    followed_up_on: date
    written_at: datetime


def followups_of_half(year: int, half: Half, followups: Iterable[FollowUp]) -> list[FollowUp]:
    """The occasions that count for ``half`` of ``year``, latest period last."""
    mine = [f for f in followups if f.period.year == year and half_of(f.period.last_month) == half]
    return sorted(mine, key=lambda f: (f.period.last_month, -f.period.first_month))
