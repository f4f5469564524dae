#!/usr/bin/env python3
"""Consistency check for the indicator seed files.

Loads services/indicators/seed/indicators.yaml, services/indicators/seed/results.csv and
shared/reference/goals.yaml and asserts that they fit together. Exits non-zero on the first
set of problems (all problems are listed). Needs python3 + PyYAML.

    python3 services/indicators/seed/check_seed.py
"""

import csv
import re
import sys
from collections import Counter
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

SEED = Path(__file__).resolve().parent
ROOT = SEED.parents[2]
INDICATORS = SEED / "indicators.yaml"
RESULTS = SEED / "results.csv"
GOALS = ROOT / "shared" / "reference" / "goals.yaml"

GOAL_NAMES = [
    "Bättre liv och hälsa för fler",
    "Tillgänglighet och kvalitet",
    "Hållbar utveckling i hela Skåne",
    "Attraktiv arbetsgivare, professionell verksamhet",
    "Långsiktigt stark ekonomi",
]
ORG_UNITS = {
    "REGION",
    "HSN",
    "PVN",
    "PHHN",
    "NORV",
    "RS",
    "KTN",
    "KN",
    "RUN",
    "PN",
    "FSN",
    "PAN",
    "SUS",
    "LANDSKRONA",
    "TRELLEBORG",
    "HELSINGBORG",
    "KRISTIANSTAD",
    "YSTAD",
    "ANGELHOLM",
    "HASSLEHOLM",
}
UNITS = {
    "percent",
    "count",
    "per_100_vardplatser",
    "per_1000_inhabitants",
    "index_score",
    "days",
    "other",
}
DIRECTIONS = {"higher_is_better", "lower_is_better"}
SOURCES = {"NPE", "national_register", "own_systems", "other"}
STATUSES = {"final", "preliminary", "missing", "not_available"}
HEADER = [
    "indicator",
    "org_unit",
    "period",
    "breakdown",
    "value",
    "numerator",
    "denominator",
    "status",
]
PERIOD_RE = re.compile(
    r"^(?P<y>\d{4})$"
    r"|^\d{4}-Q[1-4]$"
    r"|^\d{4}-(0[1-9]|1[0-2])$"
    r"|^\d{4}-(0[1-9]|1[0-2])/\d{4}-(0[1-9]|1[0-2])$"
)
SLUG_RE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)*$")

errors = []


def fail(msg):
    errors.append(msg)


def is_decimal(s):
    try:
        d = Decimal(s)
    except InvalidOperation:
        return False
    return d.is_finite() and re.fullmatch(r"-?\d+(\.\d+)?", s) is not None


# ---------------- goals.yaml ----------------
goals_doc = yaml.safe_load(GOALS.read_text(encoding="utf-8"))
if goals_doc.get("vision") != "Framtidstro och livskvalitet":
    fail("goals.yaml: vision must be 'Framtidstro och livskvalitet'")
goals = goals_doc.get("goals") or []
if [g.get("name") for g in goals] != GOAL_NAMES:
    fail(
        f"goals.yaml: the 5 övergripande mål must be {GOAL_NAMES}, got {[g.get('name') for g in goals]}"
    )

tree = {}  # goal -> area -> set(delmal)
codes = Counter()
for g in goals:
    codes[g["code"]] += 1
    areas = tree.setdefault(g["name"], {})
    for a in g.get("areas") or []:
        codes[a["code"]] += 1
        if not a["code"].startswith(g["code"] + "."):
            fail(f"goals.yaml: area code {a['code']} not under {g['code']}")
        if a["name"] in areas:
            fail(f"goals.yaml: duplicate area {a['name']!r} under {g['name']!r}")
        dl = areas.setdefault(a["name"], set())
        for d in a.get("delmal") or []:
            codes[d["code"]] += 1
            if not d["code"].startswith(a["code"] + "."):
                fail(f"goals.yaml: delmål code {d['code']} not under {a['code']}")
            if d["text"] in dl:
                fail(f"goals.yaml: duplicate delmål {d['text']!r} under {a['name']!r}")
            dl.add(d["text"])
for c, n in codes.items():
    if n > 1:
        fail(f"goals.yaml: code {c} used {n} times")

# ---------------- indicators.yaml ----------------
indicators = yaml.safe_load(INDICATORS.read_text(encoding="utf-8"))
if not isinstance(indicators, list) or not indicators:
    fail("indicators.yaml: must be a non-empty list")
    indicators = []
ind_codes = Counter(i.get("code") for i in indicators)
for c, n in ind_codes.items():
    if n > 1:
        fail(f"indicators.yaml: duplicate code {c}")
