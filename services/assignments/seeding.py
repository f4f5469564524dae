"""Loads ``seed/assignments.yaml`` (the real data, see its header) into an empty store.

Mapping decisions:
- ``key`` is the assignment's id (``UP2023-nnn``, ``HSN2024-nnn``): stable across loads.
- ``year_given: null`` (86 rows of the 2023 plan without a "Nytt uppdrag" marker) is stored as
  2023, "given by 2023 at the latest", with ``year_given_stated = false``.
- Group tokens in ``org_units`` are expanded; a token as ``lead_org_unit`` gives
  ``lead_org_unit = null`` and ``lead_text`` = the group's name (see ``service``).
- ``earmarked.amount_sek`` → ``earmarked_amount`` (integer kronor).
- Reports get change numbers in document order, after their assignments.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import yaml
from sqlalchemy.orm import Session

from services.assignments.models import ASSIGNMENT, ASSIGNMENT_UNIT, STATUS_REPORT
from services.assignments.service import TOKEN_TEXT, expand_unit, resolve_units
from shared.periods import Period
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
    if session.execute(sa.select(ASSIGNMENT.c.id).limit(1)).first() is not None:
        return 0
    entries = read_seed()
    feed = ChangeFeed(spec.infrastructure)
    audit = AuditTrail(spec.infrastructure)
    report_count = sum(len(e["reports"]) for e in entries)
    seq = feed.allocate(session, len(entries) + report_count)
    now = utcnow()

    assignments: list[dict[str, Any]] = []
    units: list[dict[str, Any]] = []
    reports: list[dict[str, Any]] = []
    for e in entries:
        others = [u for u in e["org_units"] if u != e["lead_org_unit"]]
        lead, lead_text, responsible = resolve_units(e["lead_org_unit"], others)
        assert lead_text is None or e["lead_org_unit"] in TOKEN_TEXT
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
                "lead_org_unit": lead,
                "lead_text": lead_text,
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
        units.extend({"assignment_id": e["key"], "org_unit": u} for u in responsible)
        assert {u for code in e["org_units"] for u in expand_unit(code)} == set(responsible)
    for e in entries:
        for rep in e["reports"]:
            period = Period.parse(rep["period"])
            reports.append(
                {
                    "assignment_id": e["key"],
                    "org_unit": rep["org_unit"],
                    "period": str(period),
                    "period_year": period.year,
                    "period_first_month": period.first_month,
                    "period_last_month": period.last_month,
                    "status": rep["status"],
                    "explanation": rep["explanation"],
                    "key_id": SEED_KEY_ID,
                    "created_at": now,
                    "updated_at": now,
                    "change_seq": seq,
                }
            )
            seq += 1

    session.execute(sa.insert(ASSIGNMENT), assignments)
    session.execute(sa.insert(ASSIGNMENT_UNIT), units)
    if reports:
        session.execute(sa.insert(STATUS_REPORT), reports)
    audit.record(
        session,
        SEED_KEY_ID,
        "seed",
        "assignment",
        SEED_FILE.name,
        {"assignments": len(assignments), "units": len(units), "reports": len(reports)},
    )
    session.commit()
    return len(assignments) + len(reports)
