"""Bulk status reports from reporting scripts: JSON or CSV, atomic / partial / dry run."""

from __future__ import annotations

from typing import Any

from tests.harness import ServiceHarness


def _load(
    svc: ServiceHarness, body: Any, query: str = "", csv: bool = False, **headers: str
) -> Any:
    h = {**svc.auth("write"), **headers}
    if csv:
        return svc.client.post(
            f"/v1/reports{query}", content=body.encode(), headers={**h, "Content-Type": "text/csv"}
        )
    return svc.client.post(f"/v1/reports{query}", json=body, headers=h)


def _history(svc: ServiceHarness, assignment_id: str) -> list[dict[str, Any]]:
    r = svc.client.get(f"/v1/assignments/{assignment_id}/reports", headers=svc.auth("read"))
    items: list[dict[str, Any]] = r.json()["items"]
    return items


ROWS = [
    {
        "assignment_id": "UP2023-013",
        "org_unit": "SUS",
        "period": "2024-05",
        "status": "pagar_enligt_plan",
        "explanation": "Vårdplatser öppnade.",
    },
    {
        "assignment_id": "UP2023-013",
        "org_unit": "YSTAD",
        "period": "2024-05",
        "status": "avvikelse",
        "explanation": "Bemanningsbrist.",
    },
]


def test_json_rows_are_written(seeded: ServiceHarness) -> None:
    r = _load(seeded, ROWS)
    assert r.status_code == 200, r.text
    assert r.json()["inserted"] == 2
    assert {h["org_unit"] for h in _history(seeded, "UP2023-013")} == {"SUS", "YSTAD"}


def test_loading_the_same_rows_twice_changes_nothing(seeded: ServiceHarness) -> None:
    _load(seeded, ROWS)
    again = _load(seeded, ROWS).json()
    assert again["inserted"] == 0 and again["unchanged"] == 2
    assert len(_history(seeded, "UP2023-013")) == 2


def test_swedish_excel_csv_is_accepted(seeded: ServiceHarness) -> None:
    body = (
        "\ufeffassignment_id;org_unit;period;status;explanation\n"
        "UP2023-013;KRISTIANSTAD;2024-01/2024-08;avvikelse;Försenad, pga. rekrytering\n"
    )
    r = _load(seeded, body, csv=True)
    assert r.status_code == 200, r.text
    assert _history(seeded, "UP2023-013")[0]["explanation"] == "Försenad, pga. rekrytering"


def test_atomic_load_with_a_bad_row_writes_nothing(seeded: ServiceHarness) -> None:
    bad = {**ROWS[1], "explanation": None}
    r = _load(seeded, [ROWS[0], bad])
    assert r.status_code == 422
    assert r.json()["rejected"][0]["row"] == 2
    assert r.json()["rejected"][0]["errors"][0]["loc"] == ["explanation"]
    assert _history(seeded, "UP2023-013") == []


def test_partial_load_writes_the_good_rows_and_names_the_bad(seeded: ServiceHarness) -> None:
    rows = [
        ROWS[0],
        {**ROWS[1], "org_unit": "PVN"},  # not responsible
        {**ROWS[1], "assignment_id": "UP2023-999"},  # no such assignment
        {**ROWS[1], "status": "green"},  # a milestone colour
        {**ROWS[1], "period": "maj"},
    ]
    body = _load(seeded, rows, "?mode=partial").json()
    assert body["inserted"] == 1
    assert [(x["row"], x["errors"][0]["loc"]) for x in body["rejected"]] == [
        (2, ["org_unit"]),
        (3, ["assignment_id"]),
        (4, ["status"]),
        (5, ["period"]),
    ]
    assert len(_history(seeded, "UP2023-013")) == 1


def test_dry_run_validates_without_writing(seeded: ServiceHarness) -> None:
    body = _load(seeded, ROWS, "?dry_run=true").json()
    assert body == {"inserted": 2, "updated": 0, "unchanged": 0, "rejected": [], "dry_run": True}
    assert _history(seeded, "UP2023-013") == []


def test_bulk_reports_move_the_assignment_in_the_change_feed(seeded: ServiceHarness) -> None:
    last = seeded.client.get(
        "/v1/assignments?after_seq=0&limit=10000", headers=seeded.auth("read")
    ).json()["items"][-1]["change_seq"]
    _load(seeded, ROWS)
    changed = seeded.client.get(
        f"/v1/assignments?after_seq={last}", headers=seeded.auth("read")
    ).json()["items"]
    assert [c["id"] for c in changed] == ["UP2023-013"]
    assert changed[0]["latest_status"] in ("pagar_enligt_plan", "avvikelse")


def test_a_body_that_is_not_a_list_is_rejected(seeded: ServiceHarness) -> None:
    r = _load(seeded, {"assignment_id": "UP2023-013"})
    assert r.status_code == 422
