"""Loading results over HTTP: row checks, modes, idempotent upsert, org-unit binding,
deletes, listings and the change feed."""

from __future__ import annotations

from tests.harness import ServiceHarness
from tests.indicators.conftest import load, put_indicator, result_row

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"


def test_loading_the_same_file_twice_changes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    body = HEADER + "ID9001,SUS,2024,total,90.5,181,200,final\nID9001,YSTAD,2024,,80,,,final\n"
    first = load(indicators, body)
    assert first.status_code == 200, first.text
    assert first.json()["inserted"] == 2
    again = load(indicators, body).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = load(indicators, HEADER + "ID9001,SUS,2024,total,91,,,final\n").json()
    assert changed["updated"] == 1


def test_an_atomic_load_names_every_bad_row_and_writes_nothing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        [
            result_row(),
            result_row(indicator="ID0000"),
            result_row(org_unit="NOWHERE"),
            result_row(period="2024-13"),
            result_row(value="many"),
            result_row(numerator=5, denominator=4),
            result_row(status="missing"),
        ],
    )
    assert r.status_code == 422
    assert [x["row"] for x in r.json()["rejected"]] == [2, 3, 4, 5, 6, 7]
    listed = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()
    assert listed["items"] == []


def test_a_partial_load_writes_the_good_rows(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(indicators, [result_row(), result_row(org_unit="YSTAD", period="x")], mode="partial")
    assert r.status_code == 200
    assert r.json()["inserted"] == 1
    assert r.json()["rejected"][0]["row"] == 2
    assert r.json()["rejected"][0]["errors"][0]["loc"] == ["period"]


def test_a_dry_run_answers_without_writing(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(indicators, [result_row()], dry_run="true")
    assert r.json()["inserted"] == 1 and r.json()["dry_run"] is True
    assert (
        indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"] == []
    )


def test_a_hospital_board_cannot_report_a_population_indicator(indicators: ServiceHarness) -> None:
    put_indicator(indicators, "ID0028", unit="other", not_reportable_by=["hospital_board"])
    r = load(
        indicators,
        [
            result_row(indicator="ID0028", value=18000),
            result_row(indicator="ID0028", org_unit="HSN", value=18000),
        ],
    )
    assert r.status_code == 422
    assert [x["row"] for x in r.json()["rejected"]] == [1]
    assert "population" in r.json()["rejected"][0]["errors"][0]["msg"]


def test_missing_results_carry_no_value_and_final_ones_need_one(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        [result_row(value=None, status="missing"), result_row(org_unit="YSTAD", value=None)],
        mode="partial",
    )
    assert r.json()["inserted"] == 1
    assert r.json()["rejected"][0]["row"] == 2


def test_swedish_excel_csv_is_read_exactly(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    body = "\ufeffindicator;org_unit;period;value;numerator;denominator\nID9001;SUS;2024;79,7;797;1 000\n"
    assert load(indicators, body).status_code == 200
    item = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"][0]
    assert (item["value"], item["denominator"], item["breakdown"], item["status"]) == (
        79.7,
        1000,
        "total",
        "final",
    )


def test_a_bound_key_may_not_load_other_units_rows(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    rows = [result_row(), result_row(org_unit="YSTAD")]
    r = load(indicators, rows, units=("SUS",))
    assert r.status_code == 403
    assert "YSTAD" in r.json()["detail"]
    partial = load(indicators, rows, units=("SUS",), mode="partial").json()
    assert partial["inserted"] == 1
    assert partial["rejected"][0]["row"] == 2


def test_loading_needs_a_write_key(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    assert load(indicators, [result_row()], scope="read").status_code == 403


def test_each_load_and_delete_is_audited_once(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(), result_row(org_unit="YSTAD")])
    indicators.client.delete(
        "/v1/results",
        params={"indicator": "ID9001", "org_unit": "SUS"},
        headers=indicators.auth("write"),
    )
    log = indicators.client.get("/v1/audit", headers=indicators.auth()).json()["items"]
    actions = [(e["action"], e["resource"]) for e in log if e["resource"] == "results"]
    assert actions == [("load", "results"), ("delete", "results")]
    assert log[1]["change"]["inserted"] == 2 and log[1]["change"]["mode"] == "atomic"


def test_deleted_results_come_as_tombstones_in_the_change_feed(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(), result_row(org_unit="YSTAD")])
    items = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"]
    last = max(i["change_seq"] for i in items)
    r = indicators.client.delete(f"/v1/results/{items[0]['id']}", headers=indicators.auth("write"))
    assert r.json() == {"deleted": 1}
    feed = indicators.client.get(
        "/v1/results", params={"after_seq": last}, headers=indicators.auth("read")
    ).json()
    assert feed["items"] == [
        {
            "id": str(items[0]["id"]),
            "deleted": True,
            "updated_at": feed["items"][0]["updated_at"],
            "change_seq": last + 1,
        }
    ]


def test_a_result_id_no_row_can_have_is_a_422_naming_it(indicators: ServiceHarness) -> None:
    # 2**63 is past a BIGINT: SQLite's driver could not even compare with it (a 500 before).
    for bad in ("9223372036854775808", "0", "-1"):
        r = indicators.client.delete(f"/v1/results/{bad}", headers=indicators.auth("write"))
        assert r.status_code == 422, (bad, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["errors"][0]["loc"] == ["path", "result_id"]
    largest = indicators.client.delete("/v1/results/9223372036854775807", headers=indicators.auth())
    assert largest.status_code == 404, largest.text


def test_a_bound_key_may_not_delete_other_units_results(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(org_unit="YSTAD")])
    item = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"][0]
    r = indicators.client.delete(
        f"/v1/results/{item['id']}", headers=indicators.auth("write", "SUS")
    )
    assert r.status_code == 403


def test_results_export_as_csv(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(value="90.5", numerator=181, denominator=200)])
    r = indicators.client.get(
        "/v1/results", headers={**indicators.auth("read"), "Accept": "text/csv"}
    )
    lines = r.text.splitlines()
    assert (
        lines[0]
        == "id,indicator,org_unit,period,breakdown,value,numerator,denominator,status,updated_at,change_seq"
    )
    assert ",ID9001,SUS,2024,total,90.5,181,200,final," in lines[1]


def test_periods_are_stored_in_canonical_form(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(period="2024-01/2024-12")])
    assert (
        indicators.client.get(
            "/v1/results", params={"period": "2024"}, headers=indicators.auth("read")
        ).json()["items"][0]["period"]
        == "2024"
    )


def test_a_load_mixing_new_and_existing_keys_inserts_and_updates(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(org_unit="YSTAD", value=70)])
    r = load(
        indicators,
        [
            result_row(value=90),
            result_row(org_unit="YSTAD", value=75),
            result_row(org_unit="YSTAD", value=76),
        ],
    )
    assert (r.json()["inserted"], r.json()["updated"], r.json()["unchanged"]) == (1, 1, 0)
    values = {
        i["org_unit"]: i["value"]
        for i in indicators.client.get("/v1/results", headers=indicators.auth("read")).json()[
            "items"
        ]
    }
    assert values == {"SUS": 90, "YSTAD": 76}  # the last of repeated keys wins


