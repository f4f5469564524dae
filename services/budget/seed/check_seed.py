#!/usr/bin/env python3
"""Consistency checks for services/budget/seed/budget.yaml.

Usage:
    python3 check_seed.py [path/to/budget.yaml] [--seed-dir DIR]

Checks
  * no binary fractions anywhere; every money field is an int (None only where the entry says the figure is not stated)
  * each grant's components sum to expected_total; the non-supplementary part sums to ingoing_total;
    base + stated_increase == ingoing_total; supplementary parts sum to supplementary_total / _used_total;
    efficiency percentages are consistent; efficiency components are negative; transfers say direction
  * each budget line with an outcome for December of its year: outcome_result - budget_result ==
    stated_deviation (result = revenue - cost, + = överskott)
  * each total states its result (revenue and cost, where given, agree with it) and the month its kind
    needs; an outcome total for the year that the lines do not reproduce has a note saying why
  * reported figures: a known measure, an amount and/or a share, savings items adding up to their total
  * slugs are lowercase ascii, months are YYYY-MM, counterparties are internal|external
  * every source_text is found verbatim (whitespace-normalised) in its source document, if the seed
    directory is available (default /work/shared/seeds, or $SEED_DIR, or --seed-dir)

Exit status 0 when all checks pass, 1 otherwise.

One file over 400 lines on purpose: the extractor runs it standalone beside the YAML it
checks (``python3 check_seed.py``), importing nothing from the service.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_SEED_DIR = Path(os.environ.get("SEED_DIR", "/work/shared/seeds"))

MONEY_KEYS = {
    "amount",
    "revenue",
    "cost",
    "deviation",
    "stated_deviation",
    "expected_total",
    "ingoing_total",
    "stated_increase",
    "supplementary_total",
    "supplementary_used_total",
    "result",
    "ceiling",
    "total",
    "outcome_min",
    "outcome_max",
    "yearly_deficit_min",
    "yearly_deficit_max",
}
# money keys that may legitimately be None (the document states nothing) - must be flagged on the entry
NULLABLE_OK = {
    "amount": lambda d: d.get("amount_stated") is False,
    # a total may state its result only (HSN 2024: +85,3 mnkr, no revenue or cost)
    "revenue": lambda d: d.get("result") is not None,
    "cost": lambda d: d.get("result") is not None,
    "stated_deviation": lambda d: True,  # None = no deviation stated for this line
}
GRANT_KINDS = {"base", "indexation", "efficiency", "transfer", "supplementary"}
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
SLUG_RE = re.compile(r"^[a-z0-9_]+$")
MONTH_RE = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

errors: list[str] = []


def fail(msg: str) -> None:
    if msg not in errors:
        errors.append(msg)


def mnkr(v: int | None) -> str:
    if v is None:
        return "-"
    sign = "-" if v < 0 else ""
    v = abs(v)
    whole, rest = divmod(v, 1_000_000)
    tenths, rem = divmod(rest, 100_000)
    s = f"{whole:,}".replace(",", " ") + f",{tenths}"
    if rem:
        s += f" (+{rem} kr)"
    return sign + s


def percent(bp: int) -> str:
    """Basis points as a Swedish percentage: 9080 -> '90,8'."""
    whole, rest = divmod(abs(bp), 100)
    text = f"{whole},{rest:02d}".rstrip("0").rstrip(",")
    return ("-" if bp < 0 else "") + text


def walk(node, path="$"):
    """Yield (path, key, value, parent_dict) for every dict entry; check that no number is a binary fraction."""
    if isinstance(node, int | str | bool | dict | list | type(None)) is False:
        fail(f"{path}: non-integer number {node!r} (money and shares must be ints)")
    if isinstance(node, dict):
        for k, v in node.items():
            yield path, k, v, node
            yield from walk(v, f"{path}.{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, f"{path}[{i}]")


def check_types(doc) -> None:
    for path, key, value, parent in walk(doc):
        if key in MONEY_KEYS or key.endswith("_bp") or key.endswith("_permille"):
            if value is None:
                ok = NULLABLE_OK.get(key)
                if not (ok and ok(parent)):
                    fail(f"{path}.{key}: None without a '*_stated: false' flag")
            elif isinstance(value, bool) or not isinstance(value, int):
                fail(f"{path}.{key}: {value!r} is not an int")
        if key == "amounts_by_year":
            for y, v in value.items():
                if isinstance(v, bool) or not isinstance(v, int):
                    fail(f"{path}.amounts_by_year[{y}]: {v!r} is not an int")
        if key in ("line",) and value is not None and not SLUG_RE.match(str(value)):
            fail(f"{path}.line: {value!r} is not a lowercase ascii slug")
        if key in ("month", "made_in") and not MONTH_RE.match(str(value)):
            fail(f"{path}.{key}: {value!r} is not YYYY-MM")
        if (
            key == "counterparty"
            and value is not None
            and parent.get("kind") != "transfer"
            and value not in ("internal", "external")
        ):
            fail(f"{path}.counterparty: {value!r} not internal|external")
        if key == "org_unit" and value is not None and value not in ORG_UNITS:
            fail(f"{path}.org_unit: unknown org unit {value!r}")


def check_grants(doc) -> None:
    print("\n== Grants ==")
    for g in doc.get("grants", []):
        gid = f"grant {g['org_unit']}/{g['year']}"
        comps = g["components"]
        ids = [c.get("id") for c in comps]
        if len(ids) != len(set(ids)):
            fail(f"{gid}: duplicate component ids")
        print(f"{gid}")
        print(f"  {'kind':<14}{'amount (mnkr)':>16}  label")
        for c in comps:
            if c["kind"] not in GRANT_KINDS:
                fail(f"{gid}/{c.get('id')}: unknown kind {c['kind']!r}")
            flag = " [derived]" if c.get("derived") else ""
            print(f"  {c['kind']:<14}{mnkr(c['amount']):>16}  {c['label']}{flag}")
            if c["kind"] == "efficiency" and not c["amount"] < 0:
                fail(f"{gid}/{c.get('id')}: efficiency amount must be negative")
            if c["kind"] == "transfer":
                if c.get("direction") not in ("in", "out"):
                    fail(f"{gid}/{c.get('id')}: transfer without direction in|out")
                if "counterparty" not in c:
                    fail(f"{gid}/{c.get('id')}: transfer without counterparty key")
                if c.get("direction") == "out" and c["amount"] > 0:
                    fail(f"{gid}/{c.get('id')}: outgoing transfer must be negative")
                if c.get("direction") == "in" and c["amount"] < 0:
                    fail(f"{gid}/{c.get('id')}: incoming transfer must be positive")
            if c.get("derived"):
                if not c.get("derivation"):
                    fail(f"{gid}/{c.get('id')}: derived component without derivation")
            elif not c.get("source_text"):
                fail(f"{gid}/{c.get('id')}: stated component without source_text")
            if c["kind"] == "supplementary" and "used" not in c:
                fail(f"{gid}/{c.get('id')}: supplementary component without used: true|false")

        total = sum(c["amount"] for c in comps)
        print(f"  {'TOTAL':<14}{mnkr(total):>16}  (expected_total {mnkr(g['expected_total'])})")
        if total != g["expected_total"]:
            fail(f"{gid}: components sum {total} != expected_total {g['expected_total']}")

        ingoing = sum(c["amount"] for c in comps if c["kind"] != "supplementary")
        if "ingoing_total" in g and ingoing != g["ingoing_total"]:
            fail(f"{gid}: non-supplementary sum {ingoing} != ingoing_total {g['ingoing_total']}")
        base = sum(c["amount"] for c in comps if c["kind"] == "base")
        if "stated_increase" in g and base + g["stated_increase"] != g.get("ingoing_total"):
            fail(f"{gid}: base {base} + stated_increase {g['stated_increase']} != ingoing_total")
        if "stated_increase" in g and ingoing - base != g["stated_increase"]:
            fail(f"{gid}: non-base ingoing components {ingoing - base} != stated_increase")
        supp = [c for c in comps if c["kind"] == "supplementary"]
        if (
            "supplementary_total" in g
            and sum(c["amount"] for c in supp) != g["supplementary_total"]
        ):
            fail(f"{gid}: supplementary sum != supplementary_total")
        if "supplementary_used_total" in g:
            used = sum(c["amount"] for c in supp if c.get("used"))
            if used != g["supplementary_used_total"]:
                fail(f"{gid}: used supplementary sum {used} != supplementary_used_total")
        eff = g.get("efficiency_requirement")
        if eff:
            if eff["gross_indexation_bp"] - eff["efficiency_bp"] != eff["net_indexation_bp"]:
                fail(f"{gid}: efficiency percentages do not reconcile")
            ref = eff.get("embedded_in_component")
            if ref and ref not in ids:
                fail(
                    f"{gid}: efficiency_requirement.embedded_in_component {ref!r} not a component id"
                )
        print(
            f"  ingoing {mnkr(ingoing)}; supplementary {mnkr(sum(c['amount'] for c in supp))}, "
            f"used {mnkr(sum(c['amount'] for c in supp if c.get('used')))}"
        )


def line_result(revenue: int, cost: int) -> int:
    return revenue - cost


def check_lines(doc) -> dict[tuple, int]:
    """Return {(org_unit, year): sum of deviations computed/stated per line} for the result check."""
    print("\n== Budget lines (deviation = outcome_result - budget_result, + = överskott) ==")
    outcomes = {}
    for o in doc.get("outcomes", []):
        key = (o["org_unit"], o["line"], o["month"])
        if key in outcomes:
            fail(f"duplicate outcome {key}")
        outcomes[key] = o
    seen = set()
    dev_by_unit: dict[tuple, list[tuple[str, int]]] = {}
    print(f"  {'org/year/line':<42}{'budget':>12}{'outcome':>12}{'deviation':>12}{'stated':>12}")
    for bl in doc.get("budget_lines", []):
        key = (bl["org_unit"], bl["year"], bl["line"])
        if key in seen:
            fail(f"duplicate budget line {key}")
        seen.add(key)
        if bl.get("derived") and not bl.get("derivation"):
            fail(f"budget line {key}: derived without derivation")
        out = outcomes.get((bl["org_unit"], bl["line"], f"{bl['year']}-12"))
        budget_res = line_result(bl["revenue"], bl["cost"])
        dev = None
        if out is not None:
            dev = line_result(out["revenue"], out["cost"]) - budget_res
            dev_by_unit.setdefault((bl["org_unit"], bl["year"]), []).append((bl["line"], dev))
        stated = bl.get("stated_deviation")
        if stated is not None:
            if dev is None:
                fail(
                    f"budget line {key}: stated deviation but no full-year outcome to check it against"
                )
            elif dev != stated:
                fail(f"budget line {key}: outcome - budget = {dev} != stated deviation {stated}")
        print(
            f"  {'/'.join(map(str, key)):<42}{mnkr(bl['cost']):>12}"
            f"{mnkr(out['cost'] if out else None):>12}{mnkr(dev):>12}{mnkr(stated):>12}"
        )
    for o in doc.get("outcomes", []):
        if o.get("derived") and not o.get("derivation"):
            fail(f"outcome {o['line']} {o['month']}: derived without derivation")
    print("  stated deviations without budget/outcome:")
    for sd in doc.get("stated_deviations", []):
        print(f"    {sd['org_unit']}/{sd['year']}/{sd['line']:<44}{mnkr(sd['deviation']):>10}")
    return dev_by_unit


TOTAL_KINDS = {"budget", "outcome", "forecast"}
MEASURES = {
    "outcome",
    "change",
    "deviation_from_forecast",
    "ceiling",
    "savings",
    "expected_savings",
    "sanctions",
    "unit_grant",
    "range_low",
    "range_high",
}


def check_totals(doc) -> None:
    """Each total states its result (or revenue and cost agreeing with it) and its month as
    its kind needs; an outcome total the lines do not reproduce says why in its note."""
    print("\n== Totals (as stated; the summary's headline) ==")
    line_outcomes: dict[tuple, int] = {}
    for o in doc.get("outcomes", []):
        key = (o["org_unit"], o["month"][:4])
        line_outcomes[key] = line_outcomes.get(key, 0) + line_result(o["revenue"], o["cost"])
    seen = set()
    for r in doc.get("totals", []):
        key = (r["org_unit"], r["year"], r.get("kind"), r.get("month"))
        name = "/".join(str(k) for k in key if k is not None)
        if key in seen:
            fail(f"total {name}: duplicate")
        seen.add(key)
        if r.get("kind") not in TOTAL_KINDS:
            fail(f"total {name}: kind must be one of {sorted(TOTAL_KINDS)}")
            continue
        month = r.get("month")
        if (r["kind"] == "budget") != (month is None):
            fail(f"total {name}: a budget total has no month; outcome and forecast need one")
        if month is not None and not str(month).startswith(f"{r['year']}-"):
            fail(f"total {name}: month {month} is not in {r['year']}")
        revenue, cost, result = r.get("revenue"), r.get("cost"), r.get("result")
        if (revenue is None) != (cost is None):
            fail(f"total {name}: revenue and cost go together")
        if result is None:
            fail(f"total {name}: no result")
        elif revenue is not None and result != revenue - cost:
            fail(f"total {name}: result {result} != revenue - cost {revenue - cost}")
        print(f"  {name:<32} result {mnkr(result):>12}")
        if r["kind"] == "outcome" and month == f"{r['year']}-12" and result is not None:
            lines = line_outcomes.get((r["org_unit"], str(r["year"])))
            print(f"    lines' outcome results summed: {mnkr(lines)}")
            if lines != result and not r.get("note"):
                fail(f"total {name}: the lines do not reproduce it and no note says why")


def check_figures(doc) -> None:
    """Reported figures: a known measure; an amount, a share or both; savings items adding
    up to their stated total; the ambulance change matching its two outcomes."""
    print("\n== Reported figures ==")
    groups: dict[tuple, list[dict]] = {}
    seen = set()
    for f in doc.get("reported_figures", []):
        key = (f["org_unit"], f["year"], f["figure"], f.get("item"), f["measure"])
        key += (f.get("value_year"),)
        if key in seen:
            fail(f"reported figure {key}: duplicate")
        seen.add(key)
        if f["measure"] not in MEASURES:
            fail(f"reported figure {key}: unknown measure {f['measure']!r}")
        if f.get("amount") is None and f.get("share_bp") is None:
            fail(f"reported figure {key}: neither amount nor share_bp")
        if f.get("derived") and not f.get("derivation"):
            fail(f"reported figure {key}: derived without derivation")
        for unit in f.get("about_org_units", []):
            if unit not in ORG_UNITS:
                fail(f"reported figure {key}: unknown org unit {unit!r} in about_org_units")
        groups.setdefault((f["org_unit"], f["year"], f["figure"], f["measure"]), []).append(f)
        share = "" if f.get("share_bp") is None else f" {percent(f['share_bp'])} %"
        amount = "" if f.get("amount") is None else f" {mnkr(f['amount'])} mnkr"
        print(f"  {f['figure']}/{f.get('item') or '-'}/{f['measure']}:{amount}{share}")
    for (unit, year, figure, measure), rows in groups.items():
        if measure != "savings":
            continue
        totals = [r for r in rows if r.get("item") is None]
        items = [r for r in rows if r.get("item") is not None]
        if totals and items and sum(r["amount"] for r in items) != totals[0]["amount"]:
            fail(f"reported figure {figure}: savings items do not add up to the stated total")
    amb = {o["month"]: o["cost"] for o in doc.get("outcomes", []) if o["line"] == "ambulans_upphandlad"}
    change = [f for f in doc.get("reported_figures", []) if f["figure"] == "ambulans_upphandlad_nettokostnad"]
    if change and len(amb) == 2 and amb["2024-12"] - amb["2023-12"] != change[0]["amount"]:
        fail("ambulans: change does not match outcomes")


def check_other(doc) -> None:
    for e in doc.get("earmarked", []):
        if not e.get("purpose"):
            fail(f"earmarked entry without purpose: {e}")
    for g in doc.get("grants", []):
        named = {
            c["amount"]
            for c in g["components"]
            if c["kind"] == "supplementary" and not c.get("derived")
        }
        for e in doc.get("earmarked", []):
            if (
                e.get("kind") == "tillaggsbudget_anvandning"
                and e["org_unit"] == g["org_unit"]
                and e["year"] == g["year"]
                and e["amount"] not in named
            ):
                fail(
                    f"earmarked tilläggsbudget use {e['purpose']!r} has no matching grant component"
                )


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def check_quotes(doc, seed_dir: Path) -> None:
    default = doc.get("source_document", {}).get("file")
    cache: dict[str, str | None] = {}

    def text_of(rel: str) -> str | None:
        if rel not in cache:
            p = seed_dir / Path(rel).name
            cache[rel] = norm(p.read_text(encoding="utf-8")) if p.exists() else None
        return cache[rel]

    if text_of(default) is None:
        print(f"\n(quote check skipped: {seed_dir / Path(default).name} not found)")
        return
    n = 0
    for path, key, value, parent in walk(doc):
        if key != "source_text" or value is None:
            continue
        rel = parent.get("source_doc", default)
        text = text_of(rel)
        if text is None:
            fail(f"{path}: source document {rel} not found")
            continue
        n += 1
        if norm(value) not in text:
            fail(f"{path}: source_text not found verbatim in {rel}: {value[:80]!r}...")
    print(f"\n{n} source_text quotes checked against {seed_dir}")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("yaml_file", nargs="?", default=str(HERE / "budget.yaml"))
    ap.add_argument("--seed-dir", default=str(DEFAULT_SEED_DIR))
    args = ap.parse_args()
    with open(args.yaml_file, encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)

    for section in (
        "grants",
        "budget_lines",
        "outcomes",
        "forecasts",
        "earmarked",
        "totals",
        "reported_figures",
        "notes",
    ):
        if section not in doc:
            fail(f"missing top-level section {section!r}")
    check_types(doc)
    check_grants(doc)
    check_lines(doc)
    check_totals(doc)
    check_figures(doc)
    check_other(doc)
    check_quotes(doc, Path(args.seed_dir))

    if errors:
        print(f"\nFAILED: {len(errors)} problem(s)")
        for e in errors:
            print("  -", e)
        return 1
    print("\nOK: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
