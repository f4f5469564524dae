"""What the assignments service expected and got (``GET /v1/expected``): a status report
on each active assignment of the unit, and the follow-up of its internal control for the
half-year a period closes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa

from services.assignments.due_rules import Report, closes_half, is_active, received_reports
from shared.periods import Period
from tests.assignments.conftest import new_assignment
from tests.assignments.internal_control_data import AUGUST, load_all
from tests.harness import ServiceHarness


def _expected(svc: ServiceHarness, org_unit: str, *periods: str, key: str | None = None) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else svc.auth("read")
    return svc.client.get(
        "/v1/expected",
        params=[("org_unit", org_unit), *(("period", p) for p in periods)],
        headers=headers,
    )


def _items(svc: ServiceHarness, org_unit: str, *periods: str) -> dict[tuple[str, str], Any]:
    """(period, assignment id or ``internal_control``) → item."""
    r = _expected(svc, org_unit, *periods)
    assert r.status_code == 200, r.text
    found: dict[tuple[str, str], Any] = {}
    for item in r.json()["items"]:
        assert item["org_unit"] == org_unit
        subject = item["subject"]
        key = subject["assignment_id"] if item["kind"] == "status_report" else item["kind"]
        found[(item["period"], key)] = item
    return found


def _report(
    svc: ServiceHarness,
    assignment_id: str,
    org_unit: str,
    period: str,
    status: str,
    as_of: str | None = None,
    **extra: Any,
) -> None:
    body = {"org_unit": org_unit, "period": period, "status": status, "as_of": as_of, **extra}
    r = svc.client.post(
        f"/v1/assignments/{assignment_id}/reports", json=body, headers=svc.auth("write")
    )
    assert r.status_code == 201, r.text


def _setup(svc: ServiceHarness) -> dict[str, str]:
    ids = {
        name: new_assignment(svc, title=f"Uppdrag {name}", **fields)["id"]
        for name, fields in {
            "reported": {"year_given": 2024, "org_units": []},
            "silent": {"year_given": 2024, "org_units": []},
            "done_2023": {"year_given": 2023, "org_units": []},
            "carried": {"year_given": 2023, "org_units": ["PHHN"]},
            "done_march": {"year_given": 2024, "org_units": []},
            "next_year": {"year_given": 2025, "org_units": []},
            "pvn_only": {"year_given": 2024, "lead_org_unit": "PVN", "org_units": []},
        }.items()
    }
    _report(svc, ids["reported"], "HSN", AUGUST, "pagar_enligt_plan")
    _report(svc, ids["done_2023"], "HSN", "2023", "klart")
    _report(svc, ids["carried"], "HSN", "2023", "pagar_enligt_plan")
    # PHHN reports and names HSN (on_behalf_of): the report speaks for HSN too.
    _report(
        svc, ids["carried"], "PHHN", AUGUST, "avvikelse", explanation="Sent.", on_behalf_of=["HSN"]
    )
    _report(svc, ids["done_march"], "HSN", "2024-03", "klart", as_of="2024-03-31")
    return ids


def test_hsn_expects_a_report_on_each_active_assignment(assignments: ServiceHarness) -> None:
    ids = _setup(assignments)
    items = _items(assignments, "HSN", AUGUST, "2024-T3")
    reports = {k for k, i in items.items() if i["kind"] == "status_report"}
    assert reports == {
        (AUGUST, ids["reported"]),
        (AUGUST, ids["silent"]),
        (AUGUST, ids["carried"]),
        (AUGUST, ids["done_march"]),
        ("2024-T3", ids["reported"]),
        ("2024-T3", ids["silent"]),
        ("2024-T3", ids["carried"]),
    }
    got = items[(AUGUST, ids["reported"])]
    assert got["received"] is True
    assert got["subject"]["status"] == "pagar_enligt_plan"
    assert got["subject"]["as_of"] == "2024-08-31"
    history = assignments.client.get(
        f"/v1/assignments/{ids['reported']}/reports", headers=assignments.auth("read")
    ).json()["items"]
    assert got["received_at"] == history[0]["reported_at"]

    assert items[(AUGUST, ids["silent"])]["received"] is False
    assert items[(AUGUST, ids["silent"])]["received_at"] is None
    named = items[(AUGUST, ids["carried"])]
    assert named["received"] is True and named["subject"]["reported_by"] == "PHHN"
    assert named["subject"]["status"] == "avvikelse"
    # Klart in March: reported within January-August, and not expected afterwards.
    assert items[(AUGUST, ids["done_march"])]["received"] is True
    assert items[(AUGUST, ids["done_march"])]["subject"]["status"] == "klart"
    # Nothing for September-December yet.
    assert not any(i["received"] for (p, _), i in items.items() if p == "2024-T3")


def test_a_report_dated_within_the_period_answers_for_it(assignments: ServiceHarness) -> None:
    ids = _setup(assignments)
    items = _items(assignments, "HSN", "2024-Q3")
    # The January-August report speaks for 2024-08-31, a day within the third quarter.
    assert items[("2024-Q3", ids["reported"])]["received"] is True
    assert items[("2024-Q3", ids["silent"])]["received"] is False


def test_internal_control_is_expected_when_a_period_closes_a_half(
    assignments: ServiceHarness,
) -> None:
    load_all(assignments)  # HSN's follow-up with the report per August
    items = _items(assignments, "HSN", AUGUST, "2024-Q3", "2024")
    assert (("2024-Q3", "internal_control")) not in items
    august = items[(AUGUST, "internal_control")]
    assert august["received"] is True
    assert august["subject"] == {
        "year": 2024,
        "half": 1,
        "due_with": AUGUST,
        "follow_up_period": AUGUST,
        "followed_up_on": "2024-09-15",
        "items": 3,
    }
    assert august["received_at"] is not None
    december = items[("2024", "internal_control")]
    assert december["received"] is False and december["subject"]["half"] == 2
    assert "due with the verksamhetsberättelse 2024" in december["detail"]
    # The region as a whole has no internal control of its own.
    assert not _items(assignments, "REGION", AUGUST)


def test_a_bound_key_reads_only_its_own_units(assignments: ServiceHarness) -> None:
    ids = _setup(assignments)
    new_assignment(assignments, year_given=2024, lead_org_unit="SUS", org_units=[])
    sus = assignments.key("read", "SUS")
    own = _expected(assignments, "SUS", AUGUST, key=sus)
    assert own.status_code == 200
    assert {i["org_unit"] for i in own.json()["items"]} == {"SUS"}
    assert ids["reported"] not in {i["subject"].get("assignment_id") for i in own.json()["items"]}
    for unit in ("HSN", "REGION"):
        r = _expected(assignments, unit, AUGUST, key=sus)
        assert r.status_code == 403, unit
        assert r.headers["content-type"].startswith("application/problem+json")


def test_bad_periods_are_named(assignments: ServiceHarness) -> None:
    r = _expected(assignments, "HSN", "2024-Q5")
    assert r.status_code == 422 and r.json()["errors"][0]["loc"] == ["query", "period", 0]
    assert _expected(assignments, "NOPE", "2024").status_code == 422


def test_the_answer_takes_the_same_queries_whatever_the_count(
    assignments: ServiceHarness,
) -> None:
    def selects() -> int:
        seen: list[str] = []

        def count(*args: Any) -> None:
            if str(args[2]).lstrip().upper().startswith("SELECT"):
                seen.append(str(args[2]))

        sa.event.listen(assignments.engine, "before_cursor_execute", count)
        try:
            assert _expected(assignments, "HSN", AUGUST, "2024").status_code == 200
        finally:
            sa.event.remove(assignments.engine, "before_cursor_execute", count)
        return len(seen)

    _setup(assignments)
    load_all(assignments)
    selects()  # the key is looked up once, then remembered
    assert selects() == 0  # nothing changed: the kept answer, nothing computed
    assignments.unrelated_write()
    few = selects()
    assert few == 3
    for n in range(15):
        a = new_assignment(assignments, title=f"Fler {n}", org_units=[])
        _report(assignments, a["id"], "HSN", AUGUST, "ej_startat")
    assert selects() == few


# --------------------------------------------------------------------------- the rules


def _r(period: str, as_of: date, status: str, seq: int = 1) -> Report:
    return Report("A", "HSN", Period.parse(period), as_of, status, datetime.now(UTC), seq)


def test_active_means_given_or_carried_over_and_not_finished_before_the_period() -> None:
    aug = Period.parse("2024-01/2024-08")
    assert is_active(2024, aug, [])
    assert not is_active(2025, aug, [])
    assert is_active(2022, aug, [])  # never reported: carried over
    assert not is_active(2023, aug, [_r("2023", date(2023, 12, 31), "klart")])
    reopened = [_r("2023", date(2023, 12, 31), "pagar_enligt_plan")]
    assert is_active(2023, aug, reopened)
    march = [_r("2024-03", date(2024, 3, 31), "klart")]
    assert is_active(2024, aug, march)
    assert not is_active(2024, Period.parse("2024-T3"), march)
    # The latest report wins, by the date it speaks for.
    again = [*march, _r("2024-04", date(2024, 4, 30), "avvikelse", 2)]
    assert is_active(2024, Period.parse("2024-T3"), again)


def test_a_report_answers_for_its_period_or_a_date_within_it() -> None:
    aug = Period.parse("2024-01/2024-08")
    own = _r("2024-01/2024-08", date(2024, 9, 10), "pagar_enligt_plan")
    dated = _r("2024", date(2024, 6, 30), "pagar_enligt_plan")
    other = _r("2023", date(2023, 12, 31), "pagar_enligt_plan")
    assert received_reports(aug, [own, dated, other]) == [own, dated]
    quarter = _r("2024-Q1", date(2024, 5, 2), "pagar_enligt_plan")
    assert received_reports(Period.parse("2024-01/2024-03"), [quarter]) == [quarter]
    assert [
        closes_half(Period.parse(p)) for p in ("2024-01/2024-08", "2024-T2", "2024", "2024-Q3")
    ] == [
        1,
        1,
        2,
        None,
    ]
