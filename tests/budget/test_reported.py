"""Every figure HSN's report states about its 2024 economy is data: deviations per area and
the other figures are loaded, listed, and shown in the summary beside the totals."""

from __future__ import annotations

from typing import Any

from tests.budget.helpers import load
from tests.harness import ServiceHarness


def _list(budget: ServiceHarness, path: str, **params: Any) -> list[dict[str, Any]]:
    r = budget.client.get(path, params=params, headers=budget.auth("read"))
    assert r.status_code == 200, r.text
    items: list[dict[str, Any]] = r.json()["items"]
    return items


def test_the_seeded_report_figures_are_listed_and_in_the_summary(budget: ServiceHarness) -> None:
    budget.seed()
    figures = {f["id"]: f for f in _list(budget, "/v1/reported-figures", org_unit="HSN")}
    psykiatri = figures["HSN/2024/lou_ersattningstak/psykiatri/ceiling"]
    assert (psykiatri["amount"], psykiatri["share_bp"], psykiatri["amount_mnkr"]) == (
        268_000_000,
        9080,
        "268,0",
    )
    assert figures["HSN/2024/vardgarantiavtal_kostnad/-/outcome/2023"]["amount"] == 815_000_000
    assert figures["HSN/2024/vardgarantiavtal_kostnad/-/outcome"]["amount"] == 749_000_000
    savings = [
        f["amount"]
        for f in figures.values()
        if f["figure"] == "handlingsplan_besparingar" and f["measure"] == "savings"
    ]
    assert sorted(savings) == [23_900_000, 28_600_000, 30_000_000, 82_500_000]
    sanctions = figures["HSN/2024/sanktioner_privata_utforare/-/sanctions"]
    assert sanctions["approximate"] is True and sanctions["about_org_units"] == ["HSN", "PVN"]
    assert figures["HSN/2024/ambulans_upphandlad_nettokostnad/-/change"]["derived"] is True

    deviations = {d["line"]: d for d in _list(budget, "/v1/reported-deviations", year=2024)}
    assert deviations["lakemedelsformanen"]["share_bp"] == 200  # "(2 procent)"
    assert deviations["lakemedel_sallsynta_diagnoser_atmp"]["share_bp"] == 6300
    assert deviations["smittskyddslakemedel"]["deviation_mnkr"] == "19,8"

    s = budget.client.get(
        "/v1/summary", params={"org_unit": "HSN", "year": 2024}, headers=budget.auth("read")
    ).json()
    assert {f["id"] for f in s["reported"]["figures"]} == set(figures)
    shown = {d["line"]: d for d in s["reported"]["deviations"]}
    assert shown["lakemedelsformanen"]["share_bp"] == 200
    assert shown["tandvard"]["has_budget_line"] is True
    assert shown["smittskyddslakemedel"]["has_budget_line"] is False


def test_the_region_figures_of_the_report_are_region_totals(budget: ServiceHarness) -> None:
    budget.seed()
    totals = {t["id"]: t for t in _list(budget, "/v1/totals", org_unit="REGION")}
    assert totals["REGION/2024/budget"]["result"] == -4_417_000_000
    assert totals["REGION/2023/outcome/2023-12"]["result"] == -4_035_000_000
    # HSN states no budgeted result: no budget total was made up for it.
    hsn = [t["id"] for t in _list(budget, "/v1/totals", org_unit="HSN")]
    assert hsn == ["HSN/2024/outcome/2024-12"]


def test_a_loaded_figure_shows_in_the_summary_and_reloading_updates_it(
    budget: ServiceHarness,
) -> None:
    row = {
        "org_unit": "PVN",
        "year": 2024,
        "figure": "vardval_kostnad",
        "measure": "change",
        "amount": 12_300_000,
        "share_bp": 410,
        "about_org_units": ["PVN"],
    }
    assert load(budget, "reported-figures", [row]).json()["inserted"] == 1
    assert load(budget, "reported-figures", [{**row, "amount": 12_400_000}]).json()["updated"] == 1
    s = budget.client.get(
        "/v1/summary", params={"org_unit": "PVN", "year": 2024}, headers=budget.auth("read")
    ).json()
    (shown,) = s["reported"]["figures"]
    assert (shown["amount"], shown["amount_mnkr"], shown["share_bp"]) == (12_400_000, "12,4", 410)


def test_bad_figure_and_deviation_rows_are_422_naming_the_row(budget: ServiceHarness) -> None:
    good = {"org_unit": "PVN", "year": 2024, "figure": "f", "measure": "change", "amount": 1}
    rows = [
        good,
        {**good, "amount": None},  # 2: neither amount nor share
        {**good, "share_bp": 2.5},  # 3: basis points are whole
        {**good, "measure": "guess"},  # 4: no such measure
        {**good, "about_org_units": ["XYZ"]},  # 5: no such org unit
    ]
    r = load(budget, "reported-figures", rows)
    assert r.status_code == 422
    named = {(e["loc"][1], e["loc"][2]) for e in r.json()["errors"]}
    assert named == {(2, "amount"), (3, "share_bp"), (4, "measure"), (5, "about_org_units")}
    assert _list(budget, "/v1/reported-figures") == []

    bad = [{"org_unit": "PVN", "year": 2024, "line": "Vård!", "deviation": "12,5"}]
    r = load(budget, "reported-deviations", bad)
    assert r.status_code == 422
    assert {(e["loc"][1], e["loc"][2]) for e in r.json()["errors"]} == {
        (1, "line"),
        (1, "deviation"),
    }


def test_every_stated_list_streams_csv(budget: ServiceHarness) -> None:
    budget.seed()
    h = {**budget.auth("read"), "Accept": "text/csv"}
    for path in ("/v1/totals", "/v1/reported-deviations", "/v1/reported-figures"):
        r = budget.client.get(path, headers=h)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert r.text.split(",", 1)[0] == "id"
    totals = budget.client.get("/v1/totals", params={"org_unit": "HSN"}, headers=h).text
    assert "HSN/2024/outcome/2024-12,HSN,2024,outcome,2024-12,,,85300000," in totals
