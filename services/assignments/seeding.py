"""Loads ``seed/assignments.yaml`` (the real data, see its header) into an empty store.

Mapping decisions:
- ``key`` is the assignment's id (``UP2023-nnn``, ``HSN2024-nnn``): stable across loads.
- ``year_given: null`` (86 rows of the 2023 plan without a "Nytt uppdrag" marker) is stored as
  2023, "given by 2023 at the latest", with ``year_given_stated = false``.
- Group tokens in ``org_units`` are expanded; a token as ``lead_org_unit`` gives
  ``lead_org_unit = null`` and ``lead_text`` = the group's name (see ``units``).
- ``earmarked.amount_sek`` → ``earmarked_amount`` (integer kronor).
- Reports get change numbers in document order, after their assignments. A report's ``as_of``
  is the date the source says it speaks for (the 2024 statuses of HSN's verksamhetsberättelse:
  2024-12-31); without one, the rule of a report sent without it (``rules.default_as_of``).
  ``on_behalf_of``: the other units the source says the report speaks for (none so far).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from services.assignments import assignment_repository, report_repository, rules, units
from services.assignments.reports import region_today
from services.assignments.schemas import ReportIn
from shared.spec import ServiceSpec
from shared.store import AuditTrail, ChangeFeed, utcnow

SEED_FILE = Path(__file__).with_name("seed") / "assignments.yaml"
#: The plan (Uppföljningsplan 2023) that lists the rows without a year marker.
UNSTATED_YEAR = 2023
SEED_KEY_ID = "seed"


def read_seed(path: Path = SEED_FILE) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries: list[dict[str, Any]] = data["assignments"]
    return entries


def load_seed(session: Session, spec: ServiceSpec) -> int:
    """Load the seed into an empty store; returns assignments + reports loaded (0 if not empty)."""
    if not assignment_repository.store_is_empty(session):
        return 0
    entries = read_seed()
    feed = ChangeFeed(spec.infrastructure)
    audit = AuditTrail(spec.infrastructure)
    report_count = sum(len(e["reports"]) for e in entries)
    seq = feed.allocate(session, len(entries) + report_count)
    now = utcnow()

    assignments: list[dict[str, Any]] = []
    unit_rows: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    for e in entries:
        others = [u for u in e["org_units"] if u != e["lead_org_unit"]]
        responsible = units.resolve(e["lead_org_unit"], others)
        assert responsible.lead_text is None or e["lead_org_unit"] in units.GROUP_NAMES
        earmarked = e.get("earmarked") or {}
        assignments.append(
            {
                "id": e["key"],
                "kind": e["kind"],
                "title": e["title"],
                "goal": e["goal"],
                "area": e["area"],
                "section": e["section"],
                "year_given": e["year_given"] or UNSTATED_YEAR,
                "year_given_stated": e["year_given"] is not None,
                "continued": bool(e.get("continued")),
                "source": e["source"],
                "lead_org_unit": responsible.lead_org_unit,
                "lead_text": responsible.lead_text,
                "deadline": date.fromisoformat(e["deadline"]) if e["deadline"] else None,
                "deadline_text": e["deadline_text"],
                "earmarked_amount": earmarked.get("amount_sek"),
                "earmarked_purpose": earmarked.get("purpose"),
                "version": 1,
                "created_at": now,
                "updated_at": now,
                "change_seq": seq,
            }
        )
        seq += 1
        unit_rows.extend({"assignment_id": e["key"], "org_unit": u} for u in responsible.units)
        assert {u for code in e["org_units"] for u in units.expand(code)} == set(responsible.units)
    today = region_today()
    for e in entries:
        for rep in e["reports"]:
            report = ReportIn.model_validate(rep)
            assert report.as_of is None or not rules.as_of_errors(
                report.period, report.as_of, today, [e["key"]]
            ), f"{e['key']}: as_of {report.as_of} does not fit period {report.period}"
            fact = rules.report_fact(e["key"], report, today)
            reports.append(report_repository.report_row(fact, SEED_KEY_ID, seq, now))
            seq += 1

    assignment_repository.insert_assignments(session, assignments, unit_rows)
    report_repository.insert_reports(session, reports)
    audit.record(
        session,
        SEED_KEY_ID,
        "seed",
        assignment_repository.ASSIGNMENT_RESOURCE,
        SEED_FILE.name,
        {"assignments": len(assignments), "units": len(unit_rows), "reports": len(reports)},
    )
    session.commit()
    return len(assignments) + len(reports)
