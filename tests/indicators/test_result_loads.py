"""Loading results: row checks, modes, idempotent upsert, org-unit binding, deletes and the feed."""

from tests.indicators.conftest import evaluations, load, one, put_indicator, put_target

HEADER = "indicator,org_unit,period,breakdown,value,numerator,denominator,status\n"


def row(**kw):
    base = {"indicator": "ID9001", "org_unit": "SUS", "period": "2024", "value": 90}
    return {**base, **kw}


def test_loading_the_same_file_twice_changes_nothing(indicators) -> None:
    put_indicator(indicators)
    body = HEADER + "ID9001,SUS,2024,total,90.5,181,200,final\nID9001,YSTAD,2024,,80,,,final\n"
    first = load(indicators, body)
    assert first.status_code == 200, first.text
    assert first.json()["inserted"] == 2
    again = load(indicators, body).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 2)
    changed = load(indicators, HEADER + "ID9001,SUS,2024,total,91,,,final\n").json()
    assert changed["updated"] == 1


def test_an_atomic_load_names_every_bad_row_and_writes_nothing(indicators) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        [
            row(),
            row(indicator="ID0000"),
            row(org_unit="NOWHERE"),
            row(period="2024-13"),
            row(value="many"),
            row(numerator=5, denominator=4),
            row(status="missing"),
        ],
    )
    assert r.status_code == 422
    assert [x["row"] for x in r.json()["rejected"]] == [2, 3, 4, 5, 6, 7]
    listed = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()
    assert listed["items"] == []


def test_a_partial_load_writes_the_good_rows(indicators) -> None:
    put_indicator(indicators)
    r = load(indicators, [row(), row(org_unit="YSTAD", period="x")], mode="partial")
    assert r.status_code == 200
    assert r.json()["inserted"] == 1
    assert r.json()["rejected"][0]["row"] == 2
    assert r.json()["rejected"][0]["errors"][0]["loc"] == ["period"]


def test_a_dry_run_answers_without_writing(indicators) -> None:
    put_indicator(indicators)
    r = load(indicators, [row()], dry_run="true")
    assert r.json()["inserted"] == 1 and r.json()["dry_run"] is True
    assert (
        indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"] == []
    )


def test_a_hospital_board_cannot_report_a_population_indicator(indicators) -> None:
    put_indicator(indicators, "ID0028", unit="other", not_reportable_by=["hospital_board"])
    r = load(
        indicators,
        [
            row(indicator="ID0028", value=18000),
            row(indicator="ID0028", org_unit="HSN", value=18000),
        ],
    )
    assert r.status_code == 422
    assert [x["row"] for x in r.json()["rejected"]] == [1]
    assert "population" in r.json()["rejected"][0]["errors"][0]["msg"]


def test_missing_results_carry_no_value_and_final_ones_need_one(indicators) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        [row(value=None, status="missing"), row(org_unit="YSTAD", value=None)],
        mode="partial",
    )
    assert r.json()["inserted"] == 1
    assert r.json()["rejected"][0]["row"] == 2


def test_swedish_excel_csv_is_read_exactly(indicators) -> None:
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


def test_a_bound_key_may_not_load_other_units_rows(indicators) -> None:
    put_indicator(indicators)
    rows = [row(), row(org_unit="YSTAD")]
    r = load(indicators, rows, units=("SUS",))
    assert r.status_code == 403
    assert "YSTAD" in r.json()["detail"]
    partial = load(indicators, rows, units=("SUS",), mode="partial").json()
    assert partial["inserted"] == 1
    assert partial["rejected"][0]["row"] == 2


def test_loading_needs_a_write_key(indicators) -> None:
    put_indicator(indicators)
    assert load(indicators, [row()], scope="read").status_code == 403


def test_each_load_and_delete_is_audited_once(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(), row(org_unit="YSTAD")])
    indicators.client.delete(
        "/v1/results",
        params={"indicator": "ID9001", "org_unit": "SUS"},
        headers=indicators.auth("write"),
    )
    log = indicators.client.get("/v1/audit", headers=indicators.auth()).json()["items"]
    actions = [(e["action"], e["resource"]) for e in log if e["resource"] == "results"]
    assert actions == [("load", "results"), ("delete", "results")]
    assert log[1]["change"]["inserted"] == 2 and log[1]["change"]["mode"] == "atomic"


