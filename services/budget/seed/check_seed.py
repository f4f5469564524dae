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
  * the reported result is reproduced by the lines where the file says it is; otherwise the gap is printed
    and an explanation must be present
  * slugs are lowercase ascii, months are YYYY-MM, counterparties are internal|external
  * every source_text is found verbatim (whitespace-normalised) in its source document, if the seed
    directory is available (default /work/shared/seeds, or $SEED_DIR, or --seed-dir)

Exit status 0 when all checks pass, 1 otherwise.
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
    "budget_result",
    "outcome_result",
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
    "budget_result": lambda d: d.get("budget_result_stated") is False,
    "outcome_result": lambda d: d.get("outcome_result_stated") is False,
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


def check_result(doc, dev_by_unit) -> None:
    print("\n== Reported result vs lines ==")
    for r in doc.get("result", []):
        key = (r["org_unit"], r["year"])
        if r["budget_result"] is None or r["outcome_result"] is None:
            print(
                f"  {key}: budget {mnkr(r['budget_result'])}, outcome {mnkr(r['outcome_result'])} "
                "(incomplete - nothing to reproduce)"
            )
            if r.get("reproducible_from_lines"):
                fail(f"result {key}: marked reproducible but budget/outcome missing")
            continue
        reported = r["outcome_result"] - r["budget_result"]
        full = dev_by_unit.get(key, [])
        sum_full = sum(d for _, d in full)
        stated = [
            (sd["line"], sd["deviation"])
            for sd in doc.get("stated_deviations", [])
            if (sd["org_unit"], sd["year"]) == key
        ]
        sum_stated = sum(d for _, d in stated)
        print(f"  {key}: reported deviation {mnkr(reported)}")
        print(f"    lines with budget+outcome: {mnkr(sum_full)}  {full}")
        print(
            f"    + stated-only deviations : {mnkr(sum_stated)}  -> {mnkr(sum_full + sum_stated)}"
        )
        print(f"    gap to reported          : {mnkr(reported - sum_full - sum_stated)}")
        if r.get("reproducible_from_lines"):
            if sum_full != reported:
                fail(f"result {key}: lines give {sum_full}, report says {reported}")
        else:
            if not r.get("why_not_reproducible"):
                fail(f"result {key}: not reproducible and no explanation given")
            if sum_full == reported or sum_full + sum_stated == reported:
                fail(
                    f"result {key}: lines DO reproduce the result - set reproducible_from_lines: true"
                )


def check_other(doc) -> None:
    for f in doc.get("other_figures", []):
        items = f.get("items")
        if items and "total" in f:
            s = sum(i["amount"] for i in items)
            if s != f["total"]:
                fail(f"other_figures {f['id']}: items sum {s} != total {f['total']}")
        if f.get("derived") and not f.get("derivation"):
            fail(f"other_figures {f['id']}: derived without derivation")
    # cross-checks between sections of the same document
    by_id = {f["id"]: f for f in doc.get("other_figures", [])}
    amb = [o for o in doc.get("outcomes", []) if o["line"] == "ambulans_upphandlad"]
    if "ambulans_okning" in by_id and len(amb) == 2:
        costs = {o["month"]: o["cost"] for o in amb}
        if costs["2024-12"] - costs["2023-12"] != by_id["ambulans_okning"]["amount"]:
            fail("ambulans: change does not match outcomes")
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
        "result",
        "notes",
    ):
        if section not in doc:
            fail(f"missing top-level section {section!r}")
    check_types(doc)
    check_grants(doc)
    dev_by_unit = check_lines(doc)
    check_result(doc, dev_by_unit)
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
