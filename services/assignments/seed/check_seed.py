#!/usr/bin/env python3
"""Validate the assignments seed file (assignments.yaml next to this script).

Usage: python3 check_seed.py [path/to/assignments.yaml]
Needs python3 and pyyaml (pip install pyyaml). Prints every problem found and
exits 1 if there is any, else prints a short summary and exits 0.
"""
from __future__ import annotations

import datetime as dt
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

# Org unit codes from /work/shared/API.md, plus the two expansion tokens the loader understands.
ORG_UNITS = {
    "REGION", "HSN", "PVN", "PHHN", "NORV", "RS", "KTN", "KN", "RUN", "PN", "FSN", "PAN",
    "SUS", "LANDSKRONA", "TRELLEBORG", "HELSINGBORG", "KRISTIANSTAD", "YSTAD", "ANGELHOLM",
    "HASSLEHOLM",
}
EXTRA_ORG_UNITS: set[str] = set()  # codes added for committees not in API.md (none needed so far)
TOKENS = {"ALL_HOSPITAL_BOARDS", "ALL_COMMITTEES"}
KNOWN_UNITS = ORG_UNITS | EXTRA_ORG_UNITS | TOKENS

GOALS = {
    "Bättre liv och hälsa för fler",
    "Tillgänglighet och kvalitet",
    "Hållbar utveckling i hela Skåne",
    "Attraktiv arbetsgivare, professionell verksamhet",
    "Långsiktigt stark ekonomi",
}
SECTIONS = {"health_care", "public_transport", "culture", "regional_development",
            "support_functions", "hr", "other"}
KINDS = {"assignment", "milestone"}
STATUSES = {
    "assignment": {"ej_startat", "pagar_enligt_plan", "avvikelse", "klart"},
    "milestone": {"green", "yellow", "orange"},
}
KEY_RE = re.compile(r"^(UP2023|HSN2024|FHS)-\d{3}$")
PERIOD_RE = re.compile(r"^\d{4}(-Q[1-4]|-T[1-3]|-(0[1-9]|1[0-2])|-(0[1-9]|1[0-2])/\d{4}-(0[1-9]|1[0-2]))?$")
REQUIRED = ("key", "title", "goal", "area", "section", "year_given", "source", "lead_org_unit",
            "org_units", "deadline", "deadline_text", "earmarked", "kind", "reports")