def test_deleted_results_come_as_tombstones_in_the_change_feed(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(), row(org_unit="YSTAD")])
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


def test_a_bound_key_may_not_delete_other_units_results(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(org_unit="YSTAD")])
    item = indicators.client.get("/v1/results", headers=indicators.auth("read")).json()["items"][0]
    r = indicators.client.delete(
        f"/v1/results/{item['id']}", headers=indicators.auth("write", "SUS")
    )
    assert r.status_code == 403


def test_results_export_as_csv(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(value="90.5", numerator=181, denominator=200)])
    r = indicators.client.get(
        "/v1/results", headers={**indicators.auth("read"), "Accept": "text/csv"}
    )
    lines = r.text.splitlines()
    assert (
        lines[0]
        == "id,indicator,org_unit,period,breakdown,value,numerator,denominator,status,updated_at,change_seq"
    )
    assert ",ID9001,SUS,2024,total,90.5,181,200,final," in lines[1]


def test_periods_are_stored_in_canonical_form(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(period="2024-01/2024-12")])
    assert (
        indicators.client.get(
            "/v1/results", params={"period": "2024"}, headers=indicators.auth("read")
        ).json()["items"][0]["period"]
        == "2024"
    )


def test_region_value_is_sum_of_numerators_over_sum_of_denominators(indicators) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">= 80 %")
    # 90 % of 10 and 50 % of 100: the mean of percentages (70) would fail, Σ/Σ = 59/110 = 53,6364 %.
    load(
        indicators,
        [
            row(value=90, numerator=9, denominator=10),
            row(org_unit="YSTAD", value=50, numerator=50, denominator=100),
        ],
    )
    item = one(evaluations(indicators, "REGION", "2024"), "ID9001")
    assert item["aggregated"] is True
    assert item["value"] == 53.6364
    assert item["status"] == "not_met"


def test_a_stored_region_value_wins_over_the_units(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(numerator=9, denominator=10), row(org_unit="REGION", value=81)])
    item = one(evaluations(indicators, "REGION", "2024"), "ID9001")
    assert (item["value"], item["aggregated"]) == (81, False)


def test_a_committees_own_target_wins_for_that_committee(indicators) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, ">85%")
    put_target(indicators, "ID9001", 2024, ">92%", org_unit="SUS")
    load(indicators, [row(value=90), row(org_unit="YSTAD", value=90)])
    sus = one(evaluations(indicators, "SUS", "2024"), "ID9001")
    ystad = one(evaluations(indicators, "YSTAD", "2024"), "ID9001")
    assert (sus["target"]["source"], sus["status"]) == ("org_unit", "not_met")
    assert (ystad["target"]["source"], ystad["status"]) == ("region", "met")


def test_a_malformed_period_in_a_query_is_a_422(indicators) -> None:
    r = indicators.client.get(
        "/v1/evaluations",
        params={"org_unit": "REGION", "period": "24"},
        headers=indicators.auth("read"),
    )
    assert r.status_code == 422


def test_a_load_mixing_new_and_existing_keys_inserts_and_updates(indicators) -> None:
    put_indicator(indicators)
    load(indicators, [row(org_unit="YSTAD", value=70)])
    r = load(
        indicators,
        [row(value=90), row(org_unit="YSTAD", value=75), row(org_unit="YSTAD", value=76)],
    )
    assert (r.json()["inserted"], r.json()["updated"], r.json()["unchanged"]) == (1, 1, 0)
    values = {
        i["org_unit"]: i["value"]
        for i in indicators.client.get("/v1/results", headers=indicators.auth("read")).json()[
            "items"
        ]
    }
    assert values == {"SUS": 90, "YSTAD": 76}  # the last of repeated keys wins


def test_a_csv_line_with_too_many_columns_is_named(indicators) -> None:
    put_indicator(indicators)
    r = load(
        indicators,
        HEADER + "ID9001,SUS,2024,total,90,,,final\nID9001,YSTAD,2024,total,90,,,final,x\n",
    )
    assert r.status_code == 422
    assert r.json()["rejected"][0]["row"] == 2