def test_a_csv_line_with_too_many_columns_is_named(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        HEADER + "ID9001,SUS,2024,total,90,,,final\nID9001,YSTAD,2024,total,90,,,final,x\n",
    )
    assert r.status_code == 422
    assert r.json()["rejected"][0]["row"] == 2


def test_each_mistake_in_a_row_is_named_by_its_field(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        [
            result_row(org_unit="NOWHERE", period="2024-13"),
            result_row(breakdown="Vårdcentraler", colour="green"),
            result_row(status="missing"),
            result_row(numerator=5, denominator=4),
        ],
        mode="partial",
    )
    assert r.status_code == 200
    fields = [[e["loc"] for e in x["errors"]] for x in r.json()["rejected"]]
    assert fields == [
        [["org_unit"], ["period"]],
        [["breakdown"], ["colour"]],
        [["value"]],
        [["numerator"]],
    ]
    first = r.json()["rejected"][0]["errors"]
    assert "unknown org unit 'NOWHERE'" in first[0]["msg"]
    assert "month 13 does not exist" in first[1]["msg"]


def test_results_are_listed_by_org_unit_and_period(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(), result_row(org_unit="YSTAD"), result_row(period="2023")])
    listed = indicators.client.get(
        "/v1/results",
        params={"org_unit": "SUS", "period": "2024"},
        headers=indicators.auth("read"),
    ).json()["items"]
    assert [(i["org_unit"], i["period"]) for i in listed] == [("SUS", "2024")]


def test_an_unknown_org_unit_or_period_in_a_filter_is_a_422(indicators: ServiceHarness) -> None:
    for params, field in (
        ({"org_unit": "ATLANTIS"}, "org_unit"),
        ({"period": "2024-Q5"}, "period"),
    ):
        r = indicators.client.get("/v1/results", params=params, headers=indicators.auth("read"))
        assert r.status_code == 422
        assert r.json()["errors"][0]["loc"] == ["query", field]


def test_deleting_needs_an_indicator_or_an_org_unit(indicators: ServiceHarness) -> None:
    r = indicators.client.delete(
        "/v1/results", params={"period": "2024"}, headers=indicators.auth("write")
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["loc"] == ["query", "indicator"]


def test_a_bound_key_deletes_only_its_own_units_results(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row(), result_row(org_unit="YSTAD")])
    r = indicators.client.delete(
        "/v1/results", params={"indicator": "ID9001"}, headers=indicators.auth("write", "SUS")
    )
    assert r.json() == {"deleted": 1}
    left = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"]
    assert [i["org_unit"] for i in left] == ["YSTAD"]