def check(data) -> list[str]:
    errors: list[str] = []

    def err(where: str, msg: str) -> None:
        errors.append(f"{where}: {msg}")

    if not isinstance(data, dict) or not isinstance(data.get("assignments"), list):
        return ["top level must be a mapping with an 'assignments' list"]

    keys = Counter(a.get("key") for a in data["assignments"] if isinstance(a, dict))
    for key, n in keys.items():
        if n > 1:
            err(str(key), f"key used {n} times")

    for i, a in enumerate(data["assignments"]):
        where = f"#{i} {a.get('key', '?') if isinstance(a, dict) else '?'}"
        if not isinstance(a, dict):
            err(where, "entry is not a mapping")
            continue
        for field in REQUIRED:
            if field not in a:
                err(where, f"missing field '{field}'")
        if not KEY_RE.match(str(a.get("key", ""))):
            err(where, "key must look like UP2023-nnn, HSN2024-nnn or FHS-nnn")
        if not isinstance(a.get("title"), str) or not a["title"].strip():
            err(where, "title must be a non-empty string")
        if a.get("goal") not in GOALS:
            err(where, f"goal {a.get('goal')!r} is not one of the five övergripande mål")
        if not isinstance(a.get("area"), str) or not a["area"].strip():
            err(where, "area must be a non-empty string")
        if a.get("section") not in SECTIONS:
            err(where, f"section {a.get('section')!r} not in {sorted(SECTIONS)}")
        kind = a.get("kind")
        if kind not in KINDS:
            err(where, f"kind {kind!r} not in {sorted(KINDS)}")

        yg = a.get("year_given")
        if yg is not None and (not isinstance(yg, int) or isinstance(yg, bool) or not 2000 <= yg <= 2100):
            err(where, f"year_given {yg!r} must be a year or null")
        if "continued" in a and a["continued"] is not True:
            err(where, "continued, when present, must be true")
        if a.get("source") is not None and not (isinstance(a["source"], str) and a["source"].strip()):
            err(where, "source must be a non-empty string or null")

        units = a.get("org_units")
        if not isinstance(units, list) or not units:
            err(where, "org_units must be a non-empty list")
            units = []
        for u in units:
            if u not in KNOWN_UNITS:
                err(where, f"unknown org unit {u!r}")
        if len(set(units)) != len(units):
            err(where, "org_units has duplicates")
        lead = a.get("lead_org_unit")
        if lead not in KNOWN_UNITS:
            err(where, f"unknown lead_org_unit {lead!r}")
        if lead not in units:
            err(where, f"lead_org_unit {lead!r} is not in org_units")

        dl = a.get("deadline")
        if dl is not None:
            try:
                dt.date.fromisoformat(str(dl))
            except ValueError:
                err(where, f"deadline {dl!r} is not an ISO date (quote it as a string)")
            if not isinstance(dl, str):
                err(where, "deadline must be a quoted string 'YYYY-MM-DD'")
            if not a.get("deadline_text"):
                err(where, "deadline given without the document's wording in deadline_text")

        em = a.get("earmarked")
        if em is not None:
            if not isinstance(em, dict):
                err(where, "earmarked must be a mapping or null")
            else:
                amount = em.get("amount_sek")
                if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
                    err(where, "earmarked.amount_sek must be a positive integer (kronor)")
                if not isinstance(em.get("purpose"), str) or not em["purpose"].strip():
                    err(where, "earmarked.purpose must be a non-empty string")

        reports = a.get("reports")
        if not isinstance(reports, list):
            err(where, "reports must be a list (may be empty)")
            reports = []
        seen = set()
        for j, r in enumerate(reports):
            rw = f"{where} report {j}"
            if not isinstance(r, dict):
                err(rw, "report is not a mapping")
                continue
            status = r.get("status")
            if status not in STATUSES.get(kind, set()):
                err(rw, f"status {status!r} not valid for kind {kind!r}")
            if status == "avvikelse" and not (isinstance(r.get("explanation"), str)
                                              and r["explanation"].strip()):
                err(rw, "avvikelse must have an explanation")
            if r.get("explanation") is not None and not isinstance(r["explanation"], str):
                err(rw, "explanation must be a string or null")
            ou = r.get("org_unit")
            if ou not in ORG_UNITS | EXTRA_ORG_UNITS:
                err(rw, f"report org_unit {ou!r} must be a concrete org unit code")
            elif not _covers(units, ou):
                err(rw, f"report org_unit {ou!r} is not responsible for this assignment")
            period = r.get("period")
            if not isinstance(period, str) or not PERIOD_RE.match(period):
                err(rw, f"period {period!r} must be a quoted period such as '2024' or '2024-01/2024-08'")
            as_of = r.get("as_of")
            if as_of is not None:
                if not isinstance(as_of, str):
                    err(rw, "as_of must be a quoted string 'YYYY-MM-DD'")
                else:
                    try:
                        day = dt.date.fromisoformat(as_of)
                    except ValueError:
                        err(rw, f"as_of {as_of!r} is not an ISO date")
                    else:
                        if isinstance(period, str) and PERIOD_RE.match(period) and \
                                day < _first_day(period):
                            err(rw, f"as_of {as_of} is before period {period} begins")
            named = r.get("on_behalf_of", [])
            if not isinstance(named, list):
                err(rw, "on_behalf_of must be a list of org unit codes")
                named = []
            for n in named:
                if n not in ORG_UNITS | EXTRA_ORG_UNITS or not _covers(units, n):
                    err(rw, f"on_behalf_of {n!r} is not a responsible org unit")
            if (ou, period, as_of) in seen:
                err(rw, f"two reports for {ou} {period} as of {as_of}")
            seen.add((ou, period, as_of))
    return errors


HOSPITAL_BOARDS = {"SUS", "LANDSKRONA", "TRELLEBORG", "HELSINGBORG", "KRISTIANSTAD", "YSTAD",
                   "ANGELHOLM", "HASSLEHOLM"}


def _first_day(period: str) -> dt.date:
    """The first day of a period that matches PERIOD_RE."""
    year, rest = int(period[:4]), period[5:]
    if rest.startswith("Q"):
        month = 3 * int(rest[1]) - 2
    elif rest.startswith("T"):
        month = 4 * int(rest[1]) - 3
    else:
        month = int(rest[:2]) if rest else 1
    return dt.date(year, month, 1)


def _covers(units: list[str], unit: str) -> bool:
    if unit in units or "ALL_COMMITTEES" in units and unit != "REGION":
        return True
    return unit in HOSPITAL_BOARDS and "ALL_HOSPITAL_BOARDS" in units


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("assignments.yaml")
    with path.open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    errors = check(data)
    if errors:
        for e in errors:
            print(e, file=sys.stderr)
        print(f"{len(errors)} problem(s) in {path}", file=sys.stderr)
        return 1
    items = data["assignments"]
    sections = Counter(a["section"] for a in items)
    statuses = Counter(r["status"] for a in items for r in a["reports"])
    print(f"OK: {len(items)} assignments in {path}")
    print("  per section: " + ", ".join(f"{k}={v}" for k, v in sorted(sections.items())))
    print("  reports per status: " + ", ".join(f"{k}={v}" for k, v in sorted(statuses.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
