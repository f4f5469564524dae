"""The annex's numbers, seeded, come out of /v1/evaluations with the region's verdicts."""

from __future__ import annotations

from decimal import Decimal

from tests.harness import ServiceHarness
from tests.indicators.conftest import evaluations, one


def test_seed_loads_every_indicator_target_and_result_row(indicators: ServiceHarness) -> None:
    loaded = indicators.seed()
    # 62 indicators, 64 targets (ID0710 has three years), 383 result rows (with ID0091's
    # shares, breakdown andel, read again from 002); 8 production volumes with the 21
    # figures 002 states for them (volumes.yaml); 47 links to the 2026 tree.
    assert loaded == 62 + 64 + 383 + 8 + 21 + 47
    assert indicators.seed() == 0
    r = indicators.client.get(
        "/v1/results", params={"limit": 1000}, headers=indicators.auth("read")
    )
    assert len(r.json()["items"]) == 383 + 21


def test_npe_improvement_of_exactly_one_unit_is_met(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0288", "akutmottagningar")
    assert item["value"] == 69.2
    assert item["compared_with"] == {"period": "2023", "value": 68.2}
    assert item["status"] == "met"


def test_npe_psychiatry_2024_compares_with_2022_because_2023_was_not_measured(
    seeded: ServiceHarness,
) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0285", "psykiatri_slutenvard_vuxen")
    assert item["compared_with"] == {"period": "2022", "value": 67.9}
    assert item["status"] == "not_met"


def test_npe_indicators_come_per_care_setting(seeded: ServiceHarness) -> None:
    breakdowns = {i["breakdown"] for i in evaluations(seeded, "REGION", "2024", indicator="ID0285")}
    assert {
        "vardcentraler",
        "akutmottagningar",
        "psykiatri_oppenvard_vuxen",
        "bup_oppenvard",
    } <= breakdowns
    assert "total" not in breakdowns


def test_id0710_uses_the_85_percent_target_in_2024_and_75_in_2023(seeded: ServiceHarness) -> None:
    y2024 = one(evaluations(seeded, "REGION", "2024"), "ID0710")
    y2023 = one(evaluations(seeded, "REGION", "2023"), "ID0710")
    assert (y2024["target"]["expression"], y2024["target"]["year"]) == (">85%", 2024)
    # 002: "det dåvarande målet nåddes under 2022 och 2023", with 75 in 2023: "≥ 75 %".
    assert (y2023["target"]["expression"], y2023["target"]["year"]) == ("≥75%", 2023)
    assert y2024["status"] == "not_met"  # 76 is not above 85
    assert y2023["status"] == "met"  # 75 reaches 75


def test_a_dash_target_is_no_target_and_never_green(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0367")
    assert item["target"]["expression"] == "-"
    assert item["status"] == "no_target"
    assert item["value"] == 15092


def test_per_100_vardplatser_threshold(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0010")
    assert item["target"]["expression"] == "<0,5/100 vpl."
    assert (item["value"], item["status"]) == (1.1, "not_met")


def test_thousands_separated_threshold(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0028")
    assert item["target"]["expression"] == "<20 000"
    assert (item["value"], item["status"]) == (18164, "met")


def test_ten_percent_increase_per_year(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0001")
    assert item["compared_with"] == {"period": "2023", "value": 5374}
    assert item["status"] == "not_met"  # 5184 is a decrease


def test_ten_percent_decrease_per_year(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0091")
    assert item["target"]["expression"] == "≥ 10 % minskning/år"
    assert item["compared_with"] == {"period": "2023", "value": 10076}
    assert item["status"] == "not_met"  # 10463 went up


def test_okning_is_met_by_any_increase(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0662")
    assert item["target"]["expression"] == "Ökning"
    assert (item["status"], item["compared_with"]["period"]) == ("met", "2023")


def test_okning_without_an_earlier_value_is_not_evaluable(seeded: ServiceHarness) -> None:
    # EJIB-DIGBOK: 2023 and 2022 are "-" in the annex.
    item = one(evaluations(seeded, "REGION", "2024"), "EJIB-DIGBOK")
    assert (item["status"], item["compared_with"]) == ("not_evaluable", None)


def test_the_digital_booking_target_is_strictly_above_50_percent(seeded: ServiceHarness) -> None:
    # 002 twice: "(mål > 50 procent)"; the Mål column's bare "50%" would mean at least 50.
    item = one(evaluations(seeded, "REGION", "2024"), "EJIB-DIGBOK-ANDEL")
    assert (item["target"]["expression"], item["value"], item["status"]) == (">50%", 56, "met")


def test_preliminary_values_are_evaluated_and_marked(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0404")
    assert (item["result_status"], item["status"]) == ("preliminary", "not_met")


def test_evaluations_carry_the_goal_tree(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "REGION", "2024"), "ID0010")
    assert item["goal"] == "Tillgänglighet och kvalitet"
    assert item["area"] == "Säker hälso- och sjukvård"
    assert item["delmal"].startswith("Minska överbeläggning")
    assert item["name"]


def test_an_org_unit_without_results_has_no_data(seeded: ServiceHarness) -> None:
    item = one(evaluations(seeded, "SUS", "2024"), "ID0010")
    assert (item["status"], item["value"]) == ("no_data", None)


def test_area_verdicts_count_each_care_setting_of_npe_once(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/area-evaluations",
        params={"org_unit": "REGION", "period": "2024"},
        headers=seeded.auth("read"),
    )
    assert r.status_code == 200
    areas = {a["area"]: a for a in r.json()["items"]}
    trust = areas["Högt förtroende för god och jämlik vård"]
    items = [i for i in evaluations(seeded, "REGION", "2024") if i["area"] == trust["area"]]
    judged = [i for i in items if i["status"] in ("met", "not_met")]
    assert trust["evaluated"] == len(judged)
    assert trust["met"] == sum(i["status"] == "met" for i in judged)
    assert Decimal(str(trust["share"])) == (
        Decimal(trust["met"]) / Decimal(trust["evaluated"])
    ).quantize(Decimal("0.0001"))
    assert trust["verdict"] == ("met" if 2 * trust["met"] >= trust["evaluated"] else "not_met")
    # Only "-" targets: nothing judged.
    assert (
        areas["Personcentrerad hälso- och sjukvård och personcentrerat arbetssätt ska utvecklas"][
            "verdict"
        ]
        == "not_evaluable"
    )


def test_an_indicator_with_a_total_counts_once_in_its_area(seeded: ServiceHarness) -> None:
    r = seeded.client.get(
        "/v1/area-evaluations",
        params={"org_unit": "REGION", "period": "2024"},
        headers=seeded.auth("read"),
    )
    cancer = next(
        a for a in r.json()["items"] if a["area"] == "Högkvalitativ cancervård i hela Skåne"
    )
    # ID0242, ID0341 (total + 27 SVF pathways), ID0342, ID0343: four evaluations; and the
    # seven NPE SVF rows the annex puts under this area (Q1–Q3 2024 against 2023).
    assert cancer["evaluated"] == 4 + 7