for i in indicators:
    c = i.get("code")
    for k in (
        "code",
        "name",
        "description",
        "unit",
        "direction",
        "source",
        "goal",
        "area",
        "targets",
    ):
        if not i.get(k):
            fail(f"{c}: missing {k}")
    if "delmal" not in i:
        fail(f"{c}: delmal key missing (use null when there is none)")
    if i.get("unit") not in UNITS:
        fail(f"{c}: unit {i.get('unit')!r} not in {sorted(UNITS)}")
    if i.get("direction") not in DIRECTIONS:
        fail(f"{c}: direction {i.get('direction')!r}")
    if i.get("source") not in SOURCES:
        fail(f"{c}: source {i.get('source')!r}")
    g, a, d = i.get("goal"), i.get("area"), i.get("delmal")
    if g not in tree:
        fail(f"{c}: goal {g!r} not in goals.yaml")
    elif a not in tree[g]:
        fail(f"{c}: area {a!r} not under goal {g!r} in goals.yaml")
    elif d is not None and d not in tree[g][a]:
        fail(f"{c}: delmål {d!r} not under area {a!r} in goals.yaml")
    placed = Counter()
    for p in i.get("placements") or []:
        pg, pa, pd = p.get("goal"), p.get("area"), p.get("delmal")
        if pg not in tree or pa not in tree[pg]:
            fail(f"{c}: placement area {pa!r} not under goal {pg!r} in goals.yaml")
        elif pd is not None and pd not in tree[pg][pa]:
            fail(f"{c}: placement delmål {pd!r} not under area {pa!r}")
        for b in p.get("breakdowns") or []:
            placed[b] += 1
            if not SLUG_RE.match(b):
                fail(f"{c}: placement breakdown {b!r} is not a slug")
        if not p.get("breakdowns"):
            fail(f"{c}: a placement names no breakdowns")
    for b, n in placed.items():
        if n > 1:
            fail(f"{c}: breakdown {b!r} placed {n} times")
    if i.get("time_aggregation") not in (None, "ratio", "sum", "mean", "last"):
        fail(f"{c}: time_aggregation {i.get('time_aggregation')!r}")
    for period in i.get("coverage_notes") or {}:
        if not PERIOD_RE.match(period):
            fail(f"{c}: coverage note for malformed period {period!r}")
    if "not_reportable_by" in i and i["not_reportable_by"] != ["hospital_board"]:
        fail(f"{c}: not_reportable_by must be [hospital_board]")
    years = Counter()
    for t in i.get("targets") or []:
        if (
            not isinstance(t.get("year"), int)
            or not isinstance(t.get("expression"), str)
            or not t["expression"].strip()
        ):
            fail(f"{c}: bad target {t!r}")
        else:
            years[t["year"]] += 1
    for y, n in years.items():
        if n > 1:
            fail(f"{c}: {n} targets for year {y}")
    if 2024 not in years:
        fail(f"{c}: no 2024 target")
for c in ("ID0028", "ID0011"):
    if c in ind_codes and not any(
        i.get("code") == c and i.get("not_reportable_by") for i in indicators
    ):
        fail(f"{c}: should be not_reportable_by [hospital_board]")
for i in indicators:
    if i.get("not_reportable_by") and i["code"] not in ("ID0028", "ID0011"):
        fail(
            f"{i['code']}: not_reportable_by set, but only ID0028/ID0011 have a population denominator"
        )

# ---------------- results.csv ----------------
with RESULTS.open(encoding="utf-8", newline="") as f:
    reader = csv.reader(f)
    header = next(reader)
    if header != HEADER:
        fail(f"results.csv: header {header} != {HEADER}")
    rows = [
        dict(zip(header, r)) | {"_line": n, "_nf": len(r)} for n, r in enumerate(reader, start=2)
    ]

keys = Counter()
for r in rows:
    ln = f"results.csv:{r['_line']}"
    if r["_nf"] != len(HEADER):
        fail(f"{ln}: {r['_nf']} fields, expected {len(HEADER)} (unquoted comma?)")
        continue
    if r["indicator"] not in ind_codes:
        fail(f"{ln}: unknown indicator {r['indicator']!r}")
    if r["org_unit"] not in ORG_UNITS:
        fail(f"{ln}: unknown org_unit {r['org_unit']!r}")
    if not PERIOD_RE.match(r["period"]):
        fail(f"{ln}: malformed period {r['period']!r}")
    if not SLUG_RE.match(r["breakdown"]):
        fail(f"{ln}: breakdown {r['breakdown']!r} is not a lowercase ascii slug")
    st = r["status"]
    if st not in STATUSES:
        fail(f"{ln}: status {st!r}")
    if st in ("missing", "not_available"):
        if r["value"] != "":
            fail(f"{ln}: status {st} must have an empty value")
    else:
        if r["value"] == "":
            fail(f"{ln}: status {st} needs a value")
        elif not is_decimal(r["value"]):
            fail(f"{ln}: value {r['value']!r} is not a decimal with a decimal point")
    for k in ("numerator", "denominator"):
        if r[k] != "" and not is_decimal(r[k]):
            fail(f"{ln}: {k} {r[k]!r} is not a decimal")
    keys[(r["indicator"], r["org_unit"], r["period"], r["breakdown"])] += 1
for k, n in keys.items():
    if n > 1:
        fail(f"results.csv: duplicate key {k} ({n} rows)")
without = sorted(set(ind_codes) - {r["indicator"] for r in rows})
if without:
    fail(f"indicators without any result row: {without}")

if errors:
    print(f"check_seed: {len(errors)} problem(s)")
    for e in errors:
        print("  -", e)
    sys.exit(1)

print(
    f"check_seed: OK — {len(goals)} goals, {sum(len(v) for v in tree.values())} areas, "
    f"{sum(len(d) for v in tree.values() for d in v.values())} delmål; {len(indicators)} indicators; "
    f"{len(rows)} result rows ({dict(Counter(r['status'] for r in rows))}); "
    f"{len({r['breakdown'] for r in rows})} breakdowns"
)
