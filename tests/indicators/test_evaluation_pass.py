"""What one evaluation pass reads, held to the same answers however it reads them: the
region's Σ/Σ over only the units' figures a ratio takes, per breakdown; an indicator
changed by a write is read afresh; a comparison with an earlier year skips the years
without a value; the periods asked reach the database whatever their text."""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.indicators import evaluation_repository
from tests.harness import ServiceHarness
from tests.indicators.conftest import evaluations, load, one, put_indicator, put_target, result_row


def test_the_region_sums_only_the_figures_a_ratio_takes_per_breakdown(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    load(
        indicators,
        [
            result_row(value=90, numerator=9, denominator=10),
            result_row(
                org_unit="YSTAD", value=50, numerator=50, denominator=100, status="preliminary"
            ),
            # A value without its terms cannot take part in a ratio.
            result_row(org_unit="LANDSKRONA", value=10),
            # Another breakdown is another region value.
            result_row(breakdown="vardcentraler", value=25, numerator=1, denominator=4),
            result_row(
                org_unit="YSTAD", breakdown="vardcentraler", value=75, numerator=3, denominator=4
            ),
        ],
    )
    items = evaluations(indicators, "REGION", "2024")
    total, vc = one(items, "ID9001"), one(items, "ID9001", "vardcentraler")
    # 59/110 = 53.6364 %; preliminary because YSTAD's figure is.
    assert (total["value"], total["result_status"], total["aggregated"]) == (
        53.6364,
        "preliminary",
        True,
    )
    assert (vc["value"], vc["result_status"], vc["aggregated"]) == (50, "final", True)


def test_an_indicator_changed_by_a_write_is_read_afresh(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row()])
    before = one(evaluations(indicators, "SUS", "2024"), "ID9001")
    assert (before["area"], before["name"]) == (
        "God tillgänglighet",
        "Andel patienter som fått besök inom 90 dagar",
    )
    assert put_indicator(indicators, area="G2.A6", delmal=None, name="Nytt namn").status_code == 200
    after = one(evaluations(indicators, "SUS", "2024"), "ID9001")
    assert (after["area"], after["name"]) == ("Högkvalitativ cancervård i hela Skåne", "Nytt namn")


def test_a_change_is_compared_with_the_newest_earlier_year_with_a_value(
    indicators: ServiceHarness,
) -> None:
    put_indicator(indicators)
    put_target(indicators, "ID9001", 2024, "Ökning")
    load(
        indicators,
        [
            result_row(value=80),
            # 2023 without a value, 2020–2022 without a result: 2019 is compared with.
            result_row(period="2023", value=None, status="missing"),
            result_row(period="2019", value=70),
            result_row(period="2018", value=90),
        ],
    )
    item = one(evaluations(indicators, "SUS", "2024"), "ID9001")
    assert item["compared_with"] == {"period": "2019", "value": 70}
    assert item["status"] == "met"


def test_periods_reach_the_database_whatever_their_text(indicators: ServiceHarness) -> None:
    put_indicator(indicators)
    load(indicators, [result_row()])
    # Texts no period has, holding what an array literal quotes or escapes: they must
    # neither break the statement nor match anything.
    odd = ['2024"', "2024\\", '{"2024"}', "20,24", " 2024", "NULL"]
    with Session(indicators.engine) as session:
        rows = evaluation_repository.results_of(
            session, ["SUS"], [*odd, "2024"], indicator=None, breakdown=None
        )
        assert [(row.org_unit, row.period, row.value) for row in rows] == [("SUS", "2024", 90)]
        assert not evaluation_repository.results_of(
            session, ["SUS"], odd, indicator=None, breakdown=None
        )
