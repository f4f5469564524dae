"""How a value is found for a period, without a database: roll-ups over months (ratio, sum,
mean, last) with the months found, year to date with its coverage, like-with-like
comparisons, and the region's Σ/Σ through the same rule."""

from __future__ import annotations

from decimal import Decimal

import pytest

from services.indicators.series_rules import (
    Figure,
    MonthsFound,
    Observed,
    Span,
    TimeAggregation,
    candidate_periods,
    combine,
    current_value,
    default_time_aggregation,
    earlier_values,
    roll_up,
    span_texts,
    value_for,
)
from shared.periods import Period

D = Decimal
YEAR: Span = (2024, 1, 12)
JAN_AUG: Span = (2024, 1, 8)


def figure(value: str, num: int | None = None, den: int | None = None) -> Figure:
    """A final stored figure."""
    return Figure(
        D(value),
        "final",
        None if num is None else D(num),
        None if den is None else D(den),
    )


def months(*figures: Figure, year: int = 2024) -> dict[Span, Figure]:
    """January, February, … of ``year``."""
    return {(year, m, m): f for m, f in enumerate(figures, start=1)}


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("percent", "ratio"),
        ("per_100_vardplatser", "ratio"),
        ("per_1000_inhabitants", "ratio"),
        ("count", "sum"),
        ("index_score", "mean"),
        ("days", "mean"),
    ],
)
def test_the_default_roll_up_follows_the_unit(unit: str, expected: TimeAggregation) -> None:
    assert default_time_aggregation(unit) == expected


def test_a_rate_rolls_up_as_sum_of_numerators_over_sum_of_denominators() -> None:
    # 90 % of 10 in January and 50 % of 100 in February: a mean of percentages says 70.
    series = months(figure("90", 9, 10), figure("50", 50, 100))
    found = roll_up(series, (2024, 1, 2), "ratio", "percent")
    assert found == Observed(D("53.6364"), "final", months=MonthsFound(2, 2))


def test_counts_are_summed_means_averaged_and_last_takes_the_latest_month() -> None:
    series = months(figure("10"), figure("20"), figure("40"))
    quarter: Span = (2024, 1, 3)
    assert roll_up(series, quarter, "sum", "count") == Observed(
        D(70), "final", months=MonthsFound(3, 3)
    )
    mean = roll_up(series, quarter, "mean", "index_score")
    assert mean is not None and mean.value == D("23.3333")
    last = roll_up(series, quarter, "last", "percent")
    assert last is not None and last.value == D(40)


def test_a_gap_is_shown_in_the_months_found_never_filled() -> None:
    series = months(*[figure("10") for m in range(1, 9)])
    del series[(2024, 5, 5)]
    found = roll_up(series, JAN_AUG, "sum", "count")
    assert found == Observed(D(70), "final", months=MonthsFound(7, 8))


def test_a_month_without_its_terms_is_not_found_for_a_ratio() -> None:
    series = months(figure("90", 9, 10), figure("50"))
    found = roll_up(series, (2024, 1, 2), "ratio", "percent")
    assert found is not None and found.months == MonthsFound(1, 2)


def test_a_preliminary_month_makes_the_roll_up_preliminary() -> None:
    series = months(figure("1"), Figure(D(2), "preliminary"))
    found = roll_up(series, (2024, 1, 2), "sum", "count")
    assert found is not None and found.status == "preliminary"


def test_a_tertial_rolls_up_its_four_months() -> None:
    tertial = Period.parse("2024-T2")
    series = months(*[figure("1") for m in range(1, 13)])
    found = roll_up(series, (tertial.year, tertial.first_month, tertial.last_month), "sum", "count")
    assert found == Observed(D(4), "final", months=MonthsFound(4, 4))


def test_a_stored_value_wins_over_its_months() -> None:
    series = {**months(figure("10"), figure("20")), (2024, 1, 2): figure("99")}
    assert value_for(series, (2024, 1, 2), "sum", "count") == Observed(D(99), "final")


def test_year_to_date_stands_in_for_a_year_not_complete() -> None:
    series = {(2024, 1, 9): figure("86.4"), (2023, 1, 12): figure("85.0")}
    found = current_value(series, YEAR, "mean", "index_score")
    assert found == Observed(D("86.4"), "final", coverage="2024-01/2024-09")


def test_the_longest_span_from_january_is_taken() -> None:
    series = {(2024, 1, 6): figure("1"), (2024, 1, 9): figure("2")}
    found = current_value(series, YEAR, "mean", "index_score")
    assert found is not None and found.coverage == "2024-01/2024-09"


def test_a_full_year_result_wins_over_year_to_date() -> None:
    series = {(2024, 1, 9): figure("1"), YEAR: figure("2")}
    assert current_value(series, YEAR, "mean", "index_score") == Observed(D(2), "final")


def test_year_to_date_wins_over_fewer_months_found() -> None:
    series = {**months(figure("5"), figure("5")), (2024, 1, 9): figure("50")}
    found = current_value(series, YEAR, "sum", "count")
    assert found is not None and (found.value, found.coverage) == (D(50), "2024-01/2024-09")


def test_comparison_is_like_with_like_when_the_earlier_span_is_stored() -> None:
    series = {
        (2024, 1, 9): figure("86.4"),
        (2023, 1, 9): figure("84.0"),
        (2023, 1, 12): figure("85.0"),
    }
    current = current_value(series, YEAR, "mean", "index_score")
    first = next(earlier_values(series, YEAR, current, "mean", "index_score"))
    assert first == ("2023-01/2023-09", Observed(D("84.0"), "final"))


def test_comparison_falls_back_to_the_whole_earlier_year() -> None:
    series = {(2024, 1, 9): figure("86.4"), (2022, 1, 12): figure("85.0")}
    current = current_value(series, YEAR, "mean", "index_score")
    assert [p for p, _ in earlier_values(series, YEAR, current, "mean", "index_score")] == ["2022"]


def test_an_earlier_year_is_rolled_up_the_same_way() -> None:
    series = {**months(figure("5")), **months(figure("3"), year=2023)}
    current = current_value(series, JAN_AUG, "sum", "count")
    period, found = next(earlier_values(series, JAN_AUG, current, "sum", "count"))
    assert (period, found.value, found.months) == ("2023-01/2023-08", D(3), MonthsFound(1, 8))


def test_the_region_rule_is_the_same_ratio() -> None:
    parts = [Figure(None, "final", D(9), D(10)), Figure(None, "final", D(50), D(100))]
    combined = combine(parts, "ratio", "percent")
    assert combined is not None and combined.value == D("53.6364")
    assert (combined.numerator, combined.denominator) == (D(59), D(110))


def test_a_quarter_is_looked_up_in_both_its_spellings() -> None:
    assert set(span_texts((2024, 7, 9))) == {"2024-07/2024-09", "2024-Q3"}
    assert "2024-T2" in span_texts((2024, 5, 8))
    texts = candidate_periods(Period.parse("2024"))
    assert {"2024", "2024-01", "2024-12", "2024-01/2024-09", "2023", "2023-01/2023-09"} <= set(
        texts
    )
    assert "2024-Q1" in texts  # Jan–Mar covers the start of the year
