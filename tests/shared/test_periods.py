import pytest

from shared.periods import Period, PeriodError


@pytest.mark.parametrize(
    ("text", "kind", "first", "last"),
    [
        ("2024", "year", 1, 12),
        ("2024-Q3", "quarter", 7, 9),
        ("2024-08", "month", 8, 8),
        ("2024-01/2024-08", "range", 1, 8),
    ],
)
def test_the_four_period_forms_parse(text: str, kind: str, first: int, last: int) -> None:
    period = Period.parse(text)
    assert (period.kind, period.first_month, period.last_month) == (kind, first, last)
    assert str(period) == text


@pytest.mark.parametrize(
    "text",
    [
        "24",
        "2024-13",
        "2024-00",
        "2024-Q5",
        "2024-08/2024-01",
        "2023-11/2024-02",
        "2024/08",
        "2024-8",
        " ",
        "Q3-2024",
        "2024-01/2024-13",
        "1066",
    ],
)
def test_anything_else_is_rejected(text: str) -> None:
    with pytest.raises(PeriodError):
        Period.parse(text)


def test_the_delarsrapport_compares_with_the_same_months_a_year_earlier() -> None:
    assert str(Period.parse("2024-01/2024-08").previous_comparable()) == "2023-01/2023-08"
    assert str(Period.parse("2024-Q3").previous_comparable()) == "2023-Q3"
    assert str(Period.parse("2024").previous_comparable()) == "2023"


def test_a_full_year_range_is_the_year() -> None:
    assert str(Period.parse("2024-01/2024-12")) == "2024"


def test_a_year_contains_its_months_but_not_the_next_years() -> None:
    year = Period.parse("2024")
    assert year.contains(Period.parse("2024-08"))
    assert not year.contains(Period.parse("2025-01"))
