"""Reporting periods: ``2024``, ``2024-Q3``, ``2024-T2``, ``2024-08`` and ``2024-01/2024-08``.

Anything else is rejected, never guessed. A period is a span of whole months within
one year; ``previous_comparable`` is the same span one year earlier (the delårsrapport
Jan–Aug 2024 compares with Jan–Aug 2023). A tertial (``2024-T2``) is the four-month span
Swedish regions report in: T1 January–April, T2 May–August, T3 September–December.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PlainSerializer, WithJsonSchema

PeriodKind = Literal["year", "quarter", "tertial", "month", "range"]

_YEAR = re.compile(r"(\d{4})", re.ASCII)
_QUARTER = re.compile(r"(\d{4})-Q([1-4])", re.ASCII)
_TERTIAL = re.compile(r"(\d{4})-T([1-3])", re.ASCII)
_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)
_RANGE = re.compile(r"(\d{4})-(\d{2})/(\d{4})-(\d{2})", re.ASCII)
MIN_YEAR, MAX_YEAR = 1990, 2100

# What the schemas say a period or a month is, exactly what ``Period.parse`` accepts (less
# the blanks it strips): a year within MIN_YEAR–MAX_YEAR, months 01–12, and a range within
# one year (``\1``) that does not end before it starts.
_YEAR_RE = r"(199[0-9]|20[0-9][0-9]|2100)"
_MM = r"(0[1-9]|1[0-2])"


def _range_re() -> str:
    months = [f"{m:02d}" for m in range(1, 13)]
    later = [
        "|".join(months[i:]) for i in range(12)
    ]  # the months a range starting in month i+1 may end in
    return "(" + "|".join(f"{months[i]}/\\1-({later[i]})" for i in range(12)) + ")"


MONTH_PATTERN = rf"^{_YEAR_RE}-{_MM}$"
PERIOD_PATTERN = rf"^{_YEAR_RE}(-Q[1-4]|-T[1-3]|-{_MM}|-{_range_re()})?$"


class PeriodError(ValueError):
    pass


@dataclass(frozen=True, order=True)
class Period:
    year: int
    first_month: int
    last_month: int
    kind: PeriodKind

    @classmethod
    def parse(cls, text: str) -> Period:
        if not isinstance(text, str):
            raise PeriodError(
                "a period is a string such as 2024, 2024-Q3, 2024-08 or 2024-01/2024-08"
            )
        s = text.strip()
        if m := _YEAR.fullmatch(s):
            return cls._make(int(m[1]), 1, 12, "year")
        if m := _QUARTER.fullmatch(s):
            q = int(m[2])
            return cls._make(int(m[1]), 3 * q - 2, 3 * q, "quarter")
        if m := _TERTIAL.fullmatch(s):
            t = int(m[2])
            return cls._make(int(m[1]), 4 * t - 3, 4 * t, "tertial")
        if m := _MONTH.fullmatch(s):
            return cls._make(int(m[1]), _month(m[2], s), _month(m[2], s), "month")
        if m := _RANGE.fullmatch(s):
            y1, m1, y2, m2 = int(m[1]), _month(m[2], s), int(m[3]), _month(m[4], s)
            if y1 != y2:
                raise PeriodError(f"{s!r}: a range must lie within one year")
            if m1 > m2:
                raise PeriodError(f"{s!r}: the range ends before it starts")
            if m1 == m2:
                return cls._make(y1, m1, m2, "month")
            return cls._make(y1, m1, m2, "range")
        raise PeriodError(
            f"{s!r} is not a period; use 2024, 2024-Q3, 2024-T2, 2024-08 or 2024-01/2024-08"
        )

    @classmethod
    def _make(cls, year: int, first: int, last: int, kind: PeriodKind) -> Period:
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise PeriodError(f"year {year} is outside {MIN_YEAR}–{MAX_YEAR}")
        if kind == "range" and (first, last) == (1, 12):
            kind = "year"
        return cls(year, first, last, kind)

    def __str__(self) -> str:
        if self.kind == "year":
            return f"{self.year}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.last_month // 3}"
        if self.kind == "tertial":
            return f"{self.year}-T{self.last_month // 4}"
        if self.kind == "month":
            return f"{self.year}-{self.first_month:02d}"
        return f"{self.year}-{self.first_month:02d}/{self.year}-{self.last_month:02d}"

    @property
    def month_count(self) -> int:
        return self.last_month - self.first_month + 1

    def months(self) -> list[Period]:
        """The months the period spans, in order (a roll-up looks for each of them)."""
        return [
            Period(self.year, m, m, "month") for m in range(self.first_month, self.last_month + 1)
        ]

    @property
    def last_day(self) -> date:
        """The period's last calendar day (a status "as of" the period speaks for it)."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def first_day(self) -> date:
        return date(self.year, self.first_month, 1)

    def previous_comparable(self) -> Period:
        return Period(self.year - 1, self.first_month, self.last_month, self.kind)

    def same_span(self, other: Period) -> bool:
        return (self.first_month, self.last_month) == (other.first_month, other.last_month)

    def contains(self, other: Period) -> bool:
        return (
            self.year == other.year
            and self.first_month <= other.first_month
            and other.last_month <= self.last_month
        )


def _month(text: str, whole: str) -> int:
    month = int(text)
    if not 1 <= month <= 12:
        raise PeriodError(f"{whole!r}: month {text} does not exist")
    return month


def _validate(value: Any) -> Period:
    if isinstance(value, Period):
        return value
    return Period.parse(value)


#: A pydantic field type: parses on the way in, writes the canonical text on the way out.
PeriodField = Annotated[
    Period,
    BeforeValidator(_validate),
    PlainSerializer(str, return_type=str),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": PERIOD_PATTERN,
            "examples": ["2024", "2024-Q3", "2024-T2", "2024-08", "2024-01/2024-08"],
        }
    ),
]


def parse_period_param(value: str, field: str = "period") -> Period:
    """Parse a query parameter, raising the suite's 422 naming the field."""
    from shared.errors import InvalidInput, field_error

    try:
        return Period.parse(value)
    except PeriodError as exc:
        raise InvalidInput(
            f"{field}: {exc}", errors=[field_error(["query", field], str(exc))]
        ) from exc
