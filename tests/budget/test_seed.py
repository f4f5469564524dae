"""The real data: HSN's verksamhetsberättelse 2024, as seeded."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.harness import ServiceHarness

SEED_DIR = Path(__file__).resolve().parents[2] / "services" / "budget" / "seed"


def test_hsn_2024_grant_reproduces_the_reported_build_up(budget: ServiceHarness) -> None:
    budget.seed()
    r = budget.client.get("/v1/grants/HSN/2024", headers=budget.auth("read"))
    assert r.status_code == 200
    g = r.json()
    sub = g["subtotals"]
    assert sub["total_excluding_supplementary"] == 15_428_700_000
    assert sub["increase"] == 740_400_000
    assert sub["supplementary"] == 646_000_000
    assert sub["supplementary_used"] == 463_300_000
    assert sub["supplementary_unused"] == 182_700_000
    assert sub["total_with_used_supplementary"] == 15_892_000_000
    # total: every component, the whole tilläggsbudget that RF added included
    assert g["total"] == 16_074_700_000
    assert g["total_mnkr"] == "16 074,7"
    assert g["subtotals_mnkr"]["total_excluding_supplementary"] == "15 428,7"
    assert r.headers["ETag"] == f'"{g["change_seq"]}"'


def test_the_derived_remainder_is_kind_other_and_stays_derived(budget: ServiceHarness) -> None:
    budget.seed()
    g = budget.client.get("/v1/grants/HSN/2024", headers=budget.auth("read")).json()
    other = [c for c in g["components"] if c["kind"] == "other"]
    assert [c["amount"] for c in other] == [48_800_000]
    assert other[0]["derived"] is True and other[0]["derivation"]
    assert other[0]["label"].startswith("Övrigt")


def test_efficiency_requirement_is_kept_as_percentages(budget: ServiceHarness) -> None:
    budget.seed()
    g = budget.client.get("/v1/grants/HSN/2024", headers=budget.auth("read")).json()
    assert g["efficiency_requirement"]["gross_indexation_bp"] == 440
    assert g["efficiency_requirement"]["efficiency_bp"] == 150
    assert g["efficiency_requirement"]["net_indexation_bp"] == 290
    assert g["subtotals"]["efficiency"] == 0  # no amount in kronor is printed


def test_unnamed_transfer_to_other_committees_is_shown_as_such(budget: ServiceHarness) -> None:
    budget.seed()
    g = budget.client.get("/v1/grants/HSN/2024", headers=budget.auth("read")).json()
    (t,) = [c for c in g["components"] if c["kind"] == "transfer"]
    assert t["amount"] == -76_600_000
    assert t["counterparty"] is None
    assert "andra nämnder" in t["counterparty_text"]


def test_hsn_2024_summary_reproduces_the_stated_lines(budget: ServiceHarness) -> None:
    budget.seed()
    r = budget.client.get(
        "/v1/summary", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    )
    assert r.status_code == 200
    s = r.json()
    lines = {ln["line"]: ln for ln in s["lines"]}
    lm = lines["lakemedelsformanen"]
    assert lm["budget"]["cost"] == 4_782_700_000
    assert lm["deviation"] == 77_100_000
    assert lm["mnkr"]["deviation"] == "77,1"
    assert lm["meets_budget_rule"] is True
    tv = lines["tandvard"]
    assert tv["deviation"] == -161_000_000
    assert tv["meets_budget_rule"] is False
    assert tv["reported_deviation"] == -161_000_000
    assert s["grant"] == 16_074_700_000
    assert s["mnkr"]["grant"] == "16 074,7"


def test_hsn_2024_summary_shows_the_reported_result_labelled_as_reported(
    budget: ServiceHarness,
) -> None:
    budget.seed()
    s = budget.client.get(
        "/v1/summary", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()
    reported = s["reported"]["result"]
    assert reported["outcome_result"] == 85_300_000
    assert reported["mnkr"]["outcome_result"] == "85,3"
    assert reported["reproducible_from_lines"] is False
    assert reported["budget_result_stated"] is False
    # the lines do not reproduce it, and the summary does not pretend they do
    assert s["deviation"] != 85_300_000
    assert s["coverage"]["without_outcome"] == ["kopt_vard_andra_regioner"]
    stated = {d["line"]: d["deviation"] for d in s["reported"]["deviations"]}
    assert stated["kliniklakemedel_inkl_solidariskt_finansierade"] == 189_000_000


def test_hsn_2024_summary_shows_earmarked_money_and_its_use(budget: ServiceHarness) -> None:
    budget.seed()
    s = budget.client.get(
        "/v1/summary", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()
    e = s["earmarked"]
    assert {i["amount"] for i in e["items"]} >= {320_000_000, 15_200_000, 45_500_000}
    assert e["used_total"] == 380_700_000
    assert e["amount_not_stated"] == 1


def test_seeding_a_store_with_data_loads_nothing(budget: ServiceHarness) -> None:
    assert budget.seed() > 0
    assert budget.seed() == 0


def test_the_seed_file_passes_its_own_checks() -> None:
    run = subprocess.run(
        [sys.executable, str(SEED_DIR / "check_seed.py")], capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout[-2000:]


def test_no_float_in_the_budget_service_code() -> None:
    """Money is exact; the service's own code never names the inexact type.
    (seed/check_seed.py is the extractor's tool and checks *for* it.)"""
    root = SEED_DIR.parent
    word = re.compile(r"\b" + "fl" + r"oat\b")
    offenders = [
        str(p)
        for p in root.rglob("*.py")
        if "seed" not in p.parts and word.search(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []
