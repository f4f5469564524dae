"""The follow-up view's section (``GET /v1/follow-up-section``): the same summary and
forecast rounds as the two calls it stands for, read in a fixed handful of statements."""

from __future__ import annotations

from typing import Any

from tests.assignments.test_follow_up_view import counting_queries
from tests.budget.helpers import MN, forecast, load
from tests.harness import ServiceHarness


def _get(budget: ServiceHarness, path: str) -> Any:
    r = budget.client.get(path, headers=budget.auth("read"))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_section_is_the_summary_and_the_rounds_in_six_statements(
    budget: ServiceHarness,
) -> None:
    assert budget.seed() > 0  # HSN 2024: a grant, lines, totals, earmarked money, figures
    rows = [
        forecast("HSN", line, made_in, 0, cost * MN)
        for made_in, cost in (("2024-04", 500), ("2024-08", 520), ("2024-10", 530))
        for line in ("lakemedelsformanen", "tandvard")
    ]
    assert load(budget, "forecasts", rows).status_code == 200
    _get(budget, "/v1/follow-up-section?org_unit=PVN&period=2024")  # warm the key cache
    for period, through in (("2024-03", "2024-03"), ("2024-08", "2024-08"), ("2024", "2024-12")):
        with counting_queries(*budget.engines) as statements:
            section = _get(budget, f"/v1/follow-up-section?org_unit=HSN&period={period}")
        query = f"org_unit=HSN&year=2024&through={through}"
        assert section == {
            "summary": _get(budget, f"/v1/summary?{query}"),
            "forecast_rounds": _get(budget, f"/v1/forecast-rounds?{query}"),
        }
        # The grant and its components, the year's stated rows (lines, totals, earmarked
        # money, deviations, figures) in one, outcomes, the latest forecasts and the
        # rounds' forecasts; beside them the look at the change counter.
        assert len([s for s in statements if "change_counter" not in s]) == 6, statements
    assert section["summary"]["earmarked"]["items"]
    assert section["forecast_rounds"]["latest_made_in"] == "2024-10"
